/* trainer_shard_api.c — the exported edge (lmlab.h) of the data-parallel trainer steps for
 * wasm_glue/parallel.mjs: handles, shard ranges and pointers checked here once, then trainer_shard.c.
 * Shapes: N streams, S shards, P parameters. */
#include "lm_check.h"
#include "trainer.h"

#include <math.h>

/* A live trainer of a live model, over streams (batches of sentences have no streams to shard). */
static lm_status check_trainer(const char *fn, const lm_trainer *t) {
    LM_TRY(lm_check_handle(fn, "trainer", t, LM_KIND_TRAINER));
    LM_TRY(lm_check_handle(fn, "the trainer's model (dispose the trainer before its model)", t->model, LM_KIND_MODEL));
    if (t->sentences)
        return lm_fail(LM_ERR_ARG, "%s: this trainer takes batches of sentences; data-parallel training needs streams",
                       fn);
    return LM_OK;
}

lm_status lm_trainer_set_shards(lm_trainer *t, int shards, int first, int count) {
    const char *fn = "trainer_set_shards";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_range(fn, "shards", shards, 1, t->N)); /* every shard has at least one stream */
    LM_TRY(lm_check_range(fn, "first (shard)", first, 0, shards - 1));
    LM_TRY(lm_check_range(fn, "count (shards)", count, 1, shards - first));
    return trainer_set_shards(t, shards, first, count);
}

lm_status lm_trainer_grads(lm_trainer *t, lm_float *grads, double *losses, lm_float *state) {
    const char *fn = "trainer_grads";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "grads", grads));
    LM_TRY(lm_check_ptr(fn, "losses", losses));
    return trainer_grads(t, grads, losses, state);
}

lm_status lm_trainer_apply(lm_trainer *t, const lm_float *grad, double *stats) {
    const char *fn = "trainer_apply";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "grad", grad));
    LM_TRY(lm_check_ptr(fn, "stats", stats));
    if (!t->pending_step)
        return lm_fail(LM_ERR_ARG, "%s: no gradient step is pending: call trainer_grads first, once per step", fn);
    lm_status s = trainer_apply(t, grad);
    stats[LM_TRAIN_STATS_STEP] = (double)t->opt.step;
    stats[LM_TRAIN_STATS_LOSS] = NAN; /* the caller sums the shards' losses */
    stats[LM_TRAIN_STATS_LAST_LOSS] = NAN;
    stats[LM_TRAIN_STATS_GRAD_NORM] = t->opt.last_grad_norm;
    stats[LM_TRAIN_STATS_CLIPPED] = t->opt.last_clipped;
    stats[LM_TRAIN_STATS_CLIP_EVENTS] = (double)t->opt.clip_events;
    stats[LM_TRAIN_STATS_POSITION] = (double)t->pos;
    stats[LM_TRAIN_STATS_WRAPS] = (double)t->wraps;
    return s;
}

lm_status lm_trainer_sum_grads(lm_trainer *t, lm_float *grads, int rows) {
    const char *fn = "trainer_sum_grads";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "grads", grads));
    LM_TRY(lm_check_range(fn, "rows", rows, 1, t->S));
    trainer_sum_grads(t, grads, rows);
    return LM_OK;
}

lm_status lm_trainer_set_state_rows(lm_trainer *t, int first_stream, int n, const lm_float *state) {
    const char *fn = "trainer_set_state_rows";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_range(fn, "first_stream", first_stream, 0, t->N - 1));
    LM_TRY(lm_check_range(fn, "n (streams)", n, 1, t->N - first_stream));
    LM_TRY(lm_check_ptr(fn, "state", state));
    return trainer_set_state_rows(t, first_stream, n, state);
}
