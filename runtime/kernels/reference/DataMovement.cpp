//===- DataMovement.cpp - Reference shape and data-movement kernels -------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/Families.h"

#include <cstring>

namespace iron::rt::reference {
namespace {

/// Reshape, Flatten, Squeeze, Unsqueeze, Identity: the bytes stay, only the
/// shape changes (the planner may give output and input the same memory).
Status copyBytes(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (x->bytes() != y->bytes())
    return ctx.fail("input has %zu bytes, output %zu", x->bytes(), y->bytes());
  if (x->data != y->data)
    std::memmove(y->data, x->data, y->bytes());
  return Status::Ok;
}

} // namespace

const KernelDef kDataMovementKernels[] = {
    {"Reshape", nullptr, copyBytes},
    {"Flatten", nullptr, copyBytes},
    {"Squeeze", nullptr, copyBytes},
    {"Unsqueeze", nullptr, copyBytes},
    {"Identity", nullptr, copyBytes},
};
const int kNumDataMovementKernels =
    sizeof(kDataMovementKernels) / sizeof(kDataMovementKernels[0]);

} // namespace iron::rt::reference
