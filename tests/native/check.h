/* check.h — the smallest test harness that does the job: CHECK(cond, fmt, ...) records a failure with
 * file:line and a message; CHECK_FAILS(call, code, text) checks an lmlab call fails with that status and
 * a message containing text; check_summary() prints "N passed, N failed" and returns the exit code. */
#ifndef LM_TEST_CHECK_H
#define LM_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                         \
    do {                                                         \
        if (cond) {                                              \
            check_passed++;                                      \
        } else {                                                 \
            check_failed++;                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                        \
            fputc('\n', stderr);                                 \
        }                                                        \
    } while (0)

/* The lmlab call failed with `code` and its message (lm_error_message) contains `text`. */
#define CHECK_FAILS(call, code, text)                                                                             \
    do {                                                                                                          \
        lm_clear_error();                                                                                         \
        int got_ = (call);                                                                                        \
        CHECK(got_ == (code) && strstr(lm_error_message(), (text)) != NULL, "%s: status %d, message '%s'", #call, \
              got_, lm_error_message());                                                                          \
    } while (0)

/* |a - b| <= tol * max(1, |a|, |b|) */
static inline int check_close(double a, double b, double tol) {
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    if (scale < 1) scale = 1;
    return fabs(a - b) <= tol * scale;
}

static inline int check_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
