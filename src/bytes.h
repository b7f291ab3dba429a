/* bytes.h — (internal) the byte buffer lmlab hands to its caller (lm_bytes of lmlab.h: a saved model
 * file), shared by the language models' and the seq2seq models' file functions. */
#ifndef LM_BYTES_H
#define LM_BYTES_H

#include "lm_common.h"

struct lm_bytes {
    uint8_t *data; /* (len,) */
    size_t len;
};

/* *out = a registered lm_bytes owning data (len,) (malloc'ed); on failure data is freed and the status
 * returned, with the sentence starting with fn. */
lm_status lm_bytes_adopt(const char *fn, uint8_t *data, size_t len, lm_bytes **out);

#endif
