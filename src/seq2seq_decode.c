/* seq2seq_decode.c — inference for the encoder–decoder: greedy decoding of a batch and beam search of
 * width K for one source, one decoder step at a time over the model's caches carved for one target step
 * (Tt = 1): the state of slot 1 is moved back to slot 0 after each step, reordered by parent for the beam.
 * <pad> and <s> are never produced (neither is ever a correct next token); a hypothesis's score is the
 * sum of its tokens' log-probabilities under the full softmax. No allocation except the beam's
 * bookkeeping. Shapes: N batch, K beam width, Ts source steps, Vt target vocabulary, H hidden, L layers. */
#include "seq2seq_cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One decoder step for every row from the state in slot 0 and the tokens in yin: scores (N, Vt). */
static void step(lm_seq2seq *m) {
    s2s_decoder_inputs(m);
    s2s_decode_step(m, 0);
    s2s_output(m);
}

/* lse of a score row (Vt,): log Σ exp(s_v), stably. */
static double log_sum_exp(const lm_float *s, int V) {
    double max = s[0], z = 0;
    for (int v = 1; v < V; v++) max = s[v] > max ? s[v] : max;
    for (int v = 0; v < V; v++) z += exp((double)s[v] - max);
    return max + log(z);
}

static int allowed(const lm_seq2seq *m, int v) { return v != m->cfg.tgt_pad && v != m->cfg.tgt_bos; }

/* Slot 1's state (L layers, rows by parent[j], or row j itself when parent is NULL) into slot 0. */
static void advance_state(lm_seq2seq *m, const int *parent) {
    const int N = m->cache_N, H = m->cfg.H;
    for (int l = 0; l < m->cfg.L; l++)
        for (int part = 0; part < (m->cfg.cell == LM_CELL_LSTM ? 2 : 1); part++) {
            lm_float *to = part ? s2s_dec_c(m, l, 0) : s2s_dec_h(m, l, 0);
            const lm_float *from = part ? s2s_dec_c(m, l, 1) : s2s_dec_h(m, l, 1);
            for (int j = 0; j < N; j++)
                memcpy(to + (size_t)j * H, from + (size_t)(parent ? parent[j] : j) * H, (size_t)H * sizeof(lm_float));
        }
}

lm_status seq2seq_greedy(lm_seq2seq *m, const int32_t *src, int N, int Ts, int max_len, int32_t *out, int32_t *out_len,
                         lm_float *alpha, double *logprob) {
    LM_TRY(seq2seq_ensure_caches(m, N, Ts, 1));
    const int Vt = m->cfg.Vt, attention = m->cfg.attention != LM_ATTN_NONE;
    s2s_load_sources(m, src);
    s2s_encode(m);
    for (size_t i = 0; i < (size_t)N * max_len; i++) out[i] = m->cfg.tgt_pad;
    if (alpha) memset(alpha, 0, (size_t)N * max_len * Ts * sizeof *alpha);
    for (int n = 0; n < N; n++) {
        out_len[n] = max_len; /* until </s> says otherwise */
        if (logprob) logprob[n] = 0;
        m->yin[n] = m->cfg.tgt_bos;
    }
    int live = N;
    for (int s = 0; s < max_len && live > 0; s++) {
        step(m);
        for (int n = 0; n < N; n++) {
            if (out_len[n] <= s) continue;                    /* ended at an earlier step */
            const lm_float *row = m->scores + (size_t)n * Vt; /* (Vt,) */
            int best = -1;
            for (int v = 0; v < Vt; v++)
                if (allowed(m, v) && (best < 0 || row[v] > row[best])) best = v;
            if (logprob) logprob[n] += (double)row[best] - log_sum_exp(row, Vt);
            out[(size_t)n * max_len + s] = best;
            if (alpha && attention)
                memcpy(alpha + ((size_t)n * max_len + s) * Ts, m->alpha + (size_t)n * Ts, (size_t)Ts * sizeof *alpha);
            m->yin[n] = best;
            if (best == m->cfg.tgt_eos) {
                out_len[n] = s + 1;
                live--;
            }
        }
        advance_state(m, NULL);
    }
    return LM_OK;
}

/* ---- beam search -------------------------------------------------------------------------------- */

typedef struct {
    double score;
    int parent, token;
} candidate;

/* Higher score first; ties by parent then token, so the order is deterministic. */
static int better(const candidate *a, const candidate *b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->parent != b->parent) return a->parent < b->parent;
    return a->token < b->token;
}

