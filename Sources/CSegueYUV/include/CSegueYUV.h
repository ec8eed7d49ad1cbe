#ifndef CSEGUEYUV_H
#define CSEGUEYUV_H

#include <stddef.h>
#include <stdint.h>

/// Which conversion kernel runs: the best this CPU has, or the portable one (tests compare them).
typedef enum {
    SEGUE_YUV_KERNEL_BEST = 0,
    SEGUE_YUV_KERNEL_PORTABLE = 1,
} segue_yuv_kernel;

/// Converts rows [row_begin, row_end) of a BGRA image (alpha ignored) to planar YUV 4:2:0,
/// BT.709 limited range, chroma the mean of each 2x2 block. `width`, `row_begin` and `row_end` are
/// even. The planes are full-frame planes (`y` width bytes a row, `u` and `v` width/2).
void segue_bgra_to_i420(const uint8_t *bgra, size_t stride, int width, int row_begin, int row_end, uint8_t *y,
                        uint8_t *u, uint8_t *v, segue_yuv_kernel kernel);

/// The name of the kernel `SEGUE_YUV_KERNEL_BEST` picks on this CPU ("avx2" or "portable").
const char *segue_yuv_best_kernel(void);

#endif
