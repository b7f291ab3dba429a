/* test_trainer_shard.c — the data-parallel trainer steps (trainer_shard.c): the shards' gradients sum to
 * the batch's gradient; one shard is bit-identical to trainer_train; replicas that own different shards
 * of the same fixed split, summing the rows in shard order, end bit-identical to one trainer owning
 * them all (the "1 vs 2 vs 3 threads" property, every cell); the carried state moves between
 * replicas for a checkpoint that resumes; refused steps change nothing; the edge's error sentences. */
#include "check.h"
#include "handles.h"
#include "lmlab.h"
#include "model.h"
#include "model_io.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define SUM_TOL 1e-12 /* the shards' rows against the whole batch: only the summation order differs */
#else
#define SUM_TOL 2e-5
#endif

enum { LEN = 700, N = 6, T = 5 };

static void pattern_ids(int32_t *ids, int V) {
    for (int i = 0; i < LEN; i++) ids[i] = (i * 7 + i / 11 + (i * i) % 5) % V;
}

static lm_model *make_model(lm_cell cell, int L, int W) {
    lm_model_config c = {cell, 9, cell == LM_CELL_WINDOW ? 4 : 3, 7, L, 5, W, LM_GRU_TORCH};
    lm_model *m = NULL;
    CHECK(model_new(&m, &c) == LM_OK, "model_new: %s", lm_error_message());
    /* larger weights than the init so that the states and gradients are not all tiny */
    for (size_t i = 0; m && i < m->n_params; i++) m->params[i] = m->params[i] * 20 + (lm_float)(0.01 * (int)(i % 5));
    return m;
}

static lm_trainer *make_trainer(lm_model *m, const int32_t *ids) {
    lm_optim_config c = lm_optim_defaults(LM_OPT_ADAM);
    c.clip = 1; /* small: global-norm clipping acts, so it must see the summed gradient */
    c.clip_mode = LM_CLIP_NORM;
    lm_trainer *t = NULL;
    CHECK(trainer_new(&t, m, ids, LEN, N, T, &c) == LM_OK, "trainer_new: %s", lm_error_message());
    return t;
}

/* The rows of every shard sum to the gradient of the whole batch, and the losses weighted by
 * streams to its loss. */
static void test_rows_sum_to_batch(void) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *m = make_model(LM_CELL_LSTM, 2, 0);
    lm_trainer *t = make_trainer(m, ids);
    const size_t P = m->n_params;
    lm_float *whole = malloc(P * sizeof(lm_float)), *rows = malloc(4 * P * sizeof(lm_float));
    double loss_whole, losses[4];
    CHECK(trainer_grads(t, whole, &loss_whole, NULL) == LM_OK, "%s", lm_error_message());
    /* nothing was applied: the same window again, from the same (empty) carry */
    CHECK(trainer_set_shards(t, 4, 0, 4) == LM_OK, "set_shards");
    CHECK(t->shard_start[1] == 2 && t->shard_start[2] == 4 && t->shard_start[3] == 5 && t->shard_start[4] == 6,
          "6 streams in 4 shards: 2 2 1 1");
    CHECK(trainer_grads(t, rows, losses, NULL) == LM_OK, "%s", lm_error_message());
    double worst = 0;
    for (size_t i = 0; i < P; i++) {
        double sum = 0;
        for (int j = 0; j < 4; j++) sum += rows[(size_t)j * P + i];
        double err = fabs(sum - whole[i]) / (fabs(whole[i]) > 1e-3 ? fabs(whole[i]) : 1e-3);
        if (err > worst) worst = err;
    }
    CHECK(worst < SUM_TOL, "the shards' rows sum to the batch gradient: worst relative error %g", worst);
    double loss = (2 * losses[0] + 2 * losses[1] + losses[2] + losses[3]) / N;
    CHECK(check_close(loss, loss_whole, SUM_TOL), "weighted shard losses %.12g vs %.12g", loss, loss_whole);
    free(whole);
    free(rows);
    trainer_delete(t);
    model_delete(m);
}

/* One shard owning everything: grads + apply is trainer_train, bit for bit, across a wrap; with state
 * resets too (both paths reset the same streams in the same windows). */
