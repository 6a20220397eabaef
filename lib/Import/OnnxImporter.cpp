//===- OnnxImporter.cpp - ONNX models into the iron dialect ---------------===//
//
// The import runs in the order that lets libonnx do the heavy lifting:
//   read (binary or text) -> resolve external data -> check the opset ->
//   ONNX checker -> scan for unsupported operators -> pin input shapes ->
//   set the weights aside -> convert to the dialect's opset -> ONNX shape
//   inference (with data propagation) -> build MLIR -> clean up -> verify.
// Weights never get copied: their raw bytes move from the protobuf into a
// side table before conversion and inference (which copy the model), and from
// there into the resource blobs that own them in the module.
//
//===----------------------------------------------------------------------===//

#include "iron/Import/OnnxImporter.h"

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/OnnxBridge.h"
#include "iron/Passes/Passes.h"
#include "iron/Support/OnnxSchema.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <fcntl.h>
#include <unistd.h>

using namespace mlir;
namespace os = iron::onnxschema;

namespace iron {

//===----------------------------------------------------------------------===//
// Options and report
//===----------------------------------------------------------------------===//

llvm::Error parseInputShapeOption(llvm::StringRef text, ImportOptions &options) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('='))
    return llvm::createStringError("--input-shape expects NAME=D0xD1x..., got '" +
                                   text + "'");
  std::vector<int64_t> shape;
  if (dims == "scalar") {
    options.inputShapes[name.str()] = shape;
    return llvm::Error::success();
  }
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d < 0)
      return llvm::createStringError("--input-shape " + text +
                                     ": dimension '" + p +
                                     "' is not a non-negative integer");
    shape.push_back(d);
  }
  options.inputShapes[name.str()] = shape;
  return llvm::Error::success();
}

llvm::Error parseDimParamOption(llvm::StringRef text, ImportOptions &options) {
  auto [name, value] = text.rsplit('=');
  int64_t v;
  if (name.empty() || value.getAsInteger(10, v) || v < 0)
    return llvm::createStringError("--dim expects NAME=VALUE, got '" + text + "'");
  options.dimParams[name.str()] = v;
  return llvm::Error::success();
}

llvm::Error parseShapeOptions(ArrayRef<std::string> inputShapes,
                              ArrayRef<std::string> dimParams, ImportOptions &options) {
  for (const auto &s : inputShapes)
    if (llvm::Error e = parseInputShapeOption(s, options))
      return e;
  for (const auto &s : dimParams)
    if (llvm::Error e = parseDimParamOption(s, options))
      return e;
  return llvm::Error::success();
}

ExitCode ImportReport::exitCode() const {
  if (!malformed.empty())
    return ExitBadInput;
  if (!opsetProblems.empty() || !unsupported.empty() ||
      !unsupportedFeatures.empty())
    return ExitUnsupported;
  if (!dynamicDims.empty())
    return ExitDynamicShape;
  if (!internal.empty())
    return ExitInternal;
  return ExitSuccess;
}

ImportReport::UnsupportedOp &
ImportReport::unsupportedOp(const std::string &opType, const std::string &domain,
                            const std::string &reason) {
  for (auto &u : unsupported)
    if (u.opType == opType && u.domain == domain)
      return u;
  unsupported.push_back({opType, domain, reason, {}});
  return unsupported.back();
}

void ImportReport::print(llvm::raw_ostream &os) const {
  for (const auto &m : malformed)
    os << path << ": error: " << m << "\n";
  for (const auto &o : opsetProblems)
    os << path << ": error: opset: " << o << "\n";
  if (!unsupported.empty()) {
    size_t nodes = 0;
    for (const auto &u : unsupported)
      nodes += u.nodes.size();
    os << path << ": error: " << unsupported.size()
       << " unsupported operator type(s), " << nodes << " node(s):\n";
    for (const auto &u : unsupported) {
      os << "  " << (u.domain.empty() ? "" : u.domain + ".") << u.opType
         << " x" << u.nodes.size() << " (" << u.reason << "): ";
      for (size_t i = 0; i < u.nodes.size() && i < 8; ++i)
        os << (i ? ", " : "") << "'" << u.nodes[i] << "'";
      if (u.nodes.size() > 8)
        os << ", ... " << (u.nodes.size() - 8) << " more";
      os << "\n";
    }
  }
  for (const auto &f : unsupportedFeatures)
    os << path << ": error: unsupported: " << f << "\n";
  if (!dynamicDims.empty()) {
    os << path << ": error: dynamic dimensions left unpinned (use --input-shape "
          "NAME=D0xD1... or --dim NAME=VALUE):\n";
    for (const auto &d : dynamicDims)
      os << "  " << d << "\n";
  }
  for (const auto &i : internal)
    os << path << ": internal error: " << i << "\n";
}

