//===- OnnxBridgeTest.cpp - ONNX protobuf <-> MLIR, schema rules, files ---===//
//
// Unit tests of iron/Dialect/OnnxBridge.h, iron/Support/OnnxSchema.h and
// iron/Support/FileUtils.h. Every expected value is written out by hand from
// ONNX's definitions (onnx.proto, the operator docs), never computed by the
// code under test.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/OnnxBridge.h"
#include "iron/Support/FileUtils.h"
#include "iron/Support/OnnxSchema.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <csignal>
#include <cstdlib>

#include <sys/resource.h>
#include <unistd.h>

using namespace mlir;
using onnx::AttributeProto;
using onnx::TensorProto;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

class BridgeTest : public ::testing::Test {
protected:
  BridgeTest() : ctx(MLIRContext::Threading::DISABLED) {}
  /// Parses an MLIR type spelling ("f32", "ui8", "tensor<?x3xf32>").
  Type type(llvm::StringRef spelling) {
    Type t = parseType(spelling, &ctx);
    EXPECT_TRUE(t) << "cannot parse type " << spelling.str();
    return t;
  }
  MLIRContext ctx;
};

template <typename T> std::string bytesOf(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}

/// The bytes a DenseResourceElementsAttr's blob holds.
llvm::ArrayRef<char> blobBytes(ElementsAttr attr) {
  auto res = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!res)
    return {};
  const AsmResourceBlob *blob = res.getRawHandle().getBlob();
  if (!blob)
    return {};
  return blob->getData();
}

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

// The ONNX TensorProto.DataType numbers (onnx.proto) and the MLIR element
// types the dialect uses for them: signed integers are signless, unsigned
// ones keep their signedness, bool is i1.
struct TypeCase {
  int onnx;
  const char *mlir;
  const char *name;
  size_t bytes;
};
const TypeCase kSupportedTypes[] = {
    {1, "f32", "float", 4},     {2, "ui8", "uint8", 1},    {3, "i8", "int8", 1},
    {4, "ui16", "uint16", 2},   {5, "i16", "int16", 2},    {6, "i32", "int32", 4},
    {7, "i64", "int64", 8},     {9, "i1", "bool", 1},      {10, "f16", "float16", 2},
    {11, "f64", "double", 8},   {12, "ui32", "uint32", 4}, {13, "ui64", "uint64", 8},
    {16, "bf16", "bfloat16", 2},
};

TEST_F(BridgeTest, ElementTypeFromOnnxEverySupportedType) {
  for (const auto &c : kSupportedTypes) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(iron::elementTypeFromOnnx(&ctx, c.onnx), type(c.mlir));
  }
}

TEST_F(BridgeTest, OnnxDataTypeOfEverySupportedType) {
  for (const auto &c : kSupportedTypes) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(iron::onnxDataTypeOf(type(c.mlir)), c.onnx);
  }
}

TEST_F(BridgeTest, ElementTypeRoundTrip) {
  for (const auto &c : kSupportedTypes) {
    SCOPED_TRACE(c.name);
    Type t = iron::elementTypeFromOnnx(&ctx, c.onnx);
    ASSERT_TRUE(t);
    EXPECT_EQ(iron::onnxDataTypeOf(t), c.onnx);
  }
}

TEST_F(BridgeTest, UnsupportedElementTypesAreNull) {
  // UNDEFINED = 0, STRING = 8, COMPLEX64 = 14, COMPLEX128 = 15, and numbers
  // that are no data type at all.
  for (int dt : {0, 8, 14, 15, 99, -1}) {
    SCOPED_TRACE(dt);
    EXPECT_FALSE(iron::elementTypeFromOnnx(&ctx, dt));
  }
  EXPECT_FALSE(iron::elementTypeFromOnnx(&ctx, TensorProto::STRING));
  EXPECT_FALSE(iron::elementTypeFromOnnx(&ctx, TensorProto::COMPLEX64));
}

TEST_F(BridgeTest, OnnxDataTypeOfUnsupportedTypesIsUndefined) {
  for (const char *spelling : {"index", "i4", "i2", "f80", "f128", "complex<f32>",
                               "none", "tensor<2xf32>", "vector<4xf32>"}) {
    SCOPED_TRACE(spelling);
    EXPECT_EQ(iron::onnxDataTypeOf(type(spelling)), 0);
  }
}

