/* seq2seq_cells.h — (internal to the seq2seq files) one step of a recurrent stack's layer over the
 * cells of layers.h / layers_gated.h, and the encoder and decoder passes over a model's caches
 * (seq2seq_forward.c, seq2seq_backward.c). The caches must be carved for (N, Ts, Tt) and the batch
 * loaded (seq2seq.c) before any of these run. No validation here.
 * Shapes: N batch, Ts source steps, Tt target steps, E embedding, H hidden, L layers, G gates, A attention. */
#ifndef LM_SEQ2SEQ_CELLS_H
#define LM_SEQ2SEQ_CELLS_H

#include "seq2seq.h"

/* Workspace (lm_float elements) of one step of a stack's cell for N rows, forward or backward. */
size_t s2s_cell_work(lm_cell cell, int N, int H);
/* Row width of a cell's per-step cache: 6H (LSTM), 4H (GRU), 0 (RNN keeps none). */
size_t s2s_cache_width(lm_cell cell, int H);

/* Before a forward: the torch GRU's combined biases (bsum) from the current parameters. */
void s2s_stack_prepare(lm_s2s_stack *s);
/* After a backward: the torch GRU's bias_hh r, z blocks get the same gradient as bias_ih's. */
void s2s_stack_finish_grads(lm_s2s_stack *s);

/* One step of layer l: h (N, H), c (N, H) (LSTM; else unused), cache (N, CW) out; xw (N, G·H) = the
 * layer input·Wx (without b); h_prev, c_prev (N, H). */
void s2s_cell_forward(const lm_s2s_stack *s, int l, lm_float *h, lm_float *c, lm_float *cache, const lm_float *xw,
                      const lm_float *h_prev, const lm_float *c_prev, lm_float *work, int N);
/* Its backward: dxw (N, G·H), dh_prev (N, H), dc_prev (N, H) (LSTM) overwritten; dWh, db (and the torch
 * GRU's b_hn) of layer l +=; dh (N, H), dc (N, H) (LSTM) the upstream gradients of h and c. */
void s2s_cell_backward(const lm_s2s_stack *s, int l, lm_float *dxw, lm_float *dh_prev, lm_float *dc_prev,
                       const lm_float *dh, const lm_float *dc, const lm_float *h_prev, const lm_float *c_prev,
                       const lm_float *h, const lm_float *cache, lm_float *work, int N);

/* Slots of the time-major state arrays (see seq2seq.h). */
lm_float *s2s_enc_h(const lm_seq2seq *m, int l, int t); /* (N, H) state after source step t (0 = start) */
lm_float *s2s_enc_c(const lm_seq2seq *m, int l, int t); /* (N, H) or NULL without an LSTM */
lm_float *s2s_dec_h(const lm_seq2seq *m, int l, int i); /* (N, H) decoder state after target step i */
lm_float *s2s_dec_c(const lm_seq2seq *m, int l, int i);

/* Source ids src (N, Ts) of the carved shape into src_t (time-major), lens and the attention mask. */
void s2s_load_sources(lm_seq2seq *m, const int32_t *src);
/* The encoder over m->src_t (Ts, N): states, keys (and keys·W_k), and the decoder's start state. */
void s2s_encode(lm_seq2seq *m);
/* Decoder step i (0-based) from the state in slot i, input m->yin[i]: context, then every layer. The
 * target embeddings and their projection m->dxw must have been computed (s2s_decoder_inputs). */
void s2s_decode_step(lm_seq2seq *m, int i);
/* The target embeddings of m->yin (Tt, N) and their projection through decoder layer 0's Wx. */
void s2s_decoder_inputs(lm_seq2seq *m);
/* Scores (Tt, N, Vt) of every step from the decoder states (and contexts). */
void s2s_output(lm_seq2seq *m);
/* Zeroes the gradients, then the whole chain back from m->dscores (Tt, N, Vt) of the last forward. */
void s2s_backward(lm_seq2seq *m);

#endif