static void test_one_shard_is_train(lm_cell cell, int L, int W, double reset) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *a = make_model(cell, L, W), *b = make_model(cell, L, W);
    lm_trainer *ta = make_trainer(a, ids), *tb = make_trainer(b, ids);
    CHECK(trainer_set_state_resets(ta, reset) == LM_OK && trainer_set_state_resets(tb, reset) == LM_OK, "resets");
    const size_t P = a->n_params;
    lm_float *g = malloc(P * sizeof(lm_float));
    const int steps = LEN / N / T + 3; /* past one wrap */
    int same = 1;
    for (int k = 0; k < steps; k++) {
        lm_train_stats st;
        CHECK(trainer_train(ta, 1, &st) == LM_OK, "%s", lm_error_message());
        double loss;
        CHECK(trainer_grads(tb, g, &loss, NULL) == LM_OK, "%s", lm_error_message());
        CHECK(trainer_apply(tb, g) == LM_OK, "%s", lm_error_message());
        same &= loss == st.last_loss && memcmp(a->params, b->params, P * sizeof(lm_float)) == 0;
    }
    CHECK(same, "%s (resets %g): one shard's grads + apply equal trainer_train bit for bit", model_cell_name(cell),
          reset);
    CHECK(ta->wraps == 1 && tb->wraps == 1 && ta->pos == tb->pos && ta->opt.step == tb->opt.step, "wrapped alike");
    CHECK(memcmp(a->carry, b->carry, model_state_count(a, N) * sizeof(lm_float)) == 0, "same carried state");
    free(g);
    trainer_delete(ta);
    trainer_delete(tb);
    model_delete(a);
    model_delete(b);
}

/* R replicas own the S = 4 shards as split by `owners` (first shard of each, then S); each step the
 * rows are summed in shard order and every replica applies the sum. After `steps` the parameters of
 * every replica, and the loss sequence, are returned for comparison. */
typedef struct {
    lm_float *params; /* (P,) replica 0's parameters */
    double losses[64];
    lm_float *carry; /* (state_count(N)) the streams' states gathered into replica 0 */
} run_result;

static run_result run_replicas(lm_cell cell, int L, int W, const int *owners, int R, int steps, double reset) {
    enum { S = 4 };
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *m[S];
    lm_trainer *t[S];
    for (int r = 0; r < R; r++) {
        m[r] = make_model(cell, L, W);
        t[r] = make_trainer(m[r], ids);
        CHECK(trainer_set_shards(t[r], S, owners[r], owners[r + 1] - owners[r]) == LM_OK, "%s", lm_error_message());
        CHECK(trainer_set_state_resets(t[r], reset) == LM_OK, "%s", lm_error_message());
    }
    const size_t P = m[0]->n_params, per_stream = model_state_count(m[0], 1);
    lm_float *rows = malloc(S * P * sizeof(lm_float)), *state = malloc((N * per_stream + 1) * sizeof(lm_float));
    run_result out = {malloc(P * sizeof(lm_float)), {0}, malloc((N * per_stream + 1) * sizeof(lm_float))};
    for (int k = 0; k < steps; k++) {
        double losses[S];
        for (int r = 0; r < R; r++)
            CHECK(trainer_grads(t[r], rows + (size_t)owners[r] * P, losses + owners[r], NULL) == LM_OK, "%s",
                  lm_error_message());
        for (int j = 1; j < S; j++) /* shard order: ((row0 + row1) + row2) + row3 */
            for (size_t i = 0; i < P; i++) rows[i] += rows[(size_t)j * P + i];
        double loss = 0;
        for (int j = 0; j < S; j++) loss += (double)(t[0]->shard_start[j + 1] - t[0]->shard_start[j]) / N * losses[j];
        out.losses[k] = loss;
        for (int r = 0; r < R; r++) CHECK(trainer_apply(t[r], rows) == LM_OK, "%s", lm_error_message());
        int same = 1;
        for (int r = 1; r < R; r++) same &= memcmp(m[0]->params, m[r]->params, P * sizeof(lm_float)) == 0;
        CHECK(same, "every replica applied the same update");
    }
    /* gather the other replicas' streams into replica 0 (as parallel.mjs does for a checkpoint) */
    for (int r = 1; r < R; r++) {
        const int n0 = t[r]->shard_start[owners[r]], n = t[r]->shard_start[owners[r + 1]] - n0;
        /* replica r's own rows of its carry, (A, n, X), via grads' state output layout */
        lm_model *mr = m[r];
        int A = cell == LM_CELL_WINDOW ? 1 : L * (cell == LM_CELL_LSTM ? 2 : 1);
        int X = cell == LM_CELL_WINDOW ? W - 1 : mr->cfg.H;
        for (int a = 0; a < A; a++)
            memcpy(state + (size_t)a * n * X, mr->carry + ((size_t)a * N + n0) * X, (size_t)n * X * sizeof(lm_float));
        CHECK(trainer_set_state_rows(t[0], n0, n, state) == LM_OK, "%s", lm_error_message());
    }
    memcpy(out.params, m[0]->params, P * sizeof(lm_float));
    memcpy(out.carry, m[0]->carry, N * per_stream * sizeof(lm_float));
    free(rows);
    free(state);
    for (int r = 0; r < R; r++) {
        trainer_delete(t[r]);
        model_delete(m[r]);
    }
    return out;
}