TEST_F(BridgeTest, DataTypeNamesAndSizes) {
  for (const auto &c : kSupportedTypes) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(iron::onnxDataTypeName(c.onnx), c.name);
    EXPECT_EQ(iron::onnxElementSize(c.onnx), c.bytes);
  }
  EXPECT_EQ(iron::onnxDataTypeName(8), "string");
  EXPECT_EQ(iron::onnxDataTypeName(14), "complex64");
  EXPECT_EQ(iron::onnxElementSize(8), 0u);  // string: no fixed size
  EXPECT_EQ(iron::onnxElementSize(14), 0u); // complex64: not supported
  EXPECT_EQ(iron::onnxElementSize(0), 0u);
  // Not a data type at all: named by number.
  EXPECT_NE(iron::onnxDataTypeName(12345).find("12345"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

onnx::TypeProto tensorTypeProto(int elemType, const std::vector<std::string> &dims,
                                bool ranked = true) {
  onnx::TypeProto t;
  auto *tt = t.mutable_tensor_type();
  tt->set_elem_type(elemType);
  if (!ranked)
    return t;
  auto *shape = tt->mutable_shape();
  for (const auto &d : dims) {
    auto *dim = shape->add_dim();
    if (d == "?")
      continue; // neither dim_value nor dim_param
    if (std::isdigit(static_cast<unsigned char>(d[0])) || d[0] == '-')
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
  return t; // no dims: rank 0
}

TEST_F(BridgeTest, TypeFromOnnxStatic) {
  auto t = iron::typeFromOnnx(&ctx, tensorTypeProto(TensorProto::FLOAT, {"1", "3", "224", "224"}));
  ASSERT_TRUE(static_cast<bool>(t)) << errorText(t.takeError());
  EXPECT_EQ(Type(*t), type("tensor<1x3x224x224xf32>"));
}

TEST_F(BridgeTest, TypeFromOnnxDimParamAndUnknownDimsAreDynamic) {
  auto t = iron::typeFromOnnx(
      &ctx, tensorTypeProto(TensorProto::INT64, {"batch", "3", "?", "seq_len"}));
  ASSERT_TRUE(static_cast<bool>(t)) << errorText(t.takeError());
  EXPECT_EQ(Type(*t), type("tensor<?x3x?x?xi64>"));

  // A negative dim_value (-1, as some exporters write) is unknown too.
  auto neg = iron::typeFromOnnx(&ctx, tensorTypeProto(TensorProto::FLOAT, {"-1", "8"}));
  ASSERT_TRUE(static_cast<bool>(neg)) << errorText(neg.takeError());
  EXPECT_EQ(Type(*neg), type("tensor<?x8xf32>"));
}

TEST_F(BridgeTest, TypeFromOnnxScalarAndUnranked) {
  auto scalar = iron::typeFromOnnx(&ctx, tensorTypeProto(TensorProto::UINT8, {}));
  ASSERT_TRUE(static_cast<bool>(scalar)) << errorText(scalar.takeError());
  EXPECT_EQ(Type(*scalar), type("tensor<ui8>"));

  auto unranked =
      iron::typeFromOnnx(&ctx, tensorTypeProto(TensorProto::FLOAT16, {}, /*ranked=*/false));
  ASSERT_TRUE(static_cast<bool>(unranked)) << errorText(unranked.takeError());
  EXPECT_EQ(Type(*unranked), type("tensor<*xf16>"));
}

TEST_F(BridgeTest, TypeFromOnnxNonTensorIsAnError) {
  onnx::TypeProto seq;
  *seq.mutable_sequence_type()->mutable_elem_type() =
      tensorTypeProto(TensorProto::FLOAT, {"2"});
  auto t = iron::typeFromOnnx(&ctx, seq);
  ASSERT_FALSE(static_cast<bool>(t));
  EXPECT_NE(errorText(t.takeError()).find("not a tensor"), std::string::npos);

  onnx::TypeProto empty; // no value case at all
  auto e = iron::typeFromOnnx(&ctx, empty);
  ASSERT_FALSE(static_cast<bool>(e));
  llvm::consumeError(e.takeError());
}

TEST_F(BridgeTest, TypeFromOnnxUnsupportedElementTypeIsAnError) {
  auto t = iron::typeFromOnnx(&ctx, tensorTypeProto(TensorProto::STRING, {"4"}));
  ASSERT_FALSE(static_cast<bool>(t));
  EXPECT_NE(errorText(t.takeError()).find("string"), std::string::npos);
}

TEST_F(BridgeTest, TypeToOnnxRoundTrip) {
  onnx::TypeProto proto;
  iron::typeToOnnx(type("tensor<2x?x5xbf16>"), proto);
  ASSERT_TRUE(proto.has_tensor_type());
  EXPECT_EQ(proto.tensor_type().elem_type(), 16); // BFLOAT16
  ASSERT_EQ(proto.tensor_type().shape().dim_size(), 3);
  EXPECT_EQ(proto.tensor_type().shape().dim(0).dim_value(), 2);
  EXPECT_FALSE(proto.tensor_type().shape().dim(1).has_dim_value());
  EXPECT_EQ(proto.tensor_type().shape().dim(2).dim_value(), 5);
  auto back = iron::typeFromOnnx(&ctx, proto);
  ASSERT_TRUE(static_cast<bool>(back)) << errorText(back.takeError());
  EXPECT_EQ(Type(*back), type("tensor<2x?x5xbf16>"));

  onnx::TypeProto unranked;
  iron::typeToOnnx(type("tensor<*xi32>"), unranked);
  EXPECT_EQ(unranked.tensor_type().elem_type(), 6); // INT32
  EXPECT_FALSE(unranked.tensor_type().has_shape());
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

TEST_F(BridgeTest, AttributeFloat) {
  AttributeProto a;
  a.set_name("alpha");
  a.set_type(AttributeProto::FLOAT);
  a.set_f(0.125f);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("0.125 : f32", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("alpha", *attr, back));
  EXPECT_EQ(back.name(), "alpha");
  EXPECT_EQ(back.type(), AttributeProto::FLOAT);
  EXPECT_EQ(back.f(), 0.125f);
}

TEST_F(BridgeTest, AttributeFloatKeepsSinglePrecisionValue) {
  AttributeProto a;
  a.set_name("epsilon");
  a.set_type(AttributeProto::FLOAT);
  a.set_f(1e-5f); // not exact in binary: must come back as the same float
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("epsilon", *attr, back));
  EXPECT_EQ(back.f(), 1e-5f);
}

TEST_F(BridgeTest, AttributeInt) {
  AttributeProto a;
  a.set_name("axis");
  a.set_type(AttributeProto::INT);
  a.set_i(-3);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("-3 : i64", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("axis", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::INT);
  EXPECT_EQ(back.i(), -3);

  // The largest int64 survives.
  a.set_i(INT64_MAX);
  auto big = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(big)) << errorText(big.takeError());
  ASSERT_TRUE(iron::attributeToOnnx("axis", *big, back));
  EXPECT_EQ(back.i(), INT64_MAX);
}

TEST_F(BridgeTest, AttributeString) {
  AttributeProto a;
  a.set_name("auto_pad");
  a.set_type(AttributeProto::STRING);
  a.set_s("SAME_UPPER");
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("\"SAME_UPPER\"", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("auto_pad", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::STRING);
  EXPECT_EQ(back.s(), "SAME_UPPER");
}

TEST_F(BridgeTest, AttributeInts) {
  AttributeProto a;
  a.set_name("pads");
  a.set_type(AttributeProto::INTS);
  for (int64_t v : {1, 2, 3, -4})
    a.add_ints(v);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("[1 : i64, 2 : i64, 3 : i64, -4 : i64]", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("pads", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::INTS);
  EXPECT_EQ(std::vector<int64_t>(back.ints().begin(), back.ints().end()),
            (std::vector<int64_t>{1, 2, 3, -4}));
}

TEST_F(BridgeTest, AttributeFloats) {
  AttributeProto a;
  a.set_name("scales");
  a.set_type(AttributeProto::FLOATS);
  for (float v : {1.0f, 2.5f, -0.75f})
    a.add_floats(v);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("[1.0 : f32, 2.5 : f32, -0.75 : f32]", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("scales", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::FLOATS);
  EXPECT_EQ(std::vector<float>(back.floats().begin(), back.floats().end()),
            (std::vector<float>{1.0f, 2.5f, -0.75f}));
}

TEST_F(BridgeTest, AttributeStrings) {
  AttributeProto a;
  a.set_name("activations");
  a.set_type(AttributeProto::STRINGS);
  for (const char *s : {"Sigmoid", "Tanh", "Tanh"})
    a.add_strings(s);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("[\"Sigmoid\", \"Tanh\", \"Tanh\"]", &ctx));

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("activations", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::STRINGS);
  EXPECT_EQ(std::vector<std::string>(back.strings().begin(), back.strings().end()),
            (std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}));
}

TEST_F(BridgeTest, AttributeTensor) {
  AttributeProto a;
  a.set_name("value");
  a.set_type(AttributeProto::TENSOR);
  TensorProto *t = a.mutable_t();
  t->set_data_type(TensorProto::FLOAT);
  t->add_dims(2);
  t->add_dims(2);
  for (float v : {1.0f, -2.0f, 3.5f, 0.0f})
    t->add_float_data(v);
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(*attr, parseAttribute("dense<[[1.0, -2.0], [3.5, 0.0]]> : tensor<2x2xf32>", &ctx));
  // The attribute's proto is untouched (it is const).
  EXPECT_EQ(a.t().float_data_size(), 4);

  AttributeProto back;
  ASSERT_TRUE(iron::attributeToOnnx("value", *attr, back));
  EXPECT_EQ(back.type(), AttributeProto::TENSOR);
  EXPECT_EQ(back.t().data_type(), TensorProto::FLOAT);
  EXPECT_EQ(std::vector<int64_t>(back.t().dims().begin(), back.t().dims().end()),
            (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(back.t().raw_data(), bytesOf<float>({1.0f, -2.0f, 3.5f, 0.0f}));
}

TEST_F(BridgeTest, AttributeGraphIsAnError) {
  AttributeProto a;
  a.set_name("then_branch");
  a.set_type(AttributeProto::GRAPH);
  a.mutable_g()->set_name("then");
  auto attr = iron::attributeFromOnnx(&ctx, a);
  ASSERT_FALSE(static_cast<bool>(attr));
  std::string msg = errorText(attr.takeError());
  EXPECT_NE(msg.find("then_branch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("GRAPH"), std::string::npos) << msg;
}

TEST_F(BridgeTest, AttributeOtherUnsupportedKindsAreErrors) {
  for (auto kind : {AttributeProto::GRAPHS, AttributeProto::SPARSE_TENSOR,
                    AttributeProto::TYPE_PROTO, AttributeProto::UNDEFINED}) {
    SCOPED_TRACE(AttributeProto::AttributeType_Name(kind));
    AttributeProto a;
    a.set_name("x");
    a.set_type(kind);
    auto attr = iron::attributeFromOnnx(&ctx, a);
    EXPECT_FALSE(static_cast<bool>(attr));
    if (!attr)
      llvm::consumeError(attr.takeError());
  }
}

TEST_F(BridgeTest, AttributeToOnnxRejectsAttributesWithoutOnnxForm) {
  AttributeProto p;
  EXPECT_FALSE(iron::attributeToOnnx("t", TypeAttr::get(type("f32")), p));
  EXPECT_FALSE(iron::attributeToOnnx("u", UnitAttr::get(&ctx), p));
  // An array holding something that is no number or string.
  EXPECT_FALSE(iron::attributeToOnnx(
      "a", parseAttribute("[f32, i64]", &ctx), p));
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

TensorProto tensor(const std::string &name, int dataType, std::vector<int64_t> dims) {
  TensorProto t;
  t.set_name(name);
  t.set_data_type(dataType);
  for (int64_t d : dims)
    t.add_dims(d);
  return t;
}

TEST_F(BridgeTest, TensorFromFloatData) {
  TensorProto t = tensor("w", TensorProto::FLOAT, {2, 3});
  for (float v : {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, 100.0f})
    t.add_float_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "w");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<2x3xf32>"));
  auto values = llvm::to_vector(dense.getValues<float>());
  EXPECT_EQ(values, (llvm::SmallVector<float>{1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, 100.0f}));
}

TEST_F(BridgeTest, TensorFromInt64Data) {
  TensorProto t = tensor("shape", TensorProto::INT64, {4});
  for (int64_t v : {int64_t(-1), int64_t(0), INT64_MAX, INT64_MIN})
    t.add_int64_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "shape");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<4xi64>"));
  auto values = llvm::to_vector(dense.getValues<int64_t>());
  EXPECT_EQ(values, (llvm::SmallVector<int64_t>{-1, 0, INT64_MAX, INT64_MIN}));
}

TEST_F(BridgeTest, TensorFromRawData) {
  TensorProto t = tensor("raw", TensorProto::FLOAT, {4});
  std::vector<float> values = {0.5f, -1.0f, 2.0f, 8.0f};
  t.set_raw_data(bytesOf(values));
  auto attr = iron::tensorFromOnnx(&ctx, t, "raw");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<4xf32>"));
  EXPECT_EQ(llvm::to_vector(dense.getValues<float>()),
            (llvm::SmallVector<float>{0.5f, -1.0f, 2.0f, 8.0f}));
}

TEST_F(BridgeTest, TensorFromRawDataDoubleAndInt32) {
  TensorProto d = tensor("d", TensorProto::DOUBLE, {3});
  d.set_raw_data(bytesOf<double>({0.1, -2.5, 1e100}));
  auto dAttr = iron::tensorFromOnnx(&ctx, d, "d");
  ASSERT_TRUE(static_cast<bool>(dAttr)) << errorText(dAttr.takeError());
  auto dDense = dyn_cast<DenseElementsAttr>(*dAttr);
  ASSERT_TRUE(dDense);
  EXPECT_EQ(dDense.getType(), type("tensor<3xf64>"));
  EXPECT_EQ(llvm::to_vector(dDense.getValues<double>()),
            (llvm::SmallVector<double>{0.1, -2.5, 1e100}));

  TensorProto i = tensor("i", TensorProto::INT32, {1, 3});
  i.set_raw_data(bytesOf<int32_t>({-7, 0, 2147483647}));
  auto iAttr = iron::tensorFromOnnx(&ctx, i, "i");
  ASSERT_TRUE(static_cast<bool>(iAttr)) << errorText(iAttr.takeError());
  auto iDense = dyn_cast<DenseElementsAttr>(*iAttr);
  ASSERT_TRUE(iDense);
  EXPECT_EQ(iDense.getType(), type("tensor<1x3xi32>"));
  EXPECT_EQ(llvm::to_vector(iDense.getValues<int32_t>()),
            (llvm::SmallVector<int32_t>{-7, 0, 2147483647}));
}

TEST_F(BridgeTest, TensorFromInt32DataAsInt8) {
  // onnx.proto: int8 values are stored in int32_data.
  TensorProto t = tensor("q", TensorProto::INT8, {4});
  for (int32_t v : {-128, 127, 5, -1})
    t.add_int32_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "q");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<4xi8>"));
  EXPECT_EQ(llvm::to_vector(dense.getValues<int8_t>()),
            (llvm::SmallVector<int8_t>{-128, 127, 5, -1}));
}

TEST_F(BridgeTest, TensorFromInt32DataAsUint8) {
  TensorProto t = tensor("zp", TensorProto::UINT8, {3});
  for (int32_t v : {0, 255, 128})
    t.add_int32_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "zp");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<3xui8>"));
  std::vector<uint64_t> values;
  for (const APInt &v : dense.getValues<APInt>())
    values.push_back(v.getZExtValue());
  EXPECT_EQ(values, (std::vector<uint64_t>{0, 255, 128}));
}

TEST_F(BridgeTest, TensorFromInt32DataAsBool) {
  TensorProto t = tensor("mask", TensorProto::BOOL, {2, 2});
  for (int32_t v : {1, 0, 0, 1})
    t.add_int32_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "mask");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<2x2xi1>"));
  EXPECT_EQ(llvm::to_vector(dense.getValues<bool>()),
            (llvm::SmallVector<bool>{true, false, false, true}));
}

TEST_F(BridgeTest, TensorFromRawDataAsBool) {
  TensorProto t = tensor("mask", TensorProto::BOOL, {3});
  t.set_raw_data(std::string("\x01\x00\x01", 3));
  auto attr = iron::tensorFromOnnx(&ctx, t, "mask");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(llvm::to_vector(dense.getValues<bool>()),
            (llvm::SmallVector<bool>{true, false, true}));
}

TEST_F(BridgeTest, TensorFromInt32DataAsFloat16) {
  // float16 bit patterns: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800,
  // 65504 (largest half) = 0x7BFF.
  TensorProto t = tensor("h", TensorProto::FLOAT16, {4});
  for (int32_t v : {0x3C00, 0xC000, 0x3800, 0x7BFF})
    t.add_int32_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "h");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<4xf16>"));
  std::vector<double> values;
  std::vector<uint64_t> bits;
  for (APFloat v : dense.getValues<APFloat>()) {
    bits.push_back(v.bitcastToAPInt().getZExtValue());
    bool losesInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
    values.push_back(v.convertToDouble());
  }
  EXPECT_EQ(bits, (std::vector<uint64_t>{0x3C00, 0xC000, 0x3800, 0x7BFF}));
  EXPECT_EQ(values, (std::vector<double>{1.0, -2.0, 0.5, 65504.0}));
}

TEST_F(BridgeTest, TensorFromUint64DataAsUint32AndUint64) {
  // onnx.proto: uint32 and uint64 values are stored in uint64_data.
  TensorProto u32 = tensor("u32", TensorProto::UINT32, {2});
  u32.add_uint64_data(4294967295u);
  u32.add_uint64_data(7);
  auto a32 = iron::tensorFromOnnx(&ctx, u32, "u32");
  ASSERT_TRUE(static_cast<bool>(a32)) << errorText(a32.takeError());
  auto d32 = dyn_cast<DenseElementsAttr>(*a32);
  ASSERT_TRUE(d32);
  EXPECT_EQ(d32.getType(), type("tensor<2xui32>"));
  std::vector<uint64_t> v32;
  for (const APInt &v : d32.getValues<APInt>())
    v32.push_back(v.getZExtValue());
  EXPECT_EQ(v32, (std::vector<uint64_t>{4294967295u, 7}));

  TensorProto u64 = tensor("u64", TensorProto::UINT64, {1});
  u64.add_uint64_data(UINT64_MAX);
  auto a64 = iron::tensorFromOnnx(&ctx, u64, "u64");
  ASSERT_TRUE(static_cast<bool>(a64)) << errorText(a64.takeError());
  auto d64 = dyn_cast<DenseElementsAttr>(*a64);
  ASSERT_TRUE(d64);
  EXPECT_EQ(d64.getType(), type("tensor<1xui64>"));
  EXPECT_EQ((*d64.getValues<APInt>().begin()).getZExtValue(), UINT64_MAX);
}

TEST_F(BridgeTest, TensorScalar) {
  TensorProto t = tensor("s", TensorProto::FLOAT, {});
  t.add_float_data(42.0f);
  auto attr = iron::tensorFromOnnx(&ctx, t, "s");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense);
  EXPECT_EQ(dense.getType(), type("tensor<f32>"));
  EXPECT_EQ(*dense.getValues<float>().begin(), 42.0f);
}

TEST_F(BridgeTest, TensorEmpty) {
  TensorProto t = tensor("e", TensorProto::INT64, {0});
  auto attr = iron::tensorFromOnnx(&ctx, t, "e");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  EXPECT_EQ(Type(attr->getType()), type("tensor<0xi64>"));
  EXPECT_EQ(attr->getNumElements(), 0);
}

TEST_F(BridgeTest, TensorOf256BytesStaysInline) {
  // 64 floats = 256 bytes = kInlineTensorBytes: still a DenseElementsAttr.
  std::vector<float> values(64);
  for (int i = 0; i < 64; ++i)
    values[i] = 0.5f * i - 3.0f;
  TensorProto t = tensor("edge", TensorProto::FLOAT, {8, 8});
  t.set_raw_data(bytesOf(values));
  auto attr = iron::tensorFromOnnx(&ctx, t, "edge");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto dense = dyn_cast<DenseElementsAttr>(*attr);
  ASSERT_TRUE(dense) << "a 256-byte tensor must stay inline";
  EXPECT_EQ(llvm::to_vector(dense.getValues<float>()),
            llvm::SmallVector<float>(values.begin(), values.end()));
}

TEST_F(BridgeTest, LargeRawTensorBecomesResourceWithoutCopy) {
  // 65 floats = 260 bytes > 256: a resource blob that owns the bytes.
  std::vector<float> values(65);
  for (int i = 0; i < 65; ++i)
    values[i] = 1.0f / (i + 1);
  TensorProto t = tensor("conv1.weight", TensorProto::FLOAT, {5, 13});
  t.set_raw_data(bytesOf(values));
  const char *original = t.raw_data().data();
  auto attr = iron::tensorFromOnnx(&ctx, t, "conv1.weight");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  auto res = dyn_cast<DenseResourceElementsAttr>(*attr);
  ASSERT_TRUE(res) << "a 260-byte tensor must become a resource";
  EXPECT_EQ(res.getType(), type("tensor<5x13xf32>"));
  EXPECT_EQ(res.getRawHandle().getKey().str(), "conv1.weight");
  llvm::ArrayRef<char> blob = blobBytes(*attr);
  EXPECT_EQ(std::string(blob.data(), blob.size()), bytesOf(values));
  // The bytes moved: the proto is empty and the blob holds the same buffer.
  EXPECT_TRUE(t.raw_data().empty());
  EXPECT_EQ(blob.data(), original);
}

TEST_F(BridgeTest, SameBlobNameTwiceKeepsBothTensors) {
  // Two different tensors under one name in one context: each attribute
  // must still hold its own bytes.
  std::vector<float> a = std::vector<float>(100, 1.0f), b = std::vector<float>(100, 2.0f);
  TensorProto ta = tensor("w", TensorProto::FLOAT, {100});
  ta.set_raw_data(bytesOf(a));
  TensorProto tb = tensor("w", TensorProto::FLOAT, {100});
  tb.set_raw_data(bytesOf(b));
  auto attrA = iron::tensorFromOnnx(&ctx, ta, "w");
  auto attrB = iron::tensorFromOnnx(&ctx, tb, "w");
  ASSERT_TRUE(static_cast<bool>(attrA)) << errorText(attrA.takeError());
  ASSERT_TRUE(static_cast<bool>(attrB)) << errorText(attrB.takeError());
  EXPECT_NE(*attrA, *attrB);
  llvm::ArrayRef<char> blobA = blobBytes(*attrA), blobB = blobBytes(*attrB);
  EXPECT_EQ(std::string(blobA.data(), blobA.size()), bytesOf(a));
  EXPECT_EQ(std::string(blobB.data(), blobB.size()), bytesOf(b));
}

TEST_F(BridgeTest, LargeTypedTensorBecomesResource) {
  // 100 int64 = 800 bytes from int64_data.
  TensorProto t = tensor("idx", TensorProto::INT64, {100});
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 100; ++i) {
    values.push_back(i * i - 50);
    t.add_int64_data(i * i - 50);
  }
  auto attr = iron::tensorFromOnnx(&ctx, t, "idx");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  ASSERT_TRUE(isa<DenseResourceElementsAttr>(*attr));
  llvm::ArrayRef<char> blob = blobBytes(*attr);
  EXPECT_EQ(std::string(blob.data(), blob.size()), bytesOf(values));
}

TEST_F(BridgeTest, LargeFloat16RawTensorBecomesResource) {
  // 200 halves = 400 bytes.
  std::vector<uint16_t> bits(200);
  for (int i = 0; i < 200; ++i)
    bits[i] = uint16_t(0x3C00 + i);
  TensorProto t = tensor("h", TensorProto::FLOAT16, {10, 20});
  t.set_raw_data(bytesOf(bits));
  auto attr = iron::tensorFromOnnx(&ctx, t, "h");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  ASSERT_TRUE(isa<DenseResourceElementsAttr>(*attr));
  EXPECT_EQ(Type(attr->getType()), type("tensor<10x20xf16>"));
  llvm::ArrayRef<char> blob = blobBytes(*attr);
  EXPECT_EQ(std::string(blob.data(), blob.size()), bytesOf(bits));
}

TEST_F(BridgeTest, RawByteCountMismatchNamesTheTensor) {
  // [2, 3] floats need 24 bytes; 20 are given.
  TensorProto t = tensor("layer3.bias", TensorProto::FLOAT, {2, 3});
  t.set_raw_data(std::string(20, '\0'));
  auto attr = iron::tensorFromOnnx(&ctx, t, "layer3.bias");
  ASSERT_FALSE(static_cast<bool>(attr));
  std::string msg = errorText(attr.takeError());
  EXPECT_NE(msg.find("layer3.bias"), std::string::npos) << msg;
  EXPECT_NE(msg.find("20"), std::string::npos) << msg;
  EXPECT_NE(msg.find("24"), std::string::npos) << msg;
}

TEST_F(BridgeTest, LargeRawByteCountMismatchIsAnError) {
  // [100] floats need 400 bytes; 404 are given.
  TensorProto t = tensor("big", TensorProto::FLOAT, {100});
  t.set_raw_data(std::string(404, '\0'));
  auto attr = iron::tensorFromOnnx(&ctx, t, "big");
  ASSERT_FALSE(static_cast<bool>(attr));
  std::string msg = errorText(attr.takeError());
  EXPECT_NE(msg.find("'big'"), std::string::npos) << msg;
}

TEST_F(BridgeTest, TypedFieldCountMismatchIsAnError) {
  TensorProto t = tensor("w", TensorProto::FLOAT, {2, 3});
  for (int i = 0; i < 5; ++i)
    t.add_float_data(1.0f);
  auto attr = iron::tensorFromOnnx(&ctx, t, "w");
  ASSERT_FALSE(static_cast<bool>(attr));
  EXPECT_NE(errorText(attr.takeError()).find("'w'"), std::string::npos);
}

TEST_F(BridgeTest, UnsupportedTensorsAreErrors) {
  TensorProto s = tensor("names", TensorProto::STRING, {1});
  s.add_string_data("hello");
  auto sAttr = iron::tensorFromOnnx(&ctx, s, "names");
  ASSERT_FALSE(static_cast<bool>(sAttr));
  std::string msg = errorText(sAttr.takeError());
  EXPECT_NE(msg.find("names"), std::string::npos) << msg;
  EXPECT_NE(msg.find("string"), std::string::npos) << msg;

  TensorProto ext = tensor("ext", TensorProto::FLOAT, {4});
  ext.set_data_location(TensorProto::EXTERNAL);
  auto *kv = ext.add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  auto eAttr = iron::tensorFromOnnx(&ctx, ext, "ext");
  ASSERT_FALSE(static_cast<bool>(eAttr));
  EXPECT_NE(errorText(eAttr.takeError()).find("ext"), std::string::npos);

  TensorProto neg = tensor("neg", TensorProto::FLOAT, {-1});
  auto nAttr = iron::tensorFromOnnx(&ctx, neg, "neg");
  ASSERT_FALSE(static_cast<bool>(nAttr));
  llvm::consumeError(nAttr.takeError());
}

TEST_F(BridgeTest, TensorToOnnxRoundTripDense) {
  // Written from typed fields, read back as raw little-endian bytes.
  TensorProto t = tensor("w", TensorProto::FLOAT, {3});
  for (float v : {1.0f, -0.5f, 3.0f})
    t.add_float_data(v);
  auto attr = iron::tensorFromOnnx(&ctx, t, "w");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  TensorProto back;
  ASSERT_TRUE(iron::tensorToOnnx(*attr, back));
  EXPECT_EQ(back.data_type(), TensorProto::FLOAT);
  EXPECT_EQ(std::vector<int64_t>(back.dims().begin(), back.dims().end()),
            (std::vector<int64_t>{3}));
  EXPECT_EQ(back.raw_data(), bytesOf<float>({1.0f, -0.5f, 3.0f}));
}

TEST_F(BridgeTest, TensorToOnnxRoundTripEveryType) {
  struct Case {
    int dataType;
    std::string raw;
  };
  const Case cases[] = {
      {TensorProto::FLOAT, bytesOf<float>({1.0f, -2.0f})},
      {TensorProto::DOUBLE, bytesOf<double>({0.1, -1e300})},
      {TensorProto::FLOAT16, bytesOf<uint16_t>({0x3C00, 0xC000})},
      {TensorProto::BFLOAT16, bytesOf<uint16_t>({0x3F80, 0xC000})}, // 1.0, -2.0
      {TensorProto::INT8, bytesOf<int8_t>({-128, 127})},
      {TensorProto::UINT8, bytesOf<uint8_t>({0, 255})},
      {TensorProto::INT16, bytesOf<int16_t>({-32768, 32767})},
      {TensorProto::UINT16, bytesOf<uint16_t>({0, 65535})},
      {TensorProto::INT32, bytesOf<int32_t>({INT32_MIN, -1})},
      {TensorProto::UINT32, bytesOf<uint32_t>({0xFFFFFFFFu, 3})},
      {TensorProto::INT64, bytesOf<int64_t>({INT64_MIN, -1})},
      {TensorProto::UINT64, bytesOf<uint64_t>({UINT64_MAX, 9})},
      {TensorProto::BOOL, std::string("\x01\x00", 2)},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(iron::onnxDataTypeName(c.dataType));
    TensorProto t = tensor("t", c.dataType, {2});
    t.set_raw_data(c.raw);
    auto attr = iron::tensorFromOnnx(&ctx, t, "t");
    ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
    TensorProto back;
    ASSERT_TRUE(iron::tensorToOnnx(*attr, back));
    EXPECT_EQ(back.data_type(), c.dataType);
    EXPECT_EQ(back.dims_size(), 1);
    EXPECT_EQ(back.raw_data(), c.raw);
  }
}

TEST_F(BridgeTest, TensorToOnnxRoundTripResource) {
  std::vector<float> values(300);
  for (int i = 0; i < 300; ++i)
    values[i] = float(i) - 150.25f;
  TensorProto t = tensor("fc.weight", TensorProto::FLOAT, {3, 100});
  t.set_raw_data(bytesOf(values));
  auto attr = iron::tensorFromOnnx(&ctx, t, "fc.weight");
  ASSERT_TRUE(static_cast<bool>(attr)) << errorText(attr.takeError());
  ASSERT_TRUE(isa<DenseResourceElementsAttr>(*attr));
  TensorProto back;
  ASSERT_TRUE(iron::tensorToOnnx(*attr, back));
  EXPECT_EQ(back.data_type(), TensorProto::FLOAT);
  EXPECT_EQ(std::vector<int64_t>(back.dims().begin(), back.dims().end()),
            (std::vector<int64_t>{3, 100}));
  EXPECT_EQ(back.raw_data(), bytesOf(values));
}

TEST_F(BridgeTest, TensorToOnnxSplat) {
  auto splat = cast<ElementsAttr>(parseAttribute("dense<2.5> : tensor<2x2xf32>", &ctx));
  TensorProto back;
  ASSERT_TRUE(iron::tensorToOnnx(splat, back));
  EXPECT_EQ(back.raw_data(), bytesOf<float>({2.5f, 2.5f, 2.5f, 2.5f}));
}

TEST_F(BridgeTest, TensorToOnnxRejectsDynamicAndUnsupported) {
  TensorProto back;
  auto complex = cast<ElementsAttr>(
      parseAttribute("dense<(1.0, 2.0)> : tensor<1xcomplex<f32>>", &ctx));
  EXPECT_FALSE(iron::tensorToOnnx(complex, back));
}

//===----------------------------------------------------------------------===//
// OnnxSchema
//===----------------------------------------------------------------------===//

namespace osch = iron::onnxschema;

std::set<std::string> dialectOpNames() {
  std::set<std::string> names;
  for (const onnx::OpSchema *s : osch::dialectSchemas())
    names.insert(s->Name());
  return names;
}

TEST(OnnxSchemaTest, DialectCoversTheCommonOperators) {
  auto schemas = osch::dialectSchemas();
  EXPECT_GE(schemas.size(), 150u);
  std::set<std::string> names = dialectOpNames();
  EXPECT_EQ(names.size(), schemas.size()) << "one schema per operator";
  for (const char *op :
       {"Conv", "ConvTranspose", "MatMul", "Gemm", "QuantizeLinear", "DequantizeLinear",
        "LayerNormalization", "BatchNormalization", "Relu", "Softmax", "Reshape",
        "Transpose", "Concat", "Gather", "Add", "Mul", "LSTM", "GRU", "RNN",
        "MaxPool", "AveragePool", "Resize", "Constant", "Shape", "Slice",
        "MatMulInteger", "QLinearConv", "QLinearMatMul", "Erf", "Where"}) {
    SCOPED_TRACE(op);
    EXPECT_TRUE(names.count(op));
  }
}

TEST(OnnxSchemaTest, DialectLeavesOutControlFlowSequencesAndStrings) {
  std::set<std::string> names = dialectOpNames();
  for (const char *op : {"If", "Loop", "Scan", "SequenceAt", "SequenceConstruct",
                         "SequenceEmpty", "SplitToSequence", "StringNormalizer",
                         "Optional", "OptionalGetElement"}) {
    SCOPED_TRACE(op);
    EXPECT_FALSE(names.count(op));
    EXPECT_EQ(osch::dialectSchema(op), nullptr);
  }
  // The ONNX standard (as of opset 17) has no Attention operator.
  EXPECT_FALSE(names.count("Attention"));
}

TEST(OnnxSchemaTest, DialectSchemasAreSortedAndInTheDefaultDomain) {
  auto schemas = osch::dialectSchemas();
  for (size_t i = 1; i < schemas.size(); ++i)
    EXPECT_LT(schemas[i - 1]->Name(), schemas[i]->Name());
  for (const auto *s : schemas) {
    EXPECT_EQ(s->domain(), "");
    EXPECT_LE(s->since_version(), osch::kDialectOpset) << s->Name();
    EXPECT_FALSE(s->Deprecated()) << s->Name();
  }
}

TEST(OnnxSchemaTest, DialectSchemaIsTheNewestVersionUpToOpset17) {
  // Versions from ONNX's operator changelog.
  const std::pair<const char *, int> versions[] = {
      {"Conv", 11},     {"Gemm", 13},    {"Softmax", 13}, {"Reshape", 14},
      {"Add", 14},      {"Relu", 14},    {"LSTM", 14},    {"Split", 13},
      {"LayerNormalization", 17},        {"BatchNormalization", 15},
      {"QuantizeLinear", 13},            {"DequantizeLinear", 13},
      {"MatMul", 13},   {"Constant", 13}};
  for (const auto &[op, version] : versions) {
    SCOPED_TRACE(op);
    const onnx::OpSchema *s = osch::dialectSchema(op);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->since_version(), version);
  }
  EXPECT_EQ(osch::kDialectOpset, 17);
  EXPECT_GE(osch::newestKnownOpset(), 17); // libonnx 1.12 knows opset 17
  EXPECT_EQ(osch::dialectSchema("NoSuchOperator"), nullptr);
}

