//===- OnnxInference.h - ONNX's own rules applied to iron ops -----*- C++ -*-===//
//
// Every iron op is an ONNX operator, so ONNX's schema checks and its type and
// shape inference functions apply to it directly: the op is turned back into
// an ONNX node (operand types, attributes, small constant inputs) and handed
// to libonnx. The verifier uses this to reject ops ONNX would reject, and the
// shape inference pass uses it to refine result types.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_DIALECT_ONNXINFERENCE_H
#define IRON_DIALECT_ONNXINFERENCE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

#include <string>

namespace onnx {
class OpSchema;
}

namespace iron {

/// The ONNX schema of an iron op (null for ops that are not ONNX operators).
const onnx::OpSchema *getOnnxSchema(mlir::Operation *op);

/// For each formal input (output) of the op's ONNX schema, the [start, size)
/// range of the op's operands (results) bound to it.
llvm::SmallVector<std::pair<unsigned, unsigned>>
getOnnxOperandGroups(mlir::Operation *op, const onnx::OpSchema &schema);
llvm::SmallVector<std::pair<unsigned, unsigned>>
getOnnxResultGroups(mlir::Operation *op, const onnx::OpSchema &schema);

/// Runs ONNX's node check, type-constraint check and type/shape inference on
/// the op. On success `inferred` holds one type per result: the inferred
/// tensor type, or null where ONNX inferred nothing. On failure `error` holds
/// ONNX's message.
mlir::LogicalResult inferWithOnnx(mlir::Operation *op,
                                  llvm::SmallVectorImpl<mlir::Type> &inferred,
                                  std::string &error);

/// Whether `inferred` is at least as precise as `declared` and agrees with it
/// where both are known (element type, rank, static dims).
bool isCompatibleRefinement(mlir::Type declared, mlir::Type inferred);

/// The most precise of two compatible types (static dims win).
mlir::Type refineType(mlir::Type declared, mlir::Type inferred);

} // namespace iron

#endif // IRON_DIALECT_ONNXINFERENCE_H