void registerImportDialects(DialectRegistry &registry) {
  registry.insert<IronDialect, func::FuncDialect>();
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {

bool looksLikeText(StringRef path, StringRef head) {
  if (path.ends_with(".onnxtxt") || path.ends_with(".txt"))
    return true;
  // The text syntax opens with the model header; '#' lines are comments.
  StringRef t = head.ltrim();
  while (t.starts_with("#")) {
    t = t.drop_until([](char c) { return c == '\n'; }).ltrim();
  }
  return t.starts_with("<");
}

/// Reads the model without holding the file's bytes next to the parsed proto.
bool readModel(StringRef path, onnx::ModelProto &model, ImportReport &report) {
  if (!llvm::sys::fs::exists(path)) {
    report.malformed.push_back("cannot open file: no such file");
    return false;
  }
  if (llvm::sys::fs::is_directory(path)) {
    report.malformed.push_back("is a directory, not an ONNX model");
    return false;
  }
  uint64_t fileSize = 0;
  if (!llvm::sys::fs::file_size(path, fileSize) && fileSize == 0) {
    report.malformed.push_back("file is empty, not an ONNX model");
    return false;
  }
  std::string head;
  {
    auto buffer = llvm::MemoryBuffer::getFileSlice(path, 512, 0);
    if (!buffer) {
      auto all = llvm::MemoryBuffer::getFile(path);
      if (!all) {
        report.malformed.push_back("cannot read file: " +
                                   all.getError().message());
        return false;
      }
      head = (*all)->getBuffer().str();
    } else {
      head = (*buffer)->getBuffer().str();
    }
  }
  if (head.empty()) {
    report.malformed.push_back("file is empty, not an ONNX model");
    return false;
  }
  if (looksLikeText(path, head)) {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer) {
      report.malformed.push_back("cannot read file: " + buffer.getError().message());
      return false;
    }
    std::string text = (*buffer)->getBuffer().str();
    onnx::Status status = onnx::OnnxParser::Parse(model, text.c_str());
    if (!status.IsOK()) {
      std::string msg = status.ErrorMessage();
      std::replace(msg.begin(), msg.end(), '\n', ' ');
      report.malformed.push_back("not valid ONNX text syntax: " + msg);
      return false;
    }
    return true;
  }
  int fd = ::open(path.str().c_str(), O_RDONLY);
  if (fd < 0) {
    report.malformed.push_back("cannot open file: " + std::string(strerror(errno)));
    return false;
  }
  bool parsed;
  {
    google::protobuf::io::FileInputStream stream(fd);
    parsed = model.ParseFromZeroCopyStream(&stream);
  }
  ::close(fd);
  if (!parsed || !model.has_graph()) {
    report.malformed.push_back(
        parsed ? "not an ONNX model (no graph)"
               : "not an ONNX model (binary protobuf parse failed: truncated or "
                 "not ONNX)");
    return false;
  }
  return true;
}

/// Loads external tensor data from files beside the model. Locations must
/// stay inside the model's folder.
bool loadExternalData(onnx::TensorProto &t, StringRef modelDir,
                      ImportReport &report) {
  if (t.data_location() != onnx::TensorProto::EXTERNAL)
    return true;
  std::string location;
  uint64_t offset = 0;
  int64_t length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::strtoull(kv.value().c_str(), nullptr, 10);
    else if (kv.key() == "length")
      length = std::strtoll(kv.value().c_str(), nullptr, 10);
  }
  std::string where = "tensor '" + t.name() + "': external data '" + location + "'";
  if (location.empty()) {
    report.malformed.push_back("tensor '" + t.name() +
                               "': external data without a location");
    return false;
  }
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::is_absolute(location, llvm::sys::path::Style::windows)) {
    report.malformed.push_back(where + " is an absolute path; external data "
                                       "must lie in the model's folder");
    return false;
  }
  for (auto it = llvm::sys::path::begin(location),
            end = llvm::sys::path::end(location);
       it != end; ++it)
    if (*it == "..") {
      report.malformed.push_back(where + " escapes the model's folder ('..')");
      return false;
    }
  SmallString<256> full(modelDir);
  llvm::sys::path::append(full, location);
  auto buffer = llvm::MemoryBuffer::getFile(full, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    report.malformed.push_back(where + ": cannot read " + full.str().str() +
                               ": " + buffer.getError().message());
    return false;
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (offset > bytes.size() ||
      (length >= 0 && offset + uint64_t(length) > bytes.size())) {
    report.malformed.push_back(where + ": offset/length lie beyond the file's " +
                               std::to_string(bytes.size()) + " bytes");
    return false;
  }
  size_t n = length >= 0 ? size_t(length) : bytes.size() - offset;
  t.set_raw_data(bytes.substr(offset, n).str());
  t.clear_external_data();
  t.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}

