//===- NNTest.cpp - Reference conv, pooling, normalization, GEMM, RNN -----===//
//
// Expected values are independent of the kernels: worked by hand for tiny
// cases, otherwise computed in float64 by straightforward numpy loops
// (direct definitions of each operator; the RNN ones checked first against
// the reference helpers in onnx/backend/test/case/node/{lstm,gru,rnn}.py).
// Inputs come from pattern(), which the numpy scripts mirror exactly:
//   pattern(n, mul, mod, scale)[i] = ((i * mul) % mod - mod // 2) * scale
// Outputs start out as garbage, since kernels must not assume zeroed memory.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace iron::rt;
using namespace iron::rt::test;
namespace fb = iron::fb;

namespace {

std::vector<float> pattern(int n, int mul, int mod, float scale) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = float((i * mul) % mod - mod / 2) * scale;
  return v;
}

OwnedTensor f32(std::vector<int64_t> shape, std::vector<float> values) {
  return OwnedTensor::f32(shape, values);
}

/// An output tensor full of garbage (0x7f7f7f7f is 3.4e38 as a float).
OwnedTensor garbage(DType t, std::vector<int64_t> shape) {
  OwnedTensor o(t, shape);
  std::memset(o.view.data, 0x7f, o.view.bytes());
  return o;
}

void expectNear(const OwnedTensor &t, const std::vector<float> &expected, float tol = 2e-5f) {
  std::vector<float> got = t.values<float>();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], tol * (1.0f + std::fabs(expected[i]))) << "at " << i;
}

template <typename T> OwnedTensor intTensor(DType t, std::vector<int64_t> shape, std::vector<T> v) {
  return OwnedTensor::of(t, shape, v);
}

/// KernelRunner has no string-list attributes (RNN's activations); this
/// runs a kernel on an Operator built here with one, as KernelRunner does.
Status runWithStrings(const char *kind, const std::vector<AttrSpec> &attrs, const char *listName,
                      const std::vector<std::string> &list, std::vector<const OwnedTensor *> inputs,
                      std::vector<OwnedTensor *> outputs, std::string *message) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<fb::Attribute>> offsets;
  for (const AttrSpec &a : attrs)
    offsets.push_back(
        fb::CreateAttribute(fbb, fbb.CreateString(a.name), a.kind, a.i, a.f,
                            a.kind == fb::AttributeKind::string_ ? fbb.CreateString(a.s) : 0,
                            a.kind == fb::AttributeKind::ints ? fbb.CreateVector(a.ints) : 0,
                            a.kind == fb::AttributeKind::floats ? fbb.CreateVector(a.floats) : 0));
  offsets.push_back(fb::CreateAttribute(fbb, fbb.CreateString(listName), fb::AttributeKind::strings,
                                        0, 0, 0, 0, 0, fbb.CreateVectorOfStrings(list)));
  fbb.Finish(fb::CreateOperator(fbb, fbb.CreateString(kind), 0, 0,
                                fbb.CreateVectorOfSortedTables(&offsets)));
  std::vector<const TensorView *> in;
  for (auto *t : inputs)
    in.push_back(t ? &t->view : nullptr);
  std::vector<TensorView *> out;
  for (auto *t : outputs)
    out.push_back(t ? &t->view : nullptr);
  char text[512] = "";
  KernelContext ctx;
  ctx.kind = kind;
  ctx.node = "test";
  ctx.inputs = in.data();
  ctx.numInputs = int(in.size());
  ctx.outputs = out.data();
  ctx.numOutputs = int(out.size());
  ctx.attrs = Attributes(flatbuffers::GetRoot<fb::Operator>(fbb.GetBufferPointer()));
  ctx.message = text;
  ctx.messageSize = sizeof text;
  const KernelDef *def = findKernel(kind);
  size_t bytes = 0;
  Status s = def->prepare ? def->prepare(ctx, &bytes) : Status::Ok;
  std::vector<uint8_t> scratch(bytes + 1, 0xAB);
  ctx.scratch = scratch.data();
  ctx.scratchBytes = bytes;
  if (s == Status::Ok)
    s = def->eval(ctx);
  *message = text;
  return s;
}

} // namespace

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

