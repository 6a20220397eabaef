//===- WorkCountRules.h - Counting rules shared with fused kernels -*- C++ -*-===//
//
// Pieces of the ONNX operators' counting rules (WorkCount.cpp) that Iron's
// own kernels (KernelOps.cpp) reuse, so that a fused kernel counts its
// contraction and its elementwise steps exactly as the ops it replaces.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_DIALECT_WORKCOUNTRULES_H
#define IRON_DIALECT_WORKCOUNTRULES_H

#include "iron/Dialect/WorkCount.h"

#include "mlir/IR/Value.h"

#include <optional>
#include <utility>

namespace iron {

/// A convolution's MACs, contraction shape and class (contraction.conv,
/// conv_pointwise or depthwise) as Conv counts them: `op` supplies the
/// result (the output shape) and the `group`, `strides` and `pads`
/// attributes. Shapes must be static.
void countConvContraction(mlir::Operation *op, mlir::Value x, mlir::Value w,
                          WorkCount &wc);

/// A matrix product's MACs, contraction shape and class as MatMul counts
/// them (numpy's rules; the batch is the result's batch). Shapes must be
/// static.
void countMatMulContraction(mlir::Operation *op, mlir::Value a, mlir::Value b,
                           WorkCount &wc);

/// {other ops, transcendentals} per element of an elementwise ONNX operator
/// with a fixed cost per element (Add, Relu, Exp, HardSwish, ...); nullopt
/// for any other operator.
std::optional<std::pair<double, double>>
elementwiseCostPerElement(llvm::StringRef onnxName);

/// Bytes of a value's tensor (0 for an absent optional); nullopt when its
/// shape is not static.
std::optional<double> valueBytes(mlir::Value v);

} // namespace iron

#endif // IRON_DIALECT_WORKCOUNTRULES_H