TEST(OnnxSchemaTest, UnsupportedReasons) {
  for (const char *op : {"If", "Loop", "Scan"}) {
    SCOPED_TRACE(op);
    const onnx::OpSchema *s = onnx::OpSchemaRegistry::Schema(op, 17, "");
    ASSERT_NE(s, nullptr);
    std::string why = osch::unsupportedReason(*s);
    EXPECT_FALSE(why.empty());
    EXPECT_NE(why.find("subgraph"), std::string::npos) << why;
  }
  const onnx::OpSchema *seqAt = onnx::OpSchemaRegistry::Schema("SequenceAt", 17, "");
  ASSERT_NE(seqAt, nullptr);
  std::string why = osch::unsupportedReason(*seqAt);
  EXPECT_FALSE(why.empty());
  EXPECT_NE(why.find("input_sequence"), std::string::npos) << why;

  // Supported operators have no reason.
  for (const char *op : {"Conv", "MatMul", "QuantizeLinear", "Cast"}) {
    SCOPED_TRACE(op);
    const onnx::OpSchema *s = onnx::OpSchemaRegistry::Schema(op, 17, "");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(osch::unsupportedReason(*s), "");
  }
  // Upsample was deprecated in opset 10.
  const onnx::OpSchema *up = onnx::OpSchemaRegistry::Schema("Upsample", 17, "");
  ASSERT_NE(up, nullptr);
  EXPECT_NE(osch::unsupportedReason(*up).find("deprecated"), std::string::npos);
}

