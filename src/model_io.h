/* model_io.h — model files: the parameter table mapped onto safetensors with PyTorch's names and
 * layouts, the config and string metadata in __metadata__, and (optionally) the trainer's state as
 * extra tensors so training resumes exactly. The table: docs/model-file.md. */
#ifndef LM_MODEL_IO_H
#define LM_MODEL_IO_H

#include "model.h"
#include "trainer.h"

/* Replace the model's string metadata with `json`, a JSON object whose values are all strings
 * (keys "format", "config" and "trainer" are reserved). NULL or "" clears it. */
lm_status model_set_metadata(lm_model *m, const char *json);

/* Serialise the model (and trainer's optimizer moments, step, stream position and carried state when
 * trainer is not NULL) into a fresh malloc'ed buffer. */
lm_status model_save(const lm_model *m, const lm_trainer *trainer, uint8_t **out, size_t *out_len);

/* Build a model from a file: config from metadata, every tensor's presence and shape checked against it.
 * A PyTorch bias_hh is folded into b; a non-identity one-hot embedding is folded into Wx. */
lm_status model_load(lm_model **out, const uint8_t *bytes, size_t len);

/* Restore optimizer moments, step, clip count, stream position and carried state saved with
 * model_save(m, trainer). The trainer's batch, window and optimizer kind must match the file's.
 * On failure the trainer is unchanged. */
lm_status trainer_restore(lm_trainer *t, const uint8_t *bytes, size_t len);

#endif
