/* handles.h — a registry of live objects, so that a wrong, stale or foreign pointer handed to
 * the API (from JS it is only an integer) gives LM_ERR_HANDLE instead of undefined behaviour.
 * Every public constructor registers its object; every destructor unregisters it. */
#ifndef LM_HANDLES_H
#define LM_HANDLES_H

#include "lm_common.h"

typedef enum {
    LM_KIND_VOCAB = 1,
    LM_KIND_BIGRAM = 2,
    LM_KIND_MODEL = 3,
    LM_KIND_OPTIMIZER = 4,
    LM_KIND_SAMPLER = 5,
    LM_KIND_BYTES = 6, /* a result buffer handed to JS (serialised file, JSON text) */
} lm_kind;

lm_status lm_handle_add(const void *object, lm_kind kind);
void lm_handle_remove(const void *object);
/* LM_OK when `object` is live and of `kind`; otherwise records "<what> is not a live <kind>". */
lm_status lm_handle_check(const void *object, lm_kind kind, const char *what);

#endif