int64_t defaultOpset(const onnx::ModelProto &model, bool &found) {
  found = false;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      found = true;
      return o.version();
    }
  return 0;
}

std::string nodeLabel(const onnx::NodeProto &node, int index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

/// Records every node the dialect cannot express. Deprecated ops of older
/// opsets are left to the version converter.
void scanOperators(const onnx::GraphProto &graph, int64_t opset,
                   ImportReport &report) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    std::string label = nodeLabel(node, i);
    const std::string &domain = node.domain();
    if (!domain.empty() && domain != "ai.onnx") {
      report.unsupportedOp(node.op_type(), domain, "domain '" + domain +
                                                       "' is not supported")
          .nodes.push_back(label);
      continue;
    }
    const onnx::OpSchema *latest =
        onnx::OpSchemaRegistry::Schema(node.op_type(), os::kDialectOpset);
    if (!latest) {
      report.unsupportedOp(node.op_type(), "", "not an ONNX operator")
          .nodes.push_back(label);
      continue;
    }
    if (latest->Deprecated() && opset < latest->since_version())
      continue; // the version converter replaces it
    std::string why = os::unsupportedReason(*latest);
    if (!why.empty()) {
      report.unsupportedOp(node.op_type(), "", why).nodes.push_back(label);
      continue;
    }
    for (const auto &attr : node.attribute())
      if (!os::isSupportedAttrType(attr.type())) {
        report
            .unsupportedOp(node.op_type(), "",
                           "attribute '" + attr.name() + "' of kind " +
                               onnx::AttributeProto::AttributeType_Name(attr.type()))
            .nodes.push_back(label);
        break;
      }
  }
}

/// Before opset 7, PRelu's 1-D slope applied per channel (dim 1); since then
/// it broadcasts numpy-style from the right, and the version converter does
/// not rewrite it. A constant slope of length C for an input of rank > 2 gets
/// the shape [C, 1, ..., 1], which means the same under the new rule.
void upgradeLegacyPRelu(onnx::GraphProto &graph) {
  std::unordered_map<std::string, const onnx::TypeProto *> types;
  for (const auto &v : graph.input())
    types[v.name()] = &v.type();
  for (const auto &v : graph.value_info())
    types[v.name()] = &v.type();
  for (const auto &node : graph.node()) {
    if (node.op_type() != "PRelu" || node.input_size() != 2)
      continue;
    auto x = types.find(node.input(0));
    if (x == types.end() || !x->second->tensor_type().has_shape())
      continue;
    int rank = x->second->tensor_type().shape().dim_size();
    for (auto &t : *graph.mutable_initializer()) {
      if (t.name() != node.input(1) || t.dims_size() != 1 || rank <= 2)
        continue;
      const auto &c = x->second->tensor_type().shape().dim(1);
      if (!c.has_dim_value() || c.dim_value() != t.dims(0) || t.dims(0) == 1)
        continue;
      for (int d = 2; d < rank; ++d)
        t.add_dims(1);
      // Old IR versions list initializers as inputs too: keep them agreeing.
      for (auto &input : *graph.mutable_input())
        if (input.name() == t.name() && input.type().tensor_type().has_shape())
          for (int d = 2; d < rank; ++d)
            input.mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(1);
    }
  }
}