lm_status seq2seq_beam(lm_seq2seq *m, const int32_t *src, int Ts, int K, int max_len, int32_t *out, int32_t *out_len,
                       lm_float *alpha, double *logprob) {
    const int Vt = m->cfg.Vt, keep_alpha = alpha && m->cfg.attention != LM_ATTN_NONE;
    /* bookkeeping: token and α histories of the K beams (current and next), scores, candidates */
    const size_t hist_n = lm_size_mul((size_t)K, (size_t)max_len);
    const size_t ahist_n = keep_alpha ? lm_size_mul(hist_n, (size_t)Ts) : 1;
    int32_t *hist = malloc(2 * hist_n * sizeof *hist + 1);
    lm_float *ahist = ahist_n ? malloc(lm_size_mul(2 * ahist_n, sizeof *ahist) + 1) : NULL;
    double *score = malloc((size_t)K * sizeof *score);
    candidate *cand = malloc((size_t)K * K * sizeof *cand);
    int *parent = malloc((size_t)K * sizeof *parent);
    lm_float *best_alpha = keep_alpha ? calloc((size_t)max_len * Ts, sizeof *best_alpha) : NULL;
    int32_t *best_ids = malloc((size_t)max_len * sizeof *best_ids);
    lm_status s = LM_OK;
    if (!hist || !ahist || !score || !cand || !parent || (keep_alpha && !best_alpha) || !best_ids)
        s = lm_fail(LM_ERR_NOMEM, "seq2seq: out of memory for a beam of %d over %d steps", K, max_len);
    if (!s) s = seq2seq_ensure_caches(m, K, Ts, 1);
    if (s) {
        free(hist), free(ahist), free(score), free(cand), free(parent), free(best_alpha), free(best_ids);
        return s;
    }
    /* the source in every row (the encoder runs K identical rows: simple, and the decoder dominates) */
    for (int j = 0; j < K; j++) {
        for (int t = 0; t < Ts; t++) {
            m->src_t[(size_t)t * K + j] = src[t];
            m->mask[(size_t)j * Ts + t] = (uint8_t)(src[t] != m->cfg.src_pad);
        }
        int len = 0;
        for (int t = 0; t < Ts; t++) len += src[t] != m->cfg.src_pad;
        m->lens[j] = len;
        score[j] = j == 0 ? 0 : -INFINITY; /* one live hypothesis at the start: <s> */
        m->yin[j] = m->cfg.tgt_bos;
    }
    s2s_encode(m);
    int32_t *cur = hist, *nxt = hist + hist_n;
    lm_float *acur = ahist, *anxt = keep_alpha ? ahist + ahist_n : ahist;
    double best_score = -INFINITY;
    int best_len = 0, finished = 0, steps = 0;
    for (int t = 0; t < max_len; t++) {
        step(m);
        steps = t + 1;
        /* each live beam proposes its K best allowed tokens */
        int nc = 0;
        for (int b = 0; b < K; b++) {
            if (score[b] == -INFINITY) continue;
            const lm_float *row = m->scores + (size_t)b * Vt;
            const double lse = log_sum_exp(row, Vt);
            int first = nc;
            for (int v = 0; v < Vt; v++) {
                if (!allowed(m, v)) continue;
                candidate c = {score[b] + (double)row[v] - lse, b, v};
                int count = nc - first;
                if (count == K && !better(&c, &cand[nc - 1])) continue;
                int at = count == K ? nc - 1 : nc++; /* drop the worst when full */
                while (at > first && better(&c, &cand[at - 1])) {
                    cand[at] = cand[at - 1];
                    at--;
                }
                cand[at] = c;
            }
        }
        /* all candidates, best first (insertion sort: at most K² of them) */
        for (int i = 1; i < nc; i++) {
            candidate c = cand[i];
            int at = i;
            while (at > 0 && better(&c, &cand[at - 1])) {
                cand[at] = cand[at - 1];
                at--;
            }
            cand[at] = c;
        }
        /* the K best expansions: those ending in </s> are finished, the others stay live */
        int live = 0;
        for (int i = 0; i < nc && i < K; i++) {
            const candidate *c = &cand[i];
            const lm_float *arow = m->alpha + (size_t)c->parent * Ts; /* this step's α of the parent */
            if (c->token == m->cfg.tgt_eos) {
                finished++;
                if (c->score > best_score) {
                    best_score = c->score;
                    best_len = t + 1;
                    memcpy(best_ids, cur + (size_t)c->parent * max_len, (size_t)t * sizeof *best_ids);
                    best_ids[t] = c->token;
                    if (keep_alpha) {
                        memcpy(best_alpha, acur + (size_t)c->parent * max_len * Ts,
                               (size_t)t * Ts * sizeof *best_alpha);
                        memcpy(best_alpha + (size_t)t * Ts, arow, (size_t)Ts * sizeof *best_alpha);
                    }
                }
                continue;
            }
            memcpy(nxt + (size_t)live * max_len, cur + (size_t)c->parent * max_len, (size_t)t * sizeof *nxt);
            nxt[(size_t)live * max_len + t] = c->token;
            if (keep_alpha) {
                lm_float *to = anxt + (size_t)live * max_len * Ts;
                memcpy(to, acur + (size_t)c->parent * max_len * Ts, (size_t)t * Ts * sizeof *to);
                memcpy(to + (size_t)t * Ts, arow, (size_t)Ts * sizeof *to);
            }
            parent[live] = c->parent;
            score[live] = c->score;
            m->yin[live] = c->token;
            live++;
        }
        for (int j = live; j < K; j++) { /* empty beams: ignored, fed something valid */
            parent[j] = 0;
            score[j] = -INFINITY;
            m->yin[j] = m->cfg.tgt_bos;
        }
        advance_state(m, parent);
        int32_t *swap = cur;
        cur = nxt, nxt = swap;
        lm_float *aswap = acur;
        acur = anxt, anxt = aswap;
        /* stop: nothing live, K ended, or no live hypothesis can still beat the best ended one */
        if (live == 0 || finished >= K || (finished > 0 && best_score >= score[0])) break;
    }
    if (best_len == 0) { /* none ended within max_len: the best live one (beam 0, best first) */
        best_score = score[0];
        best_len = steps;
        memcpy(best_ids, cur, (size_t)steps * sizeof *best_ids);
        if (keep_alpha) memcpy(best_alpha, acur, (size_t)steps * Ts * sizeof *best_alpha);
    }
    for (int t = 0; t < max_len; t++) out[t] = t < best_len ? best_ids[t] : m->cfg.tgt_pad;
    *out_len = best_len;
    if (logprob) *logprob = best_score;
    if (alpha) {
        memset(alpha, 0, (size_t)max_len * Ts * sizeof *alpha);
        if (keep_alpha) memcpy(alpha, best_alpha, (size_t)best_len * Ts * sizeof *alpha);
    }
    free(hist), free(ahist), free(score), free(cand), free(parent), free(best_alpha), free(best_ids);
    return LM_OK;
}
