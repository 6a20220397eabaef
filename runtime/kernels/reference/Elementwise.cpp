//===- Elementwise.cpp - Reference elementwise kernels ---------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/Families.h"

#include <cmath>

namespace iron::rt::reference {
namespace {

/// Applies a float function elementwise (f32 only for now).
template <float (*F)(float)> Status unaryF32(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (x->dtype != DType::F32 || y->dtype != DType::F32)
    return ctx.fail("supports f32, got %s", dtypeName(x->dtype));
  const float *in = x->as<float>();
  float *out = y->as<float>();
  for (int64_t i = 0, n = x->numel(); i < n; ++i)
    out[i] = F(in[i]);
  return Status::Ok;
}

float relu(float x) { return x > 0.0f ? x : 0.0f; }

} // namespace

const KernelDef kElementwiseKernels[] = {
    {"Relu", nullptr, unaryF32<relu>},
};
const int kNumElementwiseKernels =
    sizeof(kElementwiseKernels) / sizeof(kElementwiseKernels[0]);

} // namespace iron::rt::reference
