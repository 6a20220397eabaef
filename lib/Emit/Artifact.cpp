//===- Artifact.cpp - Writing the deployable artifact ----------------------===//

#include "iron/Emit/Artifact.h"

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/OnnxBridge.h"
#include "iron/Dialect/OnnxInference.h"
#include "iron/Passes/MemoryPlan.h"
#include "iron/Support/FileUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include "iron_generated.h"

using namespace mlir;

namespace iron {
namespace {

flatbuffers::Offset<fb::Cost>
createCost(flatbuffers::FlatBufferBuilder &fbb, const PredictedCost &c) {
  return fb::CreateCost(fbb, c.latencyMs, c.latencyMsLow, c.latencyMsHigh,
                        c.energyUj, c.macs, c.bytesMoved,
                        fbb.CreateString(c.bound));
}


fb::ElementType elementTypeOf(Type t) {
  if (t.isF32()) return fb::ElementType::f32;
  if (t.isF64()) return fb::ElementType::f64;
  if (t.isF16()) return fb::ElementType::f16;
  if (t.isBF16()) return fb::ElementType::bf16;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 1: return fb::ElementType::bool_;
    case 8: return u ? fb::ElementType::u8 : fb::ElementType::i8;
    case 16: return u ? fb::ElementType::u16 : fb::ElementType::i16;
    case 32: return u ? fb::ElementType::u32 : fb::ElementType::i32;
    case 64: return u ? fb::ElementType::u64 : fb::ElementType::i64;
    }
  }
  return fb::ElementType::undefined;
}

std::string locName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(l))
        return name.getName().str();
  return "";
}

/// Every ONNX node name in a location, in order, once each: a fused
/// kernel's location fuses those of the nodes it replaces.
void collectNodeNames(Location loc, std::vector<std::string> &out) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string n = name.getName().str();
    if (!n.empty() && llvm::find(out, n) == out.end())
      out.push_back(n);
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      collectNodeNames(l, out);
}

using OperandGroups = SmallVector<std::pair<unsigned, unsigned>>;

/// The operand groups (start, size) of one of Iron's own kernels in ODS
/// order: its operand segments where it has optional operands among
/// others, else one group per operand (a trailing optional that is absent
/// is simply not there). Nullopt for an op outside the iron dialect.
std::optional<OperandGroups> kernelOperandGroups(Operation *op) {
  if (!op->getDialect() || !isa<IronDialect>(op->getDialect()))
    return std::nullopt;
  OperandGroups groups;
  if (auto sizes = dyn_cast_or_null<DenseI32ArrayAttr>(
          op->getInherentAttr("operandSegmentSizes").value_or(Attribute()))) {
    unsigned start = 0;
    for (int32_t size : sizes.asArrayRef()) {
      groups.push_back({start, unsigned(size)});
      start += size;
    }
    return groups;
  }
  for (unsigned i = 0; i < op->getNumOperands(); ++i)
    groups.push_back({i, 1});
  return groups;
}

class Emitter {
public:
  Emitter(const MemoryPlan &plan) : plan(plan) {}
  llvm::Expected<Artifact> run(func::FuncOp func, const EmitOptions &options);

private:
  llvm::Expected<int> tensorFor(Value v);
  llvm::Expected<int> constantTensor(ElementsAttr attr, StringRef name);
  llvm::Expected<flatbuffers::Offset<fb::Attribute>> attribute(StringRef name,
                                                               Attribute attr,
                                                               StringRef node);
  flatbuffers::Offset<fb::Tensor> tensor(StringRef name, ShapedType type,
                                         fb::TensorKind kind, uint32_t buffer,
                                         uint64_t offset);

  const MemoryPlan &plan;
  flatbuffers::FlatBufferBuilder fbb{1 << 20};
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  DenseMap<Value, int> tensorOf;
  DenseMap<Value, std::string> names;
  llvm::DenseSet<Value> returned;
  uint64_t weightBytes = 0;
};

flatbuffers::Offset<fb::Tensor> Emitter::tensor(StringRef name, ShapedType type,
                                                fb::TensorKind kind,
                                                uint32_t buffer, uint64_t offset) {
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  return fb::CreateTensor(fbb, fbb.CreateString(name.str()),
                          elementTypeOf(type.getElementType()),
                          fbb.CreateVector(shape), kind, buffer, offset,
                          tensorBytes(type));
}

