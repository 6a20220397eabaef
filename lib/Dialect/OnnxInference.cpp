//===- OnnxInference.cpp - ONNX's own rules applied to iron ops -----------===//

#include "iron/Dialect/OnnxInference.h"

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/OnnxBridge.h"
#include "iron/Support/OnnxSchema.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

using namespace mlir;
namespace os = iron::onnxschema;

namespace iron {

const onnx::OpSchema *getOnnxSchema(Operation *op) {
  if (!isa<IronDialect>(op->getDialect()))
    return nullptr;
  return os::dialectSchema(op->getName().stripDialect().str());
}

static SmallVector<std::pair<unsigned, unsigned>>
groups(const std::vector<onnx::OpSchema::FormalParameter> &params,
       unsigned count, Attribute segmentAttr) {
  SmallVector<std::pair<unsigned, unsigned>> result;
  if (auto segments = dyn_cast_or_null<DenseI32ArrayAttr>(segmentAttr)) {
    unsigned start = 0;
    for (int32_t size : segments.asArrayRef()) {
      result.push_back({start, static_cast<unsigned>(size)});
      start += size;
    }
    return result;
  }
  // At most one optional/variadic parameter: it takes what the others leave.
  unsigned fixed = 0;
  for (const auto &p : params)
    fixed += p.GetOption() == onnx::OpSchema::Single;
  unsigned flexible = count >= fixed ? count - fixed : 0;
  unsigned start = 0;
  for (const auto &p : params) {
    unsigned size = p.GetOption() == onnx::OpSchema::Single ? 1 : flexible;
    result.push_back({start, size});
    start += size;
  }
  return result;
}

SmallVector<std::pair<unsigned, unsigned>>
getOnnxOperandGroups(Operation *op, const onnx::OpSchema &schema) {
  return groups(schema.inputs(), op->getNumOperands(),
                op->getInherentAttr("operandSegmentSizes").value_or(nullptr));
}

SmallVector<std::pair<unsigned, unsigned>>
getOnnxResultGroups(Operation *op, const onnx::OpSchema &schema) {
  return groups(schema.outputs(), op->getNumResults(),
                op->getInherentAttr("resultSegmentSizes").value_or(nullptr));
}

/// Small constants feed ONNX's data-dependent inference (Reshape's shape,
/// Slice's starts, ...). Weights are never needed, so large ones are skipped.
static bool smallConstant(Value v, ElementsAttr &attr) {
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  return isa<DenseElementsAttr>(attr) && attr.getNumElements() <= 4096;
}

LogicalResult inferWithOnnx(Operation *op, SmallVectorImpl<Type> &inferred,
                            std::string &error) {
  const onnx::OpSchema *schema = getOnnxSchema(op);
  if (!schema) {
    error = "no ONNX schema for '" + op->getName().getStringRef().str() + "'";
    return failure();
  }
  onnx::NodeProto node;
  node.set_op_type(schema->Name());
  node.set_name("n");

  std::unordered_map<std::string, onnx::TypeProto *> types;
  std::unordered_map<std::string, const onnx::TensorProto *> data;
  std::vector<std::unique_ptr<onnx::TypeProto>> typeStore;
  std::vector<std::unique_ptr<onnx::TensorProto>> dataStore;

  auto operandGroups = getOnnxOperandGroups(op, *schema);
  // Trailing absent optional inputs are dropped; inner ones become "".
  std::vector<std::string> inputNames;
  for (auto [start, size] : operandGroups) {
    if (size == 0) {
      inputNames.push_back("");
      continue;
    }
    for (unsigned i = start; i < start + size; ++i) {
      std::string name = "in" + std::to_string(i);
      Value v = op->getOperand(i);
      auto type = std::make_unique<onnx::TypeProto>();
      typeToOnnx(v.getType(), *type);
      types[name] = type.get();
      typeStore.push_back(std::move(type));
      ElementsAttr attr;
      if (smallConstant(v, attr)) {
        auto tensor = std::make_unique<onnx::TensorProto>();
        if (tensorToOnnx(attr, *tensor)) {
          tensor->set_name(name);
          data[name] = tensor.get();
          dataStore.push_back(std::move(tensor));
        }
      }
      inputNames.push_back(name);
    }
  }
  while (!inputNames.empty() && inputNames.back().empty())
    inputNames.pop_back();
  for (auto &n : inputNames)
    node.add_input(n);

  auto resultGroups = getOnnxResultGroups(op, *schema);
  std::vector<int> resultOfOutput; // ONNX output index -> op result or -1
  for (auto [start, size] : resultGroups) {
    if (size == 0) {
      node.add_output("");
      resultOfOutput.push_back(-1);
    }
    for (unsigned i = start; i < start + size; ++i) {
      node.add_output("out" + std::to_string(i));
      resultOfOutput.push_back(i);
    }
  }
  while (node.output_size() > 0 && node.output(node.output_size() - 1).empty()) {
    node.mutable_output()->RemoveLast();
    resultOfOutput.pop_back();
  }

  for (const auto &[onnxName, schemaAttr] : schema->attributes()) {
    Attribute attr = op->getAttr(os::odsName(onnxName));
    if (!attr)
      continue;
    onnx::AttributeProto *proto = node.add_attribute();
    if (auto blob = dyn_cast<DenseResourceElementsAttr>(attr)) {
      // Inference needs a tensor attribute's type and dims, never its bytes:
      // copying weights here would cost a copy per verification.
      proto->set_name(onnxName);
      proto->set_type(onnx::AttributeProto::TENSOR);
      auto *t = proto->mutable_t();
      t->set_data_type(onnxDataTypeOf(blob.getType().getElementType()));
      for (int64_t d : blob.getType().getShape())
        t->add_dims(d);
      continue;
    }
    if (!attributeToOnnx(onnxName, attr, *proto)) {
      error = "attribute '" + onnxName + "' has no ONNX form";
      return failure();
    }
    if (proto->type() != schemaAttr.type &&
        isa<ArrayAttr>(attr) && cast<ArrayAttr>(attr).empty())
      proto->set_type(schemaAttr.type); // an empty list of the schema's kind
  }

  inferred.assign(op->getNumResults(), Type());
  try {
    schema->Verify(node);
    onnx::shape_inference::InferenceContextImpl ctx(node, types, data, {});
    schema->CheckInputOutputType(ctx);
    if (schema->has_type_and_shape_inference_function())
      schema->GetTypeAndShapeInferenceFunction()(ctx);
    for (size_t o = 0; o < resultOfOutput.size(); ++o) {
      int r = resultOfOutput[o];
      if (r < 0)
        continue;
      const onnx::TypeProto *t = ctx.getOutputType(o);
      if (!t || !t->has_tensor_type() || !t->tensor_type().elem_type())
        continue;
      auto type = typeFromOnnx(op->getContext(), *t);
      if (!type) {
        llvm::consumeError(type.takeError());
        continue;
      }
      inferred[r] = *type;
    }
  } catch (const std::exception &e) {
    error = e.what();
    // ONNX prefixes messages with the node; keep only the rule.
    size_t pos = error.find("Node (n) ");
    if (pos != std::string::npos)
      error.erase(pos, 9);
    return failure();
  }
  return success();
}

bool isCompatibleRefinement(Type declared, Type inferred) {
  auto d = dyn_cast<ShapedType>(declared), i = dyn_cast<ShapedType>(inferred);
  if (!d || !i)
    return true;
  if (d.getElementType() != i.getElementType())
    return false;
  if (!d.hasRank() || !i.hasRank())
    return true;
  if (d.getRank() != i.getRank())
    return false;
  for (auto [a, b] : llvm::zip(d.getShape(), i.getShape()))
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return false;
  return true;
}

Type refineType(Type declared, Type inferred) {
  auto d = dyn_cast<ShapedType>(declared), i = dyn_cast<ShapedType>(inferred);
  if (!i || !isCompatibleRefinement(declared, inferred))
    return declared;
  if (!d.hasRank())
    return inferred;
  if (!i.hasRank())
    return declared;
  SmallVector<int64_t> dims;
  for (auto [a, b] : llvm::zip(d.getShape(), i.getShape()))
    dims.push_back(ShapedType::isDynamic(a) ? b : a);
  return RankedTensorType::get(dims, d.getElementType());
}

} // namespace iron
