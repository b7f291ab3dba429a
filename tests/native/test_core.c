/* test_core.c — the shared plumbing: error messages, the handle registry, the RNG. */
#include "check.h"
#include "handles.h"
#include "lm_common.h"
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
    CHECK(lm_handle_check(&a, LM_KIND_VOCAB, "vocab") == LM_OK, "live handle passes");
    CHECK(lm_handle_check(&a, LM_KIND_MODEL, "model") == LM_ERR_HANDLE, "wrong kind fails");
    CHECK(strstr(lm_error_message(), "is a vocabulary, expected a neural model") != NULL, "%s", lm_error_message());
    CHECK(lm_handle_check(&b, LM_KIND_VOCAB, "vocab") == LM_ERR_HANDLE, "unknown pointer fails");
    CHECK(lm_handle_check(NULL, LM_KIND_VOCAB, "vocab") == LM_ERR_HANDLE, "null fails");
    lm_handle_remove(&a);
    CHECK(lm_handle_check(&a, LM_KIND_VOCAB, "vocab") == LM_ERR_HANDLE, "removed handle fails");
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
    test_rng();
    return check_summary("core");
}
