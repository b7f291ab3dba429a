/* bigram.c (bench driver) — the native side of the bigram benchmark, and the native half of the
 * native-vs-WASM agreement test: reads a UTF-8 file, splits it into training lines and held-out lines
 * (line i is held out when i % 10 == 9, the same rule as the CLI), then vocabulary + counts +
 * held-out perplexity + masked-word accuracy + 3 seeded sentences, and prints one JSON object with
 * the results, the seconds per stage and the peak RSS.
 *   usage: bigram FILE [--level word|char] [--k K] [--dense-limit BYTES] [--no-masked] */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#include "bigram.h"
#include "lmlab.h"
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *where) {
    fprintf(stderr, "bigram bench: %s: %s\n", where, lm_error_message());
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [--level word|char] [--k K] [--dense-limit BYTES] [--no-masked]\n", argv[0]);
        return 2;
    }
    int level = LM_LEVEL_WORD, masked = 1;
    double k = 1, dense_limit = -1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--level") && i + 1 < argc)
            level = !strcmp(argv[++i], "char") ? LM_LEVEL_CHAR : LM_LEVEL_WORD;
        else if (!strcmp(argv[i], "--k") && i + 1 < argc) k = atof(argv[++i]);
        else if (!strcmp(argv[i], "--dense-limit") && i + 1 < argc) dense_limit = atof(argv[++i]);
        else if (!strcmp(argv[i], "--no-masked")) masked = 0;
        else {
            fprintf(stderr, "bigram bench: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1), *train = malloc((size_t)size + 2), *held = malloc((size_t)size + 2);
    if (!text || !train || !held || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "bigram bench: cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    /* Split by lines: line i goes to the held-out part when i % 10 == 9. Each part ends lines with \n. */
    size_t ntrain = 0, nheld = 0, line = 0;
    for (size_t start = 0; start < (size_t)size; line++) {
        const char *nl = memchr(text + start, '\n', (size_t)size - start);
        size_t end = nl ? (size_t)(nl - text) : (size_t)size;
        char *dst = line % 10 == 9 ? held + nheld : train + ntrain;
        memcpy(dst, text + start, end - start);
        dst[end - start] = '\n';
        *(line % 10 == 9 ? &nheld : &ntrain) += end - start + 1;
        start = end + 1;
    }
    double t0 = now();
    lm_vocab *v = NULL;
    if (lm_vocab_build(&v, (const uint8_t *)train, ntrain, level, 0, 0, 0, 1, 0, level == LM_LEVEL_CHAR))
        return fail("vocabulary");
    double t1 = now();
    lm_bigram *b = NULL;
    if (lm_bigram_train(&b, v, (const uint8_t *)train, ntrain, k, dense_limit)) return fail("train");
    double t2 = now();
    double ev[4], train_ev[4];
    if (lm_bigram_evaluate(b, (const uint8_t *)held, nheld, ev)) return fail("evaluate");
    double t3 = now();
    if (lm_bigram_evaluate(b, (const uint8_t *)train, ntrain, train_ev)) return fail("evaluate train");
    double acc[3] = {0, 0, 0}, t4 = now();
    if (masked && lm_bigram_masked_accuracy(b, (const uint8_t *)held, nheld, 0, acc)) return fail("masked");
    double t5 = now();
    enum { COUNT = 3, MAXLEN = 30 };
    int32_t ids[COUNT * MAXLEN], lengths[COUNT];
    if (lm_bigram_generate(b, 1, 1, 0, MAXLEN, COUNT, ids, lengths)) return fail("generate");
    double info[6];
    lm_bigram_info(b, info);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"bytes\": %ld, \"V\": %d, \"sparse\": %d, \"nonzero\": %.0f, \"trainTokens\": %.0f,\n", size,
           (int)v->size, (int)info[2], info[3], info[4]);
    printf(" \"heldOut\": {\"loss\": %.17g, \"perplexity\": %.17g, \"tokens\": %.0f},\n", ev[0], ev[1], ev[3]);
    printf(" \"train\": {\"loss\": %.17g, \"perplexity\": %.17g, \"tokens\": %.0f},\n", train_ev[0], train_ev[1],
           train_ev[3]);
    printf(" \"masked\": {\"top1\": %.17g, \"top5\": %.17g, \"sentences\": %.0f},\n", acc[0], acc[1], acc[2]);
    printf(" \"generated\": [");
    for (int s = 0; s < COUNT; s++) {
        printf("%s[", s ? ", " : "");
        for (int i = 0; i < lengths[s]; i++) printf("%s%d", i ? "," : "", (int)ids[s * MAXLEN + i]);
        printf("]");
    }
    printf("],\n \"seconds\": {\"vocab\": %.6f, \"count\": %.6f, \"heldOut\": %.6f, \"masked\": %.6f, \"pipeline\": "
           "%.6f},\n",
           t1 - t0, t2 - t1, t3 - t2, t5 - t4, t3 - t0);
    printf(" \"peakRssKiB\": %ld}\n", usage.ru_maxrss);
    lm_bigram_free(b);
    lm_vocab_free(v);
    free(text), free(train), free(held);
    return 0;
}
