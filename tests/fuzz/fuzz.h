/* fuzz.h — what every libFuzzer harness in tests/fuzz/ shares: the entry point's declaration and
 * REQUIRE, an invariant that stops the run as a finding (libFuzzer saves the input) when it breaks.
 * A harness fails only on a crash, a sanitizer report, a leak, a timeout or a broken REQUIRE; an input
 * the library refuses with a status and a sentence is a correct answer, not a finding. */
#ifndef LM_FUZZ_H
#define LM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lmlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "FINDING %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, " (last error: %s)\n", lm_error_message());        \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A refusal must say why: a status other than LM_OK comes with a sentence. */
#define REQUIRE_SENTENCE(status) \
    REQUIRE((status) == LM_OK || lm_error_message()[0] != '\0', "status %d without a message", (int)(status))

#endif