llvm::Expected<int> Emitter::constantTensor(ElementsAttr attr, StringRef name) {
  auto type = cast<ShapedType>(attr.getType());
  if (elementTypeOf(type.getElementType()) == fb::ElementType::undefined)
    return llvm::createStringError("constant '" + name +
                                   "' has an element type the artifact cannot hold");
  // Raw little-endian bytes: straight from the blob for weights, through
  // the ONNX bridge for small dense constants (which may be splats).
  std::string scratch;
  ArrayRef<char> bytes;
  if (auto blob = dyn_cast<DenseResourceElementsAttr>(attr)) {
    const AsmResourceBlob *b = blob.getRawHandle().getBlob();
    if (!b)
      return llvm::createStringError("constant '" + name + "' has no data");
    bytes = b->getData();
  } else {
    onnx::TensorProto proto;
    if (!tensorToOnnx(attr, proto))
      return llvm::createStringError("constant '" + name + "' cannot be serialized");
    scratch = std::move(*proto.mutable_raw_data());
    bytes = ArrayRef<char>(scratch.data(), scratch.size());
  }
  if (bytes.size() != tensorBytes(type))
    return llvm::createStringError("constant '" + name + "' holds " +
                                   std::to_string(bytes.size()) + " bytes, expected " +
                                   std::to_string(tensorBytes(type)));
  // 64-byte alignment so kernels can use aligned SIMD loads.
  fbb.ForceVectorAlignment(bytes.size(), 1, 64);
  auto data = fbb.CreateVector(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  uint32_t bufferIndex = buffers.size();
  buffers.push_back(fb::CreateBuffer(fbb, data));
  weightBytes += bytes.size();
  tensors.push_back(tensor(name, type, fb::TensorKind::constant, bufferIndex, 0));
  return int(tensors.size() - 1);
}

llvm::Expected<int> Emitter::tensorFor(Value v) {
  auto it = tensorOf.find(v);
  if (it != tensorOf.end())
    return it->second;
  std::string name = names.lookup(v);
  if (auto constant = v.getDefiningOp<ConstantOp>()) {
    if (returned.contains(v))
      return llvm::createStringError("graph output '" + name +
                                     "' is a constant; the artifact has no kernel to produce it");
    auto index = constantTensor(constant.getValueAttr(), name);
    if (index)
      tensorOf[v] = *index;
    return index;
  }
  auto type = cast<ShapedType>(v.getType());
  fb::TensorKind kind = isa<BlockArgument>(v) ? fb::TensorKind::input
                        : returned.contains(v) ? fb::TensorKind::output
                                               : fb::TensorKind::activation;
  tensors.push_back(tensor(name, type, kind, 0, plan.offsets.lookup(v)));
  tensorOf[v] = tensors.size() - 1;
  return int(tensors.size() - 1);
}

llvm::Expected<flatbuffers::Offset<fb::Attribute>>
Emitter::attribute(StringRef name, Attribute attr, StringRef node) {
  auto n = fbb.CreateString(name.str());
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return fb::CreateAttribute(fbb, n, fb::AttributeKind::int_, i.getInt());
  if (auto f = dyn_cast<FloatAttr>(attr))
    return fb::CreateAttribute(fbb, n, fb::AttributeKind::float_, 0,
                               float(f.getValueAsDouble()));
  if (auto s = dyn_cast<StringAttr>(attr))
    return fb::CreateAttribute(fbb, n, fb::AttributeKind::string_, 0, 0,
                               fbb.CreateString(s.str()));
  if (auto e = dyn_cast<ElementsAttr>(attr)) {
    auto index = constantTensor(e, (node + "." + name).str());
    if (!index)
      return index.takeError();
    return fb::CreateAttribute(fbb, n, fb::AttributeKind::tensor, 0, 0, 0, 0, 0, 0, *index);
  }
  if (auto arr = dyn_cast<ArrayAttr>(attr)) {
    if (!arr.empty() && isa<FloatAttr>(arr[0])) {
      std::vector<float> v;
      for (Attribute a : arr)
        v.push_back(float(cast<FloatAttr>(a).getValueAsDouble()));
      return fb::CreateAttribute(fbb, n, fb::AttributeKind::floats, 0, 0, 0, 0,
                                 fbb.CreateVector(v));
    }
    if (!arr.empty() && isa<StringAttr>(arr[0])) {
      std::vector<std::string> v;
      for (Attribute a : arr)
        v.push_back(cast<StringAttr>(a).str());
      return fb::CreateAttribute(fbb, n, fb::AttributeKind::strings, 0, 0, 0, 0, 0,
                                 fbb.CreateVectorOfStrings(v));
    }
    std::vector<int64_t> v;
    for (Attribute a : arr) {
      auto i = dyn_cast<IntegerAttr>(a);
      if (!i)
        return llvm::createStringError("attribute '" + name + "' of node '" + node +
                                       "' is a list of mixed kinds");
      v.push_back(i.getInt());
    }
    return fb::CreateAttribute(fbb, n, fb::AttributeKind::ints, 0, 0, 0,
                               fbb.CreateVector(v));
  }
  return llvm::createStringError("attribute '" + name + "' of node '" + node +
                                 "' has no artifact form");
}

llvm::Expected<Artifact> Emitter::run(func::FuncOp func, const EmitOptions &options) {
  Block &body = func.getBody().front();
  for (BlockArgument arg : body.getArguments())
    if (auto n = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "iron.name"))
      names[arg] = n.str();
  Operation *ret = body.getTerminator();
  for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
    returned.insert(v);
    if (auto n = func.getResultAttrOfType<StringAttr>(i, "iron.name"))
      names[v] = n.str();
  }
  for (Operation &op : body.without_terminator()) {
    std::string node = locName(op.getLoc());
    for (auto [i, r] : llvm::enumerate(op.getResults()))
      if (!names.count(r))
        names[r] = op.getNumResults() == 1 ? node : node + ":" + std::to_string(i);
  }

  std::vector<int32_t> inputs, outputs;
  for (BlockArgument arg : body.getArguments()) {
    auto index = tensorFor(arg);
    if (!index)
      return index.takeError();
    inputs.push_back(*index);
  }

  std::vector<flatbuffers::Offset<fb::Operator>> operators;
  for (Operation &op : body.without_terminator()) {
    if (isa<ConstantOp>(op))
      continue;
    std::string node = locName(op.getLoc());
    // ONNX operators follow their schema's operand groups; Iron's own
    // kernels (FusedConv, Attention, ...) their ODS operands.
    // (Iron's kernels first: later ONNX opsets define Gelu and Attention
    // with other operands.)
    bool ironKernel =
        isa<FusedConvOp, FusedMatMulOp, ElementwiseOp, GeluOp, AttentionOp>(op);
    const onnx::OpSchema *schema = ironKernel ? nullptr : getOnnxSchema(&op);
    std::optional<OperandGroups> operandGroups, resultGroups;
    if (schema) {
      operandGroups = getOnnxOperandGroups(&op, *schema);
      resultGroups = getOnnxResultGroups(&op, *schema);
    } else if ((operandGroups = kernelOperandGroups(&op))) {
      resultGroups.emplace();
      for (unsigned i = 0; i < op.getNumResults(); ++i)
        resultGroups->push_back({i, 1});
    } else {
      return llvm::createStringError("node '" + node + "': '" +
                                     op.getName().getStringRef().str() +
                                     "' has no kernel form");
    }
    std::vector<int32_t> in, out;
    for (auto [start, size] : *operandGroups) {
      if (size == 0)
        in.push_back(-1);
      for (unsigned i = start; i < start + size; ++i) {
        auto index = tensorFor(op.getOperand(i));
        if (!index)
          return index.takeError();
        in.push_back(*index);
      }
    }
    while (!in.empty() && in.back() == -1)
      in.pop_back();
    for (auto [start, size] : *resultGroups) {
      if (size == 0)
        out.push_back(-1);
      for (unsigned i = start; i < start + size; ++i) {
        auto index = tensorFor(op.getResult(i));
        if (!index)
          return index.takeError();
        out.push_back(*index);
      }
    }
    while (!out.empty() && out.back() == -1)
      out.pop_back();
    std::vector<flatbuffers::Offset<fb::Attribute>> attrs;
    for (NamedAttribute a : op.getAttrs()) {
      StringRef name = a.getName().strref();
      if (name == "operandSegmentSizes" || name == "resultSegmentSizes" ||
          name.starts_with("iron."))
        continue;
      auto attr = attribute(name, a.getValue(), node);
      if (!attr)
        return attr.takeError();
      attrs.push_back(*attr);
    }
    std::vector<std::string> nodes;
    if (!node.empty())
      nodes.push_back(node);
    collectNodeNames(op.getLoc(), nodes);
    if (nodes.empty())
      nodes.push_back(node);
    flatbuffers::Offset<fb::Cost> predicted;
    auto cost = options.kernelCosts.find(node);
    if (cost != options.kernelCosts.end())
      predicted = createCost(fbb, cost->second);
    operators.push_back(fb::CreateOperator(
        fbb, fbb.CreateString(op.getName().stripDialect().str()),
        fbb.CreateVector(in), fbb.CreateVector(out),
        fbb.CreateVectorOfSortedTables(&attrs), fbb.CreateVectorOfStrings(nodes),
        predicted));
  }
  for (Value v : ret->getOperands()) {
    auto index = tensorFor(v);
    if (!index)
      return index.takeError();
    outputs.push_back(*index);
  }

  Artifact artifact;
  artifact.arenaBytes = plan.arenaBytes;
  artifact.arenaLowerBound = plan.lowerBound;
  artifact.weightBytes = weightBytes;
  artifact.kernels = operators.size();
  artifact.tensors = tensors.size();
  auto module = func->getParentOfType<ModuleOp>();
  std::string source;
  if (auto s = module->getAttrOfType<StringAttr>("iron.source"))
    source = s.str();
  auto model = fb::CreateModel(
      fbb, /*schema_version=*/1000, fbb.CreateString(options.producer),
      fbb.CreateString(source),
      fb::CreateTarget(fbb, fbb.CreateString(options.target),
                       options.targetHash.empty()
                           ? 0
                           : fbb.CreateString(options.targetHash)),
      fbb.CreateVector(tensors), fbb.CreateVector(operators),
      fbb.CreateVector(inputs), fbb.CreateVector(outputs),
      fbb.CreateVector(buffers),
      fb::CreateMemoryPlan(fbb, plan.arenaBytes, plan.lowerBound,
                           MemoryPlan::kAlignment),
      options.modelCost ? createCost(fbb, *options.modelCost) : 0);
  fb::FinishModelBuffer(fbb, model);
  artifact.bytes.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  return artifact;
}

} // namespace

