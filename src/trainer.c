/* trainer.c — the training loop behind trainer.h: window selection over N streams and the carried
 * state, or batches of padded sentences with their mask; loss_and_grads, clipping and the optimizer
 * step. Nothing is allocated per step. */
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

/* A trainer with its optimizer, a copy of ids (len,) and the (N, T+1) window; with `pieces`, sentence
 * batching's piece table and mask too (filled by the caller). */
static lm_status trainer_alloc(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len, int N, int T,
                               const lm_optim_config *opt, size_t pieces) {
    lm_trainer *t = calloc(1, sizeof *t);
    if (!t) return lm_fail(LM_ERR_NOMEM, "out of memory for a trainer");
    lm_status s = lm_optim_init(&t->opt, opt, model->n_params);
    if (s) {
        free(t);
        return s;
    }
    t->opt.frozen = model->frozen; /* read at every step: freezing applies from the next one */
    t->ids = malloc((len ? len : 1) * sizeof(int32_t));
    t->window = malloc((size_t)N * ((size_t)T + 1) * sizeof(int32_t));
    if (pieces) {
        t->sentences = 1;
        t->n_pieces = pieces;
        t->mask = malloc((size_t)N * (size_t)T);
        t->piece_start = malloc(pieces * sizeof(size_t));
        t->piece_len = malloc(pieces * sizeof(int32_t));
    }
    if (!t->ids || !t->window || (pieces && (!t->mask || !t->piece_start || !t->piece_len))) {
        trainer_delete(t);
        return lm_fail(LM_ERR_NOMEM, "out of memory copying %zu training tokens", len);
    }
    memcpy(t->ids, ids, len * sizeof(int32_t));
    t->model = model;
    t->len = len;
    t->N = N;
    t->T = T;
    *out = t;
    return LM_OK;
}

lm_status trainer_new(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len, int N, int T,
                      const lm_optim_config *opt) {
    *out = NULL;
    if (len / (size_t)N < (size_t)T + 1)
        return lm_fail(LM_ERR_EMPTY,
                       "the training text has %zu tokens, too short for one window: %d streams of %d+1 tokens need at "
                       "least %zu; use a smaller batch or sequence length, or more text",
                       len, N, T, (size_t)N * ((size_t)T + 1));
    LM_TRY(trainer_alloc(out, model, ids, len, N, T, opt, 0));
    lm_trainer *t = *out;
    t->stream_len = len / (size_t)N;
    model_reset_state(model);
    lm_status s = trainer_set_shards(t, 1, 0, 1);
    if (s) {
        trainer_delete(t);
        *out = NULL;
        return s;
    }
    return LM_OK;
}

/* Pieces of at most T+1 tokens, sharing one token with the next, of sentences [starts[i], starts[i+1]):
 * a sentence of n ≥ 2 tokens has ceil((n-1)/T) pieces and each of its n-1 targets is in exactly one.
 * Writes them when piece_start is not NULL; returns how many. */
static size_t cut_pieces(const int32_t *starts, size_t S, int T, size_t *piece_start, int32_t *piece_len) {
    size_t count = 0;
    for (size_t i = 0; i < S; i++) {
        size_t a = (size_t)starts[i], b = (size_t)starts[i + 1];
        for (size_t p = a; p + 1 < b; p += (size_t)T) {
            if (piece_start) {
                size_t end = p + (size_t)T + 1 < b ? p + (size_t)T + 1 : b;
                piece_start[count] = p;
                piece_len[count] = (int32_t)(end - p);
            }
            count++;
        }
    }
    return count;
}

lm_status trainer_new_sentences(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len,
                                const int32_t *starts, size_t S, int N, int T, const lm_optim_config *opt) {
    *out = NULL;
    size_t pieces = cut_pieces(starts, S, T, NULL, NULL);
    if (pieces < (size_t)N)
        return lm_fail(LM_ERR_EMPTY,
                       "the training text has %zu sentences of two or more tokens (cut at %d+1), fewer than the batch "
                       "of %d: use a smaller batch or more text",
                       pieces, T, N);
    LM_TRY(trainer_alloc(out, model, ids, len, N, T, opt, pieces));
    cut_pieces(starts, S, T, (*out)->piece_start, (*out)->piece_len);
    return LM_OK;
}

