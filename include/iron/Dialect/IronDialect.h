//===- IronDialect.h - The iron dialect ---------------------------*- C++ -*-===//
#ifndef IRON_DIALECT_IRONDIALECT_H
#define IRON_DIALECT_IRONDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "iron/Dialect/IronDialect.h.inc"
#include "iron/Dialect/WorkCount.h"
#include "iron/Dialect/IronInterfaces.h.inc"

namespace iron {
/// Checks an op against the rules of its ONNX operator: the structural rules
/// Iron states itself and ONNX's own type and shape inference.
mlir::LogicalResult verifyOnnxOp(mlir::Operation *op);

/// Evaluates an op whose operands are small constants (shape subgraphs).
/// (Single-result ops only; multi-result ops such as Dropout are simplified
/// by canonicalization patterns.)
mlir::OpFoldResult foldOnnxOp(mlir::Operation *op,
                              llvm::ArrayRef<mlir::Attribute> operands);
} // namespace iron

#define GET_OP_CLASSES
#include "iron/Dialect/IronOps.h.inc"

#endif // IRON_DIALECT_IRONDIALECT_H
