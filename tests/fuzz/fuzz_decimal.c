/* fuzz_decimal.c — libFuzzer harness: lm_decimal_to_double (src/decimal.c) against the C library's
 * strtod, which rounds correctly. Inputs that are not in JSON's number grammar are skipped (the
 * function's contract; the JSON reader checks the grammar first). When the digits after the 19th
 * significant one are all zeros, the result must be strtod's bits exactly; otherwise (the digits are cut
 * at 19) it may differ by at most one ulp. Seeds: tests/fuzz/corpus/decimal/. */
#include <math.h>
#include <string.h>

#include "decimal.h"
#include "fuzz.h"

/* One digit of the significand: counts significant digits, and clears *exact at a non-zero past the 19th. */
static void count(char c, int *significant, int *exact) {
    if (c != '0' || *significant) ++*significant;
    if (*significant > 19 && c != '0') *exact = 0;
}

/* Is text[0, len) -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; *exact: at most 19 significant
 * digits are followed only by zeros (everything after the 19th significant digit is 0). */
static int json_number(const char *s, size_t len, int *exact) {
    size_t i = 0;
    int significant = 0;
    *exact = 1;
#define DIGIT(c) ((c) >= '0' && (c) <= '9')
    if (i < len && s[i] == '-') i++;
    if (i >= len) return 0;
    if (s[i] == '0') i++;
    else if (DIGIT(s[i]))
        while (i < len && DIGIT(s[i])) count(s[i++], &significant, exact);
    else return 0;
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !DIGIT(s[i])) return 0;
        while (i < len && DIGIT(s[i])) count(s[i++], &significant, exact);
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= len || !DIGIT(s[i])) return 0;
        while (i < len && DIGIT(s[i])) i++;
    }
    return i == len;
#undef DIGIT
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int exact;
    if (size > 4096 || !json_number((const char *)data, size, &exact)) return 0;
    char text[4097];
    memcpy(text, data, size);
    text[size] = '\0';
    const double ours = lm_decimal_to_double(text, size), libc = strtod(text, NULL);
    if (exact) {
        REQUIRE(memcmp(&ours, &libc, sizeof ours) == 0, "%s: %.17g, strtod %.17g", text, ours, libc);
    } else {
        REQUIRE(ours == libc || nextafter(libc, ours) == ours, "%s: %.17g, strtod %.17g (more than one ulp)", text,
                ours, libc);
    }
    return 0;
}
