/* bytes.c — the byte buffers of bytes.h behind lm_bytes_view and lm_bytes_free (lmlab.h): a saved
 * model file stays in WASM memory until the caller has copied it out and frees it. */
#include "bytes.h"
#include "lm_check.h"

#include <stdlib.h>

lm_status lm_bytes_adopt(const char *fn, uint8_t *data, size_t len, lm_bytes **out) {
    lm_bytes *b = calloc(1, sizeof *b);
    if (!b) {
        free(data);
        return lm_fail(LM_ERR_NOMEM, "%s: out of memory", fn);
    }
    b->data = data;
    b->len = len;
    lm_status s = lm_handle_add(b, LM_KIND_BYTES);
    if (s) {
        free(b->data);
        free(b);
        return s;
    }
    *out = b;
    return LM_OK;
}

lm_status lm_bytes_view(const lm_bytes *b, uint8_t **data, uint32_t *len) {
    const char *fn = "bytes_view";
    LM_TRY(lm_check_handle(fn, "bytes", b, LM_KIND_BYTES));
    LM_TRY(lm_check_ptr(fn, "data", data));
    LM_TRY(lm_check_ptr(fn, "len", len));
    *data = b->data;
    *len = (uint32_t)b->len;
    return LM_OK;
}

lm_status lm_bytes_free(lm_bytes *b) {
    LM_TRY(lm_check_handle("bytes_free", "bytes", b, LM_KIND_BYTES));
    lm_handle_remove(b);
    free(b->data);
    free(b);
    return LM_OK;
}
