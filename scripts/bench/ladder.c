/* ladder.c — native driver for the model ladder. `--check`: a fixed small training run of every cell
 * (LSTM L2, GRU torch L2, GRU lecture, window W3), printed as JSON for tests/ladder.test.mjs to compare
 * with the same run in WASM. Training speed per cell is measured by scripts/bench/train.c and .mjs.
 * Shapes: V vocabulary, E embedding, H hidden, L layers, W window, N streams, T window length. */
#include "model.h"
#include "trainer.h"

#include <stdio.h>
#include <string.h>

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
 * N 4, T 12, SGD lr 0.05 (see train.c for why not Adagrad), clip 5, 20 steps per cell. */
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

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--check") == 0) return check();
    fprintf(stderr, "usage: %s --check (training speed per cell: scripts/bench/train.c)\n", argv[0]);
    return 2;
}
