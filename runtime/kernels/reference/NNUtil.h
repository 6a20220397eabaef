//===- NNUtil.h - Window geometry and quantization for the NN kernels -----===//
//
// Shared by the reference NN kernels and meant for optimized ones too, so
// that both read strides, pads and auto_pad the same way.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_REFERENCE_NNUTIL_H
#define IRON_RUNTIME_KERNELS_REFERENCE_NNUTIL_H

#include "kernels/KernelUtil.h"

#include "iron_generated.h"

#include <cmath>
#include <cstring>
#include <type_traits>

namespace iron::rt::nn {

using ll = long long; // for printf's %lld

/// The spatial geometry of a convolution or pooling window. Always three
/// spatial dims: 1-D and 2-D operators get leading dims of size 1, so one
/// loop nest serves all. For ConvTranspose `in` is X and `out` is Y, and an
/// input position i lands on output i * stride + k * dilation - padBegin.
struct Geometry {
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], padBegin[3], padEnd[3];
  int64_t inSize() const { return in[0] * in[1] * in[2]; }
  int64_t outSize() const { return out[0] * out[1] * out[2]; }
  int64_t kernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
};

enum class Window { Conv, ConvTranspose, Pool };

/// Fills `g` from the attributes strides, dilations, pads, auto_pad (and for
/// ConvTranspose output_padding, output_shape) for `nsp` spatial dims. The
/// output dims come from the planned output; pads for SAME_UPPER/SAME_LOWER
/// are derived from them as ONNX does. Conv checks the output dims too.
inline Status readGeometry(const KernelContext &ctx, Window kind, int nsp, const int64_t *in,
                           const int64_t *out, const int64_t *kernel, Geometry &g) {
  if (nsp < 1 || nsp > 3)
    return ctx.fail("supports 1 to 3 spatial dims, got %d", nsp);
  const int64_t *strides, *dilations, *pads, *outPad, *outShape;
  int ns = ctx.attrs.getInts("strides", &strides);
  int nd = ctx.attrs.getInts("dilations", &dilations);
  int np = ctx.attrs.getInts("pads", &pads);
  int nop = ctx.attrs.getInts("output_padding", &outPad);
  bool hasOutShape = ctx.attrs.getInts("output_shape", &outShape) > 0;
  if ((ns && ns != nsp) || (nd && nd != nsp) || (np && np != 2 * nsp) || (nop && nop != nsp))
    return ctx.fail("strides/dilations/output_padding need %d values and pads %d", nsp, 2 * nsp);
  const char *autoPad = ctx.attrs.getString("auto_pad", "NOTSET");
  bool upper = !std::strcmp(autoPad, "SAME_UPPER"), lower = !std::strcmp(autoPad, "SAME_LOWER");
  bool valid = !std::strcmp(autoPad, "VALID");
  if (!upper && !lower && !valid && std::strcmp(autoPad, "NOTSET"))
    return ctx.fail("unknown auto_pad '%s'", autoPad);
  bool derived = upper || lower || (kind == Window::ConvTranspose && hasOutShape);
  for (int j = 0; j < 3; ++j) {
    g.in[j] = g.out[j] = g.kernel[j] = g.stride[j] = g.dilation[j] = 1;
    g.padBegin[j] = g.padEnd[j] = 0;
  }
  for (int i = 0, j = 3 - nsp; i < nsp; ++i, ++j) {
    g.in[j] = in[i];
    g.out[j] = out[i];
    g.kernel[j] = kernel[i];
    g.stride[j] = ns ? strides[i] : 1;
    g.dilation[j] = nd ? dilations[i] : 1;
    if (g.kernel[j] < 1 || g.stride[j] < 1 || g.dilation[j] < 1)
      return ctx.fail("kernel dims, strides and dilations must be positive");
    int64_t extent = (g.kernel[j] - 1) * g.dilation[j] + 1, extra = nop ? outPad[i] : 0;
    if (derived) {
      int64_t total = kind == Window::ConvTranspose
                          ? g.stride[j] * (g.in[j] - 1) + extra + extent - g.out[j]
                          : (g.out[j] - 1) * g.stride[j] + extent - g.in[j];
      if (total < 0) // a larger output just gets positions no input reaches
        total = 0;
      // The odd pad goes at the end for SAME_UPPER, at the beginning
      // otherwise (SAME_LOWER; ConvTranspose's output_shape without auto_pad).
      g.padBegin[j] = upper ? total / 2 : total - total / 2;
      g.padEnd[j] = total - g.padBegin[j];
    } else if (np && !valid) {
      g.padBegin[j] = pads[i];
      g.padEnd[j] = pads[i + nsp];
      if (g.padBegin[j] < 0 || g.padEnd[j] < 0)
        return ctx.fail("pads must be non-negative");
    }
    if (derived || kind == Window::Pool) // pools: ceil_mode decides
      continue;
    int64_t span = g.in[j] + g.padBegin[j] + g.padEnd[j] - extent;
    int64_t expect = kind == Window::Conv ? (span < 0 ? 0 : span / g.stride[j] + 1)
                                          : g.stride[j] * (g.in[j] - 1) + extra + extent -
                                                g.padBegin[j] - g.padEnd[j];
    if (g.out[j] != expect)
      return ctx.fail("output spatial dim %d is %lld, expected %lld", i, ll(g.out[j]), ll(expect));
  }
  return Status::Ok;
}

