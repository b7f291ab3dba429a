/* seq2seq_trainer.h — training an encoder–decoder on a set of (source, target) pairs: each step takes
 * the next N pairs of a shuffled order (a new order every epoch, fixed by the seed and the epoch
 * number, so a run resumes exactly from (epoch, cursor)), pads them into a batch, runs the
 * teacher-forced loss and gradients, clips and updates with the optimizers of optim.h. It owns a copy
 * of the pairs and its optimizer; the model stays the caller's. Shapes: N pairs per batch, P pairs. */
#ifndef LM_SEQ2SEQ_TRAINER_H
#define LM_SEQ2SEQ_TRAINER_H

#include "optim.h"
#include "seq2seq.h"

typedef struct lm_s2s_trainer { /* lmlab.h's lm_seq2seq_trainer */
    lm_seq2seq *model;          /* not owned */
    size_t P;                   /* pairs */
    int32_t *src, *tgt;         /* concatenated ids of every source / target (targets with <s> … </s>) */
    size_t *src_off, *tgt_off;  /* (P+1,) where each pair's ids start */
    int max_src, max_tgt;       /* longest source / target */
    int N;
    uint32_t seed;
    uint32_t *order; /* (P,) this epoch's order */
    size_t cursor;   /* next position in order */
    uint64_t epoch;  /* completed passes over the pairs */
    uint32_t *pick;  /* (N,) the pairs of the current batch */
    lm_optimizer opt;
    int32_t *bsrc, *btgt; /* (N, max_src), (N, max_tgt) the padded batch */
} lm_s2s_trainer;

typedef struct {
    int64_t step;
    double loss; /* mean training loss (nats per target token) over the steps of the call */
    double last_loss;
    double grad_norm; /* of the last step, before clipping */
    int clipped;
    int64_t clip_events;
    double pairs; /* pairs and target tokens trained on in this call */
    double tokens;
    uint64_t epoch;
} lm_s2s_train_stats;

/* The rules of the pairs: src (Σ src_len,) and tgt (Σ tgt_len,) concatenated, src_len (P,), tgt_len (P,),
 * P ≥ 1. Every source needs 1 .. LM_MAX_S2S_LEN tokens, none of them <pad>; every target 2 ..
 * LM_MAX_S2S_LEN + 1 ids, starting with <s>, without <pad> or a second <s>. Names the first bad pair. */
lm_status seq2seq_check_pairs(const lm_seq2seq *m, const int32_t *src, const int32_t *src_len, const int32_t *tgt,
                              const int32_t *tgt_len, size_t P, const char *fn);
/* A trainer over pairs that passed seq2seq_check_pairs, N ≥ 1 pairs per batch, an optimizer config that
 * passed lm_optim_validate. */
lm_status seq2seq_trainer_new(lm_s2s_trainer **out, lm_seq2seq *model, const int32_t *src, const int32_t *src_len,
                              const int32_t *tgt, const int32_t *tgt_len, size_t P, int N, const lm_optim_config *opt,
                              uint32_t seed);
void seq2seq_trainer_delete(lm_s2s_trainer *t);
/* Run `count` (≥ 1) steps; a refused step stops there with LM_ERR_NONFINITE and the stats of the steps done. */
lm_status seq2seq_trainer_train(lm_s2s_trainer *t, int count, lm_s2s_train_stats *stats);
/* Move to (epoch, cursor) of a saved run (the order of that epoch is rebuilt from the seed). */
lm_status seq2seq_trainer_seek(lm_s2s_trainer *t, uint64_t epoch, size_t cursor);

#endif
