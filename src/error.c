/* error.c — the one place that remembers why the last call failed. Library code never prints:
 * it returns a status and leaves a human sentence here for the glue, the CLI and the tests. */
#include "lm_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char error_message[512];
static int error_code;

const char *lm_error_message(void) { return error_message; }

int lm_error_code(void) { return error_code; }

void lm_clear_error(void) {
    error_message[0] = '\0';
    error_code = LM_OK;
}

lm_status lm_fail(lm_status code, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    lm_vsnprintf(error_message, sizeof error_message, fmt, args);
    va_end(args);
    error_code = code;
    return code;
}

int lm_snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = lm_vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}

size_t lm_size_mul(size_t a, size_t b) {
    if (a == 0 || b == 0 || a > SIZE_MAX / b) return 0;
    return a * b;
}

void *lm_alloc(size_t bytes) { return bytes ? malloc(bytes) : NULL; }

void lm_free(void *p) { free(p); }
