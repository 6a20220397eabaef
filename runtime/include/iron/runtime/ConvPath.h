//===- ConvPath.h - Which path the optimized convolution runs ---*- C++ -*-===//
//
// The optimized f32 convolution (kernels/optimized/Conv.cpp) runs one of
// four paths, chosen from shapes alone. The compiler's cost model asks the
// same function, so a convolution is costed by the path it will run.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_CONVPATH_H
#define IRON_RUNTIME_CONVPATH_H

#include <cstdint>

namespace iron::rt {

enum class ConvPath { Pointwise, Depthwise, Wide, Im2col };

/// Depthwise convolutions with more taps take another path.
constexpr int kMaxDepthwiseTaps = 64;

/// `unit`: a 1x1 kernel with unit strides and no pads. `flat`: a 2-D
/// convolution (depth 1, no depth padding). `cg`: input channels per group;
/// `taps`: kernel elements; `oh` x `ow`: the output plane; `wq`: the padded
/// input row length divided by the column stride, rounded up (flat only).
inline ConvPath chooseConvPath(bool unit, bool flat, int64_t cg, int64_t taps,
                               int64_t oh, int64_t ow, int64_t wq) {
  if (unit)
    return ConvPath::Pointwise;
  if (flat && cg == 1 && taps <= kMaxDepthwiseTaps)
    return ConvPath::Depthwise;
  // Wide rows compute wq - ow extra columns per row: taken when that costs
  // at most 20% more 16-float vectors of output than im2col would.
  if (flat && ((oh - 1) * wq + ow + 15) / 16 * 5 <= (oh * ow + 15) / 16 * 6)
    return ConvPath::Wide;
  return ConvPath::Im2col;
}

/// Whether a depthwise plane (kernels/optimized/Depthwise.cpp) runs one of
/// the register-blocked sweep kernels (AVX-512: 3x3 and 5x5 windows with
/// equal strides of 1 or 2, no dilation along the height; they handle a
/// dilation along the width) rather than the generic per-tap loop, which
/// is several times slower per tap.
inline bool depthwiseSweepKernel(int64_t kh, int64_t kw, int64_t sh,
                                 int64_t sw, int64_t dh) {
  return dh == 1 && sh == sw && (sw == 1 || sw == 2) &&
         ((kh == 3 && kw == 3) || (kh == 5 && kw == 5));
}

} // namespace iron::rt

#endif // IRON_RUNTIME_CONVPATH_H