TEST(OnnxSchemaTest, ElementTypeSpellings) {
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(uint8)"), "ui8");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(int8)"), "i8");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(float)"), "f32");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(float16)"), "f16");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(bfloat16)"), "bf16");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(double)"), "f64");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(int64)"), "i64");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(uint64)"), "ui64");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(bool)"), "i1");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(string)"), "");
  EXPECT_EQ(osch::mlirElementTypeFor("tensor(complex64)"), "");
  EXPECT_EQ(osch::mlirElementTypeFor("seq(tensor(float))"), "");
  EXPECT_EQ(osch::mlirElementTypeFor("float"), "");
  EXPECT_EQ(osch::odsElementTypeFor("tensor(uint8)"), "UI8");
  EXPECT_EQ(osch::odsElementTypeFor("tensor(float)"), "F32");
  EXPECT_EQ(osch::odsElementTypeFor("tensor(bool)"), "I1");
  EXPECT_EQ(osch::odsElementTypeFor("tensor(string)"), "");
}

TEST(OnnxSchemaTest, SupportedAttributeKinds) {
  for (auto k : {AttributeProto::FLOAT, AttributeProto::INT, AttributeProto::STRING,
                 AttributeProto::TENSOR, AttributeProto::FLOATS, AttributeProto::INTS,
                 AttributeProto::STRINGS})
    EXPECT_TRUE(osch::isSupportedAttrType(k)) << AttributeProto::AttributeType_Name(k);
  for (auto k : {AttributeProto::GRAPH, AttributeProto::GRAPHS,
                 AttributeProto::SPARSE_TENSOR, AttributeProto::SPARSE_TENSORS,
                 AttributeProto::TENSORS, AttributeProto::TYPE_PROTO,
                 AttributeProto::UNDEFINED})
    EXPECT_FALSE(osch::isSupportedAttrType(k)) << AttributeProto::AttributeType_Name(k);
}