llvm::Expected<Artifact> emitArtifact(ModuleOp module, const EmitOptions &options) {
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty())
    return llvm::createStringError("the module has no function to emit");
  func::FuncOp func = *funcs.begin();
  // A graph output that folded to a constant still needs a kernel to put it
  // where the caller reads outputs: copy it with an Identity.
  Operation *ret = func.getBody().front().getTerminator();
  for (OpOperand &operand : ret->getOpOperands())
    if (auto constant = operand.get().getDefiningOp<ConstantOp>()) {
      OpBuilder b(ret);
      auto copy = b.create<IdentityOp>(constant.getLoc(), constant.getType(),
                                       constant.getResult());
      operand.set(copy.getResult());
    }
  std::string diagnostics;
  FailureOr<MemoryPlan> plan;
  {
    ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
      diagnostics += d.str();
      return success();
    });
    plan = planMemory(func);
  }
  if (failed(plan))
    return llvm::createStringError("memory planning failed: " + diagnostics);
  Emitter emitter(*plan);
  return emitter.run(func, options);
}

llvm::Error writeArtifactAsC(llvm::StringRef path, llvm::StringRef symbol,
                             const Artifact &artifact) {
  llvm::SmallString<256> header(path);
  llvm::sys::path::replace_extension(header, "h");
  std::string guard = symbol.upper() + "_H";
  if (llvm::Error e = writeFileAtomically(header, [&](llvm::raw_ostream &os) {
        os << "// Generated by ironc: a compiled Iron model for firmware builds.\n"
           << "#ifndef " << guard << "\n#define " << guard << "\n\n"
           << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
           << "/* Arena bytes the runtime needs for activations (plus kernel\n"
           << "   scratch, which Interpreter::requiredArenaBytes() adds). */\n"
           << "#define " << symbol.upper() << "_ARENA_BYTES " << artifact.arenaBytes << "u\n\n"
           << "extern const unsigned char " << symbol << "[];\n"
           << "extern const unsigned int " << symbol << "_len;\n\n"
           << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
        return llvm::Error::success();
      }))
    return e;
  llvm::Error source = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
    os << "// Generated by ironc: a compiled Iron model for firmware builds.\n"
       << "#include \"" << llvm::sys::path::filename(header) << "\"\n\n"
       << "__attribute__((aligned(64))) const unsigned char " << symbol << "[] = {";
    for (size_t i = 0; i < artifact.bytes.size(); ++i) {
      if (i % 16 == 0)
        os << "\n  ";
      os << llvm::format("0x%02x,", artifact.bytes[i]);
    }
    os << "\n};\nconst unsigned int " << symbol << "_len = " << artifact.bytes.size()
       << "u;\n";
    return llvm::Error::success();
  });
  if (source)
    llvm::sys::fs::remove(header); // no header without its source
  return source;
}

} // namespace iron
