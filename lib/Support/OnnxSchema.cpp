//===- OnnxSchema.cpp - Which ONNX operators the iron dialect speaks ------===//

#include "iron/Support/OnnxSchema.h"

#include <algorithm>
#include <map>
#include <set>

using namespace onnx;

namespace iron::onnxschema {

int newestKnownOpset() {
  const auto &map = OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = map.find(ONNX_DOMAIN);
  return it == map.end() ? kDialectOpset : it->second.second;
}

namespace {
struct TypeNames {
  const char *onnx, *mlir, *ods;
};
// Signed integers are signless in MLIR (as in TOSA and onnx-mlir); unsigned
// ones keep their signedness so that uint8 and int8 stay distinct.
constexpr TypeNames kTypes[] = {
    {"tensor(float)", "f32", "F32"},      {"tensor(double)", "f64", "F64"},
    {"tensor(float16)", "f16", "F16"},    {"tensor(bfloat16)", "bf16", "BF16"},
    {"tensor(int8)", "i8", "I8"},         {"tensor(int16)", "i16", "I16"},
    {"tensor(int32)", "i32", "I32"},      {"tensor(int64)", "i64", "I64"},
    {"tensor(uint8)", "ui8", "UI8"},      {"tensor(uint16)", "ui16", "UI16"},
    {"tensor(uint32)", "ui32", "UI32"},   {"tensor(uint64)", "ui64", "UI64"},
    {"tensor(bool)", "i1", "I1"},
};
} // namespace

std::string mlirElementTypeFor(const std::string &onnxTypeStr) {
  for (const auto &t : kTypes)
    if (onnxTypeStr == t.onnx)
      return t.mlir;
  return "";
}

std::string odsElementTypeFor(const std::string &onnxTypeStr) {
  for (const auto &t : kTypes)
    if (onnxTypeStr == t.onnx)
      return t.ods;
  return "";
}

bool isSupportedAttrType(AttributeProto::AttributeType type) {
  switch (type) {
  case AttributeProto::FLOAT:
  case AttributeProto::INT:
  case AttributeProto::STRING:
  case AttributeProto::TENSOR:
  case AttributeProto::FLOATS:
  case AttributeProto::INTS:
  case AttributeProto::STRINGS:
    return true;
  default:
    return false;
  }
}

static bool hasSupportedType(const OpSchema::FormalParameter &param) {
  for (const auto *type : param.GetTypes())
    if (!mlirElementTypeFor(*type).empty())
      return true;
  return false;
}

std::string unsupportedReason(const OpSchema &schema) {
  if (schema.Deprecated())
    return "deprecated in opset " + std::to_string(schema.since_version());
  for (const auto &[name, attr] : schema.attributes())
    if (attr.required && !isSupportedAttrType(attr.type))
      return "attribute '" + name + "' is a subgraph, sparse tensor or type";
    else if (attr.type == AttributeProto::GRAPH ||
             attr.type == AttributeProto::GRAPHS)
      return "attribute '" + name + "' is a subgraph (control flow)";
  for (const auto &param : schema.inputs())
    if (!hasSupportedType(param))
      return "input '" + param.GetName() +
             "' has no tensor type the dialect supports (" +
             param.GetTypeStr() + ")";
  for (const auto &param : schema.outputs())
    if (!hasSupportedType(param))
      return "output '" + param.GetName() +
             "' has no tensor type the dialect supports (" +
             param.GetTypeStr() + ")";
  return "";
}

const OpSchema *dialectSchema(const std::string &opType) {
  const OpSchema *schema =
      OpSchemaRegistry::Schema(opType, kDialectOpset, ONNX_DOMAIN);
  if (!schema || !unsupportedReason(*schema).empty())
    return nullptr;
  return schema;
}

std::vector<const OpSchema *> dialectSchemas() {
  std::set<std::string> names;
  for (const auto &schema : OpSchemaRegistry::get_all_schemas())
    if (schema.domain() == ONNX_DOMAIN)
      names.insert(schema.Name());
  std::vector<const OpSchema *> result;
  for (const auto &name : names)
    if (const OpSchema *schema = dialectSchema(name))
      result.push_back(schema);
  return result;
}

static unsigned countNonSingle(const std::vector<OpSchema::FormalParameter> &ps) {
  return std::count_if(ps.begin(), ps.end(), [](const auto &p) {
    return p.GetOption() != OpSchema::Single;
  });
}

bool needsOperandSegments(const OpSchema &schema) {
  return countNonSingle(schema.inputs()) > 1;
}
bool needsResultSegments(const OpSchema &schema) {
  return countNonSingle(schema.outputs()) > 1;
}

std::string odsName(const std::string &onnxName) {
  // Names ODS reserves or that generated accessors would shadow.
  static const std::set<std::string> reserved = {
      "operands", "results", "attributes", "properties", "context", "type",
      "loc",      "location", "name",      "operation"};
  std::string name;
  for (char c : onnxName)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    name = "p_" + name;
  if (reserved.count(name))
    name += "_";
  return name;
}

} // namespace iron::onnxschema
