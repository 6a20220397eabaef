//===- OnnxBridge.h - ONNX protobuf <-> iron dialect values -------*- C++ -*-===//
//
// Conversions between ONNX's protobuf messages (types, attributes, tensors)
// and MLIR's types and attributes, shared by the importer, the verifier (which
// runs ONNX's shape inference on iron ops) and the exporters.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_DIALECT_ONNXBRIDGE_H
#define IRON_DIALECT_ONNXBRIDGE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace onnx {
class AttributeProto;
class OpSchema;
class TensorProto;
class TypeProto;
} // namespace onnx

namespace iron {

/// The MLIR element type of an ONNX TensorProto::DataType, or null.
mlir::Type elementTypeFromOnnx(mlir::MLIRContext *ctx, int dataType);
/// The ONNX TensorProto::DataType of an MLIR element type, or 0 (UNDEFINED).
int onnxDataTypeOf(mlir::Type elementType);
/// Human-readable ONNX name of a data type ("float", "int64", "string"...).
std::string onnxDataTypeName(int dataType);
/// Bytes per element in ONNX raw_data (0 for types without a fixed size).
size_t onnxElementSize(int dataType);

/// The tensor type of an ONNX TypeProto; dim_params and unknown dims become
/// dynamic. Fails for non-tensor and unsupported element types.
llvm::Expected<mlir::TensorType> typeFromOnnx(mlir::MLIRContext *ctx,
                                              const onnx::TypeProto &type);
/// Fills an ONNX TypeProto from a tensor type (dynamic dims stay unset).
void typeToOnnx(mlir::Type type, onnx::TypeProto &proto);

/// Converts an ONNX attribute to the form the dialect stores it in.
llvm::Expected<mlir::Attribute> attributeFromOnnx(mlir::MLIRContext *ctx,
                                                  const onnx::AttributeProto &a);
/// Converts an iron attribute back; false if it has no ONNX form.
bool attributeToOnnx(llvm::StringRef name, mlir::Attribute attr,
                     onnx::AttributeProto &proto);

/// Tensors with at most this many bytes become DenseElementsAttr (readable,
/// foldable); larger ones become resource blobs.
constexpr size_t kInlineTensorBytes = 256;

/// Converts a tensor to an attribute. Large tensors become a
/// DenseResourceElementsAttr that takes ownership of the tensor's raw bytes
/// (the proto's raw_data is moved out, not copied) under `blobName`.
llvm::Expected<mlir::ElementsAttr>
tensorFromOnnx(mlir::MLIRContext *ctx, onnx::TensorProto &tensor,
               llvm::StringRef blobName);
/// Writes a constant as a TensorProto (raw_data); false if unsupported.
bool tensorToOnnx(mlir::ElementsAttr attr, onnx::TensorProto &proto);

} // namespace iron

#endif // IRON_DIALECT_ONNXBRIDGE_H
