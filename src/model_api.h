/* model_api.h — the exported (LM_API) edge of the neural model, trainer, sampler and model files, as
 * the glue (wasm_glue/model.mjs) and the native tests and drivers call it. Every function validates its
 * arguments and handles and returns an lm_status; failures leave a sentence in lm_error_message().
 * Shapes: N batch, T time, V vocabulary, H hidden. */
#ifndef LM_MODEL_API_H
#define LM_MODEL_API_H

#include "model.h"
#include "trainer.h"

/* A byte buffer (a saved model file) handed to the caller; free it with lm_bytes_free. */
typedef struct {
    uint8_t *data;
    size_t len;
} lm_bytes;

int lm_model_create(int cell, int V, int E, int H, int L, int W, int gru_variant, uint32_t seed, lm_model **out);
int lm_model_free(lm_model *m);
int lm_model_info(const lm_model *m, uint32_t *info);
int lm_model_buffers(const lm_model *m, lm_float **params, lm_float **grads);
int lm_model_tensor(const lm_model *m, int k, uint32_t *info, const char **name, const char **lecture);
int lm_model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss);
int lm_model_reset_state(lm_model *m);
int lm_model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out);
int lm_model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *out);
int lm_model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out);
int lm_model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates);
int lm_model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out);
int lm_model_grad_flow(const lm_model *m, lm_float **flow, int *T);
int lm_model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss);
int lm_model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature, int top_k,
                    uint32_t seed, int stop_id, int32_t *out, int *n_out);
int lm_model_gradient_check(lm_model *m, const int32_t *ids, int N, int T, int samples, double eps, uint32_t seed,
                          double *out);
int lm_model_evaluate(lm_model *m, const int32_t *ids, uint32_t len, int B, int T, double *out);
int lm_model_set_metadata(lm_model *m, const char *json);
int lm_model_metadata(const lm_model *m, const char **json);
int lm_model_save(const lm_model *m, const lm_trainer *trainer, lm_bytes **out);
int lm_bytes_view(const lm_bytes *b, uint8_t **data, uint32_t *len);
int lm_bytes_free(lm_bytes *b);
int lm_model_load(const uint8_t *bytes, uint32_t len, lm_model **out);
int lm_trainer_create(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, int optimizer, double lr,
                          double momentum, double clip, int clip_mode, lm_trainer **out);
int lm_trainer_free(lm_trainer *t);
int lm_trainer_train(lm_trainer *t, int count, double *stats);
int lm_trainer_set_lr(lm_trainer *t, double lr);
int lm_trainer_restore(lm_trainer *t, const uint8_t *bytes, uint32_t len);
int lm_mask_positions(uint32_t seed, const int32_t *lengths, int n, int skip_ends, int32_t *positions);
int lm_trainer_info(const lm_trainer *t, double *info);

#endif
