/* train.c (bench driver) — the native side of the training benchmark (scripts/bench/train.mjs) and of
 * the native-vs-WASM agreement test. The same C training loop as the WASM build (lm_trainer: N streams,
 * truncated BPTT, clip, optimizer step), on a char vocabulary of the whole file, trained on its first
 * 90% (cut at a line break within 1000 characters, as the CLI's splitText does):
 *   train FILE --steps S [--cell rnn|lstm|gru --hidden H --embedding E --batch N --seq T
 *                         --optimizer adam|adagrad|sgd --lr X --clip C --clip-mode value|norm]
 * runs 3 warm-up steps, then S timed steps, and prints one JSON object: wall and CPU seconds of the
 * timed steps, chars/s (of the CPU time: the machine is shared), ms/step, peak RSS (getrusage).
 * `train --check` trains a fixed synthetic problem and prints the loss of every step (the agreement
 * test in tests/train.test.mjs runs the same steps in WASM). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, getrusage under -std=c11 */
#include "lmlab.h"
#include "model.h"
#include "trainer.h"
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double clock_seconds(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *where) {
    fprintf(stderr, "train bench: %s: %s\n", where, lm_error_message());
    return 1;
}

/* The agreement problem (tests/train.test.mjs and tests/ladder.test.mjs run the same in WASM): every
 * cell below, N 4, T 12, plain SGD lr 0.05, clip 5, on ids[i] = (i·i + 3·(i/7)) mod 11 (the tests
 * compute the same ids in JS). SGD, not Adagrad: Adagrad's first step moves every weight by ±lr whatever the gradient's size, so a rounding-level difference
 * in a near-zero gradient becomes a full step and the two runs part ways for reasons of no interest.
 * Columns: cell, V, E, H, L, seed, W, gru_variant; then the number of steps. */
static const struct {
    const char *name;
    lm_model_config cfg;
    int steps;
} check_cases[] = {
    {"rnn", {LM_CELL_RNN, 11, 0, 24, 1, 3, 0, 0}, 30},
    {"lstm", {LM_CELL_LSTM, 11, 0, 16, 2, 3, 0, 0}, 20},
    {"gru", {LM_CELL_GRU, 11, 6, 16, 2, 3, 0, LM_GRU_TORCH}, 20},
    {"gru_lecture", {LM_CELL_GRU, 11, 0, 12, 1, 3, 0, LM_GRU_LECTURE}, 20},
    {"window", {LM_CELL_WINDOW, 11, 6, 16, 1, 3, 3, 0}, 20},
};

/* Every case on the same problem, printed as {"rnn": {"losses": [...], "param_sum": x}, "lstm": …}. */
static int check(void) {
    enum { LEN = 4000 };
    static int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (int32_t)(((long)i * i + 3L * (i / 7)) % 11);
    printf("{");
    for (size_t k = 0; k < sizeof check_cases / sizeof *check_cases; k++) {
        lm_model *m;
        lm_trainer *t;
        if (model_new(&m, &check_cases[k].cfg)) return fail("model");
        lm_optim_config o = lm_optim_defaults(LM_OPT_SGD);
        o.lr = 0.05;
        o.clip = 5;
        if (trainer_new(&t, m, ids, LEN, 4, 12, &o)) return fail("trainer");
        printf("%s\"%s\":{\"losses\":[", k ? "," : "", check_cases[k].name);
        for (int step = 0; step < check_cases[k].steps; step++) {
            lm_train_stats st;
            if (trainer_train(t, 1, &st)) return fail("train");
            printf(step ? ",%.9g" : "%.9g", st.last_loss);
        }
        double sum = 0;
        for (size_t i = 0; i < m->n_params; i++) sum += m->params[i];
        printf("],\"param_sum\":%.9g}", sum);
        trainer_delete(t);
        model_delete(m);
    }
    printf("}\n");
    return 0;
}

typedef struct {
    lm_model_config model;
    lm_optim_config opt;
    int N, T, steps;
} options;

