/* rnn.c (bench driver) — the native side of the RNN benchmark and of the native-vs-WASM agreement
 * test. The same C training loop as the WASM build (lm_trainer: N streams, truncated BPTT, Adagrad,
 * element-wise clip): char vocabulary over the whole file, the last 10% held out (cut at a line
 * break within 1000 characters, as the CLI does), then either
 *   rnn FILE --steps S   [--hidden H --seq T --batch N]  chars/s over S steps (after 5 warm-up steps)
 *   rnn FILE --seconds X [...]                           held-out loss after X seconds of training
 * and prints one JSON object. `rnn --check` trains a fixed synthetic problem and prints the loss of
 * every step (the agreement test runs the same steps in WASM). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include "model.h"
#include "trainer.h"
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *where) {
    fprintf(stderr, "rnn bench: %s: %s\n", where, lm_error_message());
    return 1;
}

/* The agreement problem: V 11, H 24, one-hot, N 4, T 12, plain SGD lr 0.05, clip 5, seed 3, 30 steps on
 * ids[i] = (i·i + 3·(i/7)) mod 11 (the test computes the same ids in JS). SGD, not Adagrad: Adagrad's
 * first step moves every weight by ±lr whatever the gradient's size, so a rounding-level difference
 * in a near-zero gradient becomes a full step and the two runs part ways for reasons of no interest. */
static int check(void) {
    enum { LEN = 4000, STEPS = 30 };
    static int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (int32_t)(((long)i * i + 3L * (i / 7)) % 11);
    lm_model_config c = {LM_CELL_RNN, 11, 0, 24, 1, 3};
    lm_model *m;
    lm_trainer *t;
    if (lm_model_new(&m, &c)) return fail("model");
    lm_optim_config o = lm_optim_defaults(LM_OPT_SGD);
    o.lr = 0.05;
    o.clip = 5;
    if (lm_trainer_new(&t, m, ids, LEN, 4, 12, &o)) return fail("trainer");
    printf("{\"losses\":[");
    for (int s = 0; s < STEPS; s++) {
        lm_train_stats st;
        if (lm_trainer_train(t, 1, &st)) return fail("train");
        printf(s ? ",%.9g" : "%.9g", st.last_loss);
    }
    double sum = 0;
    for (size_t i = 0; i < m->n_params; i++) sum += m->params[i];
    printf("],\"param_sum\":%.9g}\n", sum);
    lm_trainer_delete(t);
    lm_model_delete(m);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--check")) return check();
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE (--steps S | --seconds X) [--hidden H] [--seq T] [--batch N]\n", argv[0]);
        return 2;
    }
    int H = 128, T = 25, N = 32, steps = 0;
    double seconds = 0;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) { fprintf(stderr, "rnn bench: %s needs a value\n", argv[i]); return 2; }
        if (!strcmp(argv[i], "--hidden")) H = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seq")) T = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batch")) N = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--steps")) steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[++i]);
        else { fprintf(stderr, "rnn bench: unknown argument '%s'\n", argv[i]); return 2; }
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { fclose(f); return fail("read"); }
    fclose(f);
    /* split as scripts/cli/_neural.mjs splitText does (the file is ASCII in practice; the cut is on bytes) */
    size_t cut = (size_t)((double)size * 0.9);
    for (size_t k = cut; k < (size_t)size && k - cut < 1000; k++)
        if (text[k] == '\n') { cut = k + 1; break; }
    lm_vocab *vocab;
    if (lm_vocab_build(&vocab, text, (size_t)size, 0, 0, 0, 0, 1, 0, 0)) return fail("vocabulary");
    int32_t *train, *held, *starts;
    size_t n_train, n_held, n_sent;
    if (lm_vocab_encode_text(vocab, text, cut, 0, &train, &n_train, &starts, &n_sent, "train")) return fail("encode");
    free(starts);
    if (lm_vocab_encode_text(vocab, text + cut, (size_t)size - cut, 0, &held, &n_held, &starts, &n_sent, "held out")) return fail("encode");
    free(starts);
    lm_model_config c = {LM_CELL_RNN, vocab->size, 0, H, 1, 1};
    lm_model *m;
    lm_trainer *t;
    if (lm_model_new(&m, &c)) return fail("model");
    lm_optim_config o = lm_optim_defaults(LM_OPT_ADAGRAD);
    o.clip = 5;
    if (lm_trainer_new(&t, m, train, n_train, N, T, &o)) return fail("trainer");
    lm_train_stats st;
    if (lm_trainer_train(t, 5, &st)) return fail("warm-up"); /* caches allocated, pages touched */
    double t0 = now();
    int done = 0;
    if (steps > 0) {
        if (lm_trainer_train(t, steps, &st)) return fail("train");
        done = steps;
    } else {
        while (now() - t0 < seconds) {
            if (lm_trainer_train(t, 10, &st)) return fail("train");
            done += 10;
        }
    }
    double elapsed = now() - t0;
    double loss_sum = 0, count = 0;
    if (seconds > 0 && lm_model_evaluate(m, held, n_held, N, T, &loss_sum, &count)) return fail("evaluate");
    printf("{\"V\":%d,\"H\":%d,\"T\":%d,\"N\":%d,\"steps\":%d,\"seconds\":%.4f,\"chars_per_second\":%.1f,"
           "\"ms_per_step\":%.4f,\"train_loss\":%.6f,\"held_out_loss\":%.6f,\"held_out_tokens\":%.0f}\n",
           vocab->size, H, T, N, done, elapsed, (double)done * N * T / elapsed, 1000 * elapsed / done, st.last_loss,
           count ? loss_sum / count : -1.0, count);
    lm_trainer_delete(t);
    lm_model_delete(m);
    lm_vocab_free(vocab);
    free(train);
    free(held);
    free(text);
    return 0;
}
