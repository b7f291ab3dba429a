/* sample.c — temperature / top-k / greedy selection and generation (see sample.h). Probabilities are
 * formed in double from max-shifted logits, so a low temperature cannot overflow. */
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_desc(const void *a, const void *b) {
    lm_float x = *(const lm_float *)a, y = *(const lm_float *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

int32_t lm_sample_logits(const lm_float *logits, int V, double temperature, int top_k, lm_rng *rng, lm_float *work) {
    int32_t best = 0;
    for (int v = 1; v < V; v++)
        if (logits[v] > logits[best]) best = v;
    if (temperature <= 0 || top_k == 1) return best;
    lm_float threshold = -INFINITY;
    if (top_k > 0 && top_k < V) { /* the k-th largest logit */
        memcpy(work, logits, (size_t)V * sizeof *work);
        qsort(work, (size_t)V, sizeof *work, compare_desc);
        threshold = work[top_k - 1];
    }
    const double max = logits[best];
    double total = 0;
    for (int v = 0; v < V; v++) {
        double p = logits[v] >= threshold ? exp(((double)logits[v] - max) / temperature) : 0;
        work[v] = (lm_float)p;
        total += (double)work[v];
    }
    double u = lm_rng_uniform(rng) * total, acc = 0;
    int32_t last = best;
    for (int v = 0; v < V; v++) {
        if (work[v] <= 0) continue;
        acc += (double)work[v];
        last = v;
        if (u < acc) return v;
    }
    return last; /* u landed on the rounding slack at the very top */
}

lm_status model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature, int top_k,
                         uint32_t seed, int32_t stop_id, int32_t *out, int *n_out) {
    *n_out = 0;
    const int V = m->cfg.V;
    lm_float *state = calloc(model_state_count(m, 1) + 1, sizeof(lm_float)); /* (state_count(1)) */
    lm_float *logits = malloc((size_t)V * sizeof(lm_float));                 /* (V,) */
    lm_float *work = malloc((size_t)V * sizeof(lm_float));                   /* (V,) */
    lm_status s = (state && logits && work) ? LM_OK : lm_fail(LM_ERR_NOMEM, "out of memory for generation");
    if (!s) model_empty_state(m, state, 1);
    if (!s && n_prime == 0) s = model_empty_logits(m, logits);
    for (int i = 0; i < n_prime && !s; i++) s = model_step(m, prime[i], state, logits);
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    int n = 0;
    while (!s && n < length) {
        int32_t id = lm_sample_logits(logits, V, temperature, top_k, &rng, work);
        out[n++] = id;
        if (id == stop_id) break;
        if (n < length) s = model_step(m, id, state, logits);
    }
    free(state);
    free(logits);
    free(work);
    if (!s) *n_out = n;
    return s;
}