TEST(Conv, StridePadDilationBias) {
  KernelRunner k("Conv", {ints("strides", {2, 2}), ints("pads", {1, 0, 2, 1}),
                          ints("dilations", {1, 2}), ints("kernel_shape", {3, 3})});
  auto x = f32({1, 2, 6, 6}, pattern(72, 7, 11, 0.25f));
  auto w = f32({3, 2, 3, 3}, pattern(54, 5, 7, 0.5f));
  auto b = f32({3}, {0.5f, -1, 0.25f});
  auto y = garbage(DType::F32, {1, 3, 4, 2});
  ASSERT_EQ(k.run({&x, &w, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y, {4.125f, 0.625f, -3.25f,  2.875f,  2.375f, -3.375f, 2.625f,  1.125f,
                 0.25f,  0.25f,  -2.625f, -5.875f, 2.875f, -2.125f, -1.25f,  -1.25f,
                 -3.5f,  1.75f,  -0.125f, -1.375f, 5.25f,  2.75f,   -0.625f, 0.875f});
}

TEST(Conv, Groups) {
  KernelRunner k("Conv", {integer("group", 2)});
  auto x = f32({1, 4, 4, 4}, pattern(64, 3, 13, 0.25f));
  auto w = f32({4, 2, 2, 2}, pattern(32, 5, 9, 0.5f));
  auto y = garbage(DType::F32, {1, 4, 3, 3});
  ASSERT_EQ(k.run({&x, &w, nullptr}, {&y}), Status::Ok) << k.message();
  expectNear(y, {3.125f, -3.375f, 1.5f,   -3.375f, -3.375f, 1.5f,    -3.375f, 3.125f,  -0.125f,
                 3.125f, 4.875f,  -4.75f, 3.625f,  5.375f,  -4.25f,  4.125f,  4.25f,   1.125f,
                 2.375f, 2.75f,   1.5f,   -1,      2.625f,  3,       -6,      2.5f,    2.875f,
                 0,      -1.125f, -2.25f, 3.625f,  -0.75f,  -8.375f, 5.625f,  -0.375f, -1.5f});
}

TEST(Conv, DepthwiseWithBias) {
  KernelRunner k("Conv", {integer("group", 3), ints("pads", {1, 1, 1, 1})});
  auto x = f32({1, 3, 4, 4}, pattern(48, 3, 13, 0.25f));
  auto w = f32({3, 1, 3, 3}, pattern(27, 5, 9, 0.5f));
  auto b = f32({3}, {1, 0, -1});
  auto y = garbage(DType::F32, {1, 3, 4, 4});
  ASSERT_EQ(k.run({&x, &w, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y,
             {4.375f,  -2.5f,  1.375f,  1.375f, 0.875f,  2.625f,  1,      1.375f, 2.125f, -3.875f,
              1,       1.375f, 0.25f,   0,      2.125f,  1.375f,  2.5f,   0,      -1,     -1.125f,
              0,       0,      -4.875f, 0.375f, -0.375f, 0,       1.625f, -1.25f, -0.25f, 3.75f,
              -3.875f, 5.125f, -1,      0.875f, -1.75f,  -2,      -2.5f,  -1,     -1,     1,
              -2.875f, -1,     3.875f,  -2.25f, -0.75f,  -0.625f, -1.75f, -2.5f});
}

TEST(Conv, AutoPadSameUpperAndLower) {
  // 6x6, kernel 3, stride 2 -> 3x3 needs 1 pad per dim: at the end for
  // SAME_UPPER, at the beginning for SAME_LOWER.
  auto x = f32({1, 1, 6, 6}, pattern(36, 7, 11, 0.25f));
  auto w = f32({1, 1, 3, 3}, pattern(9, 5, 7, 0.5f));
  KernelRunner upper("Conv", {str("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})});
  auto y = garbage(DType::F32, {1, 1, 3, 3});
  ASSERT_EQ(upper.run({&x, &w}, {&y}), Status::Ok) << upper.message();
  expectNear(y, {2.625f, 2.25f, -3.875f, -3.75f, -1.375f, 3.625f, 4, -2.5f, -2.75f});
  KernelRunner lower("Conv", {str("auto_pad", "SAME_LOWER"), ints("strides", {2, 2})});
  ASSERT_EQ(lower.run({&x, &w}, {&y}), Status::Ok) << lower.message();
  expectNear(y, {-3.125f, 1.625f, -2.5f, 0.5f, 0.625f, 0.25f, 2.125f, -0.25f, 0.75f});
}

TEST(Conv, OneDimensionalBatch2) {
  KernelRunner k("Conv", {ints("strides", {2}), ints("pads", {1, 1})});
  auto x = f32({2, 2, 7}, pattern(28, 7, 11, 0.25f));
  auto w = f32({3, 2, 3}, pattern(18, 5, 7, 0.5f));
  auto y = garbage(DType::F32, {2, 3, 4});
  ASSERT_EQ(k.run({&x, &w}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-1.75f, 0.75f,   -3,      0.875f,  0.875f, 0.625f, 0.25f, -0.625f,
                 0.875f, -2.125f, 0.875f,  -0.375f, 0.25f,  0.625f, 1,     0.875f,
                 -3.25f, 0.75f,   -2.375f, 0.125f,  0.25f,  -1.75f, 1.25f, -0.625f});
}

TEST(Conv, ThreeDimensional) {
  KernelRunner k("Conv", {ints("strides", {2, 2, 2})});
  auto x = f32({1, 1, 4, 4, 4}, pattern(64, 7, 11, 0.25f));
  auto w = f32({2, 1, 2, 2, 2}, pattern(16, 5, 7, 0.5f));
  auto b = f32({2}, {0.5f, -0.5f});
  auto y = garbage(DType::F32, {1, 2, 2, 2, 2});
  ASSERT_EQ(k.run({&x, &w, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y, {3, 1.875f, 2.625f, -1.25f, -1.25f, 1.75f, -1.625f, 1.375f, -5.375f, 0.875f,
                 -5.125f, 1.125f, 1.125f, 1.875f, 4.125f, 2.125f});
}

TEST(Conv, MismatchedChannelsFail) {
  KernelRunner k("Conv");
  auto x = f32({1, 3, 4, 4}, pattern(48, 3, 13, 0.25f));
  auto w = f32({2, 2, 3, 3}, pattern(36, 5, 9, 0.5f));
  auto y = garbage(DType::F32, {1, 2, 2, 2});
  EXPECT_EQ(k.run({&x, &w}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("X has 3 channels but W expects 2"), std::string::npos) << k.message();
}

TEST(Conv, WrongOutputShapeFails) {
  KernelRunner k("Conv", {ints("pads", {1, 1, 1, 1})});
  auto x = f32({1, 1, 4, 4}, pattern(16, 3, 13, 0.25f));
  auto w = f32({1, 1, 3, 3}, pattern(9, 5, 9, 0.5f));
  auto y = garbage(DType::F32, {1, 1, 2, 2}); // pads 1 keep 4x4
  EXPECT_EQ(k.run({&x, &w}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("expected 4"), std::string::npos) << k.message();
}

TEST(ConvTranspose, StrideOutputPaddingPadsBias) {
  // H: 2 * (2 - 1) + 1 + 3 - 2 = 4, W: 2 * (3 - 1) + 1 + 3 - 2 = 6.
  KernelRunner k("ConvTranspose", {ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}),
                                   ints("output_padding", {1, 1})});
  auto x = f32({1, 2, 2, 3}, pattern(12, 7, 11, 0.25f));
  auto w = f32({2, 2, 3, 3}, pattern(36, 5, 7, 0.5f));
  auto b = f32({2}, {0.5f, -0.25f});
  auto y = garbage(DType::F32, {1, 2, 4, 6});
  ASSERT_EQ(k.run({&x, &w, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-0.375f, -0.625f, 1.25f,   2.75f,   -1.25f,  0.25f,   5.5f,    -1.625f,
                 -0.125f, 1.625f,  -1.625f, 0.125f,  3.125f,  1.25f,   0.625f,  3.25f,
                 -1.875f, 0.125f,  -0.25f,  2.25f,   -0.25f,  2.25f,   -0.25f,  -0.875f,
                 -0.625f, 3.375f,  -0.5f,   -1.25f,  1,       -1,      -3.125f, 2.75f,
                 -0.125f, -1,      2.875f,  -0.625f, -1.625f, -0.875f, -0.125f, -1.375f,
                 1.375f,  -1,      -0.625f, -2.5f,   -0.125f, -1.5f,   0.375f,  2.375f});
}

TEST(ConvTranspose, GroupsDilation) {
  KernelRunner k("ConvTranspose", {integer("group", 2), ints("dilations", {2, 2})});
  auto x = f32({1, 2, 3, 3}, pattern(18, 7, 11, 0.25f));
  auto w = f32({2, 1, 2, 2}, pattern(8, 5, 7, 0.5f));
  auto y = garbage(DType::F32, {1, 2, 5, 5});
  ASSERT_EQ(k.run({&x, &w}, {&y}), Status::Ok) << k.message();
  expectNear(y,
             {1.875f, -0.75f, -0.5f,   0.5f,   -0.5f,   -1.875f, -0.375f, 2.375f,  0.25f,   -0.75f,
              -1.5f,  0,      3.75f,   -0.5f,  -0.5f,   0,       0,       -1.25f,  -0.25f,  0.75f,
              0,      0,      -1,      0,      1,       1.125f,  -0.375f, -1.5f,   -0.125f, -0.625f,
              0.75f,  -0.75f, 2.125f,  -0.25f, 0.625f,  0,       -1,      1.125f,  0,       2.375f,
              -0.25f, 0.25f,  -1.375f, 0.75f,  -1.875f, -0.125f, 0.375f,  -0.875f, 1.125f,  -1.5f});
}

TEST(ConvInteger, PerChannelWeightZeroPointAndPadding) {
  // Padding holds x's zero point, so padded taps contribute nothing.
  KernelRunner k("ConvInteger", {ints("pads", {1, 1, 1, 1})});
  auto x = intTensor<uint8_t>(DType::U8, {1, 1, 3, 3}, {1, 5, 9, 2, 6, 200, 3, 7, 255});
  auto w = intTensor<uint8_t>(DType::U8, {2, 1, 2, 2}, {1, 2, 3, 4, 250, 0, 3, 5});
  auto xz = intTensor<uint8_t>(DType::U8, {}, {2});
  auto wz = intTensor<uint8_t>(DType::U8, {2}, {1, 3});
  auto y = garbage(DType::I32, {1, 2, 4, 4});
  ASSERT_EQ(k.run({&x, &w, &xz, &wz}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int32_t>(),
            (std::vector<int32_t>{-3,   7,    27, 14,  -1,  15,    609, 396, 3,   21,   967,
                                  506,  1,    5,  253, 0,   -2,    6,   14,  0,   3,    -248,
                                  1116, 1729, 2,  -2,  900, 48906, -3,  232, 476, 62491}));
}

TEST(QLinearConv, PerChannelRequantizeTiesToEven) {
  // The biases put each channel's first output on an exact .5 tie:
  // 12.5 -> 12 and -12.5 -> -12 (then + zero point 100).
  KernelRunner k("QLinearConv");
  auto x = intTensor<uint8_t>(
      DType::U8, {1, 2, 3, 3},
      {0, 29, 58, 87, 116, 145, 174, 203, 232, 5, 34, 63, 92, 121, 150, 179, 208, 237});
  auto w = intTensor<int8_t>(DType::I8, {2, 2, 2, 2},
                        {-15, -9, -3, 3, 9, 15, -10, -4, 2, 8, 14, -11, -5, 1, 7, 13});
  auto xs = f32({}, {0.5f});
  auto xz = intTensor<uint8_t>(DType::U8, {}, {128});
  auto ws = f32({2}, {0.25f, 0.125f});
  auto wz = intTensor<int8_t>(DType::I8, {2}, {0, -1});
  auto ys = f32({}, {8.0f});
  auto yz = intTensor<uint8_t>(DType::U8, {}, {100});
  auto b = intTensor<int32_t>(DType::I32, {2}, {31, 252});
  auto y = garbage(DType::U8, {1, 2, 2, 2});
  ASSERT_EQ(k.run({&x, &xs, &xz, &w, &ws, &wz, &ys, &yz, &b}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<uint8_t>(), (std::vector<uint8_t>{112, 106, 93, 87, 88, 96, 113, 121}));
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

TEST(Gemm, TransposesAlphaBetaRowBias) {
  KernelRunner k("Gemm", {integer("transA", 1), integer("transB", 1), real("alpha", 0.5f),
                          real("beta", 2.0f)});
  auto a = f32({3, 2}, pattern(6, 7, 11, 0.25f));
  auto b = f32({4, 3}, pattern(12, 5, 7, 0.5f));
  auto c = f32({4}, {1, 2, 3, 4});
  auto y = garbage(DType::F32, {2, 4});
  ASSERT_EQ(k.run({&a, &b, &c}, {&y}), Status::Ok) << k.message();
  expectNear(y, {2.6875f, 4.3125f, 6.8125f, 8.4375f, 2.25f, 4.5f, 4.5625f, 6.8125f});
}

TEST(Gemm, ColumnBiasAndNoBias) {
  KernelRunner k("Gemm");
  auto a = f32({2, 3}, pattern(6, 7, 11, 0.25f));
  auto b = f32({3, 4}, pattern(12, 5, 7, 0.5f));
  auto c = f32({2, 1}, {1, -1});
  auto y = garbage(DType::F32, {2, 4});
  ASSERT_EQ(k.run({&a, &b, &c}, {&y}), Status::Ok) << k.message();
  expectNear(y, {3.125f, 0, 1.25f, 0.75f, -3.25f, 0.375f, -0.375f, -3.75f});
  ASSERT_EQ(k.run({&a, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y, {2.125f, -1, 0.25f, -0.25f, -2.25f, 1.375f, 0.625f, -2.75f});
}

TEST(MatMul, BatchBroadcast) {
  KernelRunner k("MatMul");
  auto a = f32({2, 1, 2, 3}, pattern(12, 7, 11, 0.25f));
  auto b = f32({3, 3, 2}, pattern(18, 5, 7, 0.5f));
  auto y = garbage(DType::F32, {2, 3, 2, 2});
  ASSERT_EQ(k.run({&a, &b}, {&y}), Status::Ok) << k.message();
  expectNear(y, {1.125f,  -2,     -3,     0.625f, 1.625f, 1.125f, 0.375f, -3,
                 -1.375f, 1.625f, 0.25f,  0.375f, -3,     0.5f,   -3,     0.375f,
                 0.5f,    -3,     0.625f, -3,     0.5f,   0.5f,   0.75f,  0.625f});
}

TEST(MatMul, OneDimensionalOperands) {
  KernelRunner k("MatMul");
  auto v = f32({3}, {1, 2, 3});
  auto rev = f32({3}, {3, 2, 1});
  auto b = f32({2, 3, 4}, pattern(24, 5, 7, 0.5f));
  auto y = garbage(DType::F32, {2, 4});
  ASSERT_EQ(k.run({&v, &b}, {&y}), Status::Ok) << k.message(); // [3] x [2,3,4]
  expectNear(y, {4.5f, 2, -4, 0.5f, -1, -7, 4.5f, 2});
  auto a = f32({2, 3}, pattern(6, 7, 11, 0.25f));
  auto y2 = garbage(DType::F32, {2});
  ASSERT_EQ(k.run({&a, &v}, {&y2}), Status::Ok) << k.message(); // [2,3] x [3]
  expectNear(y2, {-1.75f, -0.5f});
  auto y0 = garbage(DType::F32, {});
  ASSERT_EQ(k.run({&v, &rev}, {&y0}), Status::Ok) << k.message(); // a dot product
  expectNear(y0, {10});
}

TEST(MatMul, InnerDimMismatchFails) {
  KernelRunner k("MatMul");
  auto a = f32({2, 3}, pattern(6, 7, 11, 0.25f));
  auto b = f32({4, 2}, pattern(8, 5, 7, 0.5f));
  auto y = garbage(DType::F32, {2, 2});
  EXPECT_EQ(k.run({&a, &b}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("B has 4 rows"), std::string::npos) << k.message();
}

TEST(MatMulInteger, PerRowAndPerColumnZeroPoints) {
  KernelRunner k("MatMulInteger");
  auto a = intTensor<uint8_t>(DType::U8, {2, 3}, {1, 2, 255, 0, 128, 7});
  auto b = intTensor<int8_t>(DType::I8, {3, 2}, {-128, 4, 127, 5, 3, -6});
  auto az = intTensor<uint8_t>(DType::U8, {2}, {1, 2});
  auto bz = intTensor<int8_t>(DType::I8, {2}, {-1, 4});
  auto y = garbage(DType::I32, {2, 2});
  ASSERT_EQ(k.run({&a, &b, &az, &bz}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int32_t>(), (std::vector<int32_t>{1144, -2539, 16402, 76}));
}

TEST(QLinearMatMul, PerColumnScalesSaturationTiesToEven) {
  // Scaled accumulators: 10.5 286.5 (ties: 10, 286) 396.25 -215.375 ...
  KernelRunner k("QLinearMatMul");
  auto a = intTensor<int8_t>(DType::I8, {2, 3}, {-128, 5, 127, 3, -3, 60});
  auto b = intTensor<int8_t>(DType::I8, {3, 4}, {1, -2, 3, 127, -128, 6, 7, -8, 9, 10, -11, 12});
  auto as = f32({}, {0.5f});
  auto az = intTensor<int8_t>(DType::I8, {}, {-3});
  auto bs = f32({4}, {0.5f, 0.25f, 0.125f, 1.0f});
  auto bz = intTensor<int8_t>(DType::I8, {4}, {0, 1, -2, 3});
  auto ys = f32({}, {0.5f});
  auto yz = intTensor<int8_t>(DType::I8, {}, {1});
  auto y = garbage(DType::I8, {2, 4});
  ASSERT_EQ(k.run({&a, &as, &az, &b, &bs, &bz, &ys, &yz}, {&y}), Status::Ok) << k.message();
  EXPECT_EQ(y.values<int8_t>(), (std::vector<int8_t>{11, 127, -128, -128, 127, 127, -66, 127}));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(MaxPool, CeilModeWithIndices) {
  // x = (7 i) mod 50: distinct values, so the argmax is unique.
  std::vector<float> xv(50);
  for (int i = 0; i < 50; ++i)
    xv[i] = float(i * 7 % 50);
  auto x = f32({1, 2, 5, 5}, xv);
  std::vector<float> expected = {42, 49, 28, 27, 41, 48, 47, 11, 18,
                                 32, 46, 38, 45, 44, 23, 22, 36, 43};
  KernelRunner k("MaxPool",
                 {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), integer("ceil_mode", 1)});
  auto y = garbage(DType::F32, {1, 2, 3, 3});
  auto ind = garbage(DType::I64, {1, 2, 3, 3});
  ASSERT_EQ(k.run({&x}, {&y, &ind}), Status::Ok) << k.message();
  expectNear(y, expected);
  EXPECT_EQ(ind.values<int64_t>(), (std::vector<int64_t>{6, 7, 4, 11, 13, 14, 21, 23, 24, 26, 28,
                                                         34, 35, 42, 39, 46, 48, 49}));
  // storage_order 1: spatial index h + w * H (plus the plane offset).
  KernelRunner cm("MaxPool", {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}),
                              integer("ceil_mode", 1), integer("storage_order", 1)});
  ASSERT_EQ(cm.run({&x}, {&y, &ind}), Status::Ok) << cm.message();
  expectNear(y, expected);
  EXPECT_EQ(ind.values<int64_t>(), (std::vector<int64_t>{6, 11, 20, 7, 17, 22, 9, 19, 24, 30, 40,
                                                         46, 27, 38, 47, 34, 44, 49}));
}

TEST(AveragePool, CountIncludePad) {
  auto x = f32({1, 1, 4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  auto y = garbage(DType::F32, {1, 1, 2, 2});
  // Top-left window: taps (0,0) (0,1) (1,0) (1,1) = 0 1 4 5; 10 / 4 or 10 / 9.
  KernelRunner exclude("AveragePool", {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}),
                                       ints("pads", {1, 1, 1, 1})});
  ASSERT_EQ(exclude.run({&x}, {&y}), Status::Ok) << exclude.message();
  expectNear(y, {2.5f, 4, 8.5f, 10});
  KernelRunner include("AveragePool",
                       {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}),
                        ints("pads", {1, 1, 1, 1}), integer("count_include_pad", 1)});
  ASSERT_EQ(include.run({&x}, {&y}), Status::Ok) << include.message();
  expectNear(y, {10.0f / 9, 24.0f / 9, 51.0f / 9, 10});
  // ceil_mode: the last window starts at 3 and only [3, 5) lies inside the
  // padded input, so it counts 2 taps per dim (as onnxruntime).
  KernelRunner ceil("AveragePool", {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}),
                                    ints("pads", {1, 1, 1, 1}), integer("count_include_pad", 1),
                                    integer("ceil_mode", 1)});
  auto y3 = garbage(DType::F32, {1, 1, 3, 3});
  ASSERT_EQ(ceil.run({&x}, {&y3}), Status::Ok) << ceil.message();
  expectNear(y3, {1.111111f, 2.666667f, 1.666667f, 5.666667f, 10, 5.5f, 4.166667f, 7, 3.75f});
}

TEST(LpPool, P1AndP2) {
  auto x = f32({1, 1, 3, 3}, pattern(9, 7, 11, 0.25f));
  auto y = garbage(DType::F32, {1, 1, 2, 2});
  KernelRunner p1("LpPool", {ints("kernel_shape", {2, 2}), integer("p", 1)});
  ASSERT_EQ(p1.run({&x}, {&y}), Status::Ok) << p1.message();
  expectNear(y, {3.25f, 2, 2.5f, 2});
  KernelRunner p2("LpPool", {ints("kernel_shape", {2, 2})});
  ASSERT_EQ(p2.run({&x}, {&y}), Status::Ok) << p2.message();
  expectNear(y, {1.85405f, 1.06066f, 1.620185f, 1.274755f});
}

TEST(GlobalPool, AverageMaxLp) {
  auto x = f32({1, 2, 2, 3}, pattern(12, 7, 11, 0.25f));
  auto y = garbage(DType::F32, {1, 2, 1, 1});
  KernelRunner avg("GlobalAveragePool"), max("GlobalMaxPool"), lp("GlobalLpPool");
  ASSERT_EQ(avg.run({&x}, {&y}), Status::Ok) << avg.message();
  expectNear(y, {-0.08333333f, -0.125f});
  ASSERT_EQ(max.run({&x}, {&y}), Status::Ok) << max.message();
  expectNear(y, {1.25f, 1});
  ASSERT_EQ(lp.run({&x}, {&y}), Status::Ok) << lp.message();
  expectNear(y, {2.061553f, 2.046338f});
}

TEST(MaxRoiPool, ScaledRoisRoundHalfAway) {
  // spatial_scale 0.5: roi (0,0)-(3,3) -> (0,0)-(2,2) (1.5 rounds to 2), a
  // 3x3 region in 1.5-wide bins [0,2) [1,3); roi (2,2)-(6,6) -> (1,1)-(3,3).
  KernelRunner k("MaxRoiPool", {ints("pooled_shape", {2, 2}), real("spatial_scale", 0.5f)});
  std::vector<float> xv(16);
  for (int i = 0; i < 16; ++i)
    xv[i] = float(i);
  auto x = f32({1, 1, 4, 4}, xv);
  auto rois = f32({2, 5}, {0, 0, 0, 3, 3, 0, 2, 2, 6, 6});
  auto y = garbage(DType::F32, {2, 1, 2, 2});
  ASSERT_EQ(k.run({&x, &rois}, {&y}), Status::Ok) << k.message();
  expectNear(y, {5, 6, 9, 10, 10, 11, 14, 15});
}

TEST(MaxUnpool, LargerOutputShapeKeepsCoordinates) {
  // ONNX's example: indices refer to the 4x4 unpooled shape.
  KernelRunner k("MaxUnpool", {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})});
  auto x = f32({1, 1, 2, 2}, {5, 6, 7, 8});
  auto i = OwnedTensor::i64({1, 1, 2, 2}, {5, 7, 13, 15});
  auto shape = OwnedTensor::i64({4}, {1, 1, 5, 5});
  auto y = garbage(DType::F32, {1, 1, 5, 5});
  ASSERT_EQ(k.run({&x, &i, &shape}, {&y}), Status::Ok) << k.message();
  expectNear(y, {0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0});
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

TEST(BatchNormalization, Inference) {
  KernelRunner k("BatchNormalization");
  auto x = f32({2, 3, 2}, pattern(12, 7, 11, 0.25f));
  auto scale = f32({3}, {1, 0.5f, 2}), bias = f32({3}, {0, 1, -1});
  auto mean = f32({3}, {0.25f, -0.5f, 0}), var = f32({3}, {1, 4, 0.25f});
  auto y = garbage(DType::F32, {2, 3, 2});
  ASSERT_EQ(k.run({&x, &scale, &bias, &mean, &var}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-1.499993f, 0.2499988f, 1, 1.437499f, -1.99994e-05f, -3.99994f, 0.7499963f,
                 -0.2499988f, 0.8750002f, 1.3125f, -1.99998f, -5.9999f});
}

TEST(BatchNormalization, TrainingModeFails) {
  KernelRunner k("BatchNormalization", {integer("training_mode", 1)});
  auto x = f32({1, 1, 2}, {1, 2});
  auto one = f32({1}, {1});
  auto y = garbage(DType::F32, {1, 1, 2});
  EXPECT_EQ(k.run({&x, &one, &one, &one, &one}, {&y}), Status::KernelError);
  EXPECT_NE(k.message().find("inference only"), std::string::npos) << k.message();
}

TEST(LayerNormalization, LastAxisWithMeanAndInvStdDev) {
  KernelRunner k("LayerNormalization", {integer("axis", -1)});
  auto x = f32({2, 3, 4}, pattern(24, 7, 11, 0.25f));
  auto scale = f32({4}, {1, 0.5f, 2, -1}), bias = f32({4}, {0, 1, -1, 0.5f});
  auto y = garbage(DType::F32, {2, 3, 4});
  auto mean = garbage(DType::F32, {2, 3, 1}), invStd = garbage(DType::F32, {2, 3, 1});
  ASSERT_EQ(k.run({&x, &scale, &bias}, {&y, &mean, &invStd}), Status::Ok) << k.message();
  expectNear(y, {-1.313057f,  1.262611f,  -2.050446f,  -0.8130571f, 0.1999974f,  0.300009f,
                 1.799964f,   0.6999974f, -0.7228914f, 1.763052f,   -0.5180724f, 1.544177f,
                 0.1999974f,  0.300009f,  1.799964f,   0.6999974f,  -0.7228914f, 1.763052f,
                 -0.5180724f, 1.544177f,  1.044177f,   0.8795181f,  -4.052208f,  -0.2228914f});
  expectNear(mean, {0, 0.125f, -0.4375f, 0.375f, -0.1875f, -0.0625f});
  expectNear(invStd, {1.050446f, 1.59998f, 1.28514f, 1.59998f, 1.28514f, 1.28514f});
}

TEST(LayerNormalization, AxisOneBroadcastScaleNoBias) {
  KernelRunner k("LayerNormalization", {integer("axis", 1)});
  auto x = f32({2, 3, 4}, pattern(24, 7, 11, 0.25f));
  auto scale = f32({3, 1}, {2, 1, -1});
  auto y = garbage(DType::F32, {2, 3, 4});
  ASSERT_EQ(k.run({&x, &scale}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-2.754287f,   1.45226f,   -0.951481f,  3.255067f,  0.4256625f, -0.7762082f,
                 1.327066f,    0.1251949f, 1.076676f,   -1.026598f, 0.1752728f, 1.377144f,
                 1.191357f,    -1.407967f, 3.14085f,    0.5415258f, -1.028899f, 1.245509f,
                 -0.05415258f, -1.353814f, -0.9205938f, 0.3790681f, 1.67873f,   -0.5956784f});
}

TEST(InstanceNormalization, PerPlane) {
  KernelRunner k("InstanceNormalization");
  auto x = f32({2, 2, 3}, pattern(12, 7, 11, 0.25f));
  auto scale = f32({2}, {1, 2}), bias = f32({2}, {0.5f, -0.5f});
  auto y = garbage(DType::F32, {2, 2, 3});
  ASSERT_EQ(k.run({&x, &scale, &bias}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-0.6624651f, 1.778712f, 0.3837535f, 1.949471f, -0.5f, -2.949471f, 1.724736f, 0.5f,
                 -0.7247357f, 1.949471f, -0.5f, -2.949471f});
}

TEST(LRN, AcrossChannels) {
  KernelRunner k(
      "LRN", {integer("size", 3), real("alpha", 0.5f), real("beta", 0.75f), real("bias", 2.0f)});
  auto x = f32({1, 5, 2}, pattern(10, 7, 11, 0.5f));
  auto y = garbage(DType::F32, {1, 5, 2});
  ASSERT_EQ(k.run({&x}, {&y}), Status::Ok) << k.message();
  expectNear(y, {-1.042871f, 0.4171482f, -0.4131307f, 0.9598969f, 0.2264601f, -0.5968831f,
                 0.8032018f, 0, -0.8107201f, 0.7840496f});
}

TEST(LpNormalization, P2LastAxisAndP1AxisZero) {
  auto y = garbage(DType::F32, {2, 3});
  KernelRunner p2("LpNormalization");
  auto x = f32({2, 3}, {-2.5f, 1, -1, 0, 0, 0}); // a zero row stays zero
  ASSERT_EQ(p2.run({&x}, {&y}), Status::Ok) << p2.message();
  expectNear(y, {-0.8703883f, 0.3481553f, -0.3481553f, 0, 0, 0});
  KernelRunner p1("LpNormalization", {integer("axis", 0), integer("p", 1)});
  auto x1 = f32({2, 3}, pattern(6, 7, 11, 0.5f));
  ASSERT_EQ(p1.run({&x1}, {&y}), Status::Ok) << p1.message();
  expectNear(y, {-0.5f, 0.6666667f, -0.4f, 0.5f, 0.3333333f, -0.6f});
}

TEST(MeanVarianceNormalization, DefaultAndCustomAxes) {
  auto x = f32({2, 2, 2, 2}, pattern(16, 7, 11, 0.25f));
  auto y = garbage(DType::F32, {2, 2, 2, 2});
  KernelRunner dflt("MeanVarianceNormalization"); // axes {0, 2, 3}
  ASSERT_EQ(dflt.run({&x}, {&y}), Status::Ok) << dflt.message();
  expectNear(y, {-1.150308f, 0.8017296f, -0.3137203f, 1.638317f, 0, -1.568929f, 1.176697f,
                 -0.3922323f, -0.8714452f, 1.080592f, -0.03485781f, -1.150308f, 0.3922323f,
                 -1.176697f, 1.568929f, 0});
  KernelRunner axis1("MeanVarianceNormalization", {ints("axes", {1})});
  ASSERT_EQ(axis1.run({&x}, {&y}), Status::Ok) << axis1.message();
  expectNear(y, {-1, 1, -1, 1, 1, -1, 1, -1, -1, 1, -1, -1, 1, -1, 1, 1}, 1e-4f);
}

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

TEST(LSTM, BidirectionalSequenceLensInitialStatesPeepholes) {
  // T=3, batch 3 with lengths {3, 1, 2}, input 2, hidden 2: Y is zero past
  // each length; the reverse direction starts at each sequence's end.
  const int64_t H = 2;
  KernelRunner k("LSTM", {integer("hidden_size", H), str("direction", "bidirectional")});
  auto x = f32({3, 3, 2}, pattern(18, 7, 11, 0.25f));
  auto w = f32({2, 4 * H, 2}, pattern(32, 5, 7, 0.25f));
  auto r = f32({2, 4 * H, H}, pattern(32, 3, 5, 0.25f));
  auto b = f32({2, 8 * H}, pattern(32, 7, 9, 0.125f));
  auto lens = intTensor<int32_t>(DType::I32, {3}, {3, 1, 2});
  auto h0 = f32({2, 3, H}, pattern(12, 3, 7, 0.25f));
  auto c0 = f32({2, 3, H}, pattern(12, 5, 9, 0.25f));
  auto p = f32({2, 3 * H}, pattern(12, 5, 7, 0.25f));
  auto y = garbage(DType::F32, {3, 2, 3, H});
  auto yh = garbage(DType::F32, {2, 3, H}), yc = garbage(DType::F32, {2, 3, H});
  ASSERT_EQ(k.run({&x, &w, &r, &b, &lens, &h0, &c0, &p}, {&y, &yh, &yc}), Status::Ok)
      << k.message();
  expectNear(y, {0.1179142f,
                 0.20394f,
                 -0.1324867f,
                 0.1647505f,
                 -0.04824694f,
                 0.1330365f,
                 -0.1261926f,
                 0.116551f,
                 0.0358383f,
                 -0.1838491f,
                 -0.2410207f,
                 0.1233964f,
                 0.2089969f,
                 -0.009062074f,
                 0,
                 0,
                 0.08507979f,
                 -0.06657514f,
                 -0.1510016f,
                 0.3670434f,
                 0,
                 0,
                 -0.2307987f,
                 0.01990415f,
                 0.173211f,
                 -0.1121666f,
                 0,
                 0,
                 0,
                 0,
                 -0.1415401f,
                 0.2803369f,
                 0,
                 0,
                 0,
                 0});
  expectNear(yh, {0.173211f, -0.1121666f, -0.1324867f, 0.1647505f, 0.08507979f, -0.06657514f,
                  -0.1261926f, 0.116551f, 0.0358383f, -0.1838491f, -0.2410207f, 0.1233964f});
  expectNear(yc, {0.2603899f, -0.1896453f, -0.2110542f, 0.6359511f, 0.1778636f, -0.09131149f,
                  -0.4583455f, 0.3253224f, 0.1677343f, -0.3857588f, -0.7630037f, 0.2434172f});
}

TEST(GRU, ReverseLinearBeforeResetBatchFirstClip) {
  const int64_t H = 3;
  KernelRunner k("GRU",
                 {integer("hidden_size", H), str("direction", "reverse"), integer("layout", 1),
                  integer("linear_before_reset", 1), real("clip", 0.5f)});
  auto x = f32({2, 3, 2}, pattern(12, 7, 11, 0.25f)); // [batch, T, input]
  auto w = f32({1, 3 * H, 2}, pattern(18, 5, 7, 0.25f));
  auto r = f32({1, 3 * H, H}, pattern(27, 3, 5, 0.25f));
  auto b = f32({1, 6 * H}, pattern(18, 7, 9, 0.125f));
  auto h0 = f32({2, 1, H}, pattern(6, 3, 7, 0.25f)); // [batch, dirs, H]
  auto y = garbage(DType::F32, {2, 3, 1, H}), yh = garbage(DType::F32, {2, 1, H});
  ASSERT_EQ(k.run({&x, &w, &r, &b, nullptr, &h0}, {&y, &yh}), Status::Ok) << k.message();
  expectNear(y, {-0.1708107f, 0.2915878f, -0.2437918f, -0.1888383f, 0.1711167f, 0.1161658f,
                 -0.1625912f, -0.1846736f, 0.4894429f, 0.3227235f, -0.01287971f, -0.3959038f,
                 0.09290223f, 0.2595966f, -0.3557433f, 0.193264f, 0.1367616f, -0.1975073f});
  expectNear(yh, {-0.1708107f, 0.2915878f, -0.2437918f, 0.3227235f, -0.01287971f, -0.3959038f});
}

TEST(GRU, SequenceLensZeroTheTail) {
  const int64_t H = 3;
  KernelRunner k("GRU", {integer("hidden_size", H)});
  auto x = f32({3, 2, 2}, pattern(12, 7, 11, 0.25f));
  auto w = f32({1, 3 * H, 2}, pattern(18, 5, 7, 0.25f));
  auto r = f32({1, 3 * H, H}, pattern(27, 3, 5, 0.25f));
  auto b = f32({1, 6 * H}, pattern(18, 7, 9, 0.125f));
  auto lens = intTensor<int32_t>(DType::I32, {2}, {2, 3});
  auto y = garbage(DType::F32, {3, 1, 2, H}), yh = garbage(DType::F32, {1, 2, H});
  ASSERT_EQ(k.run({&x, &w, &r, &b, &lens}, {&y, &yh}), Status::Ok) << k.message();
  expectNear(y, {0.02829204f, 0.313284f, -0.4046094f, 0.03120937f, 0.3570282f, -0.3668253f,
                 0.5727384f, 0.1212714f, -0.322625f, 0.5899034f, 0.05592797f, -0.4323979f, 0, 0, 0,
                 0.7499336f, -0.007477957f, -0.1439157f});
  expectNear(yh, {0.5727384f, 0.1212714f, -0.322625f, 0.7499336f, -0.007477957f, -0.1439157f});
}

TEST(GRU, BadWeightShapeFails) {
  KernelRunner k("GRU", {integer("hidden_size", 3)});
  auto x = f32({1, 1, 2}, {1, 2});
  auto w = f32({1, 6, 2}, pattern(12, 5, 7, 0.25f)); // needs 3 * 3 rows
  auto r = f32({1, 9, 3}, pattern(27, 3, 5, 0.25f));
  EXPECT_EQ(k.run({&x, &w, &r}, {}), Status::KernelError);
  EXPECT_NE(k.message().find("W is [1, 6, 2], expected [1, 9, 2]"), std::string::npos)
      << k.message();
}

TEST(RNN, BidirectionalCustomActivations) {
  // Forward Relu, reverse LeakyRelu taking alpha 0.2 from activation_alpha.
  const int64_t H = 2;
  auto x = f32({2, 1, 2}, pattern(4, 7, 11, 0.5f));
  auto w = f32({2, H, 2}, pattern(8, 5, 7, 0.5f));
  auto r = f32({2, H, H}, pattern(8, 3, 5, 0.5f));
  auto y = garbage(DType::F32, {2, 2, 1, H}), yh = garbage(DType::F32, {2, 1, H});
  std::string message;
  ASSERT_EQ(runWithStrings("RNN",
                           {integer("hidden_size", H), str("direction", "bidirectional"),
                            floats("activation_alpha", {0.2f})},
                           "activations", {"Relu", "LeakyRelu"}, {&x, &w, &r}, {&y, &yh}, &message),
            Status::Ok)
      << message;
  expectNear(y, {4.75f, 0, -0.52f, 0.05f, 0, 0, -0.05f, -0.65f});
  expectNear(yh, {0, 0, -0.52f, 0.05f});
  EXPECT_EQ(runWithStrings("RNN", {str("direction", "bidirectional")}, "activations", {"Swish"},
                           {&x, &w, &r}, {&y, &yh}, &message),
            Status::KernelError);
  EXPECT_NE(message.find("unsupported activation 'Swish'"), std::string::npos) << message;
}
