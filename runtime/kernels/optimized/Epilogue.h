//===- Epilogue.h - What fused kernels do to each output element ----------===//
//
// FusedConv and FusedMatMul compute Y = activation(contraction + bias + Z):
// the optimized convolution and matrix product hand each block of their
// output to an epilogue as soon as it is final, while it is still in cache,
// so the intermediate tensors never reach memory. The scalar functions here
// are also what the Elementwise, Gelu, Attention, Tanh and Erf kernels
// compute with; each evaluates as the reference kernels of the ONNX
// operators it replaces (same operations in the same order), except that
// exp, erf and tanh are branch-free approximations within 2-3 ulp of the C
// library's, so fused and unfused results agree to a few ulp.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_OPTIMIZED_EPILOGUE_H
#define IRON_RUNTIME_KERNELS_OPTIMIZED_EPILOGUE_H

#include "iron/runtime/Kernel.h"

#include <cmath>
#include <cstdint>
#include <cstring>

// The loops over these functions are compiled once per instruction set
// (portable, AVX2, AVX-512) and picked at run time, like Gemm.cpp's; the
// functions must inline into each copy to be vectorized for its target.
#if defined(__GNUC__)
#define IRON_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define IRON_ALWAYS_INLINE inline
#endif
#if (defined(__x86_64__) || defined(__i386__)) && !defined(IRON_PORTABLE_KERNELS)
#define IRON_VECTOR_X86 1
#define IRON_VECTOR_AVX512 __attribute__((target("avx512f")))
#define IRON_VECTOR_AVX2 __attribute__((target("avx2")))
#else
#define IRON_VECTOR_X86 0
#endif

