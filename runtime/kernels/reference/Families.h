//===- Families.h - The reference kernel tables ---------------------------===//
//
// Reference kernels are plain loops written to be obviously right; they are
// the portable path and the yardstick optimized kernels are checked against.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_REFERENCE_FAMILIES_H
#define IRON_RUNTIME_KERNELS_REFERENCE_FAMILIES_H

#include "iron/runtime/Kernel.h"

namespace iron::rt::reference {
/// Unary and binary elementwise math, activations, comparisons, logic.
extern const KernelDef kElementwiseKernels[];
extern const int kNumElementwiseKernels;
/// Convolution, pooling, normalization, GEMM/MatMul, recurrent.
extern const KernelDef kNNKernels[];
extern const int kNumNNKernels;
/// Reductions, softmax family, arg-max/min, TopK, CumSum.
extern const KernelDef kReduceKernels[];
extern const int kNumReduceKernels;
/// Shape and data movement: reshape, transpose, concat, gather, pad, ...
extern const KernelDef kDataMovementKernels[];
extern const int kNumDataMovementKernels;
} // namespace iron::rt::reference

#endif