lm_status trainer_set_state_resets(lm_trainer *t, double p) {
    if (p > 0 && !t->fresh) {
        /* + 1: never a zero-size allocation (the window model with W = 1 has no state) */
        t->fresh = malloc((model_state_count(t->model, t->N) + 1) * sizeof(lm_float));
        if (!t->fresh) return lm_fail(LM_ERR_NOMEM, "out of memory for the state of %d streams", t->N);
    }
    t->state_reset = p;
    return LM_OK;
}

void trainer_delete(lm_trainer *t) {
    if (!t) return;
    lm_optim_free(&t->opt);
    free(t->ids);
    free(t->window);
    free(t->mask);
    free(t->piece_start);
    free(t->piece_len);
    free(t->shard_start);
    free(t->pending);
    free(t->start);
    free(t->fresh);
    free(t);
}

/* The next N pieces, cyclically in corpus order, into window (N, Tb+1) and mask (N, Tb), Tb = the
 * longest piece's targets; padding is token 0 (any id would do: its positions are masked). Returns Tb
 * and the index after the batch in *next (the caller advances once the step is accepted). */
static int next_sentences(const lm_trainer *t, size_t *next) {
    int Tb = 1;
    for (int n = 0; n < t->N; n++) {
        int32_t len = t->piece_len[(t->pos + (size_t)n) % t->n_pieces];
        if (len - 1 > Tb) Tb = len - 1;
    }
    for (int n = 0; n < t->N; n++) {
        size_t k = (t->pos + (size_t)n) % t->n_pieces;
        const int32_t len = t->piece_len[k];
        int32_t *row = t->window + (size_t)n * (Tb + 1); /* (Tb+1,) */
        uint8_t *real = t->mask + (size_t)n * Tb;        /* (Tb,) */
        memcpy(row, t->ids + t->piece_start[k], (size_t)len * sizeof(int32_t));
        for (int i = len; i <= Tb; i++) row[i] = 0;
        for (int i = 0; i < Tb; i++) real[i] = i < len - 1;
    }
    *next = t->pos + (size_t)t->N;
    return Tb;
}

void trainer_next_window(lm_trainer *t) {
    if (t->pos + (size_t)t->T + 1 > t->stream_len) {
        t->pos = 0;
        t->wraps++;
        model_reset_state(t->model);
    }
    for (int n = 0; n < t->N; n++) {
        size_t start = (size_t)n * t->stream_len + t->pos;
        memcpy(t->window + (size_t)n * (t->T + 1), t->ids + start, ((size_t)t->T + 1) * sizeof(int32_t));
    }
}

lm_status trainer_train(lm_trainer *t, int count, lm_train_stats *stats) {
    memset(stats, 0, sizeof *stats);
    lm_model *m = t->model;
    double sum = 0;
    int done = 0;
    lm_status s = LM_OK;
    for (; done < count; done++) {
        if (t->sentences) {
            size_t next;
            const int Tb = next_sentences(t, &next);
            double loss;
            s = model_loss_and_grads_masked(m, t->window, t->mask, t->N, Tb, &loss);
            if (!s) s = lm_optim_step(&t->opt, m->params, m->grads, m->table, m->n_tensors);
            if (s) break;
            t->wraps += next / t->n_pieces;
            t->pos = next % t->n_pieces;
            sum += loss;
            stats->last_loss = loss;
            continue;
        }
        trainer_next_window(t);
        t->pending_step = 0;
        /* the carry changes only once the step is accepted, so a refused step leaves it as it was */
        double loss;
        s = model_ensure_carry(m, t->N);
        const lm_float *start = m->carry; /* (state of N streams) */
        if (!s && t->state_reset > 0) {   /* state resets: a copy with the picked rows reset, the carry untouched */
            memcpy(t->fresh, m->carry, model_state_count(m, t->N) * sizeof(lm_float));
            trainer_reset_rows(t, t->fresh, 0, t->N);
            start = t->fresh;
        }
        if (!s) s = model_loss_and_grads_from(m, t->window, t->N, t->T, start, &loss);
        if (!s) s = lm_optim_step(&t->opt, m->params, m->grads, m->table, m->n_tensors);
        if (s) break;
        model_commit_state(m, t->N, t->T);
        t->pos += (size_t)t->T;
        sum += loss;
        stats->last_loss = loss;
    }
    stats->step = t->opt.step;
    stats->loss = done ? sum / done : 0;
    stats->grad_norm = t->opt.last_grad_norm;
    stats->clipped = t->opt.last_clipped;
    stats->clip_events = t->opt.clip_events;
    return s;
}
