/* decimal.c — decimal text to the nearest double without long double (see decimal.h).
 *
 * The digits give D = m · 10^e exactly (m < 10^19). A first guess x comes from double arithmetic and
 * is a few ulps off at worst; it is then corrected one ulp at a time by comparing D, exactly, with the
 * halfway points between x and its neighbours: both sides are integers once the powers of 2 and 5 are
 * moved across, and a ~1,200-bit integer is enough for every double's range. */
#include "decimal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { MAX_DIGITS = 19, LIMBS = 48 }; /* 1,536 bits; the widest comparison below needs about 1,140 */

typedef struct {
    uint32_t w[LIMBS]; /* little-endian 32-bit words */
    int n;             /* words in use */
} big;

static void big_set(big *b, uint64_t v) {
    b->n = 0;
    while (v) {
        b->w[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_mul_small(big *b, uint32_t f) {
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * f + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) b->w[b->n++] = (uint32_t)carry;
}

static void big_mul_pow5(big *b, int k) {
    for (; k >= 13; k -= 13) big_mul_small(b, 1220703125u); /* 5^13, the largest power of 5 in 32 bits */
    uint32_t f = 1;
    while (k-- > 0) f *= 5;
    if (f > 1) big_mul_small(b, f);
}

static void big_shift_left(big *b, int bits) {
    if (b->n == 0 || bits == 0) return;
    const int words = bits / 32, r = bits % 32;
    if (r) {
        uint32_t carry = 0;
        for (int i = 0; i < b->n; i++) {
            uint32_t w = b->w[i];
            b->w[i] = (w << r) | carry;
            carry = w >> (32 - r);
        }
        if (carry) b->w[b->n++] = carry;
    }
    if (words) {
        memmove(b->w + words, b->w, (size_t)b->n * sizeof b->w[0]);
        memset(b->w, 0, (size_t)words * sizeof b->w[0]);
        b->n += words;
    }
}

static int big_compare(const big *a, const big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* The sign of m·10^e − r·2^s, exactly. */
static int compare_exact(uint64_t m, int e, uint64_t r, int s) {
    big left, right;
    big_set(&left, m);
    big_set(&right, r);
    int left_shift = 0, right_shift = s;
    if (e >= 0) {
        big_mul_pow5(&left, e); /* 10^e = 5^e · 2^e */
        left_shift += e;
    } else {
        big_mul_pow5(&right, -e); /* m·10^-k vs r·2^s  <=>  m vs r·5^k·2^(s+k) */
        right_shift += -e;
    }
    const int common = left_shift < right_shift ? left_shift : right_shift;
    big_shift_left(&left, left_shift - common);
    big_shift_left(&right, right_shift - common);
    return big_compare(&left, &right);
}

/* x (positive, finite) = mantissa · 2^exponent with the mantissa an integer below 2^53. */
static uint64_t split(double x, int *exponent) {
    int q;
    frexp(x, &q); /* x = f · 2^q, f in [0.5, 1) */
    int e2 = q - 53;
    if (e2 < -1074) e2 = -1074; /* subnormal: fixed exponent, fewer mantissa bits */
    *exponent = e2;
    return (uint64_t)ldexp(x, -e2);
}

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double lm_decimal_to_double(const char *text, size_t len) {
    const char *s = text, *end = text + len;
    const int negative = s < end && *s == '-';
    if (negative) s++;
    uint64_t m = 0;
    int digits = 0, e = 0, cut = 0; /* D = (m, plus something below one unit if cut) · 10^e */
    int in_fraction = 0;
    for (; s < end; s++) {
        if (*s == '.') {
            in_fraction = 1;
            continue;
        }
        if (*s < '0' || *s > '9') break;
        const int d = *s - '0';
        if (m == 0 && d == 0) { /* a leading zero: only its place counts */
            if (in_fraction) e--;
        } else if (digits < MAX_DIGITS) {
            m = m * 10 + (uint64_t)d;
            digits++;
            if (in_fraction) e--;
        } else {
            if (!in_fraction) e++;
            if (d) cut = 1;
        }
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        const int exp_negative = s < end && *s == '-';
        if (s < end && (*s == '+' || *s == '-')) s++;
        int exponent = 0;
        for (; s < end && *s >= '0' && *s <= '9'; s++)
            if (exponent < 100000) exponent = exponent * 10 + (*s - '0');
        e += exp_negative ? -exponent : exponent;
    }
    const double sign = negative ? -1.0 : 1.0;
    if (m == 0) return sign * 0.0;
    if (e + digits > 310) return sign * HUGE_VAL;         /* D >= 10^310 */
    if (e + digits < -324) return sign * 0.0;             /* D < 10^-324, under half the smallest subnormal */
    if (!cut && m <= (1ull << 53) && e >= -22 && e <= 22) /* both operands exact: one rounding */
        return sign * (e >= 0 ? (double)m * POW10[e] : (double)m / POW10[-e]);

    double x = (double)m; /* the guess */
    for (int k = e; k > 0; k -= 22) x *= POW10[k > 22 ? 22 : k];
    for (int k = -e; k > 0; k -= 22) x /= POW10[k > 22 ? 22 : k];
    if (x == 0) x = DBL_TRUE_MIN;
    if (isinf(x)) x = DBL_MAX;
    for (int step = 0; step < 200; step++) { /* the guess is off by a few ulps at most */
        int q;
        const uint64_t mx = split(x, &q);
        /* above the halfway point to the next double up (a tie goes to the even mantissa) */
        const int up = compare_exact(m, e, 2 * mx + 1, q - 1);
        if (up > 0 || (up == 0 && (cut || (mx & 1)))) {
            x = nextafter(x, HUGE_VAL);
            if (isinf(x)) break;
            continue;
        }
        /* below the halfway point to the next double down; at a power of two that gap is half as wide */
        const int narrow = mx == (1ull << 52) && q > -1074;
        const int down = narrow ? compare_exact(m, e, 4 * mx - 1, q - 2) : compare_exact(m, e, 2 * mx - 1, q - 1);
        if (down < 0 || (down == 0 && !cut && (mx & 1))) {
            x = nextafter(x, 0.0);
            continue;
        }
        break;
    }
    return sign * x;
}
