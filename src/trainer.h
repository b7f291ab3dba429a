/* trainer.h — training a model, in one of two batchings:
 *  - streams: N parallel streams of one token stream (stream n starts at n·floor(len/N)); each step
 *    takes the next (N, T+1) window of every stream, runs loss_and_grads (state carried), clips and
 *    updates. When a window would run past the end of the streams, all of them wrap to their starts and
 *    the state resets.
 *  - sentences: whole sentences (pieces of at most T+1 tokens), N a step in corpus order, each from the
 *    empty state, padded to the batch's longest with the padding masked in the loss (nothing carried).
 * It owns its optimizer and a copy of the ids; the model stays owned by the caller.
 * Shapes: N streams or sentences, T window (sentences: the most time steps of one piece). */
#ifndef LM_TRAINER_H
#define LM_TRAINER_H

#include "model.h"
#include "optim.h"

struct lm_trainer {
    lm_model *model; /* not owned; checked live at each call from the API */
    int32_t *ids;    /* (len,) copy of the training stream */
    size_t len;
    int N, T;
    size_t stream_len; /* floor(len / N) */
    size_t pos;        /* offset of the next window inside every stream */
    lm_optimizer opt;
    int32_t *window; /* (N, T+1) the current batch */
    uint64_t wraps;  /* times the streams wrapped (epochs) */
    /* sentences only (sentences = 0: streams); pos is then the index of the next piece */
    int sentences;
    size_t n_pieces;     /* sentences cut to at most T+1 tokens; those of one token dropped */
    size_t *piece_start; /* (n_pieces,) offset into ids */
    int32_t *piece_len;  /* (n_pieces,) tokens, 2 … T+1 */
    uint8_t *mask;       /* (N, T) 1 = a real target, 0 = padding */
    /* Shards (trainer_shard.c, data-parallel training; streams only): the N streams split into S fixed
     * shards of contiguous streams, shard j = streams [shard_start[j], shard_start[j+1]); this trainer
     * computes the gradients of shards [first, first + count) only. trainer_new sets S = 1 (the batch). */
    int S, first, count;
    int *shard_start;  /* (S+1,) */
    lm_float *pending; /* (state_count(N)) final states of the own shards after trainer_grads */
    lm_float *start;   /* (state_count(largest shard)) one shard's state, contiguous */
    int pending_step;  /* 1 from a successful trainer_grads until trainer_apply */
    /* State resets (streams only): each window, stream n starts from the zero state instead of its
     * carried one with probability state_reset, decided by a hash of (steps taken, n), so every
     * replica and a resumed run decide alike. The carry itself is never changed by the decision (a
     * refused step leaves it as it was); fresh (state_count(N)) holds the start with the rows reset. */
    double state_reset;
    lm_float *fresh;
};

typedef struct {
    int64_t step;
    double loss;      /* mean training loss over the steps of the call */
    double last_loss; /* loss of the last step */
    double grad_norm; /* of the last step, before clipping */
    int clipped;      /* the last step was clipped */
    int64_t clip_events;
} lm_train_stats;

/* N, T ≥ 1, ids in [0, V) and a validated optimizer config (the edge checks them); a corpus shorter
 * than one window of every stream is LM_ERR_EMPTY. */
lm_status trainer_new(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len, int N, int T,
                      const lm_optim_config *opt);
/* Sentences: ids (len,) with starts (S+1,) sentence offsets, starts[0] = 0 ≤ … ≤ starts[S] = len (the
 * edge checks them). A sentence longer than T+1 tokens is cut into pieces of T+1 that share one token
 * (each token is predicted once; the state restarts at each piece). Fewer pieces than N is LM_ERR_EMPTY. */
lm_status trainer_new_sentences(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len,
                                const int32_t *starts, size_t S, int N, int T, const lm_optim_config *opt);
void trainer_delete(lm_trainer *t);
/* Run `count` (≥ 1) steps; on a refused step returns LM_ERR_NONFINITE with the stats of the steps done. */
lm_status trainer_train(lm_trainer *t, int count, lm_train_stats *stats);
/* Fill t->window (N, T+1) from the current position, wrapping first (state reset) if it would not fit. */
void trainer_next_window(lm_trainer *t);
/* Streams: the chance p in [0, 1) that a stream starts a window from the zero state (the edge checks it). */
lm_status trainer_set_state_resets(lm_trainer *t, double p);
/* Whether stream n starts the coming window (after t->opt.step steps) from the zero state. */
int trainer_resets_stream(const lm_trainer *t, int n);
/* Reset, in a state (A, n, X) of streams [n0, n0 + n), the rows of the streams trainer_resets_stream
 * picks to the zero state (zeros; the window model's LM_WINDOW_PAD). */
void trainer_reset_rows(const lm_trainer *t, lm_float *state, int n0, int n);

/* ---- data-parallel steps (trainer_shard.c), streams only; the edge (trainer_shard_api.c) checks the
 * arguments ---- */
/* Split the N streams into S (1 ≤ S ≤ N) shards, the first N mod S of them one stream longer; this
 * trainer owns shards [first, first + count). Drops a pending step. */
lm_status trainer_set_shards(lm_trainer *t, int S, int first, int count);
/* The next window's gradient of each own shard, without applying it: grads (count, n_params), shard j's
 * row = the gradient of the cross-entropy summed over the window and over the shard's streams, divided
 * by N (all streams), so the rows of all S shards sum to the whole batch's gradient; losses (count,) the
 * mean cross-entropy per token of each shard; state (state_count(own streams)) or NULL: the own
 * streams' final states (layout of model_state_count for those streams). Carry and position change only
 * in trainer_apply; a non-finite loss or gradient is LM_ERR_NONFINITE with no step pending. */
lm_status trainer_grads(lm_trainer *t, lm_float *grads, double *losses, lm_float *state);
/* Apply grad (n_params,), the sum of every shard's row, with the optimizer (clipping sees the sum), then
 * carry the own streams' states and advance. A refused step (LM_ERR_NONFINITE) changes nothing. */
lm_status trainer_apply(lm_trainer *t, const lm_float *grad);
/* grads (rows, n_params): row 0 += rows 1, 2, … in that order, in lm_float (the fixed-order sum of the
 * shards, a vectorised loop instead of the coordinator's JavaScript one). */
void trainer_sum_grads(const lm_trainer *t, lm_float *grads, int rows);
/* Overwrite the carried state of streams [n0, n0 + n) with state (state_count(n)); values checked. */
lm_status trainer_set_state_rows(lm_trainer *t, int n0, int n, const lm_float *state);

#endif
