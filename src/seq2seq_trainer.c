/* seq2seq_trainer.c — the training loop behind seq2seq_trainer.h: pair checks, the per-epoch shuffled
 * order, batch padding, loss and gradients, and the optimizer step. Nothing is allocated per step. */
#include "seq2seq_trainer.h"

#include "rng.h"

#include <stdlib.h>
#include <string.h>

/* Pair p's rules; fn starts the sentence. */
static lm_status check_pair(const lm_seq2seq *m, size_t p, const int32_t *s, int sl, const int32_t *y, int yl,
                            const char *fn) {
    const lm_seq2seq_config *c = &m->cfg;
    if (sl < 1 || sl > LM_MAX_S2S_LEN)
        return lm_fail(LM_ERR_ARG, "%s: pair %zu: the source has %d tokens; it needs 1 to %d", fn, p, sl,
                       LM_MAX_S2S_LEN);
    if (yl < 2 || yl > LM_MAX_S2S_LEN + 1)
        return lm_fail(LM_ERR_ARG, "%s: pair %zu: the target has %d ids with <s> and </s>; it needs 2 to %d", fn, p, yl,
                       LM_MAX_S2S_LEN + 1);
    for (int t = 0; t < sl; t++) {
        if (s[t] < 0 || s[t] >= c->Vs)
            return lm_fail(LM_ERR_ARG,
                           "%s: pair %zu: source id %d at position %d is outside the source vocabulary "
                           "[0, %d)",
                           fn, p, (int)s[t], t, c->Vs);
        if (s[t] == c->src_pad)
            return lm_fail(LM_ERR_ARG, "%s: pair %zu: the source holds <pad> at position %d", fn, p, t);
    }
    if (y[0] != c->tgt_bos)
        return lm_fail(LM_ERR_ARG, "%s: pair %zu: the target must start with <s> (id %d), got %d", fn, p, c->tgt_bos,
                       (int)y[0]);
    for (int t = 0; t < yl; t++) {
        if (y[t] < 0 || y[t] >= c->Vt)
            return lm_fail(LM_ERR_ARG,
                           "%s: pair %zu: target id %d at position %d is outside the target vocabulary "
                           "[0, %d)",
                           fn, p, (int)y[t], t, c->Vt);
        if (y[t] == c->tgt_pad || (t > 0 && y[t] == c->tgt_bos))
            return lm_fail(LM_ERR_ARG, "%s: pair %zu: the target holds %s at position %d", fn, p,
                           y[t] == c->tgt_pad ? "<pad>" : "a second <s>", t);
    }
    return LM_OK;
}

lm_status seq2seq_check_pairs(const lm_seq2seq *m, const int32_t *src, const int32_t *src_len, const int32_t *tgt,
                              const int32_t *tgt_len, size_t P, const char *fn) {
    if (P < 1) return lm_fail(LM_ERR_EMPTY, "%s: there are no training pairs", fn);
    size_t ns = 0, nt = 0;
    for (size_t p = 0; p < P; p++) {
        LM_TRY(check_pair(m, p, src + ns, src_len[p], tgt + nt, tgt_len[p], fn));
        ns += (size_t)src_len[p];
        nt += (size_t)tgt_len[p];
    }
    return LM_OK;
}

/* The order of epoch e: a Fisher–Yates shuffle of 0 .. P-1 from a PCG32 stream seeded by (seed, e). */
static void shuffle_epoch(lm_s2s_trainer *t, uint64_t e) {
    lm_rng rng;
    lm_rng_seed(&rng, ((uint64_t)t->seed << 32) ^ (e * 0x9E3779B97F4A7C15ull));
    for (size_t i = 0; i < t->P; i++) t->order[i] = (uint32_t)i;
    for (size_t i = t->P; i > 1; i--) {
        size_t j = lm_rng_below(&rng, (uint32_t)i);
        uint32_t tmp = t->order[i - 1];
        t->order[i - 1] = t->order[j];
        t->order[j] = tmp;
    }
}

