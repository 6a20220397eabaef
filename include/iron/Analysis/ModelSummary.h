//===- ModelSummary.h - What an imported model contains ----------*- C++ -*-===//
#ifndef IRON_ANALYSIS_MODELSUMMARY_H
#define IRON_ANALYSIS_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace iron {

/// Multiply-accumulates one op performs (Conv, ConvTranspose, Gemm, MatMul,
/// their integer and QLinear forms, and the recurrent ops), from its static operand and result shapes; 0 for
/// ops without MACs or with dynamic shapes.
int64_t countMACs(mlir::Operation *op);

struct ModelSummary {
  struct Port {
    std::string name, type;
  };
  std::string source;
  std::vector<Port> inputs, outputs;
  /// Op type -> count, constants excluded.
  std::map<std::string, int64_t> opCounts;
  int64_t ops = 0;
  /// Elements and bytes of weight constants (floating point and 8/32-bit
  /// integer tensors; int64 shape and index constants are not parameters).
  int64_t parameters = 0;
  int64_t weightBytes = 0;
  int64_t macs = 0;
};

ModelSummary summarizeModel(mlir::ModuleOp module);
void printSummary(const ModelSummary &summary, llvm::raw_ostream &os);

} // namespace iron

#endif // IRON_ANALYSIS_MODELSUMMARY_H
