/* test_core.c — the shared plumbing: error messages, the handle registry, the argument checks of
 * lm_check.h (each rule's one sentence), the constants table, the RNG. */
#include "check.h"
#include "handles.h"
#include "lm_check.h"
#include "lm_common.h"
#include "lmlab.h"
#include "rng.h"

#include <string.h>

static void test_errors(void) {
    lm_clear_error();
    CHECK(lm_error_code() == LM_OK && lm_error_message()[0] == '\0', "clear leaves no message");
    lm_status s = lm_fail(LM_ERR_ARG, "N must be positive, got %d", -3);
    CHECK(s == LM_ERR_ARG, "lm_fail returns its code");
    CHECK(strcmp(lm_error_message(), "N must be positive, got -3") == 0, "message: %s", lm_error_message());
    CHECK(lm_size_mul(1u << 20, 1u << 20) == (size_t)1 << 40 || sizeof(size_t) == 4, "size_mul");
    CHECK(lm_size_mul(SIZE_MAX / 2, 3) == 0, "size_mul overflow gives 0");
}

static void test_handles(void) {
    int a, b;
    CHECK(lm_handle_add(&a, LM_KIND_VOCAB) == LM_OK, "add");
    CHECK(lm_check_handle("f", "vocab", &a, LM_KIND_VOCAB) == LM_OK, "live handle passes");
    CHECK(lm_check_handle("f", "model", &a, LM_KIND_MODEL) == LM_ERR_HANDLE, "wrong kind fails");
    CHECK(strcmp(lm_error_message(), "f: model is a vocabulary, expected a neural model") == 0, "%s",
          lm_error_message());
    CHECK(lm_check_handle("f", "vocab", &b, LM_KIND_VOCAB) == LM_ERR_HANDLE, "unknown pointer fails");
    CHECK(strstr(lm_error_message(), "f: vocab is not a live vocabulary") != NULL, "%s", lm_error_message());
    CHECK(lm_check_handle("f", "vocab", NULL, LM_KIND_VOCAB) == LM_ERR_HANDLE, "null fails");
    lm_handle_remove(&a);
    CHECK(lm_check_handle("f", "vocab", &a, LM_KIND_VOCAB) == LM_ERR_HANDLE, "removed handle fails");
}

/* status is `code` and the message is exactly `text`. */
static int failed_with(lm_status status, lm_status code, const char *text) {
    return status == code && strcmp(lm_error_message(), text) == 0;
}