TEST(OnnxSchemaTest, SegmentSizes) {
  auto schema = [](const char *op) {
    const onnx::OpSchema *s = onnx::OpSchemaRegistry::Schema(op, 17, "");
    EXPECT_NE(s, nullptr) << op;
    return s;
  };
  // LSTM: 5 optional inputs, 3 optional outputs.
  EXPECT_TRUE(osch::needsOperandSegments(*schema("LSTM")));
  EXPECT_TRUE(osch::needsResultSegments(*schema("LSTM")));
  // Conv: only B is optional; one output.
  EXPECT_FALSE(osch::needsOperandSegments(*schema("Conv")));
  EXPECT_FALSE(osch::needsResultSegments(*schema("Conv")));
  // Clip-13: min and max are optional.
  EXPECT_TRUE(osch::needsOperandSegments(*schema("Clip")));
  // Concat: a single variadic input.
  EXPECT_FALSE(osch::needsOperandSegments(*schema("Concat")));
  // Dropout-13: only `mask` is an optional output.
  EXPECT_FALSE(osch::needsResultSegments(*schema("Dropout")));
  // BatchNormalization-15: running_mean and running_var are optional outputs.
  EXPECT_TRUE(osch::needsResultSegments(*schema("BatchNormalization")));
}

TEST(OnnxSchemaTest, OdsNameRenamesReservedNamesOnly) {
  for (const char *plain : {"axis", "X", "W", "B", "perm", "value", "mode",
                            "kernel_shape", "Y_h", "input", "output", "data"})
    EXPECT_EQ(osch::odsName(plain), plain);
  EXPECT_EQ(osch::odsName("type"), "type_");
  EXPECT_EQ(osch::odsName("name"), "name_");
  EXPECT_EQ(osch::odsName("operands"), "operands_");
  EXPECT_EQ(osch::odsName("results"), "results_");
  EXPECT_EQ(osch::odsName("attributes"), "attributes_");
  EXPECT_EQ(osch::odsName("location"), "location_");
  // Renaming is idempotent for the result of a renaming.
  EXPECT_EQ(osch::odsName("type_"), "type_");
}

