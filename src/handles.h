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
    LM_KIND_TRAINER = 4,
    LM_KIND_BYTES = 5, /* a result buffer handed to the caller (a saved model file) */
    LM_KIND_SEQ2SEQ = 6,
    LM_KIND_S2S_TRAINER = 7,
} lm_kind;

lm_status lm_handle_add(const void *object, lm_kind kind);
void lm_handle_remove(const void *object);
/* The handle rule of lm_check.h: LM_OK when `object` is live and of `kind`; otherwise records
 * "<fn>: <what> is not a live <kind> (…)" (or is NULL, or is another kind) and returns LM_ERR_HANDLE. */
lm_status lm_check_handle(const char *fn, const char *what, const void *object, lm_kind kind);

#endif