static void test_replicas_agree(lm_cell cell, int L, int W, double reset) {
    const int one[] = {0, 4}, two[] = {0, 2, 4}, three[] = {0, 1, 3, 4};
    const int steps = LEN / N / T + 4; /* past one wrap */
    run_result a = run_replicas(cell, L, W, one, 1, steps, reset), b = run_replicas(cell, L, W, two, 2, steps, reset),
               c = run_replicas(cell, L, W, three, 3, steps, reset);
    lm_model *m = make_model(cell, L, W);
    const size_t P = m->n_params, states = model_state_count(m, N);
    model_delete(m);
    CHECK(memcmp(a.params, b.params, P * sizeof(lm_float)) == 0 &&
              memcmp(a.params, c.params, P * sizeof(lm_float)) == 0,
          "%s: 1, 2 and 3 replicas end with bit-identical parameters", model_cell_name(cell));
    CHECK(memcmp(a.losses, b.losses, sizeof a.losses) == 0 && memcmp(a.losses, c.losses, sizeof a.losses) == 0,
          "%s: and bit-identical losses", model_cell_name(cell));
    CHECK(memcmp(a.carry, b.carry, states * sizeof(lm_float)) == 0 &&
              memcmp(a.carry, c.carry, states * sizeof(lm_float)) == 0,
          "%s: the gathered carried state equals the one replica's", model_cell_name(cell));
    free(a.params), free(b.params), free(c.params);
    free(a.carry), free(b.carry), free(c.carry);
}

/* A checkpoint of a sharded trainer (its carry gathered) resumes in a plain trainer with the same next
 * loss as the sharded run's next step over one shard. */
static void test_checkpoint(void) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *a = make_model(LM_CELL_GRU, 1, 0);
    lm_trainer *ta = make_trainer(a, ids);
    const size_t P = a->n_params;
    lm_float *g = malloc(P * sizeof(lm_float));
    double loss;
    for (int k = 0; k < 5; k++) {
        CHECK(trainer_grads(ta, g, &loss, NULL) == LM_OK && trainer_apply(ta, g) == LM_OK, "%s", lm_error_message());
    }
    uint8_t *bytes;
    size_t len;
    CHECK(model_save(a, ta, &bytes, &len) == LM_OK, "%s", lm_error_message());
    lm_model *b = NULL;
    CHECK(model_load(&b, bytes, len) == LM_OK, "%s", lm_error_message());
    lm_trainer *tb = make_trainer(b, ids);
    CHECK(trainer_restore(tb, bytes, len) == LM_OK, "%s", lm_error_message());
    lm_train_stats st;
    CHECK(trainer_grads(ta, g, &loss, NULL) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_train(tb, 1, &st) == LM_OK, "%s", lm_error_message());
    double tol = sizeof(lm_float) == 4 ? 0 : 1e-6; /* the file holds float32 */
    CHECK(check_close(loss, st.last_loss, tol), "resumed loss %.9g vs %.9g", st.last_loss, loss);
    free(bytes);
    free(g);
    trainer_delete(ta);
    trainer_delete(tb);
    model_delete(a);
    model_delete(b);
}