/// Applies --input-shape and --dim to the graph's inputs.
void pinInputs(onnx::GraphProto &graph, const ImportOptions &options,
               ImportReport &report) {
  llvm::StringSet<> initializers;
  for (const auto &t : graph.initializer())
    initializers.insert(t.name());
  // Symbolic names as declared, before pinning replaces them.
  llvm::StringSet<> dimNames;
  for (const auto &input : graph.input())
    if (input.type().tensor_type().has_shape())
      for (const auto &dim : input.type().tensor_type().shape().dim())
        if (dim.has_dim_param())
          dimNames.insert(dim.dim_param());
  llvm::StringSet<> seen;
  for (auto &input : *graph.mutable_input()) {
    if (initializers.contains(input.name()))
      continue;
    auto it = options.inputShapes.find(input.name());
    auto *tt = input.mutable_type()->mutable_tensor_type();
    if (it != options.inputShapes.end()) {
      seen.insert(input.name());
      auto *shape = tt->mutable_shape();
      if (tt->has_shape() && shape->dim_size() != int(it->second.size())) {
        report.malformed.push_back(
            "--input-shape " + input.name() + " has rank " +
            std::to_string(it->second.size()) + ", but the model declares rank " +
            std::to_string(shape->dim_size()));
        continue;
      }
      if (tt->has_shape())
        for (int d = 0; d < shape->dim_size(); ++d) {
          const auto &dim = shape->dim(d);
          if (dim.has_dim_value() && dim.dim_value() != it->second[d]) {
            report.malformed.push_back(
                "--input-shape " + input.name() + ": dim " + std::to_string(d) +
                " is fixed to " + std::to_string(dim.dim_value()) +
                " by the model, not " + std::to_string(it->second[d]));
          }
        }
      shape->clear_dim();
      for (int64_t d : it->second)
        shape->add_dim()->set_dim_value(d);
      continue;
    }
    if (!tt->has_shape())
      continue;
    for (auto &dim : *tt->mutable_shape()->mutable_dim()) {
      if (!dim.has_dim_param())
        continue;
      auto p = options.dimParams.find(dim.dim_param());
      if (p != options.dimParams.end())
        dim.set_dim_value(p->second);
    }
  }
  for (const auto &[name, value] : options.dimParams)
    if (!dimNames.contains(name)) {
      std::string names;
      for (const auto &n : dimNames)
        names += (names.empty() ? "" : ", ") + n.getKey().str();
      report.malformed.push_back("--dim names '" + name +
                                 "', which no input dimension uses (symbolic dims: " +
                                 (names.empty() ? "none" : names) + ")");
    }
  for (const auto &[name, shape] : options.inputShapes)
    if (!seen.contains(name)) {
      std::string names;
      for (const auto &input : graph.input())
        if (!initializers.contains(input.name()))
          names += (names.empty() ? "" : ", ") + input.name();
      report.malformed.push_back("--input-shape names '" + name +
                                 "', which is not a graph input (inputs: " +
                                 names + ")");
    }
}

