//===- FusedContraction.cpp - FusedConv and FusedMatMul -------------------===//
//
// Y = activation(Conv(X, W, B) + Z) and Y = activation(MatMul(A, B) + bias
// + Z): the optimized convolution and matrix product (Conv.cpp, MatMul.cpp)
// with an epilogue (Epilogue.h) that finishes each block of Y while it is
// in cache. prepare runs the plain kernel's checks and sizes its scratch,
// then checks the bias, the residual and the activation.
//
//===----------------------------------------------------------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"

namespace iron::rt::optimized {
namespace {

/// Z (input zIndex), when present, has Y's type and shape.
Status checkResidual(const KernelContext &ctx, int zIndex) {
  const TensorView *z = ctx.input(zIndex), *y = ctx.output(0);
  if (!z)
    return Status::Ok;
  if (z->dtype != DType::F32 || !y || !sameShape(*z, *y))
    return ctx.fail("the residual Z must be f32 of Y's shape");
  return Status::Ok;
}

/// The epilogue of input layout (..., bias at biasIndex or -1, Z at zIndex).
Status readEpilogue(const KernelContext &ctx, int biasIndex, int zIndex, Epilogue &e) {
  if (Status st = readActivation(ctx, e); st != Status::Ok)
    return st;
  const TensorView *bias = ctx.input(biasIndex), *z = ctx.input(zIndex);
  e.bias = bias ? bias->as<float>() : nullptr;
  e.z = z ? z->as<float>() : nullptr;
  e.y = ctx.output(0)->as<float>();
  return Status::Ok;
}

} // namespace

Status fusedConvPrepare(KernelContext &ctx, size_t *scratchBytes) {
  if (Status st = convPrepare(ctx, scratchBytes); st != Status::Ok)
    return st;
  if (Status st = checkResidual(ctx, 3); st != Status::Ok)
    return st;
  Epilogue e;
  return readActivation(ctx, e);
}

Status fusedConvEval(KernelContext &ctx) {
  Epilogue e;
  if (Status st = readEpilogue(ctx, -1, 3, e); st != Status::Ok)
    return st;
  // Conv's own bias is added by the GEMM (per output channel).
  return convRun(ctx, &e);
}

Status fusedMatMulPrepare(KernelContext &ctx, size_t *scratchBytes) {
  if (Status st = matMulPrepare(ctx, scratchBytes); st != Status::Ok)
    return st;
  const TensorView *b = ctx.input(1), *bias = ctx.input(2);
  if (bias) {
    int64_t n = b->rank == 1 ? 1 : b->shape[b->rank - 1];
    if (bias->dtype != DType::F32 || bias->rank != 1 || bias->shape[0] != n)
      return ctx.fail("bias must be f32 of shape [%lld]", (long long)n);
  }
  if (Status st = checkResidual(ctx, 3); st != Status::Ok)
    return st;
  Epilogue e;
  return readActivation(ctx, e);
}

Status fusedMatMulEval(KernelContext &ctx) {
  Epilogue e;
  if (Status st = readEpilogue(ctx, 2, 3, e); st != Status::Ok)
    return st;
  return matMulRun(ctx, &e);
}

} // namespace iron::rt::optimized
