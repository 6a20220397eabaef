//===- OnnxSchema.h - Which ONNX operators the iron dialect speaks -*- C++ -*-===//
//
// The iron dialect is generated from libonnx's own operator registry. These
// rules decide which operator versions and which parts of their signatures the
// dialect covers; the ODS generator and the importer both use them, so the two
// can never disagree. No MLIR dependency: the generator links only libonnx.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_SUPPORT_ONNXSCHEMA_H
#define IRON_SUPPORT_ONNXSCHEMA_H

#include <onnx/defs/schema.h>

#include <string>
#include <vector>

namespace iron::onnxschema {

/// The ai.onnx opset the dialect speaks; older models are converted to it.
constexpr int kDialectOpset = 17;
/// The newest opset this build's libonnx knows.
int newestKnownOpset();

/// The MLIR element type spelling for an ONNX tensor element type string such
/// as "tensor(float)" -> "f32", or "" when the dialect has no such type.
std::string mlirElementTypeFor(const std::string &onnxTypeStr);
/// The ODS type constraint for the same ("F32", "UI8", ...), or "".
std::string odsElementTypeFor(const std::string &onnxTypeStr);

/// Whether the dialect can carry an attribute of this kind.
bool isSupportedAttrType(onnx::AttributeProto::AttributeType type);

/// The schema the dialect uses for `opType` in the default domain (the newest
/// version not above kDialectOpset), or nullptr when there is none.
const onnx::OpSchema *dialectSchema(const std::string &opType);

/// Why the dialect has no op for this schema ("" when it has one).
std::string unsupportedReason(const onnx::OpSchema &schema);

/// Every schema the dialect generates an op for, sorted by name.
std::vector<const onnx::OpSchema *> dialectSchemas();

/// Whether more than one input (output) is optional or variadic, so the op
/// needs an operandSegmentSizes (resultSegmentSizes) property.
bool needsOperandSegments(const onnx::OpSchema &schema);
bool needsResultSegments(const onnx::OpSchema &schema);

/// The ODS/C++ name used for an ONNX formal parameter or attribute name
/// (renamed only where it would collide with generated accessors).
std::string odsName(const std::string &onnxName);

} // namespace iron::onnxschema

#endif // IRON_SUPPORT_ONNXSCHEMA_H
