/* fuzz_safetensors.c — libFuzzer harness: the safetensors reader alone (src/serialize.c): header length,
 * header JSON, dtypes, shapes, data offsets. What it accepts must hold together: every tensor lies inside
 * the buffer, the tensors tile the data section, every value loads (or is refused as non-finite) with and
 * without transposing, and a metadata value is a string. Seeds: tests/fuzz/corpus/safetensors/. */
#include <string.h>

#include "fuzz.h"
#include "serialize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lm_st_file f;
    lm_status s = lm_st_read(&f, data, size);
    REQUIRE_SENTENCE(s);
    if (s != LM_OK) return 0;
    size_t values = 0;
    for (int i = 0; i < f.n_tensors; i++) {
        const lm_st_entry *e = &f.tensors[i];
        REQUIRE(e->count <= size / 4, "tensor '%s' claims %zu values in a %zu-byte file", e->name, e->count, size);
        REQUIRE(e->offset >= 8 && e->offset + e->count * 4 <= size, "tensor '%s' lies outside the file", e->name);
        REQUIRE(lm_st_find(&f, e->name) != NULL, "tensor '%s' is not found by its name", e->name);
        values += e->count;
        lm_float *dst = malloc((e->count + 1) * sizeof *dst); /* (count,) */
        REQUIRE(dst != NULL, "out of memory");
        REQUIRE_SENTENCE(lm_st_load(&f, e, dst, 0));
        REQUIRE_SENTENCE(lm_st_load(&f, e, dst, 1));
        free(dst);
    }
    if (f.n_tensors > 0) REQUIRE(values * 4 <= size, "the tensors hold more than the file");
    const char *keys[] = {"format", "config", "trainer", "vocab", ""};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const char *v = lm_st_meta_get(&f, keys[k]);
        if (v) (void)strlen(v);
    }
    lm_st_free(&f);
    return 0;
}
