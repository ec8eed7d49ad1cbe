// BGRA -> I420 (BT.709, limited range) for the frames Segue pipes into ffmpeg.
//
// Per pixel: Y = ((47 R + 157 G + 16 B + 128) >> 8) + 16.
// Per 2x2 block with channel sums R, G, B: U = ((-26 R - 86 G + 112 B + 512) >> 10) + 128,
// V = ((112 R - 102 G - 10 B + 512) >> 10) + 128.
// The AVX2 kernel computes exactly these integers (same bytes as the portable kernel), 16 pixels of
// two rows at a time: luma with byte multiply-adds (157 split as 78 + 79 so no 16-bit sum saturates),
// chroma as the sum over the block of each pixel's 112 B - 86 G - 26 R (the formula is linear).

#include "CSegueYUV.h"

static inline uint8_t luma(int r, int g, int b) { return (uint8_t)(((47 * r + 157 * g + 16 * b + 128) >> 8) + 16); }

/// Chroma columns [from, half) of one pair of rows.
static void rows_portable(const uint8_t *top, const uint8_t *bottom, uint8_t *yt, uint8_t *yb, uint8_t *u,
                          uint8_t *v, int from, int half) {
    for (int cx = from; cx < half; cx++) {
        const uint8_t *t = top + (size_t)cx * 8, *d = bottom + (size_t)cx * 8;
        int b0 = t[0], g0 = t[1], r0 = t[2], b1 = t[4], g1 = t[5], r1 = t[6];
        int b2 = d[0], g2 = d[1], r2 = d[2], b3 = d[4], g3 = d[5], r3 = d[6];
        yt[2 * cx] = luma(r0, g0, b0);
        yt[2 * cx + 1] = luma(r1, g1, b1);
        yb[2 * cx] = luma(r2, g2, b2);
        yb[2 * cx + 1] = luma(r3, g3, b3);
        int r = r0 + r1 + r2 + r3, g = g0 + g1 + g2 + g3, b = b0 + b1 + b2 + b3;
        u[cx] = (uint8_t)(((-26 * r - 86 * g + 112 * b + 512) >> 10) + 128);
        v[cx] = (uint8_t)(((112 * r - 102 * g - 10 * b + 512) >> 10) + 128);
    }
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static int has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // The OS must save YMM state (OSXSAVE, then XCR0 bits 1 and 2).
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}

/// Eight pixels' luma before the +16, one per 32-bit lane.
__attribute__((target("avx2"))) static inline __m256i luma8(__m256i px, __m256i c1, __m256i c2, __m256i low16,
                                                            __m256i half) {
    // 16-bit lanes: 16 B + 157 G (at most 44,115: fits unsigned 16 bits) and 47 R.
    __m256i s = _mm256_add_epi16(_mm256_maddubs_epi16(px, c1), _mm256_maddubs_epi16(px, c2));
    __m256i y = _mm256_add_epi32(_mm256_and_si256(s, low16), _mm256_srli_epi32(s, 16));
    return _mm256_srli_epi32(_mm256_add_epi32(y, half), 8);
}

/// Eight pixels' chroma term (coefficients as signed bytes B, G, R, 0), one per 32-bit lane.
__attribute__((target("avx2"))) static inline __m256i chroma8(__m256i px, __m256i coefficients, __m256i ones) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(px, coefficients), ones);
}