//===----------------------------------------------------------------------===//
// FileUtils
//===----------------------------------------------------------------------===//

class FileUtilsTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("iron-fileutils", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::vector<std::string> listDir() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec))
      names.push_back(std::string(llvm::sys::path::filename(it->path())));
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string readAll(const std::string &p) {
    auto buf = llvm::MemoryBuffer::getFile(p);
    return buf ? (*buf)->getBuffer().str() : "<unreadable>";
  }
  static void writeRaw(const std::string &p, const std::string &content) {
    std::error_code ec;
    llvm::raw_fd_ostream os(p, ec);
    ASSERT_FALSE(ec);
    os << content;
  }

  llvm::SmallString<256> dir;
};

TEST_F(FileUtilsTest, WritesContent) {
  std::string out = path("out.mlir");
  llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
    os << "module {\n}\n";
    return llvm::Error::success();
  });
  ASSERT_FALSE(e) << llvm::toString(std::move(e));
  EXPECT_EQ(readAll(out), "module {\n}\n");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"out.mlir"}));
}

TEST_F(FileUtilsTest, ReplacesExistingFile) {
  std::string out = path("out.txt");
  writeRaw(out, "old content that is longer than the new one");
  llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
    os << "new";
    return llvm::Error::success();
  });
  ASSERT_FALSE(e) << llvm::toString(std::move(e));
  EXPECT_EQ(readAll(out), "new");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"out.txt"}));
}

