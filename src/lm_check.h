/* lm_check.h — the one set of argument checks of the exported edge (lmlab.h): one helper per rule,
 * one sentence per failure. Each returns LM_OK, or records a sentence that starts with `fn` (the
 * exported function's name without lm_: "model_create", "rnn_forward") and returns the status:
 * LM_ERR_ARG, or LM_ERR_NONFINITE for a non-finite input. `what` names the argument in the lecture's
 * terms, a letter with its meaning where it has one: "H (hidden size)", "E (embedding size; 0 = one-hot)".
 * The internal functions behind the edge trust their callers: every rule is checked once, here.
 * Handles are the rule lm_check_handle of handles.h. Allocates nothing (but lm_check_workspace). */
#ifndef LM_CHECK_H
#define LM_CHECK_H

#include "handles.h"
#include "lm_common.h"

/* v ≥ min: "fn: what must be at least <min>, got <v>" (counts: min 1; lengths and offsets: min 0). */
lm_status lm_check_min(const char *fn, const char *what, int v, int min);
/* lo ≤ v ≤ hi: "fn: what must be between <lo> and <hi>, got <v>". */
lm_status lm_check_range(const char *fn, const char *what, int v, int lo, int hi);
/* A dimension (E, H, W of a layer): 1 ≤ v ≤ LM_MAX_DIM. */
lm_status lm_check_dim(const char *fn, const char *what, int v);
/* The vocabulary size: min ≤ V ≤ LM_MAX_VOCAB (min 1 for a layer, 2 for a model). */
lm_status lm_check_vocab(const char *fn, int V, int min);
/* The size rule of every call: an array of a·b·c elements (factors ≥ 1, checked before) holds at most
 * LM_MAX_CALL_ELEMS; *n receives the count. "fn: what would have a·b·c elements, more than …". */
lm_status lm_check_elems(const char *fn, const char *what, size_t *n, size_t a, size_t b, size_t c);
/* A text argument of len bytes: present when len > 0, within the size rule, and (nonempty) not empty,
 * else LM_ERR_EMPTY "fn: the text is empty". Its UTF-8 is checked where it is decoded (tokenize.h). */
lm_status lm_check_text(const char *fn, const uint8_t *text, size_t len, int nonempty);
/* A strided matrix of `rows` rows of `cols` elements, `ld` apart: ld ≥ cols and its span within
 * LM_MAX_CALL_ELEMS. ld_name names ld ("lda"). Also checks p is not NULL. */
lm_status lm_check_matrix(const char *fn, const char *what, const char *ld_name, const void *p, int ld, int rows,
                          int cols);
/* A required pointer: "fn: what is NULL; it is required". */
lm_status lm_check_ptr(const char *fn, const char *what, const void *p);
/* Every one of p (n,) is finite (p NULL: an absent optional input, nothing to check); else
 * LM_ERR_NONFINITE "fn: what[i] is NaN; inputs must be finite numbers". */
lm_status lm_check_finite(const char *fn, const char *what, const lm_float *p, size_t n);
/* ids (n,), read as rows of `cols` (0: a flat list; -1: one id, named without an index), in [0, V);
 * positions where mask (n,) is 0 are skipped (mask NULL: none); with pad, LM_WINDOW_PAD is accepted
 * too. Names the first bad one: "fn: what[r, c] = id is not a token id in [0, V) = [0, V)". */
lm_status lm_check_ids(const char *fn, const char *what, const int32_t *ids, size_t n, int cols, int V,
                       const uint8_t *mask, int pad);
/* One of `count` choices 0 … count-1: "fn: what must be <names>, got <v>" (names: "0 (char) or 1 (word)"). */
lm_status lm_check_choice(const char *fn, const char *what, int v, int count, const char *names);
/* x ≥ 0 and finite: "fn: what must be a finite number >= 0, got <x>". */
lm_status lm_check_nonneg(const char *fn, const char *what, double x);
/* x > 0 and finite: "fn: what must be a positive finite number, got <x>". */
lm_status lm_check_positive(const char *fn, const char *what, double x);
/* 0 ≤ x < 1: "fn: what must be in [0, 1), got <x>". */
lm_status lm_check_fraction(const char *fn, const char *what, double x);
/* x a whole number in [0, max]: "fn: what must be a whole number from 0 to <max>, got <x>" (doubles
 * that carry integers, like the bigram's 53-bit seeds). */
lm_status lm_check_whole(const char *fn, const char *what, double x, double max);

/* Values read from a file (a model file, a checkpoint): the same kind of rules, but LM_ERR_FORMAT,
 * because a bad file is not a bad argument. `where` names the file part ("model file training state").
 * A stored count or step: a whole number in [0, max]: "where: 'what' must be a whole number from 0 to
 * <max>, got <x>" (checked before any cast, so 1e30 or -1 never reach an integer). */
lm_status lm_check_stored_whole(const char *where, const char *what, double x, double max);
/* Every one of p (n,) finite, |p[i]| <= limit, and with nonneg also >= 0 (an optimizer's squared-gradient
 * sums): "where: tensor 'what' holds <x> at index <i>, <why>" where why says which rule it breaks. */
lm_status lm_check_stored_values(const char *where, const char *what, const lm_float *p, size_t n, double limit,
                                 int nonneg);

/* The edge's workspace: n lm_floats (malloc'ed; free with lm_free), or NULL with LM_ERR_NOMEM recorded
 * as "fn: out of memory for a workspace of n values". */
lm_float *lm_check_workspace(const char *fn, size_t n);

#endif
