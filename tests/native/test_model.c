/* test_model.c — the neural model natively: whole-model gradient checks (double build: rel error
 * < 1e-6), truncated BPTT equivalence, optimizer update formulas against hand computations, clipping,
 * refused non-finite steps, safetensors round trips and malformed files, the JSON parser, sampling,
 * training convergence, and the API's error sentences. */
#include "check.h"
#include "file_edit.h"
#include "handles.h"
#include "json.h"
#include "lmlab.h"
#include "model.h"
#include "model_io.h"
#include "optim.h"
#include "sample.h"
#include "serialize.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define GRAD_TOL 1e-6
#define GRAD_EPS 1e-5
#else
#define GRAD_TOL 5e-2
#define GRAD_EPS 1e-2
#endif

static lm_model *make(int V, int E, int H, int L, uint32_t seed) {
    lm_model_config c = {LM_CELL_RNN, V, E, H, L, seed, 0, 0};
    lm_model *m = NULL;
    lm_status s = model_new(&m, &c);
    CHECK(s == LM_OK, "model_new: %s", lm_error_message());
    /* larger weights than the default init so the gradients are not all tiny */
    for (int k = 0; m && k < m->n_tensors; k++) /* the embedding is N(0, 1) already */
        for (size_t i = 0; strcmp(m->table[k].lecture, "W_embed") != 0 && i < m->table[k].count; i++)
            m->params[m->table[k].offset + i] *= 30;
    for (size_t i = 0; m && i < m->n_params; i++)
        if (m->params[i] == 0) m->params[i] = (lm_float)(0.05 * ((int)(i % 7) - 3));
    return m;
}

static void random_ids(int32_t *ids, size_t n, int V, uint32_t seed) {
    lm_rng r;
    lm_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) ids[i] = (int32_t)lm_rng_below(&r, (uint32_t)V);
}

static void test_gradient_check(void) {
    const int configs[][4] = {{7, 0, 5, 1}, {9, 4, 6, 1}, {6, 0, 4, 2}, {8, 3, 5, 3}};
    for (size_t c = 0; c < sizeof configs / sizeof *configs; c++) {
        int V = configs[c][0], E = configs[c][1], H = configs[c][2], L = configs[c][3], N = 3, T = 4;
        lm_model *m = make(V, E, H, L, 11 + (uint32_t)c);
        if (!m) return;
        int32_t ids[3 * 5];
        random_ids(ids, sizeof ids / sizeof *ids, V, 5 + (uint32_t)c);
        double loss;
        /* one step first so that the check starts from a non-zero carried state */
        CHECK(model_loss_and_grads(m, ids, N, T, &loss) == LM_OK, "%s", lm_error_message());
        random_ids(ids, sizeof ids / sizeof *ids, V, 50 + (uint32_t)c);
        double rel[LM_MODEL_MAX_TENSORS];
        CHECK(model_gradient_check(m, ids, N, T, 40, GRAD_EPS, 3, rel) == LM_OK, "%s", lm_error_message());
        for (int k = 0; k < m->n_tensors; k++)
            CHECK(rel[k] < GRAD_TOL, "config %zu: %s (%s) relative error %.3g", c, m->table[k].name,
                  m->table[k].lecture, rel[k]);
        model_delete(m);
    }
    /* the check must catch a real bug: corrupt one gradient and compare by hand */
    lm_model *m = make(5, 0, 3, 1, 2);
    int32_t ids[2 * 4];
    random_ids(ids, 8, 5, 9);
    double loss, plus, minus;
    model_loss_and_grads_from(m, ids, 2, 3, NULL, &loss);
    size_t i = m->table[1].offset + 4; /* an entry of Wh */
    lm_float saved = m->params[i], g = m->grads[i];
    m->params[i] = saved + (lm_float)GRAD_EPS;
    model_loss_sum(m, ids, 2, 3, NULL, &plus);
    m->params[i] = saved - (lm_float)GRAD_EPS;
    model_loss_sum(m, ids, 2, 3, NULL, &minus);
    m->params[i] = saved;
    double numeric = (plus - minus) / 2 / (2 * GRAD_EPS); /* objective: sum over T, mean over N = 2 */
    CHECK(fabs(numeric - g) <= 1e-3 * fabs(numeric) + 1e-6, "Wh[4] numeric %g analytic %g", numeric, (double)g);
    model_delete(m);
}

/* Carrying the state across two windows equals one window of twice the length. */
static void test_truncated_bptt(void) {
    lm_model *m = make(6, 0, 5, 2, 4);
    int N = 2, T = 3;
    int32_t stream[2][7], one[2 * 7], a[2 * 4], b[2 * 4];
    random_ids(&stream[0][0], 14, 6, 21);
    for (int n = 0; n < N; n++)
        for (int t = 0; t < 7; t++) {
            one[n * 7 + t] = stream[n][t];
            if (t < 4) a[n * 4 + t] = stream[n][t];
            if (t >= 3) b[n * 4 + t - 3] = stream[n][t];
        }
    double la, lb, lone;
    model_reset_state(m);
    CHECK(model_loss_and_grads(m, a, N, T, &la) == LM_OK, "%s", lm_error_message());
    CHECK(model_loss_and_grads(m, b, N, T, &lb) == LM_OK, "%s", lm_error_message());
    model_reset_state(m);
    CHECK(model_loss_and_grads(m, one, N, 2 * T, &lone) == LM_OK, "%s", lm_error_message());
    CHECK(check_close((la + lb) / 2, lone, 1e-5), "two windows %.9g vs one %.9g", (la + lb) / 2, lone);
    /* and without carrying (reset in between) the second window differs */
    model_reset_state(m);
    model_loss_and_grads(m, a, N, T, &la);
    model_reset_state(m);
    model_loss_and_grads(m, b, N, T, &lb);
    CHECK(!check_close((la + lb) / 2, lone, 1e-7), "reset must change the loss");
    model_delete(m);
}

