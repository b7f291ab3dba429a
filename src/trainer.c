/* trainer.c — the training loop behind trainer.h: window selection over N streams, the carried
 * state, loss_and_grads, clipping and the optimizer step. Nothing is allocated per step. */
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

lm_status trainer_new(lm_trainer **out, lm_model *model, const int32_t *ids, size_t len, int N, int T,
                      const lm_optim_config *opt) {
    *out = NULL;
    if (len / (size_t)N < (size_t)T + 1)
        return lm_fail(LM_ERR_EMPTY,
                       "the training text has %zu tokens, too short for one window: %d streams of %d+1 tokens need at "
                       "least %zu; use a smaller batch or sequence length, or more text",
                       len, N, T, (size_t)N * ((size_t)T + 1));
    lm_trainer *t = calloc(1, sizeof *t);
    if (!t) return lm_fail(LM_ERR_NOMEM, "out of memory for a trainer");
    lm_status s = lm_optim_init(&t->opt, opt, model->n_params);
    if (s) {
        free(t);
        return s;
    }
    t->opt.frozen = model->frozen; /* read at every step: freezing applies from the next one */
    t->ids = malloc(len * sizeof(int32_t));
    t->window = malloc((size_t)N * ((size_t)T + 1) * sizeof(int32_t));
    if (!t->ids || !t->window) {
        trainer_delete(t);
        return lm_fail(LM_ERR_NOMEM, "out of memory copying %zu training tokens", len);
    }
    memcpy(t->ids, ids, len * sizeof(int32_t));
    t->model = model;
    t->len = len;
    t->N = N;
    t->T = T;
    t->stream_len = len / (size_t)N;
    model_reset_state(model);
    s = trainer_set_shards(t, 1, 0, 1);
    if (s) {
        trainer_delete(t);
        return s;
    }
    *out = t;
    return LM_OK;
}

void trainer_delete(lm_trainer *t) {
    if (!t) return;
    lm_optim_free(&t->opt);
    free(t->ids);
    free(t->window);
    free(t->shard_start);
    free(t->pending);
    free(t->start);
    free(t);
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
        trainer_next_window(t);
        t->pending_step = 0;
        /* the carry changes only once the step is accepted, so a refused step leaves it as it was */
        double loss;
        s = model_ensure_carry(m, t->N);
        if (!s) s = model_loss_and_grads_from(m, t->window, t->N, t->T, m->carry, &loss);
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
