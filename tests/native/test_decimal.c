/* test_decimal.c — lm_decimal_to_double (the JSON reader's number parser) gives the same bits as the
 * C library's strtod: on random doubles written with %.17g (what our files hold), %.15g and %.6g, on
 * random short decimals, and on the hard cases (ties, the subnormal edge, DBL_MAX, overflow). */
#include "check.h"
#include "decimal.h"
#include "lmlab.h"
#include "rng.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int failures_shown;

static void same_as_strtod(const char *text) {
    const double want = strtod(text, NULL);
    const double got = lm_decimal_to_double(text, strlen(text));
    const int same = memcmp(&want, &got, sizeof want) == 0;
    if (!same && failures_shown++ > 20) {
        check_failed++;
        return;
    }
    CHECK(same, "%s: strtod %.17g, lm_decimal_to_double %.17g", text, want, got);
}

static double random_double(lm_rng *rng) {
    for (;;) {
        uint64_t bits = ((uint64_t)lm_rng_u32(rng) << 32) | lm_rng_u32(rng);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isfinite(x)) return x;
    }
}

int main(void) {
    const char *hard[] = {
        "0",
        "-0",
        "0.0",
        "1",
        "-1",
        "0.1",
        "0.002",
        "0.9",
        "0.999",
        "1e-08",
        "125",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072011e-308",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1e309",
        "1e-400",
        "9007199254740993",
        "9007199254740992.5",
        "9007199254740993.0000000001",
        "123456789012345678901234567890",
        "0.000000000000000000000000000001234",
        "4.9406564584124654e-324",
        "1e23",
        "8.98846567431158e307",
        "3.0517578125e-05",
        "1E22",
        "1e+22",
        "12345678901234567e-5",
        "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797758720709633028641"
        "66928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669"
        "59622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
        /* exact ties between two doubles: to the even mantissa, whichever side the first guess lands */
        "9007199254740995.0",
        "900719925474099.50e1",
        "4503599627370497.5",
        "1152921504606847104",
        "1152921504606847360",
        "115292150460684736e1",
        "11529215046068473.6e2",
        "0.11529215046068473600e19",
        "2.2250738585072013830902327173324e-308",
    };
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) same_as_strtod(hard[i]);
    /* every tie between 2^60 + 256·j and the next double (ulp 256): half go up, half go down */
    char tie[32];
    for (int j = 0; j < 200; j++) {
        snprintf(tie, sizeof tie, "%llu", (1ull << 60) + 256ull * (unsigned long long)j + 128);
        same_as_strtod(tie);
        snprintf(tie, sizeof tie, "%llue-3", ((1ull << 60) + 256ull * (unsigned long long)j + 128) / 8 * 1000 / 125);
        same_as_strtod(tie);
    }

    lm_rng rng;
    lm_rng_seed(&rng, 7);
    char text[64];
    for (int i = 0; i < 30000; i++) {
        const double x = random_double(&rng);
        snprintf(text, sizeof text, "%.17g", x);
        same_as_strtod(text);
        snprintf(text, sizeof text, "%.15g", x);
        same_as_strtod(text);
        snprintf(text, sizeof text, "%.6g", x);
        same_as_strtod(text);
        /* a number of the kind training files hold: a rate or a loss */
        snprintf(text, sizeof text, "%.17g", ldexp((double)lm_rng_u32(&rng), -(int)(lm_rng_u32(&rng) % 60)));
        same_as_strtod(text);
        snprintf(text, sizeof text, "%u.%ue%d", lm_rng_u32(&rng) % 1000, lm_rng_u32(&rng),
                 (int)(lm_rng_u32(&rng) % 700) - 350);
        same_as_strtod(text);
    }
    return check_summary("decimal");
}
