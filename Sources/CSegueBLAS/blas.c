#include "CSegueBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

// CBLAS's enumeration values (cblas.h): the ABI every CBLAS shares.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static sgemv_fn sgemv;
static threads_fn set_threads;
static corename_fn corename;
static char error[512];

static void load(void) {
    // The runtime package's name first (libopenblas0 provides it; -dev adds the unversioned link).
    void *handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(error, sizeof error, "%s", why ? why : "libopenblas.so.0: not found");
        handle = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
        if (!handle) return;
    }
    sgemm_fn g = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    sgemv_fn v = (sgemv_fn)dlsym(handle, "cblas_sgemv");
    if (!g || !v) {
        snprintf(error, sizeof error, "libopenblas.so.0 has no cblas_sgemm/cblas_sgemv");
        return;
    }
    set_threads = (threads_fn)dlsym(handle, "openblas_set_num_threads");
    corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    sgemv = v;
    sgemm = g;
    error[0] = 0;
}

int segue_blas_load(void) {
    pthread_once(&once, load);
    return sgemm ? 0 : -1;
}

const char *segue_blas_error(void) {
    pthread_once(&once, load);
    return error;
}

const char *segue_blas_corename(void) {
    if (segue_blas_load() != 0) return NULL;
    return corename ? corename() : "unknown";
}

void segue_blas_set_threads(int threads) {
    if (segue_blas_load() == 0 && set_threads) set_threads(threads < 1 ? 1 : threads);
}

static void require(void) {
    if (segue_blas_load() != 0) {
        fprintf(stderr, "segue: OpenBLAS is not available: %s\n", error);
        abort();
    }
}

void segue_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    require();
    sgemm(ROW_MAJOR, transpose_a ? TRANS : NO_TRANS, transpose_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb,
          beta, c, ldc);
}

void segue_sgemv(int transpose, int m, int n, float alpha, const float *a, int lda, const float *x, int incx,
                 float beta, float *y, int incy) {
    require();
    sgemv(ROW_MAJOR, transpose ? TRANS : NO_TRANS, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