static void test_optimizers(void) {
    lm_param_info table[1];
    memset(table, 0, sizeof table);
    strcpy(table[0].name, "decoder.bias");
    strcpy(table[0].lecture, "by");
    table[0].count = 3;
    lm_float p[3], g[3];
    lm_optimizer o;

    /* SGD: p -= lr·g */
    lm_optim_config c = lm_optim_defaults(LM_OPT_SGD);
    c.lr = 0.5;
    lm_optim_init(&o, &c, 3);
    p[0] = 1;
    p[1] = -2;
    p[2] = 0.5;
    g[0] = 0.2;
    g[1] = -0.4;
    g[2] = 1;
    CHECK(lm_optim_step(&o, p, g, table, 1) == LM_OK, "sgd step");
    CHECK(check_close(p[0], 0.9, 1e-6) && check_close(p[1], -1.8, 1e-6) && check_close(p[2], 0, 1e-6), "sgd %g %g %g",
          (double)p[0], (double)p[1], (double)p[2]);
    lm_optim_free(&o);

    /* SGD momentum 0.9, two steps with g = 1: v1 = 1, p = -0.1; v2 = 1.9, p = -0.1 - 0.19 = -0.29 */
    c.lr = 0.1;
    c.momentum = 0.9;
    lm_optim_init(&o, &c, 3);
    p[0] = p[1] = p[2] = 0;
    for (int s = 0; s < 2; s++) {
        g[0] = g[1] = g[2] = 1;
        lm_optim_step(&o, p, g, table, 1);
    }
    CHECK(check_close(p[0], -0.29, 1e-6), "momentum %g", (double)p[0]);
    lm_optim_free(&o);

    /* Adagrad (min-char-rnn): mem += g²; p -= lr·g/sqrt(mem + eps). g = 2 then 1: mem 4 then 5 */
    c = lm_optim_defaults(LM_OPT_ADAGRAD);
    CHECK(c.lr == 0.1 && c.eps == 1e-8, "adagrad defaults");
    lm_optim_init(&o, &c, 3);
    p[0] = 1;
    g[0] = 2;
    g[1] = g[2] = 0;
    lm_optim_step(&o, p, g, table, 1);
    double expect = 1 - 0.1 * 2 / sqrt(4 + 1e-8);
    CHECK(check_close(p[0], expect, 1e-6), "adagrad 1: %g vs %g", (double)p[0], expect);
    g[0] = 1;
    g[1] = g[2] = 0;
    lm_optim_step(&o, p, g, table, 1);
    expect -= 0.1 * 1 / sqrt(5 + 1e-8);
    CHECK(check_close(p[0], expect, 1e-6) && check_close(o.m[0], 5, 1e-6), "adagrad 2: %g vs %g", (double)p[0], expect);
    lm_optim_free(&o);

    /* Adam: step 1 moves by lr·sign(g) (bias-corrected); step 2 by hand */
    c = lm_optim_defaults(LM_OPT_ADAM);
    c.lr = 0.01;
    lm_optim_init(&o, &c, 3);
    p[0] = 0;
    g[0] = 0.5;
    g[1] = g[2] = 0;
    lm_optim_step(&o, p, g, table, 1);
    CHECK(check_close(p[0], -0.01 * 0.5 / (0.5 + 1e-8), 1e-6), "adam 1: %g", (double)p[0]);
    double m1 = 0.05, v1 = 0.00025; /* after g = 0.5 */
    double p1 = p[0];
    g[0] = -1;
    g[1] = g[2] = 0;
    lm_optim_step(&o, p, g, table, 1);
    double m2 = 0.9 * m1 + 0.1 * -1, v2 = 0.999 * v1 + 0.001 * 1;
    double mh = m2 / (1 - 0.81), vh = v2 / (1 - 0.999 * 0.999);
    expect = p1 - 0.01 * mh / (sqrt(vh) + 1e-8);
    CHECK(check_close(p[0], expect, 1e-6), "adam 2: %g vs %g", (double)p[0], expect);
    lm_optim_free(&o);

    /* element-wise clipping to [-5, 5] and the event count */
    c = lm_optim_defaults(LM_OPT_SGD);
    c.lr = 1;
    c.clip = 5;
    lm_optim_init(&o, &c, 3);
    p[0] = p[1] = p[2] = 0;
    g[0] = 10;
    g[1] = -7;
    g[2] = 1;
    lm_optim_step(&o, p, g, table, 1);
    CHECK(p[0] == -5 && p[1] == 5 && p[2] == -1, "value clip %g %g %g", (double)p[0], (double)p[1], (double)p[2]);
    CHECK(o.clip_events == 1 && o.last_clipped && check_close(o.last_grad_norm, sqrt(150), 1e-6), "clip count");
    g[0] = 1;
    g[1] = 1;
    g[2] = 1;
    lm_optim_step(&o, p, g, table, 1);
    CHECK(o.clip_events == 1 && !o.last_clipped, "no clip, no event");
    lm_optim_free(&o);

    /* global-norm clipping: (3, 4, 0) has norm 5, clip 1 → (0.6, 0.8, 0) */
    c.clip_mode = LM_CLIP_NORM;
    c.clip = 1;
    lm_optim_init(&o, &c, 3);
    p[0] = p[1] = p[2] = 0;
    g[0] = 3;
    g[1] = 4;
    g[2] = 0;
    lm_optim_step(&o, p, g, table, 1);
    CHECK(check_close(p[0], -0.6, 1e-6) && check_close(p[1], -0.8, 1e-6) && o.clip_events == 1, "norm clip");
    lm_optim_free(&o);

    /* a NaN gradient is refused, names the tensor, and changes nothing */
    c = lm_optim_defaults(LM_OPT_ADAM);
    lm_optim_init(&o, &c, 3);
    p[0] = 1;
    p[1] = 2;
    p[2] = 3;
    g[0] = 0.1;
    g[1] = NAN;
    g[2] = 0.1;
    CHECK(lm_optim_step(&o, p, g, table, 1) == LM_ERR_NONFINITE, "NaN refused");
    CHECK(strstr(lm_error_message(), "decoder.bias") && strstr(lm_error_message(), "learning rate"), "%s",
          lm_error_message());
    CHECK(p[0] == 1 && p[1] == 2 && p[2] == 3 && o.step == 0 && o.m[0] == 0, "nothing changed");
    lm_optim_free(&o);

    /* an update that would overflow the float is refused before anything is written */
    c = lm_optim_defaults(LM_OPT_SGD);
    c.lr = 1e30;
    lm_optim_init(&o, &c, 3);
    p[0] = 1;
    p[1] = 2;
    p[2] = 3;
    g[0] = 0.1;
    g[1] = 0.2;
    g[2] = 1e300 > 1 ? (lm_float)1e10 : 0;
    lm_status s = lm_optim_step(&o, p, g, table, 1);
#ifdef LM_DOUBLE
    CHECK(s == LM_OK, "a double holds 1e40");
#else
    CHECK(s == LM_ERR_NONFINITE && p[0] == 1 && p[2] == 3, "overflow refused: %s", lm_error_message());
#endif
    lm_optim_free(&o);

    c = lm_optim_defaults(LM_OPT_ADAGRAD);
    c.lr = 0;
    CHECK(lm_optim_validate(&c, "f") == LM_ERR_ARG && strstr(lm_error_message(), "learning rate"), "lr 0");
    c.lr = -1;
    CHECK(lm_optim_validate(&c, "f") == LM_ERR_ARG, "lr < 0");
}

