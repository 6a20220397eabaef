//===- MemoryPlan.h - Placing every tensor in one arena -----------*- C++ -*-===//
#ifndef IRON_PASSES_MEMORYPLAN_H
#define IRON_PASSES_MEMORYPLAN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

namespace iron {

/// Where each graph input, activation and output lives in the arena.
struct MemoryPlan {
  static constexpr uint64_t kAlignment = 64;
  /// Bytes of the arena.
  uint64_t arenaBytes = 0;
  /// The largest sum of (aligned) sizes of tensors live at the same time: no
  /// plan that keeps the same sharing can be smaller.
  uint64_t lowerBound = 0;
  /// Arena offset of every function argument and non-constant op result.
  llvm::DenseMap<mlir::Value, uint64_t> offsets;
  /// Number of tensors that share storage with another (views, in place).
  unsigned shared = 0;
};

/// Bytes a tensor of this static type occupies (booleans take a byte).
uint64_t tensorBytes(mlir::ShapedType type);

/// Plans `func` in its op order. Graph inputs and outputs stay live for the
/// whole run; reshape-like ops alias their input; elementwise ops write in
/// place over an input that dies there. Fails (with a diagnostic) on
/// dynamic shapes.
mlir::FailureOr<MemoryPlan> planMemory(mlir::func::FuncOp func);

} // namespace iron

#endif // IRON_PASSES_MEMORYPLAN_H
