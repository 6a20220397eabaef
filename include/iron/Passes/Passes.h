//===- Passes.h - Iron's transformations ---------------------------*- C++ -*-===//
#ifndef IRON_PASSES_PASSES_H
#define IRON_PASSES_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

#include "iron/Dialect/IronDialect.h"

namespace iron {
#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// The clean-up run after import: fold shape subgraphs, drop Identity and
/// inference-mode Dropout, refine types with ONNX's inference, until stable.
void buildImportCleanupPipeline(mlir::OpPassManager &pm);
} // namespace iron

#endif // IRON_PASSES_PASSES_H