static void test_json(void) {
    lm_json v;
    const char *good = "{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\n\"}";
    CHECK(lm_json_parse(&v, good, strlen(good), "test") == LM_OK, "%s", lm_error_message());
    const lm_json *a = lm_json_get(&v, "a"), *b = lm_json_get(&v, "b");
    CHECK(a && a->length == 4 && a->items[1].number == -2500 && a->items[2].type == LM_JSON_BOOL, "array");
    CHECK(b && strcmp(b->string, "x\xc3\xa9\xf0\x9f\x98\x80\n") == 0, "unescaped string");
    lm_json_free(&v);
    const char *bad[] = {"{\"a\":1,}", "{\"a\":1} x", "[1,2", "\"abc", "{\"a\":1,\"a\":2}", "01", "[\"\\ud800\"]",
                         "{\"a\" 1}",  "[-]",         "[1.]", "tru",   "[\"\x01\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(lm_json_parse(&v, bad[i], strlen(bad[i]), "test") == LM_ERR_FORMAT, "bad json %zu accepted", i);
        CHECK(strstr(lm_error_message(), "is not valid JSON") != NULL, "%s", lm_error_message());
    }
    char deep[80];
    memset(deep, '[', sizeof deep);
    CHECK(lm_json_parse(&v, deep, sizeof deep, "test") == LM_ERR_FORMAT && strstr(lm_error_message(), "deep"), "depth");
    /* a number running to the end of the buffer is not read past it */
    CHECK(lm_json_parse(&v, "12345", 3, "test") == LM_OK && v.number == 123, "bounded number");
    lm_json_free(&v);
}