/* Refused steps: a non-finite shard leaves nothing pending; a non-finite summed gradient is refused by
 * the optimizer with the parameters, position and carry unchanged. */
/* The edge functions see only registered handles (lm_model_create / lm_trainer_create register theirs). */
static void add_handles(lm_model *m, lm_trainer *t) {
    CHECK(lm_handle_add(m, LM_KIND_MODEL) == LM_OK && lm_handle_add(t, LM_KIND_TRAINER) == LM_OK, "handles");
}

/* A trainer of m over the pattern ids, both registered as handles (for the lm_trainer_* edge). */
static lm_trainer *handled_trainer(lm_model *m) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_trainer *t = make_trainer(m, ids); /* it copies the ids */
    add_handles(m, t);
    return t;
}

static void delete_handles(lm_model *m, lm_trainer *t) {
    lm_handle_remove(t);
    lm_handle_remove(m);
    trainer_delete(t);
    model_delete(m);
}

static void test_refused(void) {
    lm_model *m = make_model(LM_CELL_RNN, 1, 0);
    lm_trainer *t = handled_trainer(m);
    const size_t P = m->n_params;
    lm_float *g = malloc(2 * P * sizeof(lm_float)), *before = malloc(P * sizeof(lm_float));
    double losses[2];
    CHECK(trainer_set_shards(t, 2, 0, 2) == LM_OK, "set_shards");
    CHECK(trainer_grads(t, g, losses, NULL) == LM_OK, "%s", lm_error_message());
    g[3] = (lm_float)NAN;
    memcpy(before, m->params, P * sizeof(lm_float));
    size_t pos = t->pos;
    CHECK_FAILS(trainer_apply(t, g), LM_ERR_NONFINITE, "not finite");
    CHECK(memcmp(before, m->params, P * sizeof(lm_float)) == 0 && t->pos == pos && t->opt.step == 0,
          "a refused apply changes nothing");
    double stats[LM_TRAIN_STATS_COUNT];
    CHECK_FAILS(lm_trainer_apply(t, g, stats), LM_ERR_ARG, "no gradient step is pending");
    m->params[0] = (lm_float)INFINITY;
    CHECK_FAILS(trainer_grads(t, g, losses, NULL), LM_ERR_NONFINITE, "not finite");
    CHECK_FAILS(lm_trainer_apply(t, g, stats), LM_ERR_ARG, "no gradient step is pending");
    free(g);
    free(before);
    delete_handles(m, t);
}

/* State resets: the decision is a fixed function of (steps taken, stream) that picks about p of them;
 * they change the training (the losses differ from a run without) but never the carry in place; and
 * the edge refuses p outside [0, 1) and batches of sentences. */
static void test_state_resets(void) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *m = make_model(LM_CELL_LSTM, 1, 0);
    lm_trainer *t = make_trainer(m, ids);
    add_handles(m, t);
    int picked = 0, again = 0;
    CHECK(lm_trainer_set_state_resets(t, 0.1) == LM_OK, "%s", lm_error_message());
    for (int64_t k = 0; k < 1000; k++)
        for (int n = 0; n < 32; n++) {
            t->opt.step = k;
            picked += trainer_resets_stream(t, n);
            again += trainer_resets_stream(t, n);
        }
    /* 32,000 draws at p = 0.1: 3,200 expected, standard deviation 54 */
    CHECK(picked > 3200 - 270 && picked < 3200 + 270 && again == picked, "picked %d of 32000 at p 0.1", picked);
    t->opt.step = 0;
    /* the losses of 20 steps with resets at 0.3 differ from those without; the carry stays the final states */
    lm_model *plain = make_model(LM_CELL_LSTM, 1, 0);
    lm_trainer *tp = make_trainer(plain, ids);
    CHECK(lm_trainer_set_state_resets(t, 0.3) == LM_OK, "%s", lm_error_message());
    int differ = 0;
    for (int k = 0; k < 20; k++) {
        lm_train_stats a, b;
        CHECK(trainer_train(t, 1, &a) == LM_OK && trainer_train(tp, 1, &b) == LM_OK, "%s", lm_error_message());
        differ |= a.last_loss != b.last_loss;
    }
    CHECK(differ, "resets change the training");
    const size_t states = model_state_count(m, N);
    lm_float *before = malloc(states * sizeof(lm_float));
    memcpy(before, m->carry, states * sizeof(lm_float));
    lm_float *g = malloc(m->n_params * sizeof(lm_float));
    double loss;
    CHECK(trainer_grads(t, g, &loss, NULL) == LM_OK, "%s", lm_error_message());
    CHECK(memcmp(before, m->carry, states * sizeof(lm_float)) == 0, "trainer_grads leaves the carry as it was");
    CHECK_FAILS(lm_trainer_set_state_resets(t, 1), LM_ERR_ARG, "p (the chance a stream starts a window");
    CHECK_FAILS(lm_trainer_set_state_resets(t, -0.1), LM_ERR_ARG, "must be in [0, 1)");
    CHECK_FAILS(lm_trainer_set_state_resets(t, NAN), LM_ERR_ARG, "must be in [0, 1)");
    CHECK_FAILS(lm_trainer_set_state_resets(NULL, 0.1), LM_ERR_HANDLE, "trainer");
    CHECK(lm_trainer_set_state_resets(t, 0) == LM_OK && !trainer_resets_stream(t, 0), "0 turns them off");
    free(before);
    free(g);
    trainer_delete(tp);
    model_delete(plain);
    delete_handles(m, t);
}

