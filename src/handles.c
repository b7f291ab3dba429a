/* handles.c — the live-object registry behind lm_check_handle(). A small open list: programs hold
 * a handful of models and vocabularies, so a linear scan is cheaper than anything clever. */
#include "handles.h"

#include <stdlib.h>

typedef struct {
    const void *object;
    lm_kind kind;
} handle_entry;

static handle_entry *entries; /* (capacity,) live objects, unordered */
static size_t count, capacity;

static const char *kind_name(lm_kind kind) {
    switch (kind) {
    case LM_KIND_VOCAB: return "vocabulary";
    case LM_KIND_BIGRAM: return "bigram model";
    case LM_KIND_MODEL: return "neural model";
    case LM_KIND_TRAINER: return "trainer";
    case LM_KIND_BYTES: return "byte buffer";
    case LM_KIND_SEQ2SEQ: return "seq2seq model";
    case LM_KIND_S2S_TRAINER: return "seq2seq trainer";
    }
    return "object";
}

lm_status lm_handle_add(const void *object, lm_kind kind) {
    if (count == capacity) {
        size_t grown = capacity ? capacity * 2 : 16;
        handle_entry *more = realloc(entries, grown * sizeof *more);
        if (!more) return lm_fail(LM_ERR_NOMEM, "out of memory registering a %s", kind_name(kind));
        entries = more;
        capacity = grown;
    }
    entries[count].object = object;
    entries[count].kind = kind;
    count++;
    return LM_OK;
}

void lm_handle_remove(const void *object) {
    for (size_t i = 0; i < count; i++) {
        if (entries[i].object == object) {
            entries[i] = entries[--count];
            break;
        }
    }
    if (count == 0) { /* give the memory back so leak checkers see a clean exit */
        free(entries);
        entries = NULL;
        capacity = 0;
    }
}

lm_status lm_check_handle(const char *fn, const char *what, const void *object, lm_kind kind) {
    if (!object) return lm_fail(LM_ERR_HANDLE, "%s: %s is NULL, expected a %s", fn, what, kind_name(kind));
    for (size_t i = 0; i < count; i++) {
        if (entries[i].object != object) continue;
        if (entries[i].kind == kind) return LM_OK;
        return lm_fail(LM_ERR_HANDLE, "%s: %s is a %s, expected a %s", fn, what, kind_name(entries[i].kind),
                       kind_name(kind));
    }
    return lm_fail(LM_ERR_HANDLE, "%s: %s is not a live %s (freed already, or never created)", fn, what,
                   kind_name(kind));
}