static void test_save_load(void) {
    lm_model *m = make(7, 0, 4, 2, 8);
    CHECK(model_set_metadata(m, "{\"vocab\":\"{\\\"level\\\":\\\"char\\\"}\",\"note\":\"h\\u00e9\"}") == LM_OK, "%s",
          lm_error_message());
    CHECK(model_set_metadata(m, "{\"config\":\"x\"}") == LM_ERR_ARG, "reserved key");
    CHECK(model_set_metadata(m, "{\"a\":1}") == LM_ERR_ARG, "non-string metadata");
    uint8_t *bytes;
    size_t len;
    CHECK(model_save(m, NULL, &bytes, &len) == LM_OK, "%s", lm_error_message());
    lm_model *back = NULL;
    CHECK(model_load(&back, bytes, len) == LM_OK, "%s", lm_error_message());
    int32_t ids[2 * 5];
    random_ids(ids, 10, 7, 3);
    lm_float l1[2 * 5 * 7], l2[2 * 5 * 7];
    model_logits(m, ids, 2, 5, l1);
    if (back) {
        model_logits(back, ids, 2, 5, l2);
        int same = 1;
        /* exact in float32; the double build stores float32 in the file */
        for (int i = 0; i < 70; i++) same &= check_close(l1[i], l2[i], sizeof(lm_float) == 4 ? 0 : 1e-6);
        CHECK(same, "save -> load -> same logits");
        CHECK(back->metadata_json && strstr(back->metadata_json, "\"note\":\"h\xc3\xa9\""), "metadata %s",
              back->metadata_json);
        model_delete(back);
    }
    /* header is an 8-aligned JSON text */
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--) hl = hl << 8 | bytes[i];
    CHECK(hl % 8 == 0 && bytes[8] == '{', "header layout");
    /* every truncation fails cleanly with a sentence */
    int all_fail = 1;
    for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 97)) {
        lm_model *x = NULL;
        lm_status s = model_load(&x, bytes, cut);
        all_fail &= s == LM_ERR_FORMAT && x == NULL;
        if (x) model_delete(x);
    }
    CHECK(all_fail, "truncated files are rejected");
    lm_model *x = NULL;
    model_load(&x, bytes, len - 3);
    CHECK(strstr(lm_error_message(), "truncated") || strstr(lm_error_message(), "corrupted"), "%s", lm_error_message());
    /* corrupt the header length and a byte of the JSON */
    uint8_t *copy = malloc(len);
    memcpy(copy, bytes, len);
    copy[0] ^= 0x40;
    CHECK(model_load(&x, copy, len) == LM_ERR_FORMAT, "bad header length");
    memcpy(copy, bytes, len);
    copy[9] = '[';
    CHECK(model_load(&x, copy, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "JSON"), "%s", lm_error_message());
    /* a NaN in the data is refused with the tensor's name */
    memcpy(copy, bytes, len);
    memset(copy + len - 4, 0xff, 4);
    CHECK(model_load(&x, copy, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "decoder.bias"), "%s",
          lm_error_message());
    /* random corruption: flipped bytes anywhere must give LM_OK or LM_ERR_FORMAT, never a crash or an
     * out-of-bounds read (ASan and valgrind watch this loop) */
    lm_rng r;
    lm_rng_seed(&r, 123);
    int clean = 1;
    for (int trial = 0; trial < 3000; trial++) {
        memcpy(copy, bytes, len);
        int flips = 1 + (int)lm_rng_below(&r, 3);
        for (int k = 0; k < flips; k++) {
            /* mostly the header, where the structure is */
            size_t at = lm_rng_below(&r, 4) ? lm_rng_below(&r, (uint32_t)(hl + 8)) : lm_rng_below(&r, (uint32_t)len);
            copy[at] = (uint8_t)lm_rng_u32(&r);
        }
        lm_model *y = NULL;
        lm_status s = model_load(&y, copy, len - (trial % 7 == 0 ? lm_rng_below(&r, 16) : 0));
        clean &= (s == LM_OK) == (y != NULL) && (s == LM_OK || s == LM_ERR_FORMAT);
        if (!clean) fprintf(stderr, "trial %d: status %d: %s\n", trial, s, lm_error_message());
        model_delete(y);
        if (!clean) break;
    }
    CHECK(clean, "corrupted files load or fail with LM_ERR_FORMAT");
    free(copy);
    free(bytes);
    model_delete(m);

    /* shapes that disagree with the config: write a file whose config says hidden 5 but tensors have 4 */
    lm_float zeros[64] = {0};
    lm_st_tensor t[] = {
        {"rnn.weight_ih_l0", 2, {4, 3}, LM_ST_COPY, zeros}, {"rnn.weight_hh_l0", 2, {4, 4}, LM_ST_COPY, zeros},
        {"rnn.bias_ih_l0", 1, {4}, LM_ST_COPY, zeros},      {"decoder.weight", 2, {3, 4}, LM_ST_COPY, zeros},
        {"decoder.bias", 1, {3}, LM_ST_COPY, zeros},        {"embedding.weight", 2, {3, 3}, LM_ST_IDENTITY, NULL}};
    lm_st_meta meta[] = {{"config", "{\"cell\":\"rnn\",\"vocab_size\":3,\"embedding\":0,\"hidden\":5,\"layers\":1}"}};
    CHECK(lm_st_write(&bytes, &len, t, 6, meta, 1) == LM_OK, "write");
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "rnn.weight_ih_l0") &&
              strstr(lm_error_message(), "[4, 3]") && strstr(lm_error_message(), "H 5"),
          "%s", lm_error_message());
    free(bytes);
    meta[0].value = "{\"cell\":\"rnn\",\"vocab_size\":3,\"embedding\":0,\"hidden\":4,\"layers\":1}";
    CHECK(lm_st_write(&bytes, &len, t, 6, meta, 1) == LM_OK, "write");
    CHECK(model_load(&x, bytes, len) == LM_OK, "the consistent file loads: %s", lm_error_message());
    model_delete(x);
    free(bytes);
    meta[0].value = "{\"cell\":\"rnn\",\"vocab_size\":3,\"embedding\":0,\"hidden\":99999,\"layers\":1}";
    lm_st_write(&bytes, &len, t, 6, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT &&
              strstr(lm_error_message(), "model file config is invalid: H (hidden size) must be between 1 and 4096"),
          "%s", lm_error_message());
    free(bytes);
    meta[0].value = "{\"cell\":\"rnn\",\"vocab_size\":3000,\"embedding\":4000,\"hidden\":4000,\"layers\":4}";
    lm_st_write(&bytes, &len, t, 6, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "values but the file holds 56"),
          "a huge config is refused before allocating: %s", lm_error_message());
    free(bytes);
    CHECK(lm_st_write(&bytes, &len, t, 6, NULL, 0) == LM_OK, "write");
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "config"), "%s",
          lm_error_message());
    free(bytes);
}

/* Save with a trainer, resume, and get the same next loss as the run that kept going. */
/* Fuzz finding (model_load, 2026-12-02; its input is tests/fuzz/regressions/model_load/): a file whose
 * bias_ih and bias_hh hold -0 loaded as -0 + -0 = -0, our save wrote that -0 with bias_hh zeros, and
 * loading that gave -0 + 0 = +0: save -> load -> save changed the file. A folded bias keeps one zero. */
static void test_negative_zero_bias(void) {
    lm_model *m = make(5, 0, 3, 2, 4);
    if (!m) return;
    for (int l = 0; l < 2; l++) m->b[l][1] = (lm_float)-0.0;
    uint8_t *file, *first, *second;
    size_t len, len1, len2;
    CHECK(model_save(m, NULL, &file, &len) == LM_OK, "%s", lm_error_message());
    model_delete(m);
    CHECK(set_file_float(file, len, "rnn.bias_hh_l0", 1, -0.0f) &&
              set_file_float(file, len, "rnn.bias_hh_l1", 1, -0.0f),
          "no rnn.bias_hh in the saved file");
    lm_model *a = NULL, *b = NULL;
    CHECK(model_load(&a, file, len) == LM_OK, "%s", lm_error_message());
    free(file);
    if (!a) return;
    CHECK(model_save(a, NULL, &first, &len1) == LM_OK, "%s", lm_error_message());
    CHECK(model_load(&b, first, len1) == LM_OK, "%s", lm_error_message());
    if (b) {
        CHECK(model_save(b, NULL, &second, &len2) == LM_OK, "%s", lm_error_message());
        CHECK(len1 == len2 && memcmp(first, second, len1) == 0, "save -> load -> save changed the file");
        free(second);
    }
    free(first);
    model_delete(b);
    model_delete(a);
}