__attribute__((target("avx2"))) static void rows_avx2(const uint8_t *top, const uint8_t *bottom, uint8_t *yt,
                                                      uint8_t *yb, uint8_t *u, uint8_t *v, int half) {
    const __m256i c1 = _mm256_set1_epi32(16 | 78 << 8 | 47 << 16);
    const __m256i c2 = _mm256_set1_epi32(79 << 8);
    const __m256i cu = _mm256_set1_epi32((int)(112u | (uint32_t)(uint8_t)-86 << 8 | (uint32_t)(uint8_t)-26 << 16));
    const __m256i cv = _mm256_set1_epi32((int)((uint32_t)(uint8_t)-10 | (uint32_t)(uint8_t)-102 << 8 | 112u << 16));
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i low16 = _mm256_set1_epi32(0xFFFF);
    const __m256i half_luma = _mm256_set1_epi32(128);
    // +512 rounding and +128 offset, both before the shift by 10.
    const __m256i chroma_bias = _mm256_set1_epi32(512 + (128 << 10));
    const __m256i sixteen = _mm256_set1_epi8(16);
    const __m256i luma_order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    int blocks = half / 8;
    for (int k = 0; k < blocks; k++) {
        const uint8_t *tp = top + (size_t)k * 64, *dp = bottom + (size_t)k * 64;
        __m256i t0 = _mm256_loadu_si256((const __m256i *)tp), t1 = _mm256_loadu_si256((const __m256i *)(tp + 32));
        __m256i d0 = _mm256_loadu_si256((const __m256i *)dp), d1 = _mm256_loadu_si256((const __m256i *)(dp + 32));

        __m256i top16 = _mm256_packus_epi32(luma8(t0, c1, c2, low16, half_luma), luma8(t1, c1, c2, low16, half_luma));
        __m256i bottom16 = _mm256_packus_epi32(luma8(d0, c1, c2, low16, half_luma), luma8(d1, c1, c2, low16, half_luma));
        // Dwords now hold pixels [t 0-3, t 8-11, b 0-3, b 8-11 | t 4-7, t 12-15, b 4-7, b 12-15].
        __m256i y8 = _mm256_add_epi8(_mm256_packus_epi16(top16, bottom16), sixteen);
        y8 = _mm256_permutevar8x32_epi32(y8, luma_order);
        _mm_storeu_si128((__m128i *)(yt + (size_t)k * 16), _mm256_castsi256_si128(y8));
        _mm_storeu_si128((__m128i *)(yb + (size_t)k * 16), _mm256_extracti128_si256(y8, 1));

        __m256i u0 = _mm256_add_epi32(chroma8(t0, cu, ones), chroma8(d0, cu, ones));
        __m256i u1 = _mm256_add_epi32(chroma8(t1, cu, ones), chroma8(d1, cu, ones));
        __m256i v0 = _mm256_add_epi32(chroma8(t0, cv, ones), chroma8(d0, cv, ones));
        __m256i v1 = _mm256_add_epi32(chroma8(t1, cv, ones), chroma8(d1, cv, ones));
        // Horizontal pairs: lanes hold blocks [0, 1, 4, 5 | 2, 3, 6, 7].
        __m256i us = _mm256_srai_epi32(_mm256_add_epi32(_mm256_hadd_epi32(u0, u1), chroma_bias), 10);
        __m256i vs = _mm256_srai_epi32(_mm256_add_epi32(_mm256_hadd_epi32(v0, v1), chroma_bias), 10);
        __m256i uv = _mm256_packus_epi16(_mm256_packus_epi32(us, vs), _mm256_setzero_si256());
        // Bytes: lane 0 = u0 u1 u4 u5 v0 v1 v4 v5, lane 1 = u2 u3 u6 u7 v2 v3 v6 v7.
        __m128i m = _mm_unpacklo_epi16(_mm256_castsi256_si128(uv), _mm256_extracti128_si256(uv, 1));
        _mm_storel_epi64((__m128i *)(u + (size_t)k * 8), m);
        _mm_storel_epi64((__m128i *)(v + (size_t)k * 8), _mm_srli_si128(m, 8));
    }
    rows_portable(top, bottom, yt, yb, u, v, blocks * 8, half);
}
#endif

static int best_is_avx2(void) {
#if defined(__x86_64__)
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = has_avx2();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
#else
    return 0;
#endif
}

const char *segue_yuv_best_kernel(void) { return best_is_avx2() ? "avx2" : "portable"; }

void segue_bgra_to_i420(const uint8_t *bgra, size_t stride, int width, int row_begin, int row_end, uint8_t *y,
                        uint8_t *u, uint8_t *v, segue_yuv_kernel kernel) {
    int half = width / 2;
    int avx2 = kernel == SEGUE_YUV_KERNEL_BEST && best_is_avx2();
    for (int row = row_begin; row < row_end; row += 2) {
        const uint8_t *top = bgra + (size_t)row * stride, *bottom = top + stride;
        uint8_t *yt = y + (size_t)row * (size_t)width, *yb = yt + width;
        uint8_t *ur = u + (size_t)(row / 2) * (size_t)half, *vr = v + (size_t)(row / 2) * (size_t)half;
#if defined(__x86_64__)
        if (avx2) {
            rows_avx2(top, bottom, yt, yb, ur, vr, half);
            continue;
        }
#endif
        (void)avx2;
        rows_portable(top, bottom, yt, yb, ur, vr, 0, half);
    }
}