/* lm_trainer_sum_grads adds the rows in shard order, in float32: with values whose sum depends on the
 * order, row 0 must equal ((row0 + row1) + row2) + row3 written out, bit for bit. */
static void test_sum_grads(void) {
    lm_model *m = make_model(LM_CELL_RNN, 1, 0);
    lm_trainer *t = handled_trainer(m);
    CHECK(lm_trainer_set_shards(t, 4, 0, 4) == LM_OK, "%s", lm_error_message());
    const size_t P = m->n_params;
    lm_float *rows = malloc(4 * P * sizeof(lm_float)), *expected = malloc(P * sizeof(lm_float));
    const lm_float values[4] = {1e8f, 3.0f, -1e8f, 0.3f}; /* (1e8 + 3) - 1e8 is 0 in float32, not 3 */
    for (int j = 0; j < 4; j++)
        for (size_t i = 0; i < P; i++) rows[(size_t)j * P + i] = values[(j + i) % 4] * (lm_float)(1 + i % 7);
    for (size_t i = 0; i < P; i++) {
        lm_float sum = rows[i];
        for (int j = 1; j < 4; j++) sum += rows[(size_t)j * P + i];
        expected[i] = sum;
    }
    CHECK(lm_trainer_sum_grads(t, rows, 4) == LM_OK, "%s", lm_error_message());
    CHECK(memcmp(rows, expected, P * sizeof(lm_float)) == 0, "row 0 is the shard-order float32 sum");
    CHECK(rows[P] == values[1], "the other rows are left as they were");
    CHECK(lm_trainer_sum_grads(t, rows, 1) == LM_OK && memcmp(rows, expected, P * sizeof(lm_float)) == 0,
          "one row is its own sum");
    CHECK_FAILS(lm_trainer_sum_grads(t, rows, 0), LM_ERR_ARG, "rows");
    CHECK_FAILS(lm_trainer_sum_grads(t, rows, 5), LM_ERR_ARG, "rows");
    CHECK_FAILS(lm_trainer_sum_grads(t, NULL, 2), LM_ERR_ARG, "grads");
    CHECK_FAILS(lm_trainer_sum_grads(NULL, rows, 2), LM_ERR_HANDLE, "trainer");
    free(rows);
    free(expected);
    delete_handles(m, t);
}