static void test_resume(void) {
    enum { LEN = 400 };
    int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (i * 7 + i / 13) % 5;
    lm_model *a = make(5, 0, 6, 1, 3);
    lm_optim_config c = lm_optim_defaults(LM_OPT_ADAM);
    c.clip = 5;
    lm_trainer *ta;
    CHECK(trainer_new(&ta, a, ids, LEN, 4, 6, &c) == LM_OK, "%s", lm_error_message());
    lm_train_stats st;
    trainer_train(ta, 7, &st);
    uint8_t *bytes;
    size_t len;
    CHECK(model_save(a, ta, &bytes, &len) == LM_OK, "%s", lm_error_message());
    lm_model *b = NULL;
    CHECK(model_load(&b, bytes, len) == LM_OK, "%s", lm_error_message());
    lm_trainer *tb;
    trainer_new(&tb, b, ids, LEN, 4, 6, &c);
    CHECK(trainer_restore(tb, bytes, len) == LM_OK, "%s", lm_error_message());
    lm_train_stats sa, sb;
    trainer_train(ta, 3, &sa);
    trainer_train(tb, 3, &sb);
    CHECK(sa.step == 10 && sb.step == 10, "steps %lld %lld", (long long)sa.step, (long long)sb.step);
    double tol = sizeof(lm_float) == 4 ? 0 : 1e-6; /* the file holds float32 */
    CHECK(check_close(sa.loss, sb.loss, tol) && check_close(sa.last_loss, sb.last_loss, tol),
          "resumed loss %.9g vs %.9g", sb.loss, sa.loss);
    /* a mismatched trainer is refused and unchanged */
    lm_trainer *tc;
    trainer_new(&tc, b, ids, LEN, 2, 6, &c);
    CHECK(trainer_restore(tc, bytes, len) == LM_ERR_ARG && strstr(lm_error_message(), "batch"), "%s",
          lm_error_message());
    CHECK(tc->opt.step == 0, "unchanged");
    trainer_delete(tc);
    lm_optim_config g = lm_optim_defaults(LM_OPT_SGD);
    trainer_new(&tc, b, ids, LEN, 4, 6, &g);
    CHECK(trainer_restore(tc, bytes, len) == LM_ERR_ARG && strstr(lm_error_message(), "adam"), "%s",
          lm_error_message());
    trainer_delete(tc);
    free(bytes);
    model_save(a, NULL, &bytes, &len);
    trainer_new(&tc, b, ids, LEN, 4, 6, &c);
    CHECK(trainer_restore(tc, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "without a trainer"), "%s",
          lm_error_message());
    trainer_delete(tc);
    free(bytes);
    trainer_delete(ta);
    trainer_delete(tb);
    model_delete(a);
    model_delete(b);
}

static void test_training(void) {
    /* a deterministic pattern is learnt far below the unigram entropy (log 4 nats for "abcd" repeated) */
    enum { LEN = 2000 };
    int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = i % 4;
    lm_model_config cfg = {LM_CELL_RNN, 4, 0, 16, 1, 1, 0, 0};
    lm_model *m;
    model_new(&m, &cfg);
    lm_trainer *t;
    lm_optim_config c = lm_optim_defaults(LM_OPT_ADAGRAD);
    c.clip = 5;
    CHECK(trainer_new(&t, m, ids, LEN, 4, 10, &c) == LM_OK, "%s", lm_error_message());
    lm_train_stats st;
    trainer_train(t, 150, &st);
    CHECK(st.last_loss < 0.1 * log(4.0), "pattern loss %g", st.last_loss);
    double out[2];
    CHECK(model_evaluate(m, ids, 300, 1, 25, &out[0], &out[1]) == LM_OK && out[1] == 299, "eval count %g", out[1]);
    CHECK(out[0] / out[1] < 0.1 * log(4.0), "eval loss %g", out[0] / out[1]);
    /* greedy generation continues the pattern */
    int32_t prime[2] = {0, 1}, gen[6];
    int n;
    CHECK(model_generate(m, prime, 2, 6, 0, 0, 1, -1, gen, &n) == LM_OK && n == 6, "generate");
    CHECK(gen[0] == 2 && gen[1] == 3 && gen[2] == 0 && gen[5] == 3, "greedy %d %d %d", gen[0], gen[1], gen[2]);
    CHECK(model_generate(m, prime, 2, 6, 0, 0, 1, 0, gen, &n) == LM_OK && n == 3 && gen[2] == 0, "stops at stop id");
    trainer_delete(t);
    model_delete(m);
}