/* Each rule of lm_check.h passes a good value and words its failure one way. */
static void test_checks(void) {
    size_t n = 0;
    CHECK(lm_check_min("f", "N (batch)", 1, 1) == LM_OK, "min ok");
    CHECK(failed_with(lm_check_min("f", "N (batch)", 0, 1), LM_ERR_ARG, "f: N (batch) must be at least 1, got 0"), "%s",
          lm_error_message());
    CHECK(lm_check_dim("f", "H (hidden size)", LM_MAX_DIM) == LM_OK, "dim ok");
    CHECK(failed_with(lm_check_dim("f", "H (hidden size)", LM_MAX_DIM + 1), LM_ERR_ARG,
                      "f: H (hidden size) must be between 1 and 4096, got 4097"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_vocab("f", 1, 2), LM_ERR_ARG,
                      "f: V (vocabulary size) must be between 2 and 2000000, got 1"),
          "%s", lm_error_message());
    CHECK(lm_check_elems("f", "x (N, T, E)", &n, 2, 3, 4) == LM_OK && n == 24, "elems ok");
    CHECK(failed_with(lm_check_elems("f", "x (N, T, E)", &n, 1 << 10, 1 << 10, 1 << 9), LM_ERR_ARG,
                      "f: x (N, T, E) would have 1024·1024·512 elements, more than the 268435456 one call accepts"),
          "%s", lm_error_message());
    CHECK(lm_check_elems("f", "x", &n, (size_t)1 << 28, 1, 1) == LM_OK, "exactly the limit is fine");
    CHECK(failed_with(lm_check_elems("f", "x", &n, ((size_t)1 << 28) + 1, 1, 1), LM_ERR_ARG,
                      "f: x would have 268435457 elements, more than the 268435456 one call accepts"),
          "%s", lm_error_message());
    CHECK(lm_check_elems("f", "x", &n, SIZE_MAX / 2, 3, 1) == LM_ERR_ARG, "an overflowing product fails");
    int p = 0;
    CHECK(lm_check_ptr("f", "x", &p) == LM_OK, "ptr ok");
    CHECK(failed_with(lm_check_ptr("f", "x", NULL), LM_ERR_ARG, "f: x is NULL; it is required"), "%s",
          lm_error_message());
    lm_float v[3] = {1, 2, 3};
    CHECK(lm_check_finite("f", "x", v, 3) == LM_OK && lm_check_finite("f", "x", NULL, 3) == LM_OK, "finite ok");
    v[1] = (lm_float)-INFINITY;
    CHECK(failed_with(lm_check_finite("f", "x", v, 3), LM_ERR_NONFINITE,
                      "f: x[1] is -Infinity; inputs must be finite numbers"),
          "%s", lm_error_message());
    int32_t ids[6] = {0, 1, 2, 3, -1, 4};
    uint8_t mask[6] = {1, 1, 1, 1, 0, 1};
    CHECK(lm_check_ids("f", "ids", ids, 6, 3, 5, mask, 0) == LM_OK, "masked position skipped");
    CHECK(lm_check_ids("f", "ids", ids, 6, 3, 5, NULL, 1) == LM_OK, "pad accepted");
    CHECK(failed_with(lm_check_ids("f", "ids", ids, 6, 3, 5, NULL, 0), LM_ERR_ARG,
                      "f: ids[1, 1] = -1 is not a token id in [0, V) = [0, 5)"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_ids("f", "ids", ids, 6, 0, 4, NULL, 1), LM_ERR_ARG,
                      "f: ids[5] = 4 is neither a token id in [0, V) = [0, 4) nor the pad id -1"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_ids("f", "prev", ids + 5, 1, -1, 4, NULL, 0), LM_ERR_ARG,
                      "f: prev = 4 is not a token id in [0, V) = [0, 4)"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_choice("f", "level", 2, 2, "0 (char) or 1 (word)"), LM_ERR_ARG,
                      "f: level must be 0 (char) or 1 (word), got 2"),
          "%s", lm_error_message());
    CHECK(lm_check_nonneg("f", "k", 0) == LM_OK && lm_check_positive("f", "lr", 1e-9) == LM_OK, "numbers ok");
    CHECK(failed_with(lm_check_nonneg("f", "k", NAN), LM_ERR_ARG, "f: k must be a finite number >= 0, got nan"), "%s",
          lm_error_message());
    CHECK(failed_with(lm_check_positive("f", "lr", 0), LM_ERR_ARG, "f: lr must be a positive finite number, got 0"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_fraction("f", "momentum", 1), LM_ERR_ARG, "f: momentum must be in [0, 1), got 1"), "%s",
          lm_error_message());
    CHECK(lm_check_whole("f", "seed", 9007199254740991.0, 9007199254740991.0) == LM_OK, "largest seed ok");
    CHECK(failed_with(lm_check_whole("f", "seed", 1.5, 10), LM_ERR_ARG,
                      "f: seed must be a whole number from 0 to 10, got 1.5"),
          "%s", lm_error_message());
    CHECK(lm_check_text("f", NULL, 0, 0) == LM_OK, "an empty text may be NULL");
    CHECK(failed_with(lm_check_text("f", NULL, 0, 1), LM_ERR_EMPTY, "f: the text is empty"), "%s", lm_error_message());
    CHECK(failed_with(lm_check_text("f", NULL, 3, 0), LM_ERR_ARG, "f: text is NULL; it is required"), "%s",
          lm_error_message());
    lm_float A[6];
    CHECK(lm_check_matrix("f", "A", "lda", A, 3, 2, 3) == LM_OK, "matrix ok");
    CHECK(failed_with(lm_check_matrix("f", "A", "lda", A, 2, 2, 3), LM_ERR_ARG,
                      "f: lda = 2 is less than the 3 elements of one stored row of A (it is the distance between row "
                      "starts)"),
          "%s", lm_error_message());
    CHECK(failed_with(lm_check_matrix("f", "A", "lda", A, 1 << 20, 1 << 9, 4), LM_ERR_ARG,
                      "f: A (512 rows, lda = 1048576) spans more than the 268435456 elements one call accepts"),
          "%s", lm_error_message());
    CHECK(lm_check_matrix("f", "A", "lda", A, 1 << 30, 1 << 30, 4) == LM_ERR_ARG, "an overflowing span fails");
}

/* lm_constants reports the header's values in order; the JS side compares all of them. */
static void test_constants(void) {
    int count = 0;
    CHECK(lm_constants(NULL, 0, &count) == LM_OK && count > 50, "count %d", count);
    int32_t values[256];
    CHECK(count <= 256 && lm_constants(values, 256, &count) == LM_OK, "all values");
    CHECK(values[0] == LM_MAX_DIM && values[3] == (int32_t)LM_MAX_CALL_ELEMS, "the limits come first");
    CHECK(lm_constants(NULL, 1, &count) == LM_ERR_ARG, "values required when capacity > 0");
}

static void test_rng(void) {
    lm_rng r1, r2;
    lm_rng_seed(&r1, 42);
    lm_rng_seed(&r2, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= lm_rng_u32(&r1) == lm_rng_u32(&r2);
    CHECK(same, "same seed, same stream");
    lm_rng_seed(&r1, 42);
    lm_rng_seed(&r2, 43);
    CHECK(lm_rng_u32(&r1) != lm_rng_u32(&r2), "different seeds differ");
    /* Mean and variance of the normal sampler, and uniform bounds. */
    double sum = 0, sum2 = 0;
    int in_range = 1, counts[10] = {0};
    for (int i = 0; i < 100000; i++) {
        double z = lm_rng_normal(&r1);
        sum += z;
        sum2 += z * z;
        double u = lm_rng_uniform(&r1);
        in_range &= u >= 0 && u < 1;
        counts[lm_rng_below(&r1, 10)]++;
    }
    CHECK(fabs(sum / 100000) < 0.02, "normal mean %f", sum / 100000);
    CHECK(fabs(sum2 / 100000 - 1) < 0.03, "normal variance %f", sum2 / 100000);
    CHECK(in_range, "uniform in [0,1)");
    for (int k = 0; k < 10; k++) CHECK(counts[k] > 9500 && counts[k] < 10500, "below(10) bucket %d: %d", k, counts[k]);
}

int main(void) {
    test_errors();
    test_handles();
    test_checks();
    test_constants();
    test_rng();
    return check_summary("core");
}
