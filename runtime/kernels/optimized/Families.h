//===- Families.h - The optimized kernel table ----------------------------===//
//
// Optimized kernels replace reference ones of the same kind (findKernel
// consults this table first). Each keeps its reference kernel's checks: its
// prepare runs the reference prepare, then sizes its own scratch.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_KERNELS_OPTIMIZED_FAMILIES_H
#define IRON_RUNTIME_KERNELS_OPTIMIZED_FAMILIES_H

#include "iron/runtime/Kernel.h"

namespace iron::rt::optimized {
/// f32 Conv, MatMul and Gemm on a packed, cache-blocked SGEMM, and Iron's
/// own kernels (IronOps.td): FusedConv, FusedMatMul, Elementwise, Gelu,
/// Attention; f32 pooling; f32 Tanh and Erf.
extern const KernelDef kOptimizedKernels[];
extern const int kNumOptimizedKernels;

Status convPrepare(KernelContext &ctx, size_t *scratchBytes);
Status convEval(KernelContext &ctx);
Status matMulPrepare(KernelContext &ctx, size_t *scratchBytes);
Status matMulEval(KernelContext &ctx);
Status gemmPrepare(KernelContext &ctx, size_t *scratchBytes);
Status gemmEval(KernelContext &ctx);
Status fusedConvPrepare(KernelContext &ctx, size_t *scratchBytes);
Status fusedConvEval(KernelContext &ctx);
Status fusedMatMulPrepare(KernelContext &ctx, size_t *scratchBytes);
Status fusedMatMulEval(KernelContext &ctx);
Status elementwisePrepare(KernelContext &ctx, size_t *scratchBytes);
Status elementwiseEval(KernelContext &ctx);
Status geluPrepare(KernelContext &ctx, size_t *scratchBytes);
Status geluEval(KernelContext &ctx);
Status attentionPrepare(KernelContext &ctx, size_t *scratchBytes);
Status attentionEval(KernelContext &ctx);
Status poolPrepare(KernelContext &ctx, size_t *scratchBytes);
Status poolEval(KernelContext &ctx);
Status globalPoolPrepare(KernelContext &ctx, size_t *scratchBytes);
Status globalPoolEval(KernelContext &ctx);
/// f32 Tanh and Erf (Unary.cpp).
Status unaryPrepare(KernelContext &ctx, size_t *scratchBytes);
Status tanhEval(KernelContext &ctx);
Status erfEval(KernelContext &ctx);
} // namespace iron::rt::optimized

#endif
