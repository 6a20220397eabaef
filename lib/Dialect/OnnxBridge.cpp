//===- OnnxBridge.cpp - ONNX protobuf <-> iron dialect values -------------===//

#include "iron/Dialect/OnnxBridge.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <onnx/onnx_pb.h>

#include <cstring>

using namespace mlir;
using onnx::AttributeProto;
using onnx::TensorProto;
using onnx::TensorProto_DataType;

namespace iron {

Type elementTypeFromOnnx(MLIRContext *ctx, int dataType) {
  Builder b(ctx);
  switch (dataType) {
  case TensorProto::FLOAT: return b.getF32Type();
  case TensorProto::DOUBLE: return b.getF64Type();
  case TensorProto::FLOAT16: return b.getF16Type();
  case TensorProto::BFLOAT16: return b.getBF16Type();
  case TensorProto::INT8: return b.getIntegerType(8);
  case TensorProto::INT16: return b.getIntegerType(16);
  case TensorProto::INT32: return b.getIntegerType(32);
  case TensorProto::INT64: return b.getIntegerType(64);
  case TensorProto::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case TensorProto::UINT16: return b.getIntegerType(16, false);
  case TensorProto::UINT32: return b.getIntegerType(32, false);
  case TensorProto::UINT64: return b.getIntegerType(64, false);
  case TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

int onnxDataTypeOf(Type t) {
  if (t.isF32()) return TensorProto::FLOAT;
  if (t.isF64()) return TensorProto::DOUBLE;
  if (t.isF16()) return TensorProto::FLOAT16;
  if (t.isBF16()) return TensorProto::BFLOAT16;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 1: return TensorProto::BOOL;
    case 8: return u ? TensorProto::UINT8 : TensorProto::INT8;
    case 16: return u ? TensorProto::UINT16 : TensorProto::INT16;
    case 32: return u ? TensorProto::UINT32 : TensorProto::INT32;
    case 64: return u ? TensorProto::UINT64 : TensorProto::INT64;
    }
  }
  return TensorProto::UNDEFINED;
}

std::string onnxDataTypeName(int dataType) {
  if (!onnx::TensorProto_DataType_IsValid(dataType))
    return "data type " + std::to_string(dataType);
  std::string name = onnx::TensorProto_DataType_Name(
      static_cast<TensorProto_DataType>(dataType));
  for (char &c : name)
    c = std::tolower(static_cast<unsigned char>(c));
  return name;
}

size_t onnxElementSize(int dataType) {
  switch (dataType) {
  case TensorProto::DOUBLE: case TensorProto::INT64: case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT: case TensorProto::INT32: case TensorProto::UINT32:
    return 4;
  case TensorProto::FLOAT16: case TensorProto::BFLOAT16:
  case TensorProto::INT16: case TensorProto::UINT16:
    return 2;
  case TensorProto::INT8: case TensorProto::UINT8: case TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

llvm::Expected<TensorType> typeFromOnnx(MLIRContext *ctx,
                                        const onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return llvm::createStringError(
        "not a tensor (sequences, maps and optionals are not supported)");
  const auto &tt = type.tensor_type();
  Type elt = elementTypeFromOnnx(ctx, tt.elem_type());
  if (!elt)
    return llvm::createStringError("element type '" +
                                   onnxDataTypeName(tt.elem_type()) +
                                   "' is not supported");
  if (!tt.has_shape())
    return UnrankedTensorType::get(elt);
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value()
                                                           : ShapedType::kDynamic);
  return RankedTensorType::get(dims, elt);
}

void typeToOnnx(Type type, onnx::TypeProto &proto) {
  auto *tt = proto.mutable_tensor_type();
  auto shaped = cast<ShapedType>(type);
  tt->set_elem_type(onnxDataTypeOf(shaped.getElementType()));
  if (!shaped.hasRank())
    return;
  auto *shape = tt->mutable_shape();
  for (int64_t d : shaped.getShape()) {
    auto *dim = shape->add_dim();
    if (!ShapedType::isDynamic(d))
      dim->set_dim_value(d);
  }
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

namespace {
/// Appends the typed (non-raw) fields of a tensor as little-endian raw bytes.
template <typename Src, typename Dst>
void appendAs(std::string &out, const Src &values) {
  for (auto v : values) {
    Dst d = static_cast<Dst>(v);
    out.append(reinterpret_cast<const char *>(&d), sizeof(Dst));
  }
}

llvm::Expected<std::string> typedFieldsAsRaw(const TensorProto &t) {
  std::string raw;
  switch (t.data_type()) {
  case TensorProto::FLOAT: appendAs<decltype(t.float_data()), float>(raw, t.float_data()); break;
  case TensorProto::DOUBLE: appendAs<decltype(t.double_data()), double>(raw, t.double_data()); break;
  case TensorProto::INT64: appendAs<decltype(t.int64_data()), int64_t>(raw, t.int64_data()); break;
  case TensorProto::UINT64: appendAs<decltype(t.uint64_data()), uint64_t>(raw, t.uint64_data()); break;
  case TensorProto::INT32: appendAs<decltype(t.int32_data()), int32_t>(raw, t.int32_data()); break;
  case TensorProto::UINT32: appendAs<decltype(t.uint64_data()), uint32_t>(raw, t.uint64_data()); break;
  case TensorProto::INT16: appendAs<decltype(t.int32_data()), int16_t>(raw, t.int32_data()); break;
  case TensorProto::UINT16: case TensorProto::FLOAT16: case TensorProto::BFLOAT16:
    appendAs<decltype(t.int32_data()), uint16_t>(raw, t.int32_data()); break;
  case TensorProto::INT8: appendAs<decltype(t.int32_data()), int8_t>(raw, t.int32_data()); break;
  case TensorProto::UINT8: case TensorProto::BOOL:
    appendAs<decltype(t.int32_data()), uint8_t>(raw, t.int32_data()); break;
  default:
    return llvm::createStringError("tensor '" + t.name() + "' has element type '" +
                                   onnxDataTypeName(t.data_type()) +
                                   "', which is not supported");
  }
  return raw;
}
} // namespace

llvm::Expected<ElementsAttr> tensorFromOnnx(MLIRContext *ctx, TensorProto &t,
                                            llvm::StringRef blobName) {
  Type elt = elementTypeFromOnnx(ctx, t.data_type());
  if (!elt)
    return llvm::createStringError("tensor '" + t.name() + "' has element type '" +
                                   onnxDataTypeName(t.data_type()) +
                                   "', which is not supported");
  if (t.data_location() == TensorProto::EXTERNAL)
    return llvm::createStringError("tensor '" + t.name() +
                                   "' still refers to external data");
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return llvm::createStringError("tensor '" + t.name() +
                                     "' has a negative dimension");
    dims.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(dims, elt);
  size_t eltSize = onnxElementSize(t.data_type());

  // Take the bytes: raw_data is moved out of the proto, typed fields are
  // packed into a fresh buffer.
  auto raw = std::make_unique<std::string>();
  if (t.has_raw_data()) {
    raw->swap(*t.mutable_raw_data());
  } else {
    auto packed = typedFieldsAsRaw(t);
    if (!packed)
      return packed.takeError();
    *raw = std::move(*packed);
  }
  if (raw->size() != static_cast<size_t>(count) * eltSize)
    return llvm::createStringError(
        "tensor '" + t.name() + "' holds " + std::to_string(raw->size()) +
        " bytes, but its shape and type need " +
        std::to_string(static_cast<size_t>(count) * eltSize));

  if (raw->size() <= kInlineTensorBytes) {
    if (elt.isInteger(1)) {
      SmallVector<bool> bits;
      for (char c : *raw)
        bits.push_back(c != 0);
      return cast<ElementsAttr>(DenseElementsAttr::get(type, bits));
    }
    bool detectedSplat = false;
    ArrayRef<char> bytes(raw->data(), raw->size());
    if (!DenseElementsAttr::isValidRawBuffer(type, bytes, detectedSplat))
      return llvm::createStringError("tensor '" + t.name() +
                                     "' has an invalid buffer");
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
  }
  if (elt.isInteger(1)) {
    // Resource blobs of i1 are not byte-addressable everywhere; booleans are
    // rare and small, keep them dense.
    SmallVector<bool> bits;
    bits.reserve(raw->size());
    for (char c : *raw)
      bits.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bits));
  }
  // Resource keys print bare in MLIR's text form: keep them identifier-like
  // so the module parses back.
  std::string key;
  for (char c : blobName)
    key += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') ? c : '_';
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0])))
    key = "w_" + key;
  // The blob owns the string; no copy of the weights is made.
  std::string *owned = raw.release();
  ArrayRef<char> data(owned->data(), owned->size());
  AsmResourceBlob blob(
      data, alignof(std::max_align_t),
      [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/false);
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(type, key, std::move(blob)));
}

