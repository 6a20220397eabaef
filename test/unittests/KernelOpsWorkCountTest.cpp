//===- KernelOpsWorkCountTest.cpp - Work counts of Iron's own kernels -----===//
//
// FusedConv, FusedMatMul, Elementwise, Gelu and Attention count the
// arithmetic of the ONNX ops they replace and the bytes of their own
// operands and result only. The ops are parsed from MLIR text and pass
// their verifiers; every expected number is worked out in the comment next
// to it.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/IronDialect.h"
#include "iron/Dialect/WorkCount.h"
#include "iron/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlir;
using iron::KernelClass;
using iron::Precision;
using iron::WorkCount;

namespace {

class KernelOpsWorkCountTest : public ::testing::Test {
protected:
  KernelOpsWorkCountTest() : ctx(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    iron::registerImportDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// Parses a function and returns the work of each iron op in order.
  std::vector<WorkCount> worksOf(const std::string &args,
                                 const std::string &resultTypes,
                                 const std::string &body) {
    std::string text = "func.func @f(" + args + ") -> (" + resultTypes +
                       ") {\n" + body + "\n}\n";
    module = parseSourceString<ModuleOp>(text, &ctx);
    EXPECT_TRUE(module) << "cannot parse:\n" << text;
    std::vector<WorkCount> works;
    if (!module)
      return works;
    module->walk([&](Operation *op) {
      if (auto w = dyn_cast<iron::WorkCountOpInterface>(op))
        works.push_back(w.countWork());
    });
    return works;
  }

  /// The work of the function's only iron op.
  WorkCount workOf(const std::string &args, const std::string &resultTypes,
                   const std::string &body) {
    std::vector<WorkCount> works = worksOf(args, resultTypes, body);
    EXPECT_EQ(works.size(), 1u);
    return works.empty() ? WorkCount{false} : works.front();
  }

  static void expectContraction(const WorkCount &w, int64_t batch, int64_t m,
                                int64_t n, int64_t k) {
    ASSERT_TRUE(w.contraction.has_value());
    EXPECT_EQ(w.contraction->batch, batch);
    EXPECT_EQ(w.contraction->m, m);
    EXPECT_EQ(w.contraction->n, n);
    EXPECT_EQ(w.contraction->k, k);
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

using Bytes = std::vector<double>;
using Kinds = std::vector<std::string>;

//===----------------------------------------------------------------------===//
// FusedConv
//===----------------------------------------------------------------------===//

TEST_F(KernelOpsWorkCountTest, FusedConvBiasResidualRelu) {
  // 1x16x32x32 -> 32 channels, 3x3, pad 1: 1x32x32x32 = 32768 outputs.
  WorkCount w = workOf(
      "%x: tensor<1x16x32x32xf32>, %w: tensor<32x16x3x3xf32>, "
      "%b: tensor<32xf32>, %z: tensor<1x32x32x32xf32>",
      "tensor<1x32x32x32xf32>",
      R"(%y = "iron.FusedConv"(%x, %w, %b, %z) <{activation = "Relu",
              operandSegmentSizes = array<i32: 1, 1, 1, 1>, pads = [1, 1, 1, 1]}>
            : (tensor<1x16x32x32xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>,
               tensor<1x32x32x32xf32>) -> tensor<1x32x32x32xf32>
          return %y : tensor<1x32x32x32xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // 32768 outputs * 16*9 = 4718592 fp32 MACs, as Conv counts them.
  ASSERT_EQ(w.macs.size(), 1u);
  EXPECT_EQ(w.macs.at(Precision::FP32), 4718592);
  // Bias, residual add and Relu: 3 * 32768 = 98304.
  EXPECT_EQ(w.otherOps, 98304);
  EXPECT_EQ(w.transcendentals, 0);
  // groups 1, M = 32*32 = 1024, N = 32, K = 16*9 = 144.
  expectContraction(w, 1, 1024, 32, 144);
  // X 16384*4, W 4608*4, B 32*4, Z 32768*4; Y 32768*4: the conv's output
  // before the epilogue is never stored.
  EXPECT_EQ(w.operandBytes, (Bytes{65536, 18432, 128, 131072}));
  EXPECT_EQ(w.resultBytes, (Bytes{131072}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"Conv", "Add", "Relu"}));
}

TEST_F(KernelOpsWorkCountTest, FusedConvCountsWhatTheUnfusedOpsCount) {
  // Conv + Add + Relu against the FusedConv of the three: the same MACs,
  // other ops and transcendentals; fewer bytes (Y of the Conv and of the
  // Add neither written nor read back).
  std::vector<WorkCount> works = worksOf(
      "%x: tensor<1x8x10x10xf32>, %w: tensor<8x8x3x3xf32>, "
      "%b: tensor<8xf32>, %z: tensor<1x8x10x10xf32>",
      "tensor<1x8x10x10xf32>, tensor<1x8x10x10xf32>",
      R"(%c = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}>
            : (tensor<1x8x10x10xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x10x10xf32>
          %a = "iron.Add"(%c, %z) : (tensor<1x8x10x10xf32>, tensor<1x8x10x10xf32>) -> tensor<1x8x10x10xf32>
          %r = "iron.Relu"(%a) : (tensor<1x8x10x10xf32>) -> tensor<1x8x10x10xf32>
          %f = "iron.FusedConv"(%x, %w, %b, %z) <{activation = "Relu",
              operandSegmentSizes = array<i32: 1, 1, 1, 1>, pads = [1, 1, 1, 1]}>
            : (tensor<1x8x10x10xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>,
               tensor<1x8x10x10xf32>) -> tensor<1x8x10x10xf32>
          return %r, %f : tensor<1x8x10x10xf32>, tensor<1x8x10x10xf32>)");
  ASSERT_EQ(works.size(), 4u);
  const WorkCount &fused = works[3];
  double macs = 0, ops = 0, trans = 0, bytes = 0;
  for (int i = 0; i < 3; ++i) {
    macs += works[i].totalMACs();
    ops += works[i].otherOps;
    trans += works[i].transcendentals;
    bytes += works[i].bytesRead() + works[i].bytesWritten();
  }
  // 800 outputs * 72 = 57600 MACs; 3 * 800 other ops.
  EXPECT_EQ(fused.totalMACs(), 57600);
  EXPECT_EQ(fused.totalMACs(), macs);
  EXPECT_EQ(fused.otherOps, 2400);
  EXPECT_EQ(fused.otherOps, ops);
  EXPECT_EQ(fused.transcendentals, trans);
  // Unfused: conv (3200 + 2304 + 32 + 3200) + add (3 * 3200) + relu (2 *
  // 3200) = 24736; fused: 3200 + 2304 + 32 + 3200 + 3200 = 11936.
  EXPECT_EQ(bytes, 24736);
  EXPECT_EQ(fused.bytesRead() + fused.bytesWritten(), 11936);
}

TEST_F(KernelOpsWorkCountTest, FusedConvDepthwiseSiLU) {
  // Depthwise 3x3/2, pad 1, 32 channels: 112 -> 56, no bias or residual.
  WorkCount w = workOf(
      "%x: tensor<1x32x112x112xf32>, %w: tensor<32x1x3x3xf32>",
      "tensor<1x32x56x56xf32>",
      R"(%y = "iron.FusedConv"(%x, %w) <{activation = "SiLU", group = 32 : i64,
              operandSegmentSizes = array<i32: 1, 1, 0, 0>, pads = [1, 1, 1, 1],
              strides = [2, 2]}>
            : (tensor<1x32x112x112xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x56x56xf32>
          return %y : tensor<1x32x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Depthwise);
  // 32*56*56 = 100352 outputs * 9 = 903168 MACs.
  EXPECT_EQ(w.totalMACs(), 903168);
  // SiLU = sigmoid (1 transcendental) and a multiply (1 op) per output.
  EXPECT_EQ(w.otherOps, 100352);
  EXPECT_EQ(w.transcendentals, 100352);
  // 32 groups of 3136 x 9 by 9 x 1.
  expectContraction(w, 32, 3136, 1, 9);
  // X 401408*4, W 288*4; Y 100352*4.
  EXPECT_EQ(w.operandBytes, (Bytes{1605632, 1152}));
  EXPECT_EQ(w.resultBytes, (Bytes{401408}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"Conv", "Sigmoid", "Mul"}));
}

TEST_F(KernelOpsWorkCountTest, FusedConvPointwiseClip) {
  // 1x1 256 -> 512 at 14x14 with ReLU6.
  WorkCount w = workOf(
      "%x: tensor<1x256x14x14xf32>, %w: tensor<512x256x1x1xf32>",
      "tensor<1x512x14x14xf32>",
      R"(%y = "iron.FusedConv"(%x, %w) <{activation = "Clip",
              activation_params = [0.0 : f32, 6.0 : f32],
              operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
            : (tensor<1x256x14x14xf32>, tensor<512x256x1x1xf32>) -> tensor<1x512x14x14xf32>
          return %y : tensor<1x512x14x14xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::ConvPointwise);
  // 512*196 = 100352 outputs * 256 = 25690112 MACs.
  EXPECT_EQ(w.totalMACs(), 25690112);
  // Clip: two compares per output.
  EXPECT_EQ(w.otherOps, 200704);
  EXPECT_EQ(w.transcendentals, 0);
  expectContraction(w, 1, 196, 512, 256);
  EXPECT_EQ(w.onnxKinds, (Kinds{"Conv", "Clip"}));
}

TEST_F(KernelOpsWorkCountTest, FusedConvDynamicIsUnknown) {
  WorkCount w = workOf(
      "%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>", "tensor<?x4x6x6xf32>",
      R"(%y = "iron.FusedConv"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
            : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
          return %y : tensor<?x4x6x6xf32>)");
  EXPECT_FALSE(w.known);
}

//===----------------------------------------------------------------------===//
// FusedMatMul
//===----------------------------------------------------------------------===//

TEST_F(KernelOpsWorkCountTest, FusedMatMulBiasResidualGeluTanh) {
  // [4, 128, 64] x [64, 256] + bias [256] + Z, GeluTanh: 131072 outputs.
  WorkCount w = workOf(
      "%a: tensor<4x128x64xf32>, %b: tensor<64x256xf32>, %c: tensor<256xf32>, "
      "%z: tensor<4x128x256xf32>",
      "tensor<4x128x256xf32>",
      R"(%y = "iron.FusedMatMul"(%a, %b, %c, %z) <{activation = "GeluTanh",
              operandSegmentSizes = array<i32: 1, 1, 1, 1>}>
            : (tensor<4x128x64xf32>, tensor<64x256xf32>, tensor<256xf32>,
               tensor<4x128x256xf32>) -> tensor<4x128x256xf32>
          return %y : tensor<4x128x256xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Gemm);
  // 4 * 128 * 256 * 64 = 8388608 MACs, batch 4 as MatMul counts it.
  EXPECT_EQ(w.macs.at(Precision::FP32), 8388608);
  expectContraction(w, 4, 128, 256, 64);
  // Bias 1 + residual 1 + GeluTanh 8 = 10 per output: 1310720; one tanh.
  EXPECT_EQ(w.otherOps, 1310720);
  EXPECT_EQ(w.transcendentals, 131072);
  // A 32768*4, B 16384*4, bias 256*4, Z 131072*4; Y 131072*4.
  EXPECT_EQ(w.operandBytes, (Bytes{131072, 65536, 1024, 524288}));
  EXPECT_EQ(w.resultBytes, (Bytes{524288}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"MatMul", "Add", "Pow", "Mul", "Tanh"}));
}

TEST_F(KernelOpsWorkCountTest, FusedMatMulGelu) {
  // [8, 16] x [16, 32], erf Gelu only: 256 outputs.
  WorkCount w = workOf(
      "%a: tensor<8x16xf32>, %b: tensor<16x32xf32>", "tensor<8x32xf32>",
      R"(%y = "iron.FusedMatMul"(%a, %b) <{activation = "Gelu",
              operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
            : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
          return %y : tensor<8x32xf32>)");
  ASSERT_TRUE(w.known);
  // 8 * 32 * 16 = 4096 MACs.
  EXPECT_EQ(w.totalMACs(), 4096);
  expectContraction(w, 1, 8, 32, 16);
  // Gelu: 4 ops (scale, add 1, two multiplies) and an erf per output.
  EXPECT_EQ(w.otherOps, 1024);
  EXPECT_EQ(w.transcendentals, 256);
  EXPECT_EQ(w.onnxKinds, (Kinds{"MatMul", "Div", "Erf", "Add", "Mul"}));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST_F(KernelOpsWorkCountTest, ElementwiseSiLU) {
  WorkCount w = workOf(
      "%x: tensor<2x3x4xf32>", "tensor<2x3x4xf32>",
      R"(%y = "iron.Elementwise"(%x) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}>
            : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
          return %y : tensor<2x3x4xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Elementwise);
  // 24 elements: a sigmoid (transcendental) and a multiply (op) each.
  EXPECT_EQ(w.otherOps, 24);
  EXPECT_EQ(w.transcendentals, 24);
  EXPECT_TRUE(w.macs.empty());
  EXPECT_EQ(w.operandBytes, (Bytes{96}));
  EXPECT_EQ(w.resultBytes, (Bytes{96}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"Sigmoid", "Mul"}));
}

TEST_F(KernelOpsWorkCountTest, ElementwiseBroadcastProgram) {
  // 100 result elements; per element Mul 1 + Add 1 + Clip 2 + HardSwish 5
  // + Mov 0 = 9 ops, Exp and Pow a transcendental each.
  WorkCount w = workOf(
      "%x: tensor<1x4x5x5xf32>, %s: tensor<4x1x1xf32>, %b: tensor<1xf32>",
      "tensor<1x4x5x5xf32>",
      R"(%y = "iron.Elementwise"(%x, %s, %b) <{program = ["Mul t0 i0 i1",
              "Add t0 t0 i2", "Clip t1 t0 0 6", "HardSwish t2 t1", "Mov t3 t2",
              "Exp t4 t3", "Pow t5 t4 i1"]}>
            : (tensor<1x4x5x5xf32>, tensor<4x1x1xf32>, tensor<1xf32>) -> tensor<1x4x5x5xf32>
          return %y : tensor<1x4x5x5xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.otherOps, 900);
  EXPECT_EQ(w.transcendentals, 200);
  // Each input is read once, broadcast or not: 400, 16 and 4 bytes.
  EXPECT_EQ(w.operandBytes, (Bytes{400, 16, 4}));
  EXPECT_EQ(w.resultBytes, (Bytes{400}));
  EXPECT_EQ(w.onnxKinds,
            (Kinds{"Mul", "Add", "Clip", "HardSwish", "Exp", "Pow"}));
}

