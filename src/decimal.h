/* decimal.h — decimal text to the nearest double, for the JSON reader. libc's strtod computes in
 * long double, which in WebAssembly is a 128-bit type emulated in software: it brought ~15 KB into
 * lmlab.wasm. This one needs only doubles and a small big-integer comparison. */
#ifndef LM_DECIMAL_H
#define LM_DECIMAL_H

#include <stddef.h>

/* The double nearest to the number in text[0 .. len), ties to even, as strtod gives it. The text must
 * already match JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. Exactly rounded
 * for up to 19 significant digits (our files write 17); longer digit strings are cut at 19 first,
 * rounding toward larger magnitude on an exact tie. Out of range gives ±HUGE_VAL or ±0, as strtod. */
double lm_decimal_to_double(const char *text, size_t len);

#endif
