/* peak.c (bench driver) — the ceiling that no kernel can pass: how many float multiply-adds per second
 * one core of this CPU retires at each vector width, measured with independent register accumulators
 * and no memory traffic. scripts/bench/pytorch.mjs sets it beside the matrix work per second of PyTorch
 * and of lmlab: WebAssembly's vectors are 128 bits wide, so the 128-bit row bounds every .wasm build,
 * while OpenBLAS may use the widest row this CPU has.
 * Usage: peak   prints one JSON object: { "<width>": GMAC/s, ... } for the widths this CPU runs
 * (128-bit multiply then add, 128-bit fused, 256-bit fused, 512-bit fused), the best of 5 samples. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */
#include <stdio.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PEAK_X86 1
#endif

/* CPU time of this process: the machine is shared, and wall time would count other jobs' slices */
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* 12 accumulators: more than (multiply-add latency × issue rate) on current x86 cores, so the chains
 * never wait on each other and the loop runs at the issue rate. Each kernel does `rounds` passes of
 * 12 vector multiply-adds of `lanes` floats and returns a value the compiler must compute. */
#define ACC 12
typedef float (*peak_kernel)(long rounds);

#ifdef PEAK_X86
static float mul_add_128(long rounds) {
    __m128 acc[ACC];
    const __m128 scale = _mm_set1_ps(0.999f), shift = _mm_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm_set1_ps((float)i);
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < ACC; i++) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], scale), shift);
    float sum = 0;
    for (int i = 0; i < ACC; i++) sum += _mm_cvtss_f32(acc[i]);
    return sum;
}
__attribute__((target("fma"))) static float fma_128(long rounds) {
    __m128 acc[ACC];
    const __m128 scale = _mm_set1_ps(0.999f), shift = _mm_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm_set1_ps((float)i);
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < ACC; i++) acc[i] = _mm_fmadd_ps(acc[i], scale, shift);
    float sum = 0;
    for (int i = 0; i < ACC; i++) sum += _mm_cvtss_f32(acc[i]);
    return sum;
}
__attribute__((target("avx2,fma"))) static float fma_256(long rounds) {
    __m256 acc[ACC];
    const __m256 scale = _mm256_set1_ps(0.999f), shift = _mm256_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < ACC; i++) acc[i] = _mm256_fmadd_ps(acc[i], scale, shift);
    float sum = 0;
    for (int i = 0; i < ACC; i++) sum += _mm256_cvtss_f32(acc[i]);
    return sum;
}
__attribute__((target("avx512f"))) static float fma_512(long rounds) {
    __m512 acc[ACC];
    const __m512 scale = _mm512_set1_ps(0.999f), shift = _mm512_set1_ps(0.001f);
    for (int i = 0; i < ACC; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < ACC; i++) acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
    float sum = 0;
    for (int i = 0; i < ACC; i++) sum += _mm512_cvtss_f32(acc[i]);
    return sum;
}
#endif

/* GMAC/s of `kernel` at `lanes` floats per vector: the best of 5 samples of ~0.1 s each */
static double measure(peak_kernel kernel, int lanes, float *sink) {
    long rounds = 1 << 16;
    for (;;) { // calibrate: a sample of at least 0.1 s of CPU time
        const double t0 = cpu_seconds();
        *sink += kernel(rounds);
        if (cpu_seconds() - t0 > 0.1) break;
        rounds *= 2;
    }
    double best = 1e30;
    for (int s = 0; s < 5; s++) {
        const double t0 = cpu_seconds();
        *sink += kernel(rounds);
        const double dt = cpu_seconds() - t0;
        if (dt < best) best = dt;
    }
    return (double)rounds * ACC * lanes / best / 1e9;
}

int main(void) {
    float sink = 0;
    printf("{");
#ifdef PEAK_X86
    __builtin_cpu_init();
    printf("\"128-bit multiply then add\": %.2f", measure(mul_add_128, 4, &sink));
    if (__builtin_cpu_supports("fma")) printf(", \"128-bit fused\": %.2f", measure(fma_128, 4, &sink));
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        printf(", \"256-bit fused\": %.2f", measure(fma_256, 8, &sink));
    if (__builtin_cpu_supports("avx512f")) printf(", \"512-bit fused\": %.2f", measure(fma_512, 16, &sink));
#endif
    printf("}\n");
    /* the accumulators' values, so the loops cannot be dropped: printed to stderr, never read */
    fprintf(stderr, "peak: checksum %g\n", (double)sink);
    return 0;
}
