/* bigram.c — training (counting), lookups, distributions and held-out evaluation of the bigram model
 * (see bigram.h for the formula and the conventions). Counting is one pass over the encoded ids:
 * dense increments, or 64-bit pair keys radix-sorted into CSR rows, then transposed into CSC columns.
 * Generation, masked-word prediction and the heatmap matrix live in bigram_apps.c. */
#include "bigram.h"

#include "lm_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void bigram_destroy(lm_bigram *b) {
    if (!b) return;
    if (b->vocab) {
        lm_handle_remove(b->vocab);
        lm_vocab_destroy(b->vocab);
    }
    free(b->dense), free(b->row_start), free(b->cols), free(b->vals);
    free(b->col_start), free(b->rows), free(b->cvals);
    free(b->row_total), free(b->inv_den), free(b->scratch_row), free(b->scratch_col), free(b->scores);
    free(b);
}

/* LSD radix sort of keys (n,) by their low `bits` bits, 11 bits per pass; tmp (n,) scratch. The
 * result is in keys. Returns 0 when out of memory. */
static int radix_sort(uint64_t *keys, uint64_t *tmp, size_t n, int bits) {
    enum { RADIX = 11, BUCKETS = 1 << RADIX };
    size_t *hist = calloc(BUCKETS, sizeof *hist);
    if (!hist) return 0;
    uint64_t *src = keys, *dst = tmp;
    for (int shift = 0; shift < bits; shift += RADIX) {
        memset(hist, 0, BUCKETS * sizeof *hist);
        for (size_t i = 0; i < n; i++) hist[(src[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (int d = 0; d < BUCKETS; d++) {
            size_t c = hist[d];
            hist[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[hist[(src[i] >> shift) & (BUCKETS - 1)]++] = src[i];
        uint64_t *swap = src;
        src = dst, dst = swap;
    }
    if (src != keys) memcpy(keys, src, n * sizeof *keys);
    free(hist);
    return 1;
}

/* Pairs (ids[i], ids[i+1]) inside each sentence [starts[s], starts[s+1]). */
#define FOR_EACH_PAIR(ids, starts, nsent, ...)                             \
    for (size_t s_ = 0; s_ < (nsent); s_++)                                \
        for (int32_t i_ = (starts)[s_]; i_ + 1 < (starts)[s_ + 1]; i_++) { \
            int32_t prev = (ids)[i_], next = (ids)[i_ + 1];                \
            __VA_ARGS__                                                    \
        }

static lm_status count_sparse(lm_bigram *b, const int32_t *ids, const int32_t *starts, size_t nsent, size_t npairs) {
    size_t V = (size_t)b->V;
    uint64_t *keys = malloc(npairs * sizeof *keys), *tmp = malloc(npairs * sizeof *tmp); /* (npairs,) each */
    if (!keys || !tmp) {
        free(keys), free(tmp);
        return lm_fail(LM_ERR_NOMEM, "out of memory sorting %zu bigrams", npairs);
    }
    size_t n = 0;
    FOR_EACH_PAIR(ids, starts, nsent, { keys[n++] = (uint64_t)prev * V + (uint64_t)next; })
    int bits = 1;
    while (bits < 64 && ((uint64_t)1 << bits) < (uint64_t)V * V) bits++;
    int sorted = radix_sort(keys, tmp, n, bits);
    free(tmp);
    if (!sorted) {
        free(keys);
        return lm_fail(LM_ERR_NOMEM, "out of memory sorting bigrams");
    }
    size_t nnz = 0;
    for (size_t i = 0; i < n; i++) nnz += i == 0 || keys[i] != keys[i - 1];
    b->row_start = calloc(V + 1, sizeof *b->row_start);
    b->col_start = calloc(V + 2, sizeof *b->col_start);
    b->cols = malloc(nnz * sizeof *b->cols), b->vals = malloc(nnz * sizeof *b->vals);
    b->rows = malloc(nnz * sizeof *b->rows), b->cvals = malloc(nnz * sizeof *b->cvals);
    if (!b->row_start || !b->col_start || !b->cols || !b->vals || !b->rows || !b->cvals) {
        free(keys);
        return lm_fail(LM_ERR_NOMEM, "out of memory storing %zu distinct bigrams", nnz);
    }
    size_t j = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || keys[i] != keys[i - 1]) {
            j++;
            int32_t row = (int32_t)(keys[i] / V);
            b->cols[j] = (int32_t)(keys[i] % V);
            b->vals[j] = 0;
            b->row_start[row + 1]++;
            b->col_start[b->cols[j] + 2]++;
        }
        b->vals[j]++;
    }
    free(keys);
    for (size_t r = 0; r < V; r++) b->row_start[r + 1] += b->row_start[r];
    for (size_t c = 0; c < V; c++) b->col_start[c + 2] += b->col_start[c + 1];
    /* Transpose: walking rows in order leaves each column's rows ascending. col_start[c+1] is the
     * fill cursor of column c and ends as the start of column c+1. */
    for (int32_t r = 0; r < b->V; r++)
        for (uint32_t e = b->row_start[r]; e < b->row_start[r + 1]; e++) {
            uint32_t at = b->col_start[b->cols[e] + 1]++;
            b->rows[at] = r;
            b->cvals[at] = b->vals[e];
        }
    b->nnz = nnz;
    return LM_OK;
}

LM_API lm_status lm_bigram_train(lm_bigram **out, const lm_vocab *vocab, const uint8_t *text, size_t len, double k,
                                 double dense_limit_bytes) {
    const char *fn = "bigram_train";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    LM_TRY(lm_check_handle(fn, "vocab", vocab, LM_KIND_VOCAB));
    LM_TRY(lm_check_nonneg(fn, "k (add-k smoothing)", k));
    if (isnan(dense_limit_bytes)) return lm_fail(LM_ERR_ARG, "%s: dense_limit_bytes is NaN; it must be a number", fn);
    LM_TRY(lm_check_text(fn, text, len, 1));
    lm_status st;
    int32_t *ids = NULL, *starts = NULL;
    size_t n = 0, nsent = 0, npairs = 0;
    st = lm_vocab_encode_text(vocab, text, len, 0, &ids, &n, &starts, &nsent, "the training text");
    if (st) return st;
    for (size_t s = 0; s < nsent; s++) npairs += (size_t)(starts[s + 1] - starts[s] - 1);
    lm_bigram *b = calloc(1, sizeof *b);
    if (!b) st = lm_fail(LM_ERR_NOMEM, "out of memory allocating a bigram model");
    else if (npairs == 0)
        st = lm_fail(LM_ERR_EMPTY, "the training text has fewer than two tokens: there is no bigram to count");
    if (st) goto fail;
    size_t V = (size_t)vocab->size;
    b->V = vocab->size;
    b->k = k;
    b->pairs = (double)npairs;
    double limit = dense_limit_bytes < 0 ? LM_BIGRAM_DENSE_LIMIT : dense_limit_bytes;
    size_t cells = lm_size_mul(V, V), dense_bytes = lm_size_mul(cells, sizeof(uint32_t));
    b->sparse = !(dense_bytes && (double)dense_bytes <= limit);
    if (!b->sparse) {
        b->dense = calloc(cells, sizeof *b->dense);
        if (!b->dense) {
            st =
                lm_fail(LM_ERR_NOMEM,
                        "out of memory for a dense %zu x %zu count matrix (%zu bytes): use a smaller dense_limit_bytes",
                        V, V, dense_bytes);
            goto fail;
        }
        uint32_t *dense = b->dense;
        FOR_EACH_PAIR(ids, starts, nsent, { dense[(size_t)prev * V + (size_t)next]++; })
        b->nnz = 0;
        for (size_t i = 0; i < cells; i++) b->nnz += dense[i] != 0;
    } else if ((st = count_sparse(b, ids, starts, nsent, npairs))) {
        goto fail;
    }
    free(ids), free(starts);
    ids = starts = NULL;
    b->row_total = calloc(V, sizeof *b->row_total);
    b->inv_den = malloc(V * sizeof *b->inv_den);
    b->scratch_row = calloc(V, sizeof *b->scratch_row);
    b->scratch_col = calloc(V, sizeof *b->scratch_col);
    b->scores = malloc(V * sizeof *b->scores);
    if (!b->row_total || !b->inv_den || !b->scratch_row || !b->scratch_col || !b->scores) {
        st = lm_fail(LM_ERR_NOMEM, "out of memory allocating a bigram model");
        goto fail;
    }
    for (size_t r = 0; r < V; r++) {
        double total = 0;
        if (b->sparse)
            for (uint32_t e = b->row_start[r]; e < b->row_start[r + 1]; e++) total += b->vals[e];
        else
            for (size_t c = 0; c < V; c++) total += b->dense[r * V + c];
        b->row_total[r] = total;
        double den = total + k * (double)V;
        b->inv_den[r] = den > 0 ? 1.0 / den : 0.0;
    }
    if ((st = lm_vocab_clone(&b->vocab, vocab))) goto fail;
    b->vocab->owned = 1;
    if ((st = lm_handle_add(b->vocab, LM_KIND_VOCAB))) {
        lm_vocab_destroy(b->vocab);
        b->vocab = NULL;
        goto fail;
    }
    b->boundary = vocab->level == LM_LEVEL_WORD ? vocab->bos : lm_vocab_lookup(vocab, (const uint8_t *)"\n", 1);
    if ((st = lm_handle_add(b, LM_KIND_BIGRAM))) goto fail;
    *out = b;
    return LM_OK;
fail:
    free(ids), free(starts);
    bigram_destroy(b);
    return st;
}

LM_API lm_status lm_bigram_free(lm_bigram *b) {
    LM_TRY(lm_check_handle("bigram_free", "bigram", b, LM_KIND_BIGRAM));
    lm_handle_remove(b);
    bigram_destroy(b);
    return LM_OK;
}

LM_API lm_status lm_bigram_info(const lm_bigram *b, double *info) {
    const char *fn = "bigram_info";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_ptr(fn, "info", info));
    double V = b->V;
    info[LM_BIGRAM_INFO_V] = V;
    info[LM_BIGRAM_INFO_K] = b->k;
    info[LM_BIGRAM_INFO_SPARSE] = b->sparse;
    info[LM_BIGRAM_INFO_NONZERO] = (double)b->nnz;
    info[LM_BIGRAM_INFO_PAIRS] = b->pairs;
    info[LM_BIGRAM_INFO_COUNT_BYTES] = b->sparse ? (double)b->nnz * 16 + (V + 1) * 8 : V * V * 4;
    return LM_OK;
}

LM_API lm_status lm_bigram_vocab(const lm_bigram *b, const lm_vocab **vocab) {
    const char *fn = "bigram_vocab";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_ptr(fn, "vocab", vocab));
    *vocab = b->vocab;
    return LM_OK;
}

/* The checks of a call about one pair (prev, next) of token ids. */
static lm_status check_pair(const char *fn, const lm_bigram *b, int32_t prev, int32_t next, const void *out) {
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_ids(fn, "prev", &prev, 1, -1, b->V, NULL, 0));
    LM_TRY(lm_check_ids(fn, "next", &next, 1, -1, b->V, NULL, 0));
    return lm_check_ptr(fn, "out", out);
}

