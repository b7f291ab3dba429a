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

typedef struct lm_bigram lm_bigram;

/* Count the bigrams of text with (a private copy of) vocab. k >= 0; dense_limit_bytes < 0 means
 * LM_BIGRAM_DENSE_LIMIT, 0 forces the sparse path, a huge value forces dense (if memory allows). */
LM_API lm_status lm_bigram_train(lm_bigram **out, const lm_vocab *vocab, const uint8_t *text, size_t len, double k,
                                 double dense_limit_bytes);
LM_API lm_status lm_bigram_free(lm_bigram *b);
/* info: (6,) = V, k, sparse (0/1), stored nonzero pairs, training pairs, bytes of count storage. */
LM_API lm_status lm_bigram_info(const lm_bigram *b, double *info);
/* The model's own vocabulary copy (a live vocabulary handle until the model is freed). */
LM_API lm_status lm_bigram_vocab(const lm_bigram *b, const lm_vocab **vocab);
LM_API lm_status lm_bigram_count(const lm_bigram *b, int32_t prev, int32_t next, double *count);
LM_API lm_status lm_bigram_prob(const lm_bigram *b, int32_t prev, int32_t next, double *prob);
/* P(. | prev) for every token: dist (V,). */
LM_API lm_status lm_bigram_distribution(const lm_bigram *b, int32_t prev, float *dist);
/* Held-out evaluation: result (4,) = mean NLL in nats per predicted token, perplexity, bits per
 * token, predicted tokens. Word level predicts w1 … wn and </s> of every sentence; char level every
 * code point after the first. LM_ERR_EMPTY when nothing is predicted. */
LM_API lm_status lm_bigram_evaluate(const lm_bigram *b, const uint8_t *text, size_t len, double *result);
/* Sum of natural-log probabilities of the text's predicted tokens (same convention); tokens: (1,). */
LM_API lm_status lm_bigram_log_prob(const lm_bigram *b, const uint8_t *text, size_t len, double *log_prob,
                                    double *tokens);

/* ---- bigram_apps.c: generation, masked-word prediction, the heatmap matrix ---- */
/* count sentences of at most max_length tokens: ids (count, max_length), lengths (count,). Word level
 * samples from <s> until </s>; char level from a newline until a newline. temperature > 0 scales
 * log-probabilities by 1/temperature; greedy (or temperature 0) takes the argmax (lowest id on ties). */
LM_API lm_status lm_bigram_generate(const lm_bigram *b, double seed, double temperature, int greedy,
                                    int32_t max_length, int32_t count, int32_t *ids, int32_t *lengths);
/* Rank every candidate w for the one [MASK] (or ___) in text by P(w | prev) P(next | w); the best
 * top_k (normalised over all candidates) into ids (top_k,), probs (top_k,); *n how many were written. */
LM_API lm_status lm_bigram_predict_masked(const lm_bigram *b, const uint8_t *text, size_t len, int32_t top_k,
                                          int32_t *ids, double *probs, int32_t *n);
/* Mask one random token in each sentence (word level) or line (char level) of text: result (3,) =
 * top-1 accuracy, top-5 accuracy, sentences scored. */
LM_API lm_status lm_bigram_masked_accuracy(const lm_bigram *b, const uint8_t *text, size_t len, double seed,
                                           double *result);
/* The top_n most frequent tokens (training counts; ties: lower id): ids (top_n,), values (top_n, top_n)
 * of counts (kind 0) or smoothed P(column | row) (kind 1); *n = min(top_n, V). */
LM_API lm_status lm_bigram_matrix(const lm_bigram *b, int32_t top_n, int kind, int32_t *ids, float *values,
                                  int32_t *n);

/* ---- internal ---- */
struct lm_bigram {
    lm_vocab *vocab;       /* owned copy, registered as a vocabulary handle */
    int32_t V;
    double k;
    int sparse;
    uint32_t *dense;       /* (V, V) counts, dense path only */
    uint32_t *row_start;   /* (V+1,) CSR, sparse path only */
    int32_t *cols;         /* (nnz,) column ids, ascending within a row */
    uint32_t *vals;        /* (nnz,) */
    uint32_t *col_start;   /* (V+1,) CSC */
    int32_t *rows;         /* (nnz,) row ids, ascending within a column */
    uint32_t *cvals;       /* (nnz,) */
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
