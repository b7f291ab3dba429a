/* bigram.h — the lab's bigram language model: counts C(w_{n-1} w_n) from sentences, add-k smoothing
 *   P(w_n | w_{n-1}) = (C(w_{n-1} w_n) + k) / (C(w_{n-1}) + k V)      (k = 1: the lab's Laplace formula)
 * where C(w_{n-1}) is the row sum (how often w_{n-1} was a context), so every row sums to 1. Counts
 * are a dense (V, V) matrix while it fits a byte budget, otherwise CSR rows plus CSC columns; both
 * paths give identical answers. k = 0 (MLE): unseen pairs have probability 0 and log-probability
 * -inf (perplexity +inf), not an error. Word level: each sentence is <s> w1 … wn </s> and pairs never
 * cross sentences; char level: the text is one stream of code points (a newline is a character). */
#ifndef LM_BIGRAM_H
#define LM_BIGRAM_H

#include "lm_common.h"
#include "vocab.h"

/* Dense counts while V * V * 4 bytes stays within this budget (64 MiB: V up to 4096). */
#define LM_BIGRAM_DENSE_LIMIT ((double)(64u << 20))

/* The exported functions (lm_bigram_train, …) are in lmlab.h; this header holds the struct and the
 * count lookups bigram.c and bigram_apps.c share. */
struct lm_bigram {
    lm_vocab *vocab; /* owned copy, registered as a vocabulary handle */
    int32_t V;
    double k;
    int sparse;
    uint32_t *dense;     /* (V, V) counts, dense path only */
    uint32_t *row_start; /* (V+1,) CSR, sparse path only */
    int32_t *cols;       /* (nnz,) column ids, ascending within a row */
    uint32_t *vals;      /* (nnz,) */
    uint32_t *col_start; /* (V+1,) CSC */
    int32_t *rows;       /* (nnz,) row ids, ascending within a column */
    uint32_t *cvals;     /* (nnz,) */
    size_t nnz;
    double pairs;          /* training pairs counted */
    double *row_total;     /* (V,) C(w) as a context = row sums */
    double *inv_den;       /* (V,) 1 / (C(w) + kV), 0 where that is 0 */
    uint32_t *scratch_row; /* (V,) zero between uses: a row expanded from CSR */
    uint32_t *scratch_col; /* (V,) zero between uses: a column expanded from CSC */
    double *scores;        /* (V,) masked-word scores */
    int32_t boundary;      /* char level: the newline's id (-1 if none); word level: <s> */
};

static inline uint32_t lm_bigram_count_of(const lm_bigram *b, int32_t prev, int32_t next) {
    if (!b->sparse) return b->dense[(size_t)prev * (size_t)b->V + (size_t)next];
    uint32_t lo = b->row_start[prev], hi = b->row_start[prev + 1];
    while (lo < hi) { /* binary search in the row's sorted columns */
        uint32_t mid = lo + (hi - lo) / 2;
        if (b->cols[mid] < next) lo = mid + 1;
        else hi = mid;
    }
    return lo < b->row_start[prev + 1] && b->cols[lo] == next ? b->vals[lo] : 0;
}

static inline double lm_bigram_p(const lm_bigram *b, int32_t prev, int32_t next) {
    double den = b->row_total[prev] + b->k * b->V;
    return den > 0 ? ((double)lm_bigram_count_of(b, prev, next) + b->k) / den : 0.0;
}

/* Expand row `prev` / column `next` into scratch_row / scratch_col (sparse) and clear them again. */
void lm_bigram_expand(const lm_bigram *b, int32_t prev, int32_t next, int clear);

#endif