LM_API lm_status lm_bigram_count(const lm_bigram *b, int32_t prev, int32_t next, double *count) {
    lm_status st = check_pair("bigram_count", b, prev, next, count);
    if (!st) *count = lm_bigram_count_of(b, prev, next);
    return st;
}

LM_API lm_status lm_bigram_prob(const lm_bigram *b, int32_t prev, int32_t next, double *prob) {
    lm_status st = check_pair("bigram_prob", b, prev, next, prob);
    if (!st) *prob = lm_bigram_p(b, prev, next);
    return st;
}

void lm_bigram_expand(const lm_bigram *b, int32_t prev, int32_t next, int clear) {
    if (!b->sparse) return;
    if (prev >= 0)
        for (uint32_t e = b->row_start[prev]; e < b->row_start[prev + 1]; e++)
            b->scratch_row[b->cols[e]] = clear ? 0 : b->vals[e];
    if (next >= 0)
        for (uint32_t e = b->col_start[next]; e < b->col_start[next + 1]; e++)
            b->scratch_col[b->rows[e]] = clear ? 0 : b->cvals[e];
}

LM_API lm_status lm_bigram_distribution(const lm_bigram *b, int32_t prev, float *dist) {
    const char *fn = "bigram_distribution";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_ids(fn, "prev", &prev, 1, -1, b->V, NULL, 0));
    LM_TRY(lm_check_ptr(fn, "dist", dist));
    size_t V = (size_t)b->V;
    double inv = b->inv_den[prev], base = b->k * inv;
    if (b->sparse) {
        for (size_t w = 0; w < V; w++) dist[w] = (float)base;
        for (uint32_t e = b->row_start[prev]; e < b->row_start[prev + 1]; e++)
            dist[b->cols[e]] = (float)(((double)b->vals[e] + b->k) * inv);
    } else {
        const uint32_t *row = b->dense + (size_t)prev * V; /* (V,) */
        for (size_t w = 0; w < V; w++) dist[w] = (float)(((double)row[w] + b->k) * inv);
    }
    return LM_OK;
}

