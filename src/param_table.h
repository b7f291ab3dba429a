/* param_table.h — the named-tensor table that the model, the optimizer, the serializer and the JS
 * views share: each entry is a slice [offset, offset + count) of one flat lm_float buffer, with our
 * (lecture) shape and the PyTorch name and layout used in the model file. No code, only the type. */
#ifndef LM_PARAM_TABLE_H
#define LM_PARAM_TABLE_H

#include "lm_common.h"

#define LM_PARAM_NAME_MAX 48

typedef struct {
    char name[LM_PARAM_NAME_MAX];    /* PyTorch name, e.g. "rnn.weight_hh_l0" */
    char lecture[LM_PARAM_NAME_MAX]; /* the notes' name (Lab 2's, lm_common.h), e.g. "Wh" */
    int ndim;                        /* 1 or 2 */
    int shape[2];                    /* our layout, e.g. Wh (H, H), Wx (E, H) */
    size_t offset, count;            /* slice of the flat buffer */
    int transposed;                  /* the file (PyTorch) layout is shape transposed */
} lm_param_info;

#endif