bool tensorToOnnx(ElementsAttr attr, TensorProto &proto) {
  auto type = cast<ShapedType>(attr.getType());
  int dt = onnxDataTypeOf(type.getElementType());
  if (!dt || !type.hasStaticShape())
    return false;
  proto.set_data_type(dt);
  for (int64_t d : type.getShape())
    proto.add_dims(d);
  size_t eltSize = onnxElementSize(dt);
  std::string *raw = proto.mutable_raw_data();
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    const AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return false;
    ArrayRef<char> data = blob->getData();
    raw->assign(data.data(), data.size());
    return raw->size() == eltSize * type.getNumElements();
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return false;
  raw->reserve(eltSize * type.getNumElements());
  if (isa<FloatType>(type.getElementType())) {
    for (APFloat v : dense.getValues<APFloat>()) {
      uint64_t bits = v.bitcastToAPInt().getZExtValue();
      raw->append(reinterpret_cast<const char *>(&bits), eltSize);
    }
  } else {
    for (APInt v : dense.getValues<APInt>()) {
      uint64_t bits = v.getZExtValue();
      raw->append(reinterpret_cast<const char *>(&bits), eltSize);
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

llvm::Expected<Attribute> attributeFromOnnx(MLIRContext *ctx,
                                            const AttributeProto &a) {
  Builder b(ctx);
  switch (a.type()) {
  case AttributeProto::FLOAT:
    return b.getF32FloatAttr(a.f());
  case AttributeProto::INT:
    return b.getI64IntegerAttr(a.i());
  case AttributeProto::STRING:
    return b.getStringAttr(a.s());
  case AttributeProto::FLOATS: {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    return b.getF32ArrayAttr(v);
  }
  case AttributeProto::INTS: {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    return b.getI64ArrayAttr(v);
  }
  case AttributeProto::STRINGS: {
    SmallVector<StringRef> v(a.strings().begin(), a.strings().end());
    return b.getStrArrayAttr(v);
  }
  case AttributeProto::TENSOR: {
    TensorProto copy = a.t();
    std::string name = copy.name().empty() ? a.name() : copy.name();
    return tensorFromOnnx(ctx, copy, name);
  }
  default:
    return llvm::createStringError(
        "attribute '" + a.name() + "' is of kind " +
        AttributeProto::AttributeType_Name(a.type()) +
        ", which the iron dialect does not carry");
  }
}

bool attributeToOnnx(llvm::StringRef name, Attribute attr,
                     AttributeProto &proto) {
  proto.set_name(name.str());
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    proto.set_type(AttributeProto::FLOAT);
    proto.set_f(f.getValueAsDouble());
  } else if (auto i = dyn_cast<IntegerAttr>(attr)) {
    proto.set_type(AttributeProto::INT);
    proto.set_i(i.getInt());
  } else if (auto s = dyn_cast<StringAttr>(attr)) {
    proto.set_type(AttributeProto::STRING);
    proto.set_s(s.str());
  } else if (auto e = dyn_cast<ElementsAttr>(attr)) {
    proto.set_type(AttributeProto::TENSOR);
    return tensorToOnnx(e, *proto.mutable_t());
  } else if (auto arr = dyn_cast<ArrayAttr>(attr)) {
    // An empty list keeps the kind ONNX's schema expects for the name; the
    // caller passes the schema-typed name, so INTS is the common default.
    proto.set_type(AttributeProto::INTS);
    for (Attribute elt : arr) {
      if (auto f = dyn_cast<FloatAttr>(elt)) {
        proto.set_type(AttributeProto::FLOATS);
        proto.add_floats(f.getValueAsDouble());
      } else if (auto i = dyn_cast<IntegerAttr>(elt)) {
        proto.set_type(AttributeProto::INTS);
        proto.add_ints(i.getInt());
      } else if (auto s = dyn_cast<StringAttr>(elt)) {
        proto.set_type(AttributeProto::STRINGS);
        proto.add_strings(s.str());
      } else {
        return false;
      }
    }
  } else {
    return false;
  }
  return true;
}

} // namespace iron