/* Sum of log P over the predicted tokens of text, and how many were predicted. */
static lm_status score_text(const lm_bigram *b, const uint8_t *text, size_t len, double *log_prob, double *tokens) {
    int32_t *ids, *starts;
    size_t n, nsent;
    lm_status st = lm_vocab_encode_text(b->vocab, text, len, 0, &ids, &n, &starts, &nsent, "the text");
    if (st) return st;
    double sum = 0, count = 0;
    FOR_EACH_PAIR(ids, starts, nsent, {
        double p = lm_bigram_p(b, prev, next);
        sum += p > 0 ? log(p) : -INFINITY;
        count++;
    })
    free(ids), free(starts);
    *log_prob = sum, *tokens = count;
    return LM_OK;
}

/* The checks of a call that scores a text into out. */
static lm_status check_text_call(const char *fn, const lm_bigram *b, const uint8_t *text, size_t len, const void *out) {
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_ptr(fn, "out", out));
    return lm_check_text(fn, text, len, 0);
}

LM_API lm_status lm_bigram_evaluate(const lm_bigram *b, const uint8_t *text, size_t len, double *result) {
    lm_status st = check_text_call("bigram_evaluate", b, text, len, result);
    double log_prob, tokens;
    if (!st) st = score_text(b, text, len, &log_prob, &tokens);
    if (st) return st;
    if (tokens == 0) return lm_fail(LM_ERR_EMPTY, "the held-out text has no tokens to predict");
    double loss = -log_prob / tokens;
    result[LM_BIGRAM_EVAL_LOSS] = loss;
    result[LM_BIGRAM_EVAL_PERPLEXITY] = exp(loss);
    result[LM_BIGRAM_EVAL_BITS] = loss / log(2.0);
    result[LM_BIGRAM_EVAL_TOKENS] = tokens;
    return LM_OK;
}

LM_API lm_status lm_bigram_log_prob(const lm_bigram *b, const uint8_t *text, size_t len, double *log_prob,
                                    double *tokens) {
    const char *fn = "bigram_log_prob";
    lm_status st = check_text_call(fn, b, text, len, log_prob);
    if (!st) st = lm_check_ptr(fn, "tokens", tokens);
    if (!st) st = score_text(b, text, len, log_prob, tokens);
    return st;
}