TEST_F(FileUtilsTest, WritesLargeBinaryContent) {
  std::string content;
  for (int i = 0; i < (1 << 20); ++i)
    content.push_back(char(i * 131 % 251));
  std::string out = path("weights.bin");
  llvm::Error e = iron::writeFileAtomically(out, [&](llvm::raw_ostream &os) {
    os << content;
    return llvm::Error::success();
  });
  ASSERT_FALSE(e) << llvm::toString(std::move(e));
  EXPECT_EQ(readAll(out), content);
}

TEST_F(FileUtilsTest, FailingWriteKeepsOldContent) {
  std::string out = path("model.mlir");
  writeRaw(out, "previous result");
  llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
    os << "half of a new res";
    return llvm::createStringError("printer failed");
  });
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("printer failed"), std::string::npos);
  EXPECT_EQ(readAll(out), "previous result");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"model.mlir"}))
      << "no temporary file may be left behind";
}

TEST_F(FileUtilsTest, FailingWriteCreatesNoFile) {
  std::string out = path("model.mlir");
  llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
    os << std::string(100000, 'x'); // more than a stream buffer
    return llvm::createStringError("out of luck");
  });
  ASSERT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  EXPECT_FALSE(llvm::sys::fs::exists(out));
  EXPECT_TRUE(listDir().empty()) << "no temporary file may be left behind";
}

