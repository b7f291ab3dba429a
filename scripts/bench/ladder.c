/* ladder.c — native driver for the model ladder. `--check`: a fixed small training run of every cell
 * (LSTM L2, GRU torch L2, GRU lecture, window W3), printed as JSON for tests/ladder.test.mjs to compare
 * with the same run in WASM. Without flags: training speed of each cell at one size (chars/s), as
 * JSON. Shapes: V vocabulary, E embedding, H hidden, L layers, W window, N streams, T window length. */
#define _POSIX_C_SOURCE 199309L
#include "model.h"
#include "rng.h"
#include "trainer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *name;
    lm_model_config cfg;
} ladder_case;

/* cell, V, E, H, L, seed, W, gru_variant */
static const ladder_case check_cases[] = {
    {"lstm", {LM_CELL_LSTM, 11, 0, 16, 2, 3, 0, 0}},
    {"gru", {LM_CELL_GRU, 11, 6, 16, 2, 3, 0, LM_GRU_TORCH}},
    {"gru_lecture", {LM_CELL_GRU, 11, 0, 12, 1, 3, 0, LM_GRU_LECTURE}},
    {"window", {LM_CELL_WINDOW, 11, 6, 16, 1, 3, 3, 0}},
};

static int fail(const char *where) {
    fprintf(stderr, "ladder bench: %s: %s\n", where, lm_error_message());
    return 1;
}

/* The agreement problem (the test computes the same ids in JS): ids[i] = (i·i + 3·(i/7)) mod 11,
 * N 4, T 12, SGD lr 0.05 (see rnn.c for why not Adagrad), clip 5, 20 steps per cell. */
static int check(void) {
    enum { LEN = 4000, STEPS = 20 };
    static int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (int32_t)(((long)i * i + 3L * (i / 7)) % 11);
    printf("{");
    for (size_t k = 0; k < sizeof check_cases / sizeof *check_cases; k++) {
        lm_model *m;
        lm_trainer *t;
        if (lm_model_new(&m, &check_cases[k].cfg)) return fail("model");
        lm_optim_config o = lm_optim_defaults(LM_OPT_SGD);
        o.lr = 0.05;
        o.clip = 5;
        if (lm_trainer_new(&t, m, ids, LEN, 4, 12, &o)) return fail("trainer");
        printf("%s\"%s\":{\"losses\":[", k ? "," : "", check_cases[k].name);
        for (int s = 0; s < STEPS; s++) {
            lm_train_stats st;
            if (lm_trainer_train(t, 1, &st)) return fail("train");
            printf(s ? ",%.9g" : "%.9g", st.last_loss);
        }
        double sum = 0;
        for (size_t i = 0; i < m->n_params; i++) sum += m->params[i];
        printf("],\"param_sum\":%.9g}", sum);
        lm_trainer_delete(t);
        lm_model_delete(m);
    }
    printf("}\n");
    return 0;
}

/* chars/s of each cell at V 65, H 128 (window: E 32, W 8), N 32, T 25, Adagrad, on random ids. */
static int speed(void) {
    enum { LEN = 200000, STEPS = 20 };
    static int32_t ids[LEN];
    lm_rng r;
    lm_rng_seed(&r, 1);
    for (int i = 0; i < LEN; i++) ids[i] = (int32_t)lm_rng_below(&r, 65);
    const lm_model_config cfgs[] = {{LM_CELL_RNN, 65, 0, 128, 1, 1, 0, 0},
                                    {LM_CELL_LSTM, 65, 0, 128, 1, 1, 0, 0},
                                    {LM_CELL_GRU, 65, 0, 128, 1, 1, 0, LM_GRU_TORCH},
                                    {LM_CELL_WINDOW, 65, 32, 128, 1, 1, 8, 0}};
    printf("{");
    for (size_t k = 0; k < sizeof cfgs / sizeof *cfgs; k++) {
        lm_model *m;
        lm_trainer *t;
        if (lm_model_new(&m, &cfgs[k])) return fail("model");
        lm_optim_config o = lm_optim_defaults(LM_OPT_ADAGRAD);
        o.clip = 5;
        if (lm_trainer_new(&t, m, ids, LEN, 32, 25, &o)) return fail("trainer");
        lm_train_stats st;
        lm_trainer_train(t, 2, &st); /* warm-up: caches allocated */
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (lm_trainer_train(t, STEPS, &st)) return fail("train");
        clock_gettime(CLOCK_MONOTONIC, &b);
        double seconds = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
        printf("%s\"%s\":{\"params\":%zu,\"chars_per_s\":%.0f}", k ? "," : "", lm_model_cell_name(cfgs[k].cell), m->n_params,
               STEPS * 32.0 * 25.0 / seconds);
        lm_trainer_delete(t);
        lm_model_delete(m);
    }
    printf("}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--check") == 0) return check();
    return speed();
}
