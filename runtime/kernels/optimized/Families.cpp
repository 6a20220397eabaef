//===- Families.cpp - The optimized kernel table --------------------------===//

#include "kernels/optimized/Families.h"

namespace iron::rt::optimized {

const KernelDef kOptimizedKernels[] = {
    {"Conv", convPrepare, convEval},
    {"Gemm", gemmPrepare, gemmEval},
    {"MatMul", matMulPrepare, matMulEval},
    {"Attention", attentionPrepare, attentionEval},
    {"Elementwise", elementwisePrepare, elementwiseEval},
    {"FusedConv", fusedConvPrepare, fusedConvEval},
    {"FusedMatMul", fusedMatMulPrepare, fusedMatMulEval},
    {"Gelu", geluPrepare, geluEval},
    {"MaxPool", poolPrepare, poolEval},
    {"AveragePool", poolPrepare, poolEval},
    {"GlobalAveragePool", globalPoolPrepare, globalPoolEval},
    {"GlobalMaxPool", globalPoolPrepare, globalPoolEval},
    {"Tanh", unaryPrepare, tanhEval},
    {"Erf", unaryPrepare, erfEval},
};
const int kNumOptimizedKernels = int(sizeof kOptimizedKernels / sizeof kOptimizedKernels[0]);

} // namespace iron::rt::optimized