static void test_api_errors(void) {
    int32_t ids[LEN];
    pattern_ids(ids, 9);
    lm_model *m = make_model(LM_CELL_WINDOW, 1, 3);
    lm_trainer *t = make_trainer(m, ids);
    add_handles(m, t);
    lm_float state[2 * N], grads[1];
    double losses[1], stats[LM_TRAIN_STATS_COUNT];
    CHECK_FAILS(lm_trainer_set_shards(t, 0, 0, 1), LM_ERR_ARG, "shards");
    CHECK_FAILS(lm_trainer_set_shards(t, N + 1, 0, 1), LM_ERR_ARG, "shards");
    CHECK_FAILS(lm_trainer_set_shards(t, 3, 3, 1), LM_ERR_ARG, "first (shard)");
    CHECK_FAILS(lm_trainer_set_shards(t, 3, 1, 3), LM_ERR_ARG, "count (shards)");
    CHECK_FAILS(lm_trainer_set_shards(NULL, 1, 0, 1), LM_ERR_HANDLE, "trainer");
    CHECK_FAILS(lm_trainer_grads(t, NULL, losses, NULL), LM_ERR_ARG, "grads");
    CHECK_FAILS(lm_trainer_grads(t, grads, NULL, NULL), LM_ERR_ARG, "losses");
    CHECK_FAILS(lm_trainer_apply(t, NULL, stats), LM_ERR_ARG, "grad");
    CHECK_FAILS(lm_trainer_set_state_rows(t, N, 1, state), LM_ERR_ARG, "first_stream");
    CHECK_FAILS(lm_trainer_set_state_rows(t, 2, N - 1, state), LM_ERR_ARG, "n (streams)");
    CHECK_FAILS(lm_trainer_set_state_rows(t, 0, 1, NULL), LM_ERR_ARG, "state");
    state[0] = 3, state[1] = 9; /* V = 9: id 9 is out of range */
    CHECK_FAILS(lm_trainer_set_state_rows(t, 0, 1, state), LM_ERR_ARG, "neither a token id in [0, 9) nor -1");
    state[1] = 0.5;
    CHECK_FAILS(lm_trainer_set_state_rows(t, 0, 1, state), LM_ERR_ARG, "neither a token id");
    state[1] = -1;
    CHECK(lm_trainer_set_state_rows(t, 0, 1, state) == LM_OK && m->carry[0] == 3 && m->carry[1] == -1, "%s",
          lm_error_message());
    delete_handles(m, t);
    m = make_model(LM_CELL_LSTM, 1, 0);
    t = make_trainer(m, ids);
    add_handles(m, t);
    lm_float h[14] = {0};
    h[9] = (lm_float)NAN;
    CHECK_FAILS(lm_trainer_set_state_rows(t, 1, 1, h), LM_ERR_NONFINITE, "state[9] is nan, not finite");
    delete_handles(m, t);
    /* batches of sentences have no streams to shard */
    m = make_model(LM_CELL_RNN, 1, 0);
    const int32_t starts[] = {0, 5, 9, 14};
    lm_optim_config c = lm_optim_defaults(LM_OPT_ADAM);
    CHECK(trainer_new_sentences(&t, m, ids, 14, starts, 3, 2, 4, &c) == LM_OK, "%s", lm_error_message());
    add_handles(m, t);
    CHECK_FAILS(lm_trainer_set_shards(t, 1, 0, 1), LM_ERR_ARG,
                "trainer_set_shards: this trainer takes batches of sentences");
    CHECK_FAILS(lm_trainer_grads(t, grads, losses, NULL), LM_ERR_ARG, "data-parallel training needs streams");
    delete_handles(m, t);
}

int main(void) {
    test_rows_sum_to_batch();
    test_one_shard_is_train(LM_CELL_RNN, 1, 0, 0);
    test_one_shard_is_train(LM_CELL_LSTM, 2, 0, 0);
    test_one_shard_is_train(LM_CELL_GRU, 1, 0, 0);
    test_one_shard_is_train(LM_CELL_WINDOW, 1, 3, 0);
    test_one_shard_is_train(LM_CELL_LSTM, 2, 0, 0.3);
    test_one_shard_is_train(LM_CELL_WINDOW, 1, 3, 0.3);
    test_replicas_agree(LM_CELL_RNN, 2, 0, 0);
    test_replicas_agree(LM_CELL_LSTM, 1, 0, 0);
    test_replicas_agree(LM_CELL_GRU, 1, 0, 0);
    test_replicas_agree(LM_CELL_WINDOW, 1, 4, 0);
    test_replicas_agree(LM_CELL_LSTM, 1, 0, 0.3);
    test_replicas_agree(LM_CELL_GRU, 1, 0, 0.3);
    test_state_resets();
    test_checkpoint();
    test_refused();
    test_sum_grads();
    test_api_errors();
    return check_summary("trainer_shard");
}