/// The positions o in [0, count) whose o * step + offset lies in [0, limit):
/// the outputs a kernel tap reaches without leaving the input (or, for
/// ConvTranspose, the inputs whose scatter stays in the output).
inline void validRange(int64_t offset, int64_t limit, int64_t step, int64_t count, int64_t &lo,
                       int64_t &hi) {
  lo = offset >= 0 ? 0 : (-offset + step - 1) / step;
  hi = limit - offset <= 0 ? 0 : (limit - offset + step - 1) / step;
  if (hi > count)
    hi = count;
  if (lo > hi)
    lo = hi;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

inline bool isInt8(DType t) { return t == DType::U8 || t == DType::I8; }

/// Calls fn(TA{}, TB{}) for a pair of 8-bit integer types.
template <typename Fn> Status dispatchInt8Pair(DType a, DType b, Fn &&fn) {
  if (a == DType::U8)
    return b == DType::U8 ? fn(uint8_t{}, uint8_t{}) : fn(uint8_t{}, int8_t{});
  return b == DType::U8 ? fn(int8_t{}, uint8_t{}) : fn(int8_t{}, int8_t{});
}

/// Element i of an integer zero point (0 when absent; a scalar repeats).
inline int32_t zeroPointAt(const TensorView *t, int64_t i) {
  if (!t)
    return 0;
  if (t->numel() == 1)
    i = 0;
  switch (t->dtype) {
  case DType::U8: return t->as<uint8_t>()[i];
  case DType::I8: return t->as<int8_t>()[i];
  case DType::I32: return t->as<int32_t>()[i];
  default: return 0; // rejected by the kernels' checks
  }
}
inline bool isZeroPointType(const TensorView *t) {
  return !t || isInt8(t->dtype) || t->dtype == DType::I32;
}
/// Element i of a float scale (a scalar repeats).
inline float scaleAt(const TensorView *t, int64_t i) {
  return t->as<float>()[t->numel() == 1 ? 0 : i];
}

/// Rounds to nearest, ties to even, whatever the FPU's rounding mode.
inline float roundHalfEven(float v) {
  float f = std::floor(v), r = v - f;
  if (r > 0.5f || (r == 0.5f && std::fmod(f, 2.0f) != 0.0f))
    f += 1.0f;
  return f;
}

/// QuantizeLinear's saturate(round(acc * multiplier) + zeroPoint) for `n`
/// accumulators, into an 8-bit output of type `t` at element `offset`.
inline void requantize(const int32_t *acc, int64_t n, float multiplier, int32_t zeroPoint,
                       const TensorView &y, int64_t offset) {
  auto store = [&](auto *out, float lo, float hi) {
    using T = std::remove_pointer_t<decltype(out)>;
    for (int64_t i = 0; i < n; ++i) {
      float v = roundHalfEven(float(acc[i]) * multiplier) + float(zeroPoint);
      out[offset + i] = T(v < lo ? lo : v > hi ? hi : v);
    }
  };
  if (y.dtype == DType::U8)
    store(y.as<uint8_t>(), 0.0f, 255.0f);
  else
    store(y.as<int8_t>(), -128.0f, 127.0f);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

} // namespace iron::rt::nn

#endif
