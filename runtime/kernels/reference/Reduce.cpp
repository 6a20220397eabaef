//===- Reduce.cpp - Reference reductions and the softmax family -----------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/Families.h"

#include <cmath>

namespace iron::rt::reference {
namespace {

/// Softmax (opset 13): along `axis` (default -1), numerically stable.
Status softmax(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (x->dtype != DType::F32)
    return ctx.fail("supports f32, got %s", dtypeName(x->dtype));
  int64_t axis = ctx.attrs.getInt("axis", -1);
  if (!normalizeAxis(axis, x->rank))
    return ctx.fail("axis %lld out of range for rank %d", (long long)axis, x->rank);
  int64_t outer = 1, inner = 1, n = x->shape[axis];
  for (int d = 0; d < axis; ++d)
    outer *= x->shape[d];
  for (int d = axis + 1; d < x->rank; ++d)
    inner *= x->shape[d];
  const float *in = x->as<float>();
  float *out = y->as<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *p = in + o * n * inner + i;
      float *q = out + o * n * inner + i;
      float mx = p[0];
      for (int64_t j = 1; j < n; ++j)
        mx = std::fmax(mx, p[j * inner]);
      float sum = 0.0f;
      for (int64_t j = 0; j < n; ++j)
        sum += q[j * inner] = std::exp(p[j * inner] - mx);
      for (int64_t j = 0; j < n; ++j)
        q[j * inner] /= sum;
    }
  return Status::Ok;
}

} // namespace

const KernelDef kReduceKernels[] = {
    {"Softmax", nullptr, softmax},
};
const int kNumReduceKernels = sizeof(kReduceKernels) / sizeof(kReduceKernels[0]);

} // namespace iron::rt::reference
