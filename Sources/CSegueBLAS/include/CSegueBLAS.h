#ifndef CSEGUEBLAS_H
#define CSEGUEBLAS_H

/// OpenBLAS, loaded on first use rather than when the program starts.
///
/// Linking OpenBLAS makes every process pay for it before `main`: loading and relocating the
/// library, choosing kernels, and starting a worker thread per core that spins (sched_yield) for
/// a while. Most `segue` commands (import, charts, races, the web app until it analyses audio)
/// never multiply a matrix, so the library is opened with dlopen the first time musicnn needs it.
/// Only the row-major single-precision products musicnn uses are exposed.

#ifdef __cplusplus
extern "C" {
#endif

/// Opens OpenBLAS (once; later calls return the first outcome). Returns 0 when it is ready, -1
/// when it could not be loaded (see `segue_blas_error`). Safe to call from any thread.
int segue_blas_load(void);

/// Why the load failed (empty when it did not).
const char *segue_blas_error(void);

/// OpenBLAS's name for the kernels it chose ("Haswell", "SkylakeX", ...), loading it first;
/// NULL when it cannot be loaded.
const char *segue_blas_corename(void);

/// Threads OpenBLAS may use (loads it first; does nothing when it cannot be loaded).
void segue_blas_set_threads(int threads);

/// C = alpha * op(A) * op(B) + beta * C, row-major (cblas_sgemm). `transpose_a`/`transpose_b`
/// are 0 or 1. The library must have been loaded (`segue_blas_load` returned 0): otherwise the
/// process stops with a message, as a call through a missing symbol would.
void segue_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);

/// y = alpha * op(A) * x + beta * y, row-major (cblas_sgemv); same loading rule as `segue_sgemm`.
void segue_sgemv(int transpose, int m, int n, float alpha, const float *a, int lda, const float *x, int incx,
                 float beta, float *y, int incy);

#ifdef __cplusplus
}
#endif

#endif