std::string describeDims(const onnx::TypeProto &type) {
  std::string s;
  if (!type.tensor_type().has_shape())
    return "unknown rank";
  for (const auto &d : type.tensor_type().shape().dim()) {
    if (!s.empty())
      s += "x";
    if (d.has_dim_value())
      s += std::to_string(d.dim_value());
    else if (d.has_dim_param())
      s += d.dim_param();
    else
      s += "?";
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Building MLIR
//===----------------------------------------------------------------------===//

class ModuleBuilder {
public:
  ModuleBuilder(MLIRContext &ctx, onnx::ModelProto &model,
                std::unordered_map<std::string, std::string> &weights,
                const std::unordered_map<std::string, std::string> &constantNodes,
                ImportReport &report)
      : ctx(ctx), builder(&ctx), model(model), weights(weights),
        constantNodes(constantNodes), report(report) {}

  OwningOpRef<ModuleOp> build(StringRef path);

private:
  Location nameLoc(const std::string &name) {
    return NameLoc::get(StringAttr::get(&ctx, name));
  }
  Type typeOf(const std::string &name);
  LogicalResult addConstant(onnx::TensorProto &tensor);
  LogicalResult addNode(onnx::NodeProto &node, int index);
  LogicalResult error(const std::string &message) {
    report.malformed.push_back(message);
    return failure();
  }

  MLIRContext &ctx;
  OpBuilder builder;
  onnx::ModelProto &model;
  std::unordered_map<std::string, std::string> &weights;
  const std::unordered_map<std::string, std::string> &constantNodes;
  ImportReport &report;
  llvm::StringMap<Value> values;
  std::unordered_map<std::string, const onnx::TypeProto *> types;
};

Type ModuleBuilder::typeOf(const std::string &name) {
  auto it = types.find(name);
  if (it == types.end())
    return {};
  auto type = typeFromOnnx(&ctx, *it->second);
  if (!type) {
    report.unsupportedFeatures.push_back("value '" + name + "': " +
                                         llvm::toString(type.takeError()));
    return {};
  }
  return *type;
}

LogicalResult ModuleBuilder::addConstant(onnx::TensorProto &tensor) {
  auto w = weights.find(tensor.name());
  if (w != weights.end()) {
    tensor.mutable_raw_data()->swap(w->second);
    weights.erase(w);
  }
  auto attr = tensorFromOnnx(&ctx, tensor, tensor.name());
  if (!attr) {
    std::string msg = llvm::toString(attr.takeError());
    if (msg.find("not supported") != std::string::npos) {
      report.unsupportedFeatures.push_back(msg);
      return failure();
    }
    return error("initializer: " + msg);
  }
  auto node = constantNodes.find(tensor.name());
  auto op = builder.create<ConstantOp>(
      nameLoc(node == constantNodes.end() ? tensor.name() : node->second),
      attr->getType(), *attr);
  values[tensor.name()] = op.getResult();
  return success();
}

LogicalResult ModuleBuilder::addNode(onnx::NodeProto &node, int index) {
  std::string label = nodeLabel(node, index);
  const onnx::OpSchema *schema = os::dialectSchema(node.op_type());
  std::string opName = "iron." + node.op_type();
  if (!schema || !RegisteredOperationName::lookup(opName, &ctx)) {
    report.unsupportedOp(node.op_type(), node.domain(),
                         "not in the iron dialect after conversion to opset " +
                             std::to_string(os::kDialectOpset))
        .nodes.push_back(label);
    return failure();
  }
  OperationState state(nameLoc(label), opName);

  // Bind ONNX's positional inputs to the schema's formal parameters.
  const auto &formals = schema->inputs();
  SmallVector<int32_t> segments;
  int pos = 0;
  for (size_t f = 0; f < formals.size(); ++f) {
    const auto &formal = formals[f];
    int32_t count = 0;
    int end = formal.GetOption() == onnx::OpSchema::Variadic ? node.input_size()
                                                             : std::min(pos + 1, node.input_size());
    for (; pos < end; ++pos) {
      const std::string &in = node.input(pos);
      if (in.empty()) {
        if (formal.GetOption() == onnx::OpSchema::Single)
          return error("node '" + label + "' (" + node.op_type() +
                       "): required input '" + formal.GetName() + "' is empty");
        continue;
      }
      auto it = values.find(in);
      if (it == values.end())
        return error("node '" + label + "' (" + node.op_type() +
                     ") uses '" + in + "', which no node or input defines");
      state.addOperands(it->second);
      ++count;
    }
    if (count == 0 && formal.GetOption() == onnx::OpSchema::Single)
      return error("node '" + label + "' (" + node.op_type() +
                   "): missing required input '" + formal.GetName() + "'");
    segments.push_back(count);
  }
  if (pos < node.input_size())
    return error("node '" + label + "' (" + node.op_type() + ") has " +
                 std::to_string(node.input_size()) + " inputs; the operator takes at most " +
                 std::to_string(pos));
  if (os::needsOperandSegments(*schema))
    state.addAttribute("operandSegmentSizes",
                       DenseI32ArrayAttr::get(&ctx, segments));

  // Results, with the types ONNX's shape inference gave them.
  SmallVector<std::string> resultNames;
  SmallVector<int32_t> resultSegments;
  const auto &outFormals = schema->outputs();
  pos = 0;
  for (size_t f = 0; f < outFormals.size(); ++f) {
    const auto &formal = outFormals[f];
    int end = formal.GetOption() == onnx::OpSchema::Variadic
                  ? node.output_size()
                  : std::min(pos + 1, node.output_size());
    int32_t count = 0;
    for (; pos < end; ++pos) {
      const std::string &out = node.output(pos);
      if (out.empty())
        continue;
      Type type = typeOf(out);
      if (!type && types.count(out))
        return failure(); // an unsupported type, already reported
      if (!type)
        return error("node '" + label + "' (" + node.op_type() +
                     "): ONNX's shape inference gave no type for output '" +
                     out + "'");
      state.addTypes(type);
      resultNames.push_back(out);
      ++count;
    }
    if (count == 0 && formal.GetOption() == onnx::OpSchema::Single)
      return error("node '" + label + "' (" + node.op_type() +
                   "): missing required output '" + formal.GetName() + "'");
    resultSegments.push_back(count);
  }
  if (os::needsResultSegments(*schema))
    state.addAttribute("resultSegmentSizes",
                       DenseI32ArrayAttr::get(&ctx, resultSegments));

  // Attributes; Constant's scalar and list forms all become `value`.
  for (auto &attr : *node.mutable_attribute()) {
    if (!schema->attributes().count(attr.name()))
      return error("node '" + label + "' (" + node.op_type() +
                   ") has attribute '" + attr.name() +
                   "', which the operator does not define");
    if (node.op_type() == "Constant" && attr.name() != "value") {
      onnx::TensorProto t;
      t.set_name(label);
      switch (attr.type()) {
      case onnx::AttributeProto::FLOAT:
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_float_data(attr.f());
        break;
      case onnx::AttributeProto::FLOATS:
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_dims(attr.floats_size());
        for (float f : attr.floats())
          t.add_float_data(f);
        break;
      case onnx::AttributeProto::INT:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_int64_data(attr.i());
        break;
      case onnx::AttributeProto::INTS:
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(attr.ints_size());
        for (int64_t i : attr.ints())
          t.add_int64_data(i);
        break;
      default:
        report.unsupportedFeatures.push_back(
            "node '" + label + "' (Constant): attribute '" + attr.name() +
            "' (string or sparse constants)");
        return failure();
      }
      auto value = tensorFromOnnx(&ctx, t, label);
      if (!value)
        return error("node '" + label + "': " + llvm::toString(value.takeError()));
      state.addAttribute("value", *value);
      continue;
    }
    if (attr.type() == onnx::AttributeProto::TENSOR && attr.t().name().empty())
      attr.mutable_t()->set_name(label);
    auto value = attributeFromOnnx(&ctx, attr);
    if (!value) {
      std::string msg = llvm::toString(value.takeError());
      if (msg.find("not supported") != std::string::npos ||
          msg.find("does not carry") != std::string::npos) {
        report.unsupportedFeatures.push_back("node '" + label + "': " + msg);
        return failure();
      }
      return error("node '" + label + "': " + msg);
    }
    state.addAttribute(os::odsName(attr.name()), *value);
  }

  Operation *op = builder.create(state);
  for (auto [name, result] : llvm::zip(resultNames, op->getResults()))
    values[name] = result;
  return success();
}

OwningOpRef<ModuleOp> ModuleBuilder::build(StringRef path) {
  onnx::GraphProto &graph = *model.mutable_graph();
  for (auto &v : graph.input())
    types[v.name()] = &v.type();
  for (auto &v : graph.value_info())
    types[v.name()] = &v.type();
  for (auto &v : graph.output())
    types[v.name()] = &v.type();

  llvm::StringSet<> initializers;
  for (const auto &t : graph.initializer())
    initializers.insert(t.name());

  OwningOpRef<ModuleOp> owned = ModuleOp::create(FileLineColLoc::get(&ctx, path, 0, 0));
  ModuleOp module = *owned;
  module->setAttr("iron.source", StringAttr::get(&ctx, llvm::sys::path::filename(path)));
  module->setAttr("iron.opset", builder.getI64IntegerAttr(os::kDialectOpset));
  if (!model.producer_name().empty())
    module->setAttr("iron.producer",
                    StringAttr::get(&ctx, model.producer_version().empty()
                                              ? model.producer_name()
                                              : model.producer_name() + " " +
                                                    model.producer_version()));

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  bool ok = true;
  for (const auto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue;
    Type t = typeOf(input.name());
    if (!t) {
      ok = false;
      continue;
    }
    argTypes.push_back(t);
    argNames.push_back(input.name());
  }
  if (!ok)
    return nullptr;

  builder.setInsertionPointToEnd(module.getBody());
  auto func = builder.create<func::FuncOp>(nameLoc(graph.name().empty() ? "main" : graph.name()),
                                           "main",
                                           builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "iron.name", builder.getStringAttr(name));
    entry->getArgument(i).setLoc(nameLoc(name));
    values[name] = entry->getArgument(i);
  }
  builder.setInsertionPointToStart(entry);

  for (auto &tensor : *graph.mutable_initializer())
    if (failed(addConstant(tensor)))
      ok = false;
  if (!ok)
    return nullptr;
  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(addNode(*graph.mutable_node(i), i)))
      ok = false;
  if (!ok)
    return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      (void)error("graph output '" + output.name() + "' is not produced by any node");
      return nullptr;
    }
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  builder.create<func::ReturnOp>(nameLoc("return"), results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "iron.name", builder.getStringAttr(output.name()));
  return owned;
}

