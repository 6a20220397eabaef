//===- Epilogue.cpp - Bias, residual and activation of fused kernels ------===//

#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Gemm.h"

#include <cstring>

namespace iron::rt::optimized {

namespace {

struct ActivationName {
  const char *name;
  Activation act;
  int params;
};

const ActivationName kActivations[] = {
    {"", Activation::None, 0},
    {"Relu", Activation::Relu, 0},
    {"Clip", Activation::Clip, 2},
    {"LeakyRelu", Activation::LeakyRelu, 1},
    {"Sigmoid", Activation::Sigmoid, 0},
    {"HardSigmoid", Activation::HardSigmoid, 2},
    {"HardSwish", Activation::HardSwish, 0},
    {"SiLU", Activation::SiLU, 0},
    {"Gelu", Activation::Gelu, 0},
    {"GeluTanh", Activation::GeluTanh, 0},
    {"Tanh", Activation::Tanh, 0},
};

/// One activation of one value.
template <Activation A> IRON_ALWAYS_INLINE float activate1(float v, float p0, float p1) {
  if constexpr (A == Activation::Relu)
    return v < 0.0f ? 0.0f : v;
  else if constexpr (A == Activation::Clip)
    return clipOf(v, p0, p1);
  else if constexpr (A == Activation::LeakyRelu)
    return v < 0.0f ? p0 * v : v;
  else if constexpr (A == Activation::Sigmoid)
    return sigmoidOf(v);
  else if constexpr (A == Activation::HardSigmoid)
    return hardSigmoidOf(v, p0, p1);
  else if constexpr (A == Activation::HardSwish)
    return hardSwishOf(v);
  else if constexpr (A == Activation::SiLU)
    return v * sigmoidOf(v);
  else if constexpr (A == Activation::Gelu)
    return geluErfOf(v);
  else if constexpr (A == Activation::GeluTanh)
    return geluTanhOf(v);
  else if constexpr (A == Activation::Tanh)
    return tanhOf(v);
  else if constexpr (A == Activation::Erf)
    return erfOf(v);
  else
    return v;
}

template <Activation A>
IRON_ALWAYS_INLINE void activate(float p0, float p1, const float *x, float *y, int64_t n) {
  for (int64_t j = 0; j < n; ++j)
    y[j] = activate1<A>(x[j], p0, p1);
}

IRON_ALWAYS_INLINE void activationBody(Activation act, float p0, float p1, const float *x,
                                       float *y, int64_t n) {
  switch (act) {
  case Activation::None:
    if (x != y)
      std::memmove(y, x, size_t(n) * sizeof(float));
    return;
  case Activation::Relu: return activate<Activation::Relu>(p0, p1, x, y, n);
  case Activation::Clip: return activate<Activation::Clip>(p0, p1, x, y, n);
  case Activation::LeakyRelu: return activate<Activation::LeakyRelu>(p0, p1, x, y, n);
  case Activation::Sigmoid: return activate<Activation::Sigmoid>(p0, p1, x, y, n);
  case Activation::HardSigmoid: return activate<Activation::HardSigmoid>(p0, p1, x, y, n);
  case Activation::HardSwish: return activate<Activation::HardSwish>(p0, p1, x, y, n);
  case Activation::SiLU: return activate<Activation::SiLU>(p0, p1, x, y, n);
  case Activation::Gelu: return activate<Activation::Gelu>(p0, p1, x, y, n);
  case Activation::GeluTanh: return activate<Activation::GeluTanh>(p0, p1, x, y, n);
  case Activation::Tanh: return activate<Activation::Tanh>(p0, p1, x, y, n);
  case Activation::Erf: return activate<Activation::Erf>(p0, p1, x, y, n);
  }
}

/// One pass over a span: the unfused order, the contraction's output +
/// bias, then + Z, then the activation (each rounded as separate kernels
/// would round it). Bias is per element (BiasStride 1), one value (0) or
/// none (-1).
template <Activation A, int BiasStride, bool Residual>
IRON_ALWAYS_INLINE void epilogueSpan(const Epilogue &e, float *y, int64_t n, const float *bias,
                                     const float *z) {
  const float p0 = e.p0, p1 = e.p1;
  for (int64_t j = 0; j < n; ++j) {
    float v = y[j];
    if constexpr (BiasStride == 1)
      v += bias[j];
    else if constexpr (BiasStride == 0)
      v += bias[0];
    if constexpr (Residual)
      v += z[j];
    y[j] = activate1<A>(v, p0, p1);
  }
}

template <Activation A>
IRON_ALWAYS_INLINE void epilogueFor(const Epilogue &e, float *y, int64_t n, const float *bias,
                                    int64_t biasStride, const float *z) {
  if (!bias)
    return z ? epilogueSpan<A, -1, true>(e, y, n, bias, z)
             : epilogueSpan<A, -1, false>(e, y, n, bias, z);
  if (biasStride == 0)
    return z ? epilogueSpan<A, 0, true>(e, y, n, bias, z)
             : epilogueSpan<A, 0, false>(e, y, n, bias, z);
  return z ? epilogueSpan<A, 1, true>(e, y, n, bias, z)
           : epilogueSpan<A, 1, false>(e, y, n, bias, z);
}

IRON_ALWAYS_INLINE void epilogueBody(const Epilogue &e, float *y, int64_t n, const float *bias,
                                     int64_t biasStride, const float *z) {
  switch (e.act) {
  case Activation::None:
    if (bias || z)
      epilogueFor<Activation::None>(e, y, n, bias, biasStride, z);
    return;
  case Activation::Relu: return epilogueFor<Activation::Relu>(e, y, n, bias, biasStride, z);
  case Activation::Clip: return epilogueFor<Activation::Clip>(e, y, n, bias, biasStride, z);
  case Activation::LeakyRelu:
    return epilogueFor<Activation::LeakyRelu>(e, y, n, bias, biasStride, z);
  case Activation::Sigmoid: return epilogueFor<Activation::Sigmoid>(e, y, n, bias, biasStride, z);
  case Activation::HardSigmoid:
    return epilogueFor<Activation::HardSigmoid>(e, y, n, bias, biasStride, z);
  case Activation::HardSwish:
    return epilogueFor<Activation::HardSwish>(e, y, n, bias, biasStride, z);
  case Activation::SiLU: return epilogueFor<Activation::SiLU>(e, y, n, bias, biasStride, z);
  case Activation::Gelu: return epilogueFor<Activation::Gelu>(e, y, n, bias, biasStride, z);
  case Activation::GeluTanh:
    return epilogueFor<Activation::GeluTanh>(e, y, n, bias, biasStride, z);
  case Activation::Tanh: return epilogueFor<Activation::Tanh>(e, y, n, bias, biasStride, z);
  case Activation::Erf: return epilogueFor<Activation::Erf>(e, y, n, bias, biasStride, z);
  }
}

// One copy of each loop per instruction set.
void activationGeneric(Activation act, float p0, float p1, const float *x, float *y, int64_t n) {
  activationBody(act, p0, p1, x, y, n);
}
void epilogueGeneric(const Epilogue &e, float *y, int64_t n, const float *bias,
                     int64_t biasStride, const float *z) {
  epilogueBody(e, y, n, bias, biasStride, z);
}
#if IRON_VECTOR_X86
IRON_VECTOR_AVX2 void activationAvx2(Activation act, float p0, float p1, const float *x, float *y,
                                     int64_t n) {
  activationBody(act, p0, p1, x, y, n);
}
IRON_VECTOR_AVX2 void epilogueAvx2(const Epilogue &e, float *y, int64_t n, const float *bias,
                                   int64_t biasStride, const float *z) {
  epilogueBody(e, y, n, bias, biasStride, z);
}
IRON_VECTOR_AVX512 void activationAvx512(Activation act, float p0, float p1, const float *x,
                                         float *y, int64_t n) {
  activationBody(act, p0, p1, x, y, n);
}
IRON_VECTOR_AVX512 void epilogueAvx512(const Epilogue &e, float *y, int64_t n, const float *bias,
                                       int64_t biasStride, const float *z) {
  epilogueBody(e, y, n, bias, biasStride, z);
}
#endif

} // namespace

Status readActivation(const KernelContext &ctx, Epilogue &e) {
  size_t length = 0;
  const char *name = ctx.attrs.getString("activation", "", &length);
  const ActivationName *found = nullptr;
  for (const ActivationName &a : kActivations)
    if (std::strlen(a.name) == length && std::memcmp(a.name, name, length) == 0)
      found = &a;
  if (!found)
    return ctx.fail("unknown activation '%.*s'", int(length), name);
  const float *params = nullptr;
  int count = ctx.attrs.getFloats("activation_params", &params);
  if (count != found->params)
    return ctx.fail("activation '%s' takes %d activation_params, got %d", found->name,
                    found->params, count);
  e.act = found->act;
  e.p0 = count > 0 ? params[0] : 0.0f;
  e.p1 = count > 1 ? params[1] : 0.0f;
  return Status::Ok;
}

void applyActivation(Activation act, float p0, float p1, const float *x, float *y, int64_t n) {
#if IRON_VECTOR_X86
  switch (activeIsa()) {
  case Isa::Avx512: return activationAvx512(act, p0, p1, x, y, n);
  case Isa::Avx2: return activationAvx2(act, p0, p1, x, y, n);
  default: break;
  }
#endif
  activationGeneric(act, p0, p1, x, y, n);
}

void applyEpilogue(const Epilogue &e, float *y, int64_t n, const float *bias,
                   int64_t biasStride) {
  const float *z = e.z ? e.z + (y - e.y) : nullptr;
#if IRON_VECTOR_X86
  switch (activeIsa()) {
  case Isa::Avx512: return epilogueAvx512(e, y, n, bias, biasStride, z);
  case Isa::Avx2: return epilogueAvx2(e, y, n, bias, biasStride, z);
  default: break;
  }
#endif
  epilogueGeneric(e, y, n, bias, biasStride, z);
}

void applyEpilogueRows(const Epilogue &e, float *y, int64_t rows, int64_t n, int64_t ld) {
  for (int64_t i = 0; i < rows; ++i)
    applyEpilogue(e, y + i * ld, n, e.bias, 1);
}

void gemmEpilogue(const void *user, float *c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0,
                  int64_t cols) {
  const Epilogue &e = *static_cast<const Epilogue *>(user);
  // Whole rows without a per-column bias are one contiguous run: one call,
  // not one per row (a 1x1 convolution on a 1x1 map has rows of one).
  if (!e.bias && cols == ldc) {
    applyEpilogue(e, c + i0 * ldc, rows * cols, nullptr, 1);
    return;
  }
  for (int64_t i = i0; i < i0 + rows; ++i)
    applyEpilogue(e, c + i * ldc + j0, cols, e.bias ? e.bias + j0 : nullptr, 1);
}

} // namespace iron::rt::optimized
