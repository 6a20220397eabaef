//===- Depthwise.h - Direct depthwise convolution -------------------------===//
//
// One output plane of a convolution with a single input channel per group
// (depthwise), computed straight from the unpadded input: masked vector
// loads stand in for the zero padding, so nothing is copied. Vectorized
// across the output width for column strides 1 and 2 and kernels up to 16
// wide (AVX-512, AVX2), with register-blocked kernels for 3x3 and 5x5 on
// AVX-512. Where depthwiseDirectSupported() says no, the caller uses the
// padded-buffer path (Gemm.h's depthwisePlane).
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_OPTIMIZED_DEPTHWISE_H
#define IRON_RUNTIME_KERNELS_OPTIMIZED_DEPTHWISE_H

#include <cstdint>

namespace iron::rt::optimized {

struct DepthwisePlane {
  const float *x = nullptr; // the input plane, H x W
  int64_t H = 0, W = 0;
  const float *w = nullptr; // KH x KW taps
  int64_t KH = 0, KW = 0;
  int64_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1, padTop = 0, padLeft = 0;
  float bias = 0.0f;
  float *y = nullptr; // the output plane, OH x OW
  int64_t OH = 0, OW = 0;
};

/// Whether depthwiseDirect handles this geometry on the active ISA.
bool depthwiseDirectSupported(int64_t strideW, int64_t kernelW);
/// y = bias + the correlation of x with w (zero padding outside x).
void depthwiseDirect(const DepthwisePlane &d);

} // namespace iron::rt::optimized

#endif