lm_status seq2seq_trainer_new(lm_s2s_trainer **out, lm_seq2seq *m, const int32_t *src, const int32_t *src_len,
                              const int32_t *tgt, const int32_t *tgt_len, size_t P, int N, const lm_optim_config *opt,
                              uint32_t seed) {
    *out = NULL;
    size_t ns = 0, nt = 0;
    int max_src = 0, max_tgt = 0;
    for (size_t p = 0; p < P; p++) {
        ns += (size_t)src_len[p];
        nt += (size_t)tgt_len[p];
        max_src = src_len[p] > max_src ? src_len[p] : max_src;
        max_tgt = tgt_len[p] > max_tgt ? tgt_len[p] : max_tgt;
    }
    lm_s2s_trainer *t = calloc(1, sizeof *t);
    if (!t) return lm_fail(LM_ERR_NOMEM, "out of memory for a seq2seq trainer");
    lm_status s = lm_optim_init(&t->opt, opt, m->n_params);
    if (s) {
        free(t);
        return s;
    }
    t->model = m;
    t->P = P;
    t->N = N;
    t->seed = seed;
    t->max_src = max_src;
    t->max_tgt = max_tgt;
    t->src = malloc(ns * sizeof *t->src);
    t->tgt = malloc(nt * sizeof *t->tgt);
    t->src_off = malloc((P + 1) * sizeof *t->src_off);
    t->tgt_off = malloc((P + 1) * sizeof *t->tgt_off);
    t->order = malloc(P * sizeof *t->order);
    t->pick = malloc((size_t)N * sizeof *t->pick);
    t->bsrc = malloc((size_t)N * max_src * sizeof *t->bsrc);
    t->btgt = malloc((size_t)N * max_tgt * sizeof *t->btgt);
    if (!t->src || !t->tgt || !t->src_off || !t->tgt_off || !t->order || !t->pick || !t->bsrc || !t->btgt) {
        seq2seq_trainer_delete(t);
        return lm_fail(LM_ERR_NOMEM, "out of memory copying %zu training pairs", P);
    }
    memcpy(t->src, src, ns * sizeof *t->src);
    memcpy(t->tgt, tgt, nt * sizeof *t->tgt);
    t->src_off[0] = t->tgt_off[0] = 0;
    for (size_t p = 0; p < P; p++) {
        t->src_off[p + 1] = t->src_off[p] + (size_t)src_len[p];
        t->tgt_off[p + 1] = t->tgt_off[p] + (size_t)tgt_len[p];
    }
    shuffle_epoch(t, 0);
    *out = t;
    return LM_OK;
}

void seq2seq_trainer_delete(lm_s2s_trainer *t) {
    if (!t) return;
    lm_optim_free(&t->opt);
    free(t->src), free(t->tgt), free(t->src_off), free(t->tgt_off), free(t->order), free(t->pick), free(t->bsrc),
        free(t->btgt);
    free(t);
}

lm_status seq2seq_trainer_seek(lm_s2s_trainer *t, uint64_t epoch, size_t cursor) {
    if (cursor > t->P)
        return lm_fail(LM_ERR_FORMAT, "seq2seq: a saved position %zu is past the %zu training pairs", cursor, t->P);
    t->epoch = epoch;
    t->cursor = cursor;
    shuffle_epoch(t, epoch);
    return LM_OK;
}

/* The next N pairs, padded: a batch of (N, Ts) sources and (N, Tt+1) targets. An epoch that ends inside
 * a batch is completed from the next epoch's order. */
static lm_s2s_batch next_batch(lm_s2s_trainer *t, double *tokens) {
    const lm_seq2seq_config *c = &t->model->cfg;
    const int N = t->N;
    int Ts = 1, Ty = 2;
    for (int n = 0; n < N; n++) {
        if (t->cursor == t->P) {
            t->epoch++;
            shuffle_epoch(t, t->epoch);
            t->cursor = 0;
        }
        const uint32_t p = t->pick[n] = t->order[t->cursor++];
        const int sl = (int)(t->src_off[p + 1] - t->src_off[p]), yl = (int)(t->tgt_off[p + 1] - t->tgt_off[p]);
        Ts = sl > Ts ? sl : Ts;
        Ty = yl > Ty ? yl : Ty;
    }
    *tokens = 0;
    for (int n = 0; n < N; n++) {
        const uint32_t p = t->pick[n];
        const size_t s0 = t->src_off[p], sl = t->src_off[p + 1] - s0, y0 = t->tgt_off[p], yl = t->tgt_off[p + 1] - y0;
        int32_t *rs = t->bsrc + (size_t)n * Ts, *ry = t->btgt + (size_t)n * Ty; /* (Ts,), (Tt+1,) */
        memcpy(rs, t->src + s0, sl * sizeof *rs);
        for (int j = (int)sl; j < Ts; j++) rs[j] = c->src_pad;
        memcpy(ry, t->tgt + y0, yl * sizeof *ry);
        for (int j = (int)yl; j < Ty; j++) ry[j] = c->tgt_pad;
        *tokens += (double)(yl - 1);
    }
    return (lm_s2s_batch){t->bsrc, t->btgt, N, Ts, Ty - 1};
}

lm_status seq2seq_trainer_train(lm_s2s_trainer *t, int count, lm_s2s_train_stats *stats) {
    memset(stats, 0, sizeof *stats);
    lm_seq2seq *m = t->model;
    double sum = 0;
    int done = 0;
    lm_status s = LM_OK;
    for (; done < count; done++) {
        /* a refused step must not move the data position: remember it */
        const size_t cursor = t->cursor;
        const uint64_t epoch = t->epoch;
        double tokens, loss;
        lm_s2s_batch b = next_batch(t, &tokens);
        s = seq2seq_loss_and_grads(m, &b, &loss, NULL);
        if (!s) s = lm_optim_step(&t->opt, m->params, m->grads, m->table, m->n_tensors);
        if (s) {
            if (epoch != t->epoch) shuffle_epoch(t, epoch);
            t->cursor = cursor;
            t->epoch = epoch;
            break;
        }
        sum += loss;
        stats->last_loss = loss;
        stats->pairs += t->N;
        stats->tokens += tokens;
    }
    stats->step = t->opt.step;
    stats->loss = done ? sum / done : 0;
    stats->grad_norm = t->opt.last_grad_norm;
    stats->clipped = t->opt.last_clipped;
    stats->clip_events = t->opt.clip_events;
    stats->epoch = t->epoch;
    return s;
}
