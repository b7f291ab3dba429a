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

#endif