TEST_F(KernelOpsWorkCountTest, ElementwiseMatchesTheUnfusedOps) {
  // Sigmoid then Mul, unfused and as one Elementwise: the same arithmetic.
  std::vector<WorkCount> works = worksOf(
      "%x: tensor<3x7xf32>", "tensor<3x7xf32>, tensor<3x7xf32>",
      R"(%s = "iron.Sigmoid"(%x) : (tensor<3x7xf32>) -> tensor<3x7xf32>
          %m = "iron.Mul"(%x, %s) : (tensor<3x7xf32>, tensor<3x7xf32>) -> tensor<3x7xf32>
          %e = "iron.Elementwise"(%x) <{program = ["Sigmoid t0 i0", "Mul t1 i0 t0"]}>
            : (tensor<3x7xf32>) -> tensor<3x7xf32>
          return %m, %e : tensor<3x7xf32>, tensor<3x7xf32>)");
  ASSERT_EQ(works.size(), 3u);
  EXPECT_EQ(works[2].otherOps, works[0].otherOps + works[1].otherOps);
  EXPECT_EQ(works[2].transcendentals,
            works[0].transcendentals + works[1].transcendentals);
}

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

TEST_F(KernelOpsWorkCountTest, GeluBothForms) {
  std::vector<WorkCount> works = worksOf(
      "%x: tensor<4x1000xf32>", "tensor<4x1000xf32>, tensor<4x1000xf32>",
      R"(%a = "iron.Gelu"(%x) : (tensor<4x1000xf32>) -> tensor<4x1000xf32>
          %b = "iron.Gelu"(%x) <{approximate = "tanh"}> : (tensor<4x1000xf32>) -> tensor<4x1000xf32>
          return %a, %b : tensor<4x1000xf32>, tensor<4x1000xf32>)");
  ASSERT_EQ(works.size(), 2u);
  for (const WorkCount &w : works) {
    ASSERT_TRUE(w.known);
    EXPECT_EQ(w.kernelClass, KernelClass::Elementwise);
    EXPECT_EQ(w.operandBytes, (Bytes{16000}));
    EXPECT_EQ(w.resultBytes, (Bytes{16000}));
    // One erf or tanh per element.
    EXPECT_EQ(w.transcendentals, 4000);
  }
  // erf form: x / sqrt(2), + 1, * x, * 0.5: 4 per element.
  EXPECT_EQ(works[0].otherOps, 16000);
  EXPECT_EQ(works[0].onnxKinds, (Kinds{"Div", "Erf", "Add", "Mul"}));
  // tanh form: x^3 (2), * 0.044715 and + x (2), * sqrt(2/pi), + 1, * x,
  // * 0.5: 8 per element.
  EXPECT_EQ(works[1].otherOps, 32000);
  EXPECT_EQ(works[1].onnxKinds, (Kinds{"Pow", "Mul", "Add", "Tanh"}));
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

TEST_F(KernelOpsWorkCountTest, AttentionWithMaskAndScale) {
  // B 2, H 4 (8 batch-heads), S 5, D 8, T 6, Dv 3: 8 * 5 * 6 = 240 scores.
  WorkCount w = workOf(
      "%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x8x6xf32>, "
      "%v: tensor<2x4x6x3xf32>, %m: tensor<2x1x1x6xf32>",
      "tensor<2x4x5x3xf32>",
      R"(%y = "iron.Attention"(%q, %k, %v, %m) <{scale = 0.125 : f32}>
            : (tensor<2x4x5x8xf32>, tensor<2x4x8x6xf32>, tensor<2x4x6x3xf32>,
               tensor<2x1x1x6xf32>) -> tensor<2x4x5x3xf32>
          return %y : tensor<2x4x5x3xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Gemm);
  // 240 * (D + Dv) = 240 * 11 = 2640 MACs.
  EXPECT_EQ(w.macs.at(Precision::FP32), 2640);
  // The first product: 8 batch-heads of 5 x 8 by 8 x 6.
  expectContraction(w, 8, 5, 6, 8);
  // Per score: softmax 4, scale 1, mask 1 = 6: 1440; one exp each.
  EXPECT_EQ(w.otherOps, 1440);
  EXPECT_EQ(w.transcendentals, 240);
  // Q 320*4, Kt 384*4, V 144*4, mask 12*4; Y 120*4.
  EXPECT_EQ(w.operandBytes, (Bytes{1280, 1536, 576, 48}));
  EXPECT_EQ(w.resultBytes, (Bytes{480}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"MatMul", "Mul", "Add", "Softmax"}));
}

TEST_F(KernelOpsWorkCountTest, AttentionSingleHead) {
  // S 5, D 8, T 6, Dv 3, scale 1, no mask: 30 scores.
  WorkCount w = workOf(
      "%q: tensor<5x8xf32>, %k: tensor<8x6xf32>, %v: tensor<6x3xf32>",
      "tensor<5x3xf32>",
      R"(%y = "iron.Attention"(%q, %k, %v)
            : (tensor<5x8xf32>, tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<5x3xf32>
          return %y : tensor<5x3xf32>)");
  ASSERT_TRUE(w.known);
  // 30 * (8 + 3) = 330 MACs; softmax 4 * 30 = 120 ops, 30 exps.
  EXPECT_EQ(w.totalMACs(), 330);
  EXPECT_EQ(w.otherOps, 120);
  EXPECT_EQ(w.transcendentals, 30);
  expectContraction(w, 1, 5, 6, 8);
  EXPECT_EQ(w.operandBytes, (Bytes{160, 192, 72}));
  EXPECT_EQ(w.resultBytes, (Bytes{60}));
  EXPECT_EQ(w.onnxKinds, (Kinds{"MatMul", "Softmax"}));
}

} // namespace
