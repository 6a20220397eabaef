//===- NN.cpp - Reference convolution, pooling, normalization, GEMM -------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/Families.h"

namespace iron::rt::reference {
namespace {

/// Gemm: Y = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N].
Status gemm(KernelContext &ctx) {
  const TensorView *a = ctx.input(0), *b = ctx.input(1), *c = ctx.input(2);
  TensorView *y = ctx.output(0);
  if (a->dtype != DType::F32)
    return ctx.fail("supports f32, got %s", dtypeName(a->dtype));
  bool ta = ctx.attrs.getInt("transA", 0), tb = ctx.attrs.getInt("transB", 0);
  float alpha = ctx.attrs.getFloat("alpha", 1.0f), beta = ctx.attrs.getFloat("beta", 1.0f);
  int64_t m = y->shape[0], n = y->shape[1], k = ta ? a->shape[0] : a->shape[1];
  const float *pa = a->as<float>(), *pb = b->as<float>();
  float *py = y->as<float>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int64_t p = 0; p < k; ++p)
        acc += pa[ta ? p * m + i : i * k + p] * pb[tb ? j * k + p : p * n + j];
      py[i * n + j] = alpha * acc;
    }
  if (c) {
    BroadcastIndexer idx(*y, *c);
    const float *pc = c->as<float>();
    for (int64_t i = 0; i < m * n; ++i, idx.next())
      py[i] += beta * pc[idx.offset()];
  }
  return Status::Ok;
}

} // namespace

const KernelDef kNNKernels[] = {
    {"Gemm", nullptr, gemm},
};
const int kNumNNKernels = sizeof(kNNKernels) / sizeof(kNNKernels[0]);

} // namespace iron::rt::reference