static void test_sampling(void) {
    lm_float logits[4] = {0, (lm_float)log(2.0), (lm_float)log(3.0), (lm_float)log(4.0)}, work[4];
    lm_rng r;
    lm_rng_seed(&r, 7);
    CHECK(lm_sample_logits(logits, 4, 0, 0, &r, work) == 3, "greedy is the argmax");
    CHECK(lm_sample_logits(logits, 4, 1, 1, &r, work) == 3, "top-1 is the argmax");
    int counts[4] = {0}, k2[4] = {0};
    for (int i = 0; i < 20000; i++) {
        counts[lm_sample_logits(logits, 4, 1, 0, &r, work)]++;
        k2[lm_sample_logits(logits, 4, 1, 2, &r, work)]++;
    }
    for (int v = 0; v < 4; v++)
        CHECK(fabs(counts[v] / 20000.0 - (v + 1) / 10.0) < 0.015, "p(%d) = %g", v, counts[v] / 20000.0);
    CHECK(k2[0] == 0 && k2[1] == 0 && fabs(k2[3] / 20000.0 - 4 / 7.0) < 0.015, "top-2 %d %d %d", k2[0], k2[1], k2[3]);
    /* a low temperature sharpens toward the argmax */
    int hot = 0; /* p(3) = 4^10 / (1 + 2^10 + 3^10 + 4^10) = 0.9458 */
    for (int i = 0; i < 4000; i++) hot += lm_sample_logits(logits, 4, 0.1, 0, &r, work) == 3;
    CHECK(fabs(hot / 4000.0 - 0.9458) < 0.015, "temperature 0.1: argmax %d/4000", hot);
}