/* Parse the flags after FILE; 0 on success, 2 (usage) with a message otherwise. */
static int parse(int argc, char **argv, options *o) {
    o->model = (lm_model_config){.cell = LM_CELL_RNN, .E = 0, .H = 128, .L = 1, .seed = 1, .gru_variant = LM_GRU_TORCH};
    o->opt = lm_optim_defaults(LM_OPT_ADAM);
    o->N = 32;
    o->T = 25;
    o->steps = 0;
    int lr_set = 0;
    for (int i = 2; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "train bench: %s needs a value\n", k);
            return 2;
        }
        if (!strcmp(k, "--cell")) {
            int cell = model_cell_from_name(v);
            if (cell < 0 || cell == LM_CELL_WINDOW) {
                fprintf(stderr, "train bench: --cell rnn|lstm|gru, got '%s'\n", v);
                return 2;
            }
            o->model.cell = (lm_cell)cell;
        } else if (!strcmp(k, "--hidden")) o->model.H = atoi(v);
        else if (!strcmp(k, "--embedding")) o->model.E = atoi(v);
        else if (!strcmp(k, "--batch")) o->N = atoi(v);
        else if (!strcmp(k, "--seq")) o->T = atoi(v);
        else if (!strcmp(k, "--steps")) o->steps = atoi(v);
        else if (!strcmp(k, "--lr")) {
            o->opt.lr = atof(v);
            lr_set = 1;
        } else if (!strcmp(k, "--clip")) o->opt.clip = atof(v);
        else if (!strcmp(k, "--clip-mode")) {
            if (strcmp(v, "norm") && strcmp(v, "value")) {
                fprintf(stderr, "train bench: --clip-mode value|norm, got '%s'\n", v);
                return 2;
            }
            o->opt.clip_mode = strcmp(v, "norm") ? LM_CLIP_VALUE : LM_CLIP_NORM;
        } else if (!strcmp(k, "--optimizer")) {
            if (strcmp(v, "adam") && strcmp(v, "adagrad") && strcmp(v, "sgd")) {
                fprintf(stderr, "train bench: --optimizer adam|adagrad|sgd, got '%s'\n", v);
                return 2;
            }
            lm_opt_kind kind = !strcmp(v, "adagrad") ? LM_OPT_ADAGRAD : !strcmp(v, "sgd") ? LM_OPT_SGD : LM_OPT_ADAM;
            double lr = o->opt.lr, clip = o->opt.clip;
            lm_clip_mode mode = o->opt.clip_mode;
            o->opt = lm_optim_defaults(kind);
            if (lr_set) o->opt.lr = lr;
            o->opt.clip = clip;
            o->opt.clip_mode = mode;
        } else {
            fprintf(stderr, "train bench: unknown argument '%s'\n", k);
            return 2;
        }
    }
    if (o->steps < 1) {
        fprintf(stderr, "train bench: --steps S (at least 1) is required\n");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--check")) return check();
    if (argc < 2) {
        fprintf(stderr,
                "usage: %s FILE --steps S [--cell C --hidden H --embedding E --batch N --seq T --optimizer O "
                "--lr X --clip C --clip-mode value|norm] | %s --check\n",
                argv[0], argv[0]);
        return 2;
    }
    options o;
    int bad = parse(argc, argv, &o);
    if (bad) return bad;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return fail("read");
    }
    fclose(f);
    size_t cut = (size_t)((double)size * 0.9); /* on bytes: the file is ASCII in practice */
    for (size_t k = cut; k < (size_t)size && k - cut < 1000; k++)
        if (text[k] == '\n') {
            cut = k + 1;
            break;
        }
    lm_vocab *vocab;
    if (lm_vocab_build(&vocab, text, (size_t)size, 0, 0, 0, 0, 1, 0, 0)) return fail("vocabulary");
    int32_t *train, *starts;
    size_t n_train, n_sent;
    if (lm_vocab_encode_text(vocab, text, cut, 0, &train, &n_train, &starts, &n_sent, "train")) return fail("encode");
    free(starts);
    o.model.V = vocab->size;
    lm_model *m;
    lm_trainer *t;
    if (model_new(&m, &o.model)) return fail("model");
    if (trainer_new(&t, m, train, n_train, o.N, o.T, &o.opt)) return fail("trainer");
    lm_train_stats st;
    if (trainer_train(t, 3, &st)) return fail("warm-up"); /* caches allocated, pages touched */
    double w0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (trainer_train(t, o.steps, &st)) return fail("train");
    double wall = clock_seconds(CLOCK_MONOTONIC) - w0, cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double chars = (double)o.steps * o.N * o.T;
    printf("{\"V\":%d,\"params\":%zu,\"steps\":%d,\"wall_seconds\":%.6f,\"cpu_seconds\":%.6f,\"chars_per_second\":%.1f,"
           "\"ms_per_step\":%.5f,\"train_loss\":%.6f,\"peak_rss_bytes\":%ld}\n",
           vocab->size, m->n_params, o.steps, wall, cpu, chars / cpu, 1000 * cpu / o.steps, st.last_loss,
           (long)ru.ru_maxrss * 1024L);
    trainer_delete(t);
    model_delete(m);
    lm_vocab_free(vocab);
    free(train);
    free(text);
    return 0;
}
