//===- Unary.cpp - Optimized f32 Tanh and Erf ------------------------------===//
//
// The C library's tanh and erf are scalar calls whose time depends on the
// argument (a model's activations and a probe's random inputs take
// different branches). These kernels run the epilogue's branch-free
// approximations (Epilogue.h: tanhOf, erfOf, within 3 ulp), vectorized per
// instruction set. Other element types go to the reference kernel.
//
//===----------------------------------------------------------------------===//

#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"

namespace iron::rt::optimized {
namespace {

const KernelDef *reference(const KernelContext &ctx) { return findReferenceKernel(ctx.kind); }

bool isF32(const KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  return x && y && x->dtype == DType::F32 && y->dtype == DType::F32 &&
         x->numel() == y->numel();
}

Status unaryEval(KernelContext &ctx, Activation act) {
  if (!isF32(ctx)) {
    const KernelDef *ref = reference(ctx);
    return ref ? ref->eval(ctx) : ctx.fail("has no reference kernel");
  }
  applyActivation(act, 0.0f, 0.0f, ctx.input(0)->as<float>(), ctx.output(0)->as<float>(),
                  ctx.output(0)->numel());
  return Status::Ok;
}

} // namespace

Status unaryPrepare(KernelContext &ctx, size_t *scratchBytes) {
  *scratchBytes = 0;
  const KernelDef *ref = reference(ctx);
  if (!ref)
    return ctx.fail("has no reference kernel");
  return ref->prepare ? ref->prepare(ctx, scratchBytes) : Status::Ok;
}

Status tanhEval(KernelContext &ctx) { return unaryEval(ctx, Activation::Tanh); }
Status erfEval(KernelContext &ctx) { return unaryEval(ctx, Activation::Erf); }

} // namespace iron::rt::optimized