TEST_F(FileUtilsTest, MissingFolderIsAnError) {
  std::string out = path("no/such/folder/out.mlir");
  llvm::Error e = iron::writeFileAtomically(out, [&](llvm::raw_ostream &os) {
    os << "x";
    return llvm::Error::success();
  });
  ASSERT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  EXPECT_FALSE(llvm::sys::fs::exists(out));
  EXPECT_TRUE(listDir().empty());
}

TEST_F(FileUtilsTest, FolderThatIsAFileIsAnError) {
  // Even root cannot create a file under a regular file.
  std::string notDir = path("plain-file");
  writeRaw(notDir, "I am no folder");
  llvm::Error e =
      iron::writeFileAtomically(notDir + "/out.mlir", [](llvm::raw_ostream &os) {
        os << "x";
        return llvm::Error::success();
      });
  ASSERT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  EXPECT_EQ(readAll(notDir), "I am no folder");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"plain-file"}));
}

// A full disk is simulated with RLIMIT_FSIZE (writes past the limit fail with
// EFBIG); the limit applies to the whole process, so these run in a death
// test's child process.
void limitFileSize(rlim_t bytes) {
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit;
  ::getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = bytes;
  ::setrlimit(RLIMIT_FSIZE, &limit);
}

using FileUtilsDeathTest = FileUtilsTest;

TEST_F(FileUtilsDeathTest, DiskFullIsAnErrorAndLeavesNoFile) {
  std::string out = path("model.mlir");
  writeRaw(out, "previous");
  EXPECT_EXIT(
      {
        limitFileSize(4096);
        llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
          os << std::string(100000, 'x');
          return llvm::Error::success();
        });
        bool failed = static_cast<bool>(e);
        llvm::consumeError(std::move(e));
        std::_Exit(failed ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(readAll(out), "previous");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"model.mlir"}));
}

TEST_F(FileUtilsDeathTest, DiskFullAndFailingCallbackIsAnErrorNotACrash) {
  // The callback notices its own failure after the stream has already hit
  // the I/O error (e.g. a printer that gives up half-way on a full disk).
  std::string out = path("model.mlir");
  writeRaw(out, "previous");
  EXPECT_EXIT(
      {
        limitFileSize(4096);
        llvm::Error e = iron::writeFileAtomically(out, [](llvm::raw_ostream &os) {
          os << std::string(100000, 'x');
          return llvm::createStringError("printer gave up");
        });
        bool failed = static_cast<bool>(e);
        llvm::consumeError(std::move(e));
        std::_Exit(failed ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(readAll(out), "previous");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"model.mlir"}));
}

TEST_F(FileUtilsTest, UnwritableFolderIsAnError) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root ignores folder permissions";
  std::string sub = path("ro");
  ASSERT_FALSE(llvm::sys::fs::create_directory(sub));
  ASSERT_FALSE(llvm::sys::fs::setPermissions(
      sub, llvm::sys::fs::perms(llvm::sys::fs::owner_read | llvm::sys::fs::owner_exe)));
  llvm::Error e = iron::writeFileAtomically(sub + "/out.mlir", [](llvm::raw_ostream &os) {
    os << "x";
    return llvm::Error::success();
  });
  EXPECT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  EXPECT_FALSE(llvm::sys::fs::exists(sub + "/out.mlir"));
  llvm::sys::fs::setPermissions(sub, llvm::sys::fs::all_all);
}

TEST_F(FileUtilsTest, DestinationThatIsAFolderIsAnError) {
  // The rename fails; the temporary file must still be removed.
  std::string target = path("target");
  ASSERT_FALSE(llvm::sys::fs::create_directory(target));
  writeRaw(target + "/keep", "k");
  llvm::Error e = iron::writeFileAtomically(target, [](llvm::raw_ostream &os) {
    os << "x";
    return llvm::Error::success();
  });
  ASSERT_TRUE(static_cast<bool>(e));
  llvm::consumeError(std::move(e));
  EXPECT_TRUE(llvm::sys::fs::is_directory(target));
  EXPECT_EQ(listDir(), (std::vector<std::string>{"target"}));
}

} // namespace
