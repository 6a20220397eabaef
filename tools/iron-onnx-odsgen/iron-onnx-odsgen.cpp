//===- iron-onnx-odsgen.cpp - ODS for the iron dialect from libonnx -------===//
//
// Writes the TableGen definition of every iron op from libonnx's operator
// schema registry: operands with their allowed element types, attributes with
// their ONNX defaults, optional and variadic parameters, results. Run at build
// time, so the dialect always matches the ONNX library the importer uses.
//
//===----------------------------------------------------------------------===//

#include "iron/Support/OnnxSchema.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

using namespace onnx;
namespace os = iron::onnxschema;

namespace {

// Ops whose fold hook evaluates small constant tensors (shape subgraphs).
const std::set<std::string> kFoldable = {
    "Add",       "Cast",     "Concat",  "ConstantOfShape", "Div",
    "Equal",     "Gather",   "Greater", "Identity",        "Less",
    "Mul",       "Neg",      "Not",     "Range",           "Reshape",
    "Shape",     "Size",     "Slice",   "Squeeze",         "Sub",
    "Unsqueeze", "Where",    "Max",     "Min",             "Expand",
    "Abs",       "Floor",    "Ceil",    "Sqrt",            "Flatten",
    "Transpose", "ReduceProd", "And",   "Or",              "Mod"};
// Ops with hand-written canonicalization patterns.
const std::set<std::string> kCanonicalized = {"Dropout"};
// Ops that draw random numbers are not pure.
const std::set<std::string> kImpure = {"RandomNormal", "RandomNormalLike",
                                       "RandomUniform", "RandomUniformLike",
                                       "Bernoulli", "Multinomial"};

std::string typeConstraint(const OpSchema::FormalParameter &param) {
  std::set<std::string> types;
  for (const auto *t : param.GetTypes()) {
    std::string ods = os::odsElementTypeFor(*t);
    if (!ods.empty())
      types.insert(ods);
  }
  std::string result = "TensorOf<[";
  bool first = true;
  for (const auto &t : types) {
    result += (first ? "" : ", ") + t;
    first = false;
  }
  return result + "]>";
}

std::string wrapParam(const OpSchema::FormalParameter &param) {
  std::string type = typeConstraint(param);
  switch (param.GetOption()) {
  case OpSchema::Optional:
    return "Optional<" + type + ">";
  case OpSchema::Variadic:
    return "Variadic<" + type + ">";
  default:
    return type;
  }
}

std::string cxxString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string floatLiteral(float f) {
  std::ostringstream os;
  os << std::setprecision(9) << f;
  std::string s = os.str();
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

// The ODS attribute type and, when ONNX has one, its default value expression.
std::string attrDecl(const OpSchema::Attribute &attr) {
  std::string base;
  switch (attr.type) {
  case AttributeProto::FLOAT: base = "F32Attr"; break;
  case AttributeProto::INT: base = "I64Attr"; break;
  case AttributeProto::STRING: base = "StrAttr"; break;
  case AttributeProto::TENSOR: base = "ElementsAttr"; break;
  case AttributeProto::FLOATS: base = "F32ArrayAttr"; break;
  case AttributeProto::INTS: base = "I64ArrayAttr"; break;
  case AttributeProto::STRINGS: base = "StrArrayAttr"; break;
  default: return "";
  }
  if (attr.required)
    return base;
  const AttributeProto &def = attr.default_value;
  std::string value;
  bool hasDefault = true;
  switch (attr.type) {
  case AttributeProto::FLOAT:
    hasDefault = def.has_f();
    value = floatLiteral(def.f());
    break;
  case AttributeProto::INT:
    hasDefault = def.has_i();
    value = std::to_string(def.i());
    break;
  case AttributeProto::STRING:
    hasDefault = def.has_s();
    value = cxxString(def.s());
    break;
  case AttributeProto::INTS: {
    hasDefault = def.ints_size() > 0;
    value = "{";
    for (int i = 0; i < def.ints_size(); ++i)
      value += (i ? ", " : "") + std::to_string(def.ints(i));
    value += "}";
    break;
  }
  case AttributeProto::FLOATS: {
    hasDefault = def.floats_size() > 0;
    value = "{";
    for (int i = 0; i < def.floats_size(); ++i)
      value += (i ? ", " : "") + floatLiteral(def.floats(i)) + "f";
    value += "}";
    break;
  }
  default:
    hasDefault = false;
  }
  if (!hasDefault)
    return "OptionalAttr<" + base + ">";
  std::string escaped;
  for (char c : value) {
    if (c == '"' || c == '\\')
      escaped += '\\';
    escaped += c;
  }
  return "DefaultValuedAttr<" + base + ", \"" + escaped + "\">";
}

bool singleResult(const OpSchema &schema) {
  return schema.outputs().size() == 1 &&
         schema.outputs()[0].GetOption() == OpSchema::Single;
}

void emitOp(std::ostream &out, const OpSchema &schema) {
  const std::string &name = schema.Name();
  std::set<std::string> used;
  auto claim = [&](const std::string &n) {
    if (!used.insert(n).second) {
      std::cerr << "iron-onnx-odsgen: " << name << ": duplicate name '" << n
                << "'\n";
      std::exit(1);
    }
    return n;
  };

  std::vector<std::string> traits;
  if (!kImpure.count(name))
    traits.push_back("Pure");
  if (name == "Constant")
    traits.push_back("ConstantLike");
  if (os::needsOperandSegments(schema))
    traits.push_back("AttrSizedOperandSegments");
  if (os::needsResultSegments(schema))
    traits.push_back("AttrSizedResultSegments");

  out << "def Iron_" << name << "Op : Iron_OnnxOp<\"" << name << "\", "
      << schema.since_version() << ", [";
  for (size_t i = 0; i < traits.size(); ++i)
    out << (i ? ", " : "") << traits[i];
  out << "]> {\n  let arguments = (ins";
  bool first = true;
  for (const auto &param : schema.inputs()) {
    out << (first ? "\n    " : ",\n    ") << wrapParam(param) << ":$"
        << claim(os::odsName(param.GetName()));
    first = false;
  }
  for (const auto &[attrName, attr] : schema.attributes()) {
    std::string decl = attrDecl(attr);
    if (decl.empty())
      continue; // optional subgraph/sparse/type attributes: not carried
    out << (first ? "\n    " : ",\n    ") << decl << ":$"
        << claim(os::odsName(attrName));
    first = false;
  }
  out << "\n  );\n  let results = (outs";
  first = true;
  for (const auto &param : schema.outputs()) {
    out << (first ? "\n    " : ",\n    ") << wrapParam(param) << ":$"
        << claim(os::odsName(param.GetName()));
    first = false;
  }
  out << "\n  );\n";
  // Every op verifies through the shared ONNX rules; foldable ops evaluate
  // small constant tensors.
  out << "  let extraClassDefinition = [{\n"
         "    ::mlir::LogicalResult $cppClass::verify() {\n"
         "      return ::iron::verifyOnnxOp(getOperation());\n"
         "    }\n";
  if (name == "Constant" || kFoldable.count(name)) {
    if (!singleResult(schema)) {
      std::cerr << "iron-onnx-odsgen: " << name
                << " has several results; fold it with a canonicalization "
                   "pattern instead\n";
      std::exit(1);
    }
    out << "    ::mlir::OpFoldResult $cppClass::fold(FoldAdaptor adaptor) {\n"
           "      return ::iron::foldOnnxOp(getOperation(), "
           "adaptor.getOperands());\n"
           "    }\n";
  }
  out << "  }];\n";
  if (name == "Constant" || kFoldable.count(name))
    out << "  let hasFolder = 1;\n";
  if (name == "Constant")
    out << "  let builders = [OpBuilder<(ins \"::mlir::Type\":$type,\n"
           "      \"::mlir::ElementsAttr\":$value), [{\n"
           "    $_state.addTypes(type);\n"
           "    $_state.getOrAddProperties<Properties>().value = value;\n"
           "  }]>];\n";
  if (kCanonicalized.count(name))
    out << "  let hasCanonicalizer = 1;\n";
  out << "}\n\n";
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: iron-onnx-odsgen OUT.td [--list-unsupported]\n";
    return 1;
  }
  if (argc == 3 && std::string(argv[2]) == "--list-unsupported") {
    std::set<std::string> names;
    for (const auto &schema : OpSchemaRegistry::get_all_schemas())
      if (schema.domain() == ONNX_DOMAIN)
        names.insert(schema.Name());
    for (const auto &n : names) {
      const OpSchema *s =
          OpSchemaRegistry::Schema(n, os::kDialectOpset, ONNX_DOMAIN);
      std::string why = s ? os::unsupportedReason(*s) : "newer than opset 17";
      if (!why.empty())
        std::cout << n << ": " << why << "\n";
    }
  }
  std::ostringstream out;
  out << "// Generated by iron-onnx-odsgen from libonnx's operator registry "
         "(opset "
      << os::kDialectOpset << "). Do not edit.\n\n"
      << "#ifndef IRON_ONNX_OPS\n#define IRON_ONNX_OPS\n\n"
      << "include \"iron/Dialect/IronBase.td\"\n\n";
  auto schemas = os::dialectSchemas();
  for (const OpSchema *schema : schemas)
    emitOp(out, *schema);
  out << "#endif // IRON_ONNX_OPS\n";

  // Rewrite only when the text changes, so TableGen and the dialect are not
  // rebuilt needlessly.
  std::string path = argv[1], text = out.str();
  {
    std::ifstream old(path, std::ios::binary);
    std::stringstream oldText;
    oldText << old.rdbuf();
    if (old && oldText.str() == text)
      return 0;
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary);
    file << text;
    if (!file) {
      std::cerr << "iron-onnx-odsgen: cannot write " << tmp << "\n";
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::cerr << "iron-onnx-odsgen: cannot rename " << tmp << "\n";
    return 1;
  }
  std::cerr << "iron-onnx-odsgen: " << schemas.size() << " ops\n";
  return 0;
}