/// Lists dimensions still dynamic after import: inputs first (with their
/// symbolic names), then op results (capped, with a count).
void reportDynamic(ModuleOp module, const onnx::GraphProto &graph,
                   ImportReport &report) {
  llvm::StringMap<std::string> declared;
  for (const auto &input : graph.input())
    declared[input.name()] = describeDims(input.type());
  auto func = *module.getOps<func::FuncOp>().begin();
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<ShapedType>(arg.getType());
    if (type && type.hasStaticShape())
      continue;
    std::string name =
        func.getArgAttrOfType<StringAttr>(i, "iron.name").getValue().str();
    std::string msg = "input '" + name + "' has shape " + declared[name];
    if (type && type.hasRank()) {
      std::string dims;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          dims += (dims.empty() ? "" : ", ") + std::to_string(d);
      msg += " (dynamic dim(s): " + dims + ")";
    }
    report.dynamicDims.push_back(msg);
  }
  if (!report.dynamicDims.empty())
    return; // every op downstream is dynamic too; the inputs are the cause
  size_t count = 0;
  func.walk([&](Operation *op) {
    for (Type t : op->getResultTypes()) {
      auto type = dyn_cast<ShapedType>(t);
      if (type && type.hasStaticShape())
        continue;
      if (++count <= 10) {
        std::string ts;
        llvm::raw_string_ostream os(ts);
        os << t;
        std::string where;
        if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
          where = loc.getName().str();
        report.dynamicDims.push_back("node '" + where + "' (" +
                                     op->getName().stripDialect().str() +
                                     ") produces " + ts);
      }
      break;
    }
  });
  if (count > 10)
    report.dynamicDims.push_back("... and " + std::to_string(count - 10) +
                                 " more node(s)");
}

} // namespace