static void test_api_errors(void) {
    lm_model *m = NULL;
    CHECK(lm_model_create(0, 10, 0, 5000, 1, 0, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_create: H (hidden size) must be between 1 and 4096, got 5000"),
          "%s", lm_error_message());
    CHECK(lm_model_create(7, 10, 0, 8, 1, 0, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "cell must be 0 (rnn), 1 (lstm), 2 (gru) or 3 (window), got 7"),
          "%s", lm_error_message());
    CHECK(lm_model_create(0, 10, 0, 8, 1, 0, 0, 1, &m) == LM_OK, "%s", lm_error_message());
    int32_t ids[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2};
    double loss, stats[8];
    CHECK(lm_model_loss_and_grads(m, ids, 2, 0, &loss) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_loss_and_grads: T (time steps) must be at least 1, got 0"),
          "%s", lm_error_message());
    CHECK(lm_model_loss_and_grads(m, ids, 0, 3, &loss) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_loss_and_grads: N (batch) must be at least 1, got 0"),
          "%s", lm_error_message());
    CHECK(lm_model_loss_and_grads(m, ids, 2, 5, &loss) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_loss_and_grads: ids[1, 3] = 10 is not a token id"),
          "%s", lm_error_message());
    lm_trainer *t = NULL;
    CHECK(lm_trainer_create(m, ids, 12, 2, 3, 1, 0, 0, 5, 0, &t) == LM_ERR_ARG &&
              strstr(lm_error_message(), "learning rate"),
          "%s", lm_error_message());
    ids[9] = 0;
    CHECK(lm_trainer_create(m, ids, 12, 2, 8, 1, 0.1, 0, 5, 0, &t) == LM_ERR_EMPTY &&
              strstr(lm_error_message(), "too short"),
          "%s", lm_error_message());
    CHECK(lm_trainer_create(m, ids, 12, 2, 3, 1, 0.1, 0, 5, 0, &t) == LM_OK, "%s", lm_error_message());
    CHECK(lm_trainer_train(t, 2, stats) == LM_OK && stats[0] == 2, "%s", lm_error_message());
    int32_t out[4];
    int n;
    CHECK(lm_model_generate(m, ids, 2, 4, -1, 0, 1, -1, out, &n) == LM_ERR_ARG &&
              strstr(lm_error_message(), "temperature"),
          "%s", lm_error_message());
    lm_model *none = NULL;
    CHECK(lm_model_load((const uint8_t *)"abc", 3, &none) == LM_ERR_FORMAT && none == NULL &&
              strstr(lm_error_message(), "truncated"),
          "%s", lm_error_message());
    lm_model_free(m);
    CHECK(lm_trainer_train(t, 1, stats) == LM_ERR_HANDLE && strstr(lm_error_message(), "dispose"), "%s",
          lm_error_message());
    CHECK(lm_trainer_free(t) == LM_OK, "free trainer after its model");
}

/* Freezing: with every optimizer and both clip modes a frozen tensor stays byte-identical over training
 * (and its moments too) while the others move; the norm and clipping see only what trains; the frozen
 * set is saved in the training state and restored; a bad index or flag is refused. */
static void test_freeze(void) {
    enum { LEN = 300 };
    int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (i * 5 + i / 7) % 6;
    const lm_opt_kind kinds[] = {LM_OPT_SGD, LM_OPT_SGD, LM_OPT_ADAGRAD, LM_OPT_ADAM};
    for (int c = 0; c < 8; c++) {
        lm_model *m = make(6, 4, 5, 1, 11);
        const int frozen_k = 0; /* embedding.weight */
        const int other_k = 1;
        CHECK(strcmp(m->table[frozen_k].name, "embedding.weight") == 0, "%s", m->table[frozen_k].name);
        m->frozen[frozen_k] = 1; /* what lm_model_set_frozen does (checked on a registered model below) */
        lm_optim_config o = lm_optim_defaults(kinds[c % 4]);
        if (c % 4 == 1) o.momentum = 0.9;
        o.clip = c < 4 ? 0.01 : 0.5; /* small limits, so clipping is active */
        o.clip_mode = c < 4 ? LM_CLIP_VALUE : LM_CLIP_NORM;
        const lm_param_info *f = &m->table[frozen_k], *t = &m->table[other_k];
        size_t fb = f->count * sizeof(lm_float), tb = t->count * sizeof(lm_float);
        lm_float *before = malloc(fb), *other = malloc(tb);
        memcpy(before, m->params + f->offset, fb);
        memcpy(other, m->params + t->offset, tb);
        lm_trainer *tr;
        CHECK(trainer_new(&tr, m, ids, LEN, 3, 5, &o) == LM_OK, "%s", lm_error_message());
        lm_train_stats st;
        CHECK(trainer_train(tr, 12, &st) == LM_OK, "%s", lm_error_message());
        CHECK(memcmp(before, m->params + f->offset, fb) == 0, "config %d: the frozen tensor changed", c);
        CHECK(memcmp(other, m->params + t->offset, tb) != 0, "config %d: the trained tensor did not change", c);
        for (size_t i = 0; tr->opt.m && i < f->count; i++)
            CHECK(tr->opt.m[f->offset + i] == 0, "config %d: a frozen moment moved", c);
        /* the norm is of the trainable gradient: recompute it from a fresh backward */
        double loss, sq = 0;
        model_loss_and_grads_from(m, tr->window, 3, 5, m->carry, &loss);
        for (size_t i = 0; i < m->n_params; i++)
            if (i < f->offset || i >= f->offset + f->count) sq += (double)m->grads[i] * m->grads[i];
        lm_optim_config plain = lm_optim_defaults(LM_OPT_SGD);
        lm_optimizer probe;
        lm_optim_init(&probe, &plain, m->n_params);
        probe.frozen = m->frozen;
        lm_float *copy = malloc(m->n_params * sizeof(lm_float));
        memcpy(copy, m->params, m->n_params * sizeof(lm_float));
        lm_optim_step(&probe, copy, m->grads, m->table, m->n_tensors);
        CHECK(check_close(probe.last_grad_norm, sqrt(sq), 1e-6), "config %d: norm %g vs trainable %g", c,
              probe.last_grad_norm, sqrt(sq));
        lm_optim_free(&probe);
        free(copy);
        if (c == 7) { /* saved and restored with the training state */
            uint8_t *bytes;
            size_t len;
            CHECK(model_save(m, tr, &bytes, &len) == LM_OK, "%s", lm_error_message());
            lm_model *b = NULL;
            CHECK(model_load(&b, bytes, len) == LM_OK, "%s", lm_error_message());
            CHECK(b->frozen[frozen_k] == 0, "a model alone loads unfrozen");
            lm_trainer *resumed;
            trainer_new(&resumed, b, ids, LEN, 3, 5, &o);
            CHECK(trainer_restore(resumed, bytes, len) == LM_OK, "%s", lm_error_message());
            CHECK(b->frozen[frozen_k] == 1 && b->frozen[other_k] == 0, "frozen set restored");
            trainer_delete(resumed);
            model_delete(b);
            free(bytes);
        }
        /* unfrozen again: it trains */
        m->frozen[frozen_k] = 0;
        trainer_train(tr, 3, &st);
        CHECK(memcmp(before, m->params + f->offset, fb) != 0, "config %d: fine-tuning did not change it", c);
        trainer_delete(tr);
        free(before);
        free(other);
        model_delete(m);
    }
    lm_model *m = NULL;
    CHECK(lm_model_create(LM_CELL_RNN, 4, 2, 3, 1, 0, 0, 1, &m) == LM_OK, "%s", lm_error_message());
    CHECK(lm_model_set_frozen(m, 1, 1) == LM_OK && m->frozen[1] == 1, "%s", lm_error_message());
    uint32_t info[LM_TENSOR_INFO_COUNT];
    CHECK(lm_model_tensor(m, 1, info, NULL, NULL) == LM_OK && info[LM_TENSOR_INFO_FROZEN] == 1, "info FROZEN");
    CHECK_FAILS(lm_model_set_frozen(m, 9, 1), LM_ERR_ARG, "k (tensor index)");
    CHECK_FAILS(lm_model_set_frozen(m, 0, 2), LM_ERR_ARG, "frozen (0 or 1)");
    lm_model_free(m);
}

/* The loader refuses files that would load as a non-finite or out-of-range model or trainer, checked
 * after every transform (issue #11): a one-hot embedding.weight that is not the identity and overflows
 * when folded into Wx; finite but huge weights; PyTorch's two biases overflowing when added; trainer
 * counters out of range (step 1e30 was undefined behaviour in the cast, -1 broke every Adam step);
 * a negative second moment. Each with LM_ERR_FORMAT and the field's name; UBSan watches the casts. */
static void test_file_ranges(void) {
    lm_float wx[12], wh[16], b[4], wy[12], by[3], emb[9], bhh[4];
    for (int i = 0; i < 12; i++) wx[i] = wy[i] = (lm_float)(0.1 * (i % 5) - 0.2);
    for (int i = 0; i < 16; i++) wh[i] = (lm_float)(0.05 * (i % 3));
    for (int i = 0; i < 4; i++) b[i] = bhh[i] = 0;
    for (int i = 0; i < 3; i++) by[i] = 0;
    lm_st_tensor t[] = {
        {"rnn.weight_ih_l0", 2, {4, 3}, LM_ST_COPY, wx}, {"rnn.weight_hh_l0", 2, {4, 4}, LM_ST_COPY, wh},
        {"rnn.bias_ih_l0", 1, {4}, LM_ST_COPY, b},       {"decoder.weight", 2, {3, 4}, LM_ST_COPY, wy},
        {"decoder.bias", 1, {3}, LM_ST_COPY, by},        {"embedding.weight", 2, {3, 3}, LM_ST_COPY, emb},
        {"rnn.bias_hh_l0", 1, {4}, LM_ST_COPY, bhh}};
    lm_st_meta meta[] = {{"config", "{\"cell\":\"rnn\",\"vocab_size\":3,\"embedding\":0,\"hidden\":4,\"layers\":1}"}};
    uint8_t *bytes;
    size_t len;
    lm_model *x = NULL;
    /* a non-identity one-hot embedding that folds to finite, moderate weights still loads (2·I) */
    for (int i = 0; i < 9; i++) emb[i] = i % 4 == 0 ? 2 : 0;
    lm_st_write(&bytes, &len, t, 7, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_OK && check_close(x->Wx[0][0], 2 * wx[0], 1e-6), "2·I folds: %s",
          lm_error_message());
    model_delete(x);
    x = NULL;
    free(bytes);
    /* finite in the file, infinite once folded: 3e38 · 1 summed over three entries */
    for (int i = 0; i < 9; i++) emb[i] = (lm_float)3e38;
    lm_float wx_saved[12];
    memcpy(wx_saved, wx, sizeof wx);
    for (int i = 0; i < 12; i++) wx[i] = 1;
    lm_st_write(&bytes, &len, t, 7, meta, 1);
    memcpy(wx, wx_saved, sizeof wx);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && x == NULL &&
              strstr(lm_error_message(), "embedding.weight (not the identity) folded into rnn.weight_ih_l0") &&
              (strstr(lm_error_message(), "not a finite number") || /* float; 9e38 is a double */
               (sizeof(lm_float) == 8 && strstr(lm_error_message(), "beyond the range"))),
          "%s", lm_error_message());
    free(bytes);
    /* finite once folded but out of range: every prediction would be NaN */
    for (int i = 0; i < 9; i++) emb[i] = i % 4 == 0 ? (lm_float)1e31 : 0;
    lm_st_write(&bytes, &len, t, 7, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "rnn.weight_ih_l0") &&
              strstr(lm_error_message(), "beyond the range"),
          "%s", lm_error_message());
    free(bytes);
    for (int i = 0; i < 9; i++) emb[i] = i % 4 == 0 ? 1 : 0;
    /* finite, but huge decoder weights: a forward pass reaches 2e38 + … */
    wy[5] = (lm_float)1e38;
    wy[9] = (lm_float)1e38;
    lm_st_write(&bytes, &len, t, 7, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "decoder.weight"), "%s",
          lm_error_message());
    free(bytes);
    wy[5] = wy[9] = (lm_float)0.1;
    /* PyTorch's two biases, each finite, overflow when added into our one */
    b[2] = bhh[2] = (lm_float)3e38;
    lm_st_write(&bytes, &len, t, 7, meta, 1);
    CHECK(model_load(&x, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "rnn.bias_hh_l0") &&
              strstr(lm_error_message(), "index 2"),
          "%s", lm_error_message());
    free(bytes);

    /* a NUL (\u0000) in a metadata value would cut the C string short: refused when set */
    lm_model *plain = make(3, 0, 2, 1, 1);
    CHECK(model_set_metadata(plain, "{\"note\":\"a\\u0000b\"}") == LM_ERR_ARG &&
              strstr(lm_error_message(), "contains a NUL character"),
          "%s", lm_error_message());
    model_delete(plain);

    /* the trainer's fields: range-checked before any cast, the trainer unchanged on failure */
    enum { LEN = 200 };
    int32_t ids[LEN];
    for (int i = 0; i < LEN; i++) ids[i] = (i * 7 + i / 13) % 5;
    lm_model *a = make(5, 0, 6, 1, 3);
    lm_optim_config c = lm_optim_defaults(LM_OPT_ADAM);
    lm_trainer *ta, *tb;
    trainer_new(&ta, a, ids, LEN, 4, 6, &c);
    lm_train_stats st;
    trainer_train(ta, 3, &st);
    model_save(a, ta, &bytes, &len);
    trainer_new(&tb, a, ids, LEN, 4, 6, &c);
    const struct {
        const char *key, *value, *want;
    } bad[] = {
        {"step", "1e30", "'step' must be a whole number from 0 to 9007199254740991, got 1e+30"},
        {"step", "-1", "'step' must be a whole number from 0 to 9007199254740991, got -1"},
        {"step", "2.5", "'step' must be a whole number"},
        {"clip_events", "-3", "'clip_events' must be a whole number"},
        {"clip_events", "0.5", "'clip_events' must be a whole number"},
        {"tokens", "1e300", "'tokens' must be a whole number"},
        {"wraps", "-1", "'wraps' must be a whole number"},
        {"position", "99999", "'position' must be a whole number from 0 to"},
        {"batch", "1e30", "'batch' must be a whole number"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        size_t n;
        uint8_t *edited = edit_trainer_field(bytes, len, bad[k].key, bad[k].value, &n);
        if (!edited) continue;
        lm_status s = trainer_restore(tb, edited, n);
        CHECK(s == LM_ERR_FORMAT && strstr(lm_error_message(), "model file training state") &&
                  strstr(lm_error_message(), bad[k].want),
              "%s = %s: %s", bad[k].key, bad[k].value, lm_error_message());
        CHECK(tb->opt.step == 0, "the trainer is unchanged after %s = %s", bad[k].key, bad[k].value);
        free(edited);
    }
    /* a negative second moment (Adam's v) would be the square root of a negative number */
    lm_st_file f;
    CHECK(lm_st_read(&f, bytes, len) == LM_OK, "read");
    size_t at = 0;
    for (int i = 0; i < f.n_tensors; i++)
        if (strcmp(f.tensors[i].name, "optim.decoder.bias.v") == 0) at = f.tensors[i].offset;
    lm_st_free(&f);
    CHECK(at > 0, "optim.decoder.bias.v in the file");
    float minus = -1.0f;
    memcpy(bytes + at, &minus, 4);
    CHECK(trainer_restore(tb, bytes, len) == LM_ERR_FORMAT && strstr(lm_error_message(), "optim.decoder.bias.v") &&
              strstr(lm_error_message(), "negative"),
          "%s", lm_error_message());
    free(bytes);
    trainer_delete(ta);
    trainer_delete(tb);
    model_delete(a);
}

int main(void) {
    test_gradient_check();
    test_truncated_bptt();
    test_optimizers();
    test_json();
    test_save_load();
    test_resume();
    test_freeze();
    test_file_ranges();
    test_negative_zero_bias();
    test_training();
    test_sampling();
    test_api_errors();
    return check_summary("model");
}
