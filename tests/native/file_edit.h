/* file_edit.h — test helpers: a copy of a model file (lmlab's or seq2seq's) with one number of its
 * "trainer" metadata replaced, the header rebuilt with its new length (tensor offsets are relative to
 * the data section, so the data is unchanged), for the loader's range checks of the training state;
 * and one float of a tensor set in place. */
#ifndef LM_TEST_FILE_EDIT_H
#define LM_TEST_FILE_EDIT_H

#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bytes (len,) with the trainer field `key`'s number replaced by `value`; *out_len its length; malloc'ed. */
static inline uint8_t *edit_trainer_field(const uint8_t *bytes, size_t len, const char *key, const char *value,
                                          size_t *out_len) {
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--) hl = hl << 8 | bytes[i];
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\\\"%s\\\":", key); /* \"step\": inside the escaped trainer string */
    char *header = malloc(hl + 1);
    memcpy(header, bytes + 8, hl);
    header[hl] = 0;
    char *trainer = strstr(header, "\"trainer\":\""); /* the field inside the trainer string, not the config */
    char *at = trainer ? strstr(trainer, pattern) : NULL;
    CHECK(at != NULL, "field %s in the header", key);
    if (!at) {
        free(header);
        return NULL;
    }
    char *num = at + strlen(pattern), *end = num + strcspn(num, ",}");
    size_t before = (size_t)(num - header), after = hl - (size_t)(end - header);
    size_t nl = before + strlen(value) + after, padded = (nl + 7) / 8 * 8;
    uint8_t *out = malloc(8 + padded + (len - 8 - hl));
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(padded >> (8 * i));
    memcpy(out + 8, header, before);
    memcpy(out + 8 + before, value, strlen(value));
    memcpy(out + 8 + before + strlen(value), end, after);
    memset(out + 8 + nl, ' ', padded - nl);
    memcpy(out + 8 + padded, bytes + 8 + hl, len - 8 - hl);
    *out_len = 8 + padded + (len - 8 - hl);
    free(header);
    return out;
}

/* Set float j of tensor `name` in a model file (bytes, len) to `v`, in place (found by the header's
 * data_offsets); 0 when the file has no such tensor. */
static inline int set_file_float(uint8_t *bytes, size_t len, const char *name, int j, float v) {
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--) hl = hl << 8 | bytes[i];
    char key[64];
    snprintf(key, sizeof key, "\"%s\"", name);
    char *header = malloc((size_t)hl + 1);
    memcpy(header, bytes + 8, (size_t)hl);
    header[hl] = '\0';
    const char *at = strstr(header, key), *offsets = at ? strstr(at, "\"data_offsets\":[") : NULL;
    long begin = -1;
    if (offsets) begin = strtol(offsets + 16, NULL, 10);
    free(header);
    size_t pos = 8 + (size_t)hl + (size_t)begin + 4 * (size_t)j;
    if (begin < 0 || pos + 4 > len) return 0;
    memcpy(bytes + pos, &v, 4); /* little-endian F32, as the file stores it */
    return 1;
}

#endif