//===----------------------------------------------------------------------===//
// The import
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context, StringRef path,
                                      const ImportOptions &options,
                                      ImportReport &report) {
  report.path = path.str();
  context.loadDialect<IronDialect, func::FuncDialect>();
  onnx::ModelProto model;
  if (!readModel(path, model, report))
    return nullptr;
  report.irVersion = model.ir_version();
  report.producer = model.producer_name();
  // Unnamed nodes get their label now, from the model's own order, so that
  // the names survive opset conversion (which may insert nodes).
  for (int i = 0; i < model.graph().node_size(); ++i) {
    auto *node = model.mutable_graph()->mutable_node(i);
    if (node->name().empty())
      node->set_name(nodeLabel(*node, i));
  }

  // External data, before the checker looks at the tensors.
  SmallString<256> modelDir(path);
  llvm::sys::path::remove_filename(modelDir);
  if (modelDir.empty())
    modelDir = ".";
  for (auto &t : *model.mutable_graph()->mutable_initializer())
    if (!loadExternalData(t, modelDir, report))
      return nullptr;
  for (auto &node : *model.mutable_graph()->mutable_node())
    for (auto &attr : *node.mutable_attribute())
      if (attr.has_t() && !loadExternalData(*attr.mutable_t(), modelDir, report))
        return nullptr;

  bool hasOpset;
  int64_t opset = defaultOpset(model, hasOpset);
  report.opsetVersion = opset;
  if (!hasOpset) {
    scanOperators(model.graph(), 0, report);
    if (report.unsupported.empty())
      report.malformed.push_back("the model imports no opset of the default "
                                 "(ai.onnx) domain");
    return nullptr;
  }
  if (opset > os::newestKnownOpset()) {
    report.opsetProblems.push_back(
        "ai.onnx opset " + std::to_string(opset) + " is newer than this build's "
        "ONNX library knows (up to " + std::to_string(os::newestKnownOpset()) + ")");
    return nullptr;
  }

  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    report.malformed.push_back("ONNX checker: " + msg);
    return nullptr;
  }

  if (opset < 7)
    upgradeLegacyPRelu(*model.mutable_graph());
  scanOperators(model.graph(), opset, report);
  for (const auto &input : model.graph().input())
    if (input.type().has_tensor_type()) {
      int dt = input.type().tensor_type().elem_type();
      if (!elementTypeFromOnnx(&context, dt))
        report.unsupportedFeatures.push_back(
            "input '" + input.name() + "' has element type '" +
            onnxDataTypeName(dt) + "'");
    } else {
      report.unsupportedFeatures.push_back(
          "input '" + input.name() + "' is not a tensor (sequence, map or optional)");
    }
  pinInputs(*model.mutable_graph(), options, report);
  if (!report.ok())
    return nullptr;

  // Large Constant nodes become initializers (the same value under the same
  // name), so that every weight is set aside and restored by name below;
  // the constant keeps the node's name as its location.
  std::unordered_map<std::string, std::string> constantNodes;
  {
    auto *graph = model.mutable_graph();
    auto *nodes = graph->mutable_node();
    for (int i = nodes->size() - 1; i >= 0; --i) {
      auto &node = nodes->at(i);
      // Before IR version 4 initializers must also be graph inputs, which
      // the version converter insists on: such (old, small) models keep
      // their Constant nodes.
      if (model.ir_version() < 4)
        break;
      if (node.op_type() != "Constant" || node.output_size() != 1 ||
          node.attribute_size() != 1 || node.attribute(0).name() != "value" ||
          node.attribute(0).t().raw_data().size() <= kInlineTensorBytes)
        continue;
      onnx::TensorProto *t = graph->add_initializer();
      t->Swap(node.mutable_attribute(0)->mutable_t());
      t->set_name(node.output(0));
      constantNodes[node.output(0)] = node.name();
      nodes->DeleteSubrange(i, 1);
    }
  }
  // Set large tensors aside so conversion and inference copy only the graph.
  std::unordered_map<std::string, std::string> weights;
  for (auto &t : *model.mutable_graph()->mutable_initializer())
    if (t.has_raw_data() && t.raw_data().size() > kInlineTensorBytes)
      weights[t.name()].swap(*t.mutable_raw_data());

  if (opset != os::kDialectOpset) {
    try {
      // Some adapters (Softmax 12->13, ...) need shapes; a failure here is
      // left to the strict inference after conversion to report.
      onnx::ShapeInferenceOptions lenient(false, 0, true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                         lenient);
    } catch (const std::exception &) {
    }
    try {
      model = onnx::version_conversion::ConvertVersion(model, os::kDialectOpset);
    } catch (const std::exception &e) {
      std::string msg = e.what();
      std::replace(msg.begin(), msg.end(), '\n', ' ');
      report.opsetProblems.push_back("cannot convert from opset " +
                                     std::to_string(opset) + " to " +
                                     std::to_string(os::kDialectOpset) + ": " + msg);
      return nullptr;
    }
    scanOperators(model.graph(), os::kDialectOpset, report);
    if (!report.ok())
      return nullptr;
  }

  try {
    onnx::ShapeInferenceOptions inferOptions(/*check_type=*/true,
                                             /*strict_mode=*/1,
                                             /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       inferOptions);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    report.malformed.push_back("ONNX shape inference: " + msg);
    return nullptr;
  }

  // ONNX's messages go into the report, not to stderr twice.
  ModuleBuilder moduleBuilder(context, model, weights, constantNodes, report);
  OwningOpRef<ModuleOp> module = moduleBuilder.build(path);
  if (!module)
    return nullptr;
  weights.clear();

  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      std::string loc;
      llvm::raw_string_ostream os(diagnostics);
      if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
        os << "node '" << name.getName().getValue() << "': ";
      os << diag.str() << "\n";
      return success();
    });
    if (failed(verify(*module))) {
      report.internal.push_back("the imported module does not verify: " + diagnostics);
      return nullptr;
    }
    if (options.cleanup) {
      PassManager pm(&context);
      buildImportCleanupPipeline(pm);
      if (failed(pm.run(*module))) {
        report.internal.push_back("import clean-up failed: " + diagnostics);
        return nullptr;
      }
    }
  }
  if (options.requireStaticShapes) {
    reportDynamic(*module, model.graph(), report);
    if (!report.ok())
      return nullptr;
  }
  return module;
}

} // namespace iron
