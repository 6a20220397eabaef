//===- Gemm.h - Packed single-precision GEMM and friends ------------------===//
//
// The numeric core of the optimized Conv, MatMul and Gemm kernels: a
// cache-blocked SGEMM whose B operand is packed into scratch panels and whose
// A operand is read in place (row-major or transposed), a register-blocked
// micro-kernel per instruction set (AVX-512, AVX2+FMA, portable C++) chosen
// at run time, matrix-vector products for the degenerate shapes, and the
// depthwise convolution row kernel. Nothing here allocates: callers pass
// scratch sized by sgemmScratchBytes().
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_OPTIMIZED_GEMM_H
#define IRON_RUNTIME_KERNELS_OPTIMIZED_GEMM_H

#include <cstddef>
#include <cstdint>

namespace iron::rt::optimized {

/// The instruction sets the kernels have code paths for.
enum class Isa : uint8_t { Generic, Avx2, Avx512 };

/// The best path this CPU supports (detected once), unless forced.
Isa activeIsa();
/// Whether this CPU (and OS) can run `isa`'s path.
bool isaSupported(Isa isa);
/// Forces a path (for tests); one the CPU lacks is ignored. Returns the
/// previous one.
Isa forceIsa(Isa isa);
const char *isaName(Isa isa);

/// How B (K x N) is stored.
enum class BKind : uint8_t {
  RowMajor,    // B(p, j) = data[p * ld + j]
  Transposed,  // B(p, j) = data[j * ld + p]
  RowPointers, // B(p, j) = rows[p][j]: each row contiguous, anywhere
};

struct GemmB {
  BKind kind = BKind::RowMajor;
  const float *data = nullptr;
  int64_t ld = 0;
  const float *const *rows = nullptr;
};

/// Called on each block of C as soon as its values are final (after the
/// last K block), while it is still in cache: rows [i0, i0 + rows) and
/// columns [j0, j0 + cols) of C (c is C's first element). Fused kernels
/// apply their bias, residual and activation here.
using GemmEpilogueFn = void (*)(const void *user, float *c, int64_t ldc, int64_t i0, int64_t rows,
                                int64_t j0, int64_t cols);

/// C (M x N, row stride ldc) = alpha * op(A) * B + rowBias (per row), or
/// with `accumulate` C += alpha * op(A) * B (rowBias then unused).
/// op(A)(i, p) = a[i * lda + p], or a[p * lda + i] with transA.
struct GemmArgs {
  int64_t m = 0, n = 0, k = 0;
  const float *a = nullptr;
  int64_t lda = 0;
  bool transA = false;
  GemmB b;
  float *c = nullptr;
  int64_t ldc = 0;
  float alpha = 1.0f;
  const float *rowBias = nullptr;
  bool accumulate = false;
  /// Optional: runs over every block of C once it is final.
  GemmEpilogueFn epilogue = nullptr;
  const void *epilogueUser = nullptr;
};

/// Scratch bytes sgemm needs for these dims (any instruction set).
size_t sgemmScratchBytes(int64_t m, int64_t n, int64_t k);
void sgemm(const GemmArgs &args, void *scratch);

/// y[i] = alpha * dot(A row i, x) (+ y[i] with accumulate), i < m; A's rows
/// at stride lda, x and y contiguous.
void gemv(int64_t m, int64_t k, const float *a, int64_t lda, const float *x, float *y, float alpha,
          bool accumulate);
/// y[j] = alpha * sum_p x[p] * B[p * ldb + j] (+ y[j] with accumulate), j < n.
void gevm(int64_t k, int64_t n, const float *x, const float *b, int64_t ldb, float *y, float alpha,
          bool accumulate);

/// dst[j] = src[j * stride] for j < n (vectorized for stride 2).
void copyStrided(float *dst, const float *src, int64_t n, int64_t stride);

/// One output plane of a depthwise convolution from a prepared input:
/// y[oh * ow + o] = bias + sum_t w[t] * taps[t][oh * rowPitch + o] for
/// oh < oh, o < ow. Reads may run up to 64 floats past the last tap row's
/// ow (callers leave that much readable slack).
void depthwisePlane(const float *const *taps, const float *w, int numTaps, float bias, float *y,
                    int64_t outH, int64_t outW, int64_t rowPitch);

} // namespace iron::rt::optimized

#endif