namespace iron::rt::optimized {

/// The activations of IronOps.td's kernels.
enum class Activation : uint8_t {
  None,
  Relu,
  Clip,        // params [min, max]
  LeakyRelu,   // [alpha]
  Sigmoid,
  HardSigmoid, // [alpha, beta]
  HardSwish,
  SiLU,        // x * sigmoid(x)
  Gelu,        // erf form
  GeluTanh,    // tanh approximation
  Tanh,
  Erf, // not an activation attribute: the optimized Erf kernel's loop
};

struct Epilogue {
  Activation act = Activation::None;
  float p0 = 0.0f, p1 = 0.0f;
  /// Per-column bias of a matrix product (N values), or null.
  const float *bias = nullptr;
  /// The residual (Y's shape), located by an element's offset from y.
  const float *z = nullptr;
  const float *y = nullptr;
};

/// Reads `activation` and `activation_params` into e (checks the name and
/// the parameter count).
Status readActivation(const KernelContext &ctx, Epilogue &e);

/// y[j] = act(y[j] + bias[j * biasStride] + z[j]) for j < n; bias may be
/// null, biasStride 1 (per column) or 0 (one value); z is e.z at y's offset
/// from e.y when e.z is set.
void applyEpilogue(const Epilogue &e, float *y, int64_t n, const float *bias,
                   int64_t biasStride);

/// applyEpilogue over `rows` rows of n columns at stride ld, bias per column.
void applyEpilogueRows(const Epilogue &e, float *y, int64_t rows, int64_t n, int64_t ld);

/// A GemmEpilogueFn (Gemm.h) whose user is an Epilogue: rows of C are rows
/// of Y, its bias is per column.
void gemmEpilogue(const void *user, float *c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0,
                  int64_t cols);

/// y[j] = act(x[j]) for j < n (x may be y).
void applyActivation(Activation act, float p0, float p1, const float *x, float *y, int64_t n);

/// The optimized convolution and matrix product with an epilogue (null:
/// the plain Conv and MatMul kernels).
Status convRun(KernelContext &ctx, const Epilogue *epilogue);
Status matMulRun(KernelContext &ctx, const Epilogue *epilogue);

//===----------------------------------------------------------------------===//
// Scalar functions
//===----------------------------------------------------------------------===//

/// exp(x) within 2 ulp of std::exp (NaN, infinities, overflow and
/// underflow included), branch-free so that loops calling it vectorize:
/// x = n ln2 + r (Cody-Waite, |r| <= ln2 / 2), e^r by its degree-7 Taylor
/// polynomial (truncation below 1e-8), times 2^n built in the exponent
/// bits (in two halves, so that overflow and subnormals come out right).
IRON_ALWAYS_INLINE float expOf(float x) {
  float c = x < -105.0f ? -105.0f : x; // NaN passes both compares
  c = c > 89.0f ? 89.0f : c;
  const float magic = 12582912.0f; // 1.5 * 2^23: adding it rounds to an integer
  float t = c * 1.44269504088896341f + magic;
  float n = t - magic;
  int32_t bits;
  std::memcpy(&bits, &t, sizeof bits);
  int32_t k = bits - 0x4B400000; // n as an integer
  float r = c - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t k1 = k >> 1, k2 = k - k1;
  int32_t b1 = (k1 + 127) << 23, b2 = (k2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  return p * s1 * s2;
}

/// erf(x) within 3 ulp of std::erf, branch-free so that loops calling it
/// vectorize (both pieces are computed, one is selected): x P(x^2) for
/// |x| < 1, Q(|x| - 2.46) for 1 <= |x| < 3.92, and +-1 beyond, where erf
/// rounds to 1 in float. P (degree 6 in x^2) and Q (degree 12) are least
/// squares fits (scripts/fit_vector_math.py). Unlike std::erf, its time
/// does not depend on x.
IRON_ALWAYS_INLINE float erfOf(float x) {
  float a = std::fabs(x), t = x * x;
  float s = 7.933493907e-05f;
  s = s * t + -8.034846396e-04f;
  s = s * t + 5.191218574e-03f;
  s = s * t + -2.685539983e-02f;
  s = s * t + 1.128362566e-01f;
  s = s * t + -3.761262894e-01f;
  s = s * t + 1.128379226e+00f;
  s = s * x;
  float u = a - 2.46f;
  float l = -9.166920790e-06f;
  l = l * u + 2.536314241e-05f;
  l = l * u + 5.189640433e-05f;
  l = l * u + -3.013669630e-04f;
  l = l * u + 3.906787315e-04f;
  l = l * u + 4.615696962e-04f;
  l = l * u + -2.963119885e-03f;
  l = l * u + 6.798153743e-03f;
  l = l * u + -9.904964827e-03f;
  l = l * u + 9.832828306e-03f;
  l = l * u + -6.535748485e-03f;
  l = l * u + 2.656208817e-03f;
  l = l * u + 9.994966984e-01f;
  l = l > 1.0f ? 1.0f : l;
  l = a >= 3.92f ? 1.0f : l; // NaN fails the compare and stays NaN
  l = std::copysign(l, x);
  return a < 1.0f ? s : l;
}

/// tanh(x) within 3 ulp of std::tanh, branch-free: x + x^3 P(x^2) for
/// |x| < 0.625 (P of degree 5, a least squares fit), else
/// 1 - 2 / (e^(2|x|) + 1) with its sign.
IRON_ALWAYS_INLINE float tanhOf(float x) {
  float a = std::fabs(x), t = x * x;
  float p = 2.314125421e-03f;
  p = p * t + -8.365823887e-03f;
  p = p * t + 2.177690528e-02f;
  p = p * t + -5.396049097e-02f;
  p = p * t + 1.333331019e-01f;
  p = p * t + -3.333333433e-01f;
  float small = x + (x * t) * p;
  float big = std::copysign(1.0f - 2.0f / (expOf(2.0f * a) + 1.0f), x);
  return a < 0.625f ? small : big;
}

/// The reference Sigmoid: both branches avoid overflowing exp for large
/// |x|.
IRON_ALWAYS_INLINE float sigmoidOf(float x) {
  float e = expOf(-std::fabs(x));
  // One division, its numerator selected (a select between two divisions
  // would not vectorize).
  return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}
/// min(max(x, 0), 1), letting NaN through.
IRON_ALWAYS_INLINE float clamp01(float x) { return x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
IRON_ALWAYS_INLINE float hardSigmoidOf(float x, float alpha, float beta) { return clamp01(alpha * x + beta); }
IRON_ALWAYS_INLINE float hardSwishOf(float x) { return x * clamp01(float(1.0 / 6.0) * x + 0.5f); }
/// What exporters write: Div(x, sqrt 2), Erf, Add 1, Mul x, Mul 0.5.
IRON_ALWAYS_INLINE float geluErfOf(float x) {
  return x * (erfOf(x / 1.41421356237309504880f) + 1.0f) * 0.5f;
}
/// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
IRON_ALWAYS_INLINE float geluTanhOf(float x) {
  float inner = 0.7978845608028654f * (x + 0.044715f * (x * x * x));
  return x * (tanhOf(inner) + 1.0f) * 0.5f;
}
IRON_ALWAYS_INLINE float clipOf(float x, float lo, float hi) {
  x = x < lo ? lo : x;
  return x > hi ? hi : x;
}

} // namespace iron::rt::optimized

#endif
