/* seq2seq_io.h — seq2seq model files: the parameter table on safetensors with the table's PyTorch names
 * and layouts (plus zero bias_hh tensors where we keep one bias, so torch.nn.RNN/LSTM/GRU load them),
 * the config in __metadata__["config"], the caller's strings (the two vocabularies) beside it, and
 * optionally the trainer's state (optimizer moments "optim.<name>.m|v", step, epoch, cursor) so a run
 * resumes exactly. Format tag "lmlab-seq2seq-1"; the language models' files are "lmlab-1". */
#ifndef LM_SEQ2SEQ_IO_H
#define LM_SEQ2SEQ_IO_H

#include "seq2seq.h"
#include "seq2seq_trainer.h"

/* Replace the model's string metadata with `json`, an object whose values are strings (keys "format",
 * "config" and "trainer" are reserved). NULL or "" clears it. */
lm_status seq2seq_set_metadata(lm_seq2seq *m, const char *json);
/* Serialise the model (and the trainer's state when trainer is not NULL) into a fresh malloc'ed buffer. */
lm_status seq2seq_save(const lm_seq2seq *m, const lm_s2s_trainer *trainer, uint8_t **out, size_t *out_len);
/* Build a model from a file: the config from the metadata, every tensor's presence and shape checked. */
lm_status seq2seq_load(lm_seq2seq **out, const uint8_t *bytes, size_t len);
/* Restore the optimizer's moments, step and clip count, and the data position (when the file was
 * saved on the same number of pairs), from a file saved with a trainer. The optimizer kind and batch
 * size must match. On failure the trainer is unchanged. */
lm_status seq2seq_trainer_restore(lm_s2s_trainer *t, const uint8_t *bytes, size_t len);

#endif
