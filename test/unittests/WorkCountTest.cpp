//===- WorkCountTest.cpp - Work counts of the ONNX operators --------------===//
//
// Unit tests of iron/Dialect/WorkCount.h through WorkCountOpInterface. The
// ops are parsed from MLIR text and pass the dialect's verifier (ONNX's shape
// inference), so the shapes are consistent. Every expected number is worked
// out by hand in the comment next to it.
//
//===----------------------------------------------------------------------===//

#include "iron/Dialect/WorkCount.h"
#include "iron/Dialect/IronDialect.h"
#include "iron/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
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

class WorkCountTest : public ::testing::Test {
protected:
  WorkCountTest() : ctx(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    iron::registerImportDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// Parses `body` into a function with the given signature and returns its
  /// iron ops in order.
  std::vector<Operation *> parseOps(const std::string &args,
                                    const std::string &resultTypes,
                                    const std::string &body) {
    std::string text = "func.func @f(" + args + ") -> (" + resultTypes +
                       ") {\n" + body + "\n}\n";
    module = parseSourceString<ModuleOp>(text, &ctx);
    EXPECT_TRUE(module) << "cannot parse:\n" << text;
    std::vector<Operation *> ops;
    if (!module)
      return ops;
    module->walk([&](Operation *op) {
      if (isa<iron::IronDialect>(op->getDialect()))
        ops.push_back(op);
    });
    return ops;
  }

  /// The work of the op that produces the function's first result.
  WorkCount workOf(const std::string &args, const std::string &resultTypes,
                   const std::string &body) {
    if (parseOps(args, resultTypes, body).empty())
      return WorkCount{false};
    auto func = *module->getOps<func::FuncOp>().begin();
    Operation *op =
        func.getBody().front().getTerminator()->getOperand(0).getDefiningOp();
    EXPECT_NE(op, nullptr);
    return op ? count(op) : WorkCount{false};
  }

  static WorkCount count(Operation *op) {
    auto w = dyn_cast<iron::WorkCountOpInterface>(op);
    EXPECT_TRUE(w) << "no WorkCountOpInterface on "
                   << op->getName().getStringRef().str();
    return w ? w.countWork() : WorkCount{false};
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

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, Conv3x3WithBias) {
  // 1x16x32x32 -> 32 channels, 3x3, pad 1: 1x32x32x32.
  WorkCount w = workOf(
      "%x: tensor<1x16x32x32xf32>, %w: tensor<32x16x3x3xf32>, %b: tensor<32xf32>",
      "tensor<1x32x32x32xf32>",
      R"(%y = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}>
            : (tensor<1x16x32x32xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x32x32xf32>
          return %y : tensor<1x32x32x32xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // 1*32*32*32 outputs * 16*9 = 32768 * 144 = 4718592, all fp32.
  ASSERT_EQ(w.macs.size(), 1u);
  EXPECT_EQ(w.macs.at(Precision::FP32), 4718592);
  // One bias add per output: 32768.
  EXPECT_EQ(w.otherOps, 32768);
  EXPECT_EQ(w.transcendentals, 0);
  EXPECT_EQ(w.arithmeticPrecision, Precision::FP32);
  // groups 1, M = N*32*32 = 1024, N = 32 channels, K = 16*3*3 = 144.
  expectContraction(w, 1, 1024, 32, 144);
  // X 16384*4, W 4608*4, B 32*4; Y 32768*4.
  EXPECT_EQ(w.operandBytes, (Bytes{65536, 18432, 128}));
  EXPECT_EQ(w.resultBytes, (Bytes{131072}));
  // 2 * 4718592 + 32768.
  EXPECT_EQ(w.arithmeticOps(), 9469952);
}

TEST_F(WorkCountTest, DepthwiseStride2) {
  // MobileNet depthwise 3x3/2, pad 1, group = C = 32: 112 -> 56.
  WorkCount w = workOf(
      "%x: tensor<1x32x112x112xf32>, %w: tensor<32x1x3x3xf32>",
      "tensor<1x32x56x56xf32>",
      R"(%y = "iron.Conv"(%x, %w) <{group = 32 : i64, pads = [1, 1, 1, 1], strides = [2, 2]}>
            : (tensor<1x32x112x112xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x56x56xf32>
          return %y : tensor<1x32x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Depthwise);
  // 32*56*56 outputs * 1*3*3 = 100352 * 9 = 903168.
  EXPECT_EQ(w.totalMACs(), 903168);
  EXPECT_EQ(w.otherOps, 0);
  // 32 groups of (56*56 = 3136) x 9 by 9 x 1.
  expectContraction(w, 32, 3136, 1, 9);
}

TEST_F(WorkCountTest, GroupedConv) {
  // ResNeXt-style: 64 -> 128 channels in 4 groups, 3x3, pad 1, at 56x56.
  WorkCount w = workOf(
      "%x: tensor<1x64x56x56xf32>, %w: tensor<128x16x3x3xf32>",
      "tensor<1x128x56x56xf32>",
      R"(%y = "iron.Conv"(%x, %w) <{group = 4 : i64, pads = [1, 1, 1, 1]}>
            : (tensor<1x64x56x56xf32>, tensor<128x16x3x3xf32>) -> tensor<1x128x56x56xf32>
          return %y : tensor<1x128x56x56xf32>)");
  ASSERT_TRUE(w.known);
  // 16 input channels per group is not depthwise.
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // 128*3136 outputs * 16*9 = 401408 * 144 = 57802752.
  EXPECT_EQ(w.totalMACs(), 57802752);
  // 4 groups, M = 3136, N = 128/4 = 32, K = 16*9 = 144.
  expectContraction(w, 4, 3136, 32, 144);
}

TEST_F(WorkCountTest, PointwiseConv) {
  // 1x1 conv 256 -> 512 at 14x14.
  WorkCount w = workOf(
      "%x: tensor<1x256x14x14xf32>, %w: tensor<512x256x1x1xf32>",
      "tensor<1x512x14x14xf32>",
      R"(%y = "iron.Conv"(%x, %w)
            : (tensor<1x256x14x14xf32>, tensor<512x256x1x1xf32>) -> tensor<1x512x14x14xf32>
          return %y : tensor<1x512x14x14xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::ConvPointwise);
  // 512*196 * 256 = 100352 * 256 = 25690112.
  EXPECT_EQ(w.totalMACs(), 25690112);
  expectContraction(w, 1, 196, 512, 256);
}

TEST_F(WorkCountTest, StridedOneByOneIsNotPointwise) {
  // 1x1/2 conv 64 -> 128, 56 -> 28 (a ResNet downsampling shortcut).
  WorkCount w = workOf(
      "%x: tensor<1x64x56x56xf32>, %w: tensor<128x64x1x1xf32>",
      "tensor<1x128x28x28xf32>",
      R"(%y = "iron.Conv"(%x, %w) <{strides = [2, 2]}>
            : (tensor<1x64x56x56xf32>, tensor<128x64x1x1xf32>) -> tensor<1x128x28x28xf32>
          return %y : tensor<1x128x28x28xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // 128*784 * 64 = 100352 * 64 = 6422528.
  EXPECT_EQ(w.totalMACs(), 6422528);
}

TEST_F(WorkCountTest, ConvTranspose) {
  // 4x4/2 transposed conv (pad 1), 64 -> 32 channels, 28 -> 56.
  WorkCount w = workOf(
      "%x: tensor<1x64x28x28xf32>, %w: tensor<64x32x4x4xf32>",
      "tensor<1x32x56x56xf32>",
      R"(%y = "iron.ConvTranspose"(%x, %w) <{pads = [1, 1, 1, 1], strides = [2, 2]}>
            : (tensor<1x64x28x28xf32>, tensor<64x32x4x4xf32>) -> tensor<1x32x56x56xf32>
          return %y : tensor<1x32x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // Every input meets 32*4*4 weights: 64*784 * 512 = 50176 * 512 = 25690112.
  EXPECT_EQ(w.totalMACs(), 25690112);
  // GEMM then col2im: M = 28*28 = 784, N = 32*16 = 512, K = 64.
  expectContraction(w, 1, 784, 512, 64);
}

TEST_F(WorkCountTest, QLinearConvIsInt8) {
  // uint8 [1,3,8,8] * [4,3,3,3] -> uint8 [1,4,6,6].
  WorkCount w = workOf(
      "%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, "
      "%w: tensor<4x3x3x3xui8>, %ws: tensor<f32>, %wz: tensor<ui8>, "
      "%ys: tensor<f32>, %yz: tensor<ui8>",
      "tensor<1x4x6x6xui8>",
      R"(%y = "iron.QLinearConv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz)
            : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xui8>,
               tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x6x6xui8>
          return %y : tensor<1x4x6x6xui8>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Conv);
  // 4*6*6 outputs * 3*3*3 = 144 * 27 = 3888, all int8.
  ASSERT_EQ(w.macs.size(), 1u);
  EXPECT_EQ(w.macs.at(Precision::INT8), 3888);
  EXPECT_EQ(w.arithmeticPrecision, Precision::INT8);
  // Zero points: 192 x elements + 108 w elements; requantize 4 * 144 = 576.
  EXPECT_EQ(w.otherOps, 876);
  // 192 + 4 + 1 + 108 + 4 + 1 + 4 + 1 bytes in, 144 out.
  EXPECT_EQ(w.bytesRead(), 315);
  EXPECT_EQ(w.bytesWritten(), 144);
}

//===----------------------------------------------------------------------===//
// Gemm and MatMul
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, GemmTransBWithBias) {
  // A [32, 512], B stored [N=1000, K=512] with transB, C [1000].
  WorkCount w = workOf(
      "%a: tensor<32x512xf32>, %b: tensor<1000x512xf32>, %c: tensor<1000xf32>",
      "tensor<32x1000xf32>",
      R"(%y = "iron.Gemm"(%a, %b, %c) <{transB = 1 : i64}>
            : (tensor<32x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<32x1000xf32>
          return %y : tensor<32x1000xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Gemm);
  // 32*1000 * 512 = 16384000.
  EXPECT_EQ(w.macs.at(Precision::FP32), 16384000);
  expectContraction(w, 1, 32, 1000, 512);
  // The C add: one per output, 32000 (alpha = beta = 1 scale nothing).
  EXPECT_EQ(w.otherOps, 32000);
  // A 16384*4, B 512000*4, C 1000*4; Y 32000*4.
  EXPECT_EQ(w.operandBytes, (Bytes{65536, 2048000, 4000}));
  EXPECT_EQ(w.resultBytes, (Bytes{128000}));
}

TEST_F(WorkCountTest, GemmScaled) {
  // As above with alpha = 0.5, beta = 2: C add + alpha + beta = 3 * 32000.
  WorkCount w = workOf(
      "%a: tensor<32x512xf32>, %b: tensor<1000x512xf32>, %c: tensor<1000xf32>",
      "tensor<32x1000xf32>",
      R"(%y = "iron.Gemm"(%a, %b, %c) <{alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transB = 1 : i64}>
            : (tensor<32x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<32x1000xf32>
          return %y : tensor<32x1000xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.totalMACs(), 16384000);
  EXPECT_EQ(w.otherOps, 96000);
}

TEST_F(WorkCountTest, BatchedMatMulBroadcast) {
  // [4,1,32,16] x [3,16,8] -> [4,3,32,8]: the batch dims broadcast to 4x3.
  WorkCount w = workOf(
      "%a: tensor<4x1x32x16xf32>, %b: tensor<3x16x8xf32>", "tensor<4x3x32x8xf32>",
      R"(%y = "iron.MatMul"(%a, %b)
            : (tensor<4x1x32x16xf32>, tensor<3x16x8xf32>) -> tensor<4x3x32x8xf32>
          return %y : tensor<4x3x32x8xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Gemm);
  // 4*3*32*8 * 16 = 3072 * 16 = 49152.
  EXPECT_EQ(w.totalMACs(), 49152);
  expectContraction(w, 12, 32, 8, 16);
  EXPECT_EQ(w.otherOps, 0);
  // A 2048*4, B 384*4; Y 3072*4.
  EXPECT_EQ(w.operandBytes, (Bytes{8192, 1536}));
  EXPECT_EQ(w.resultBytes, (Bytes{12288}));
}

TEST_F(WorkCountTest, MatMulVectorOperand) {
  // A 1-D A is a row: [64] x [64, 10] -> [10] is 1 x 64 by 64 x 10.
  WorkCount w = workOf(
      "%a: tensor<64xf32>, %b: tensor<64x10xf32>", "tensor<10xf32>",
      R"(%y = "iron.MatMul"(%a, %b) : (tensor<64xf32>, tensor<64x10xf32>) -> tensor<10xf32>
          return %y : tensor<10xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.totalMACs(), 640);
  expectContraction(w, 1, 1, 10, 64);
}

TEST_F(WorkCountTest, ScaledDotProductAttention) {
  // softmax(Q K^T * scale) V, 12 heads, sequence 128, head size 64.
  std::vector<Operation *> ops = parseOps(
      "%q: tensor<1x12x128x64xf32>, %kt: tensor<1x12x64x128xf32>, "
      "%scale: tensor<f32>, %v: tensor<1x12x128x64xf32>",
      "tensor<1x12x128x64xf32>",
      R"(%s = "iron.MatMul"(%q, %kt)
            : (tensor<1x12x128x64xf32>, tensor<1x12x64x128xf32>) -> tensor<1x12x128x128xf32>
          %m = "iron.Mul"(%s, %scale)
            : (tensor<1x12x128x128xf32>, tensor<f32>) -> tensor<1x12x128x128xf32>
          %p = "iron.Softmax"(%m) : (tensor<1x12x128x128xf32>) -> tensor<1x12x128x128xf32>
          %c = "iron.MatMul"(%p, %v)
            : (tensor<1x12x128x128xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32>
          return %c : tensor<1x12x128x64xf32>)");
  ASSERT_EQ(ops.size(), 4u);
  WorkCount qk = count(ops[0]), scale = count(ops[1]), softmax = count(ops[2]),
            pv = count(ops[3]);

  // Q K^T: 12 products of 128x64 by 64x128: 12*128*128 * 64 = 12582912.
  EXPECT_EQ(qk.kernelClass, KernelClass::Gemm);
  EXPECT_EQ(qk.totalMACs(), 12582912);
  expectContraction(qk, 12, 128, 128, 64);

  // The scale: one multiply per score, 12*128*128 = 196608; reads the
  // scores (786432 bytes) and one float, writes 786432 bytes.
  EXPECT_EQ(scale.kernelClass, KernelClass::Elementwise);
  EXPECT_EQ(scale.otherOps, 196608);
  EXPECT_EQ(scale.operandBytes, (Bytes{786432, 4}));
  EXPECT_EQ(scale.resultBytes, (Bytes{786432}));

  // Softmax over the last axis: max, subtract, sum, divide = 4 * 196608 =
  // 786432, and an exp per score: 196608.
  EXPECT_EQ(softmax.kernelClass, KernelClass::Reduction);
  EXPECT_EQ(softmax.otherOps, 786432);
  EXPECT_EQ(softmax.transcendentals, 196608);
  EXPECT_EQ(softmax.totalMACs(), 0);

  // P V: 12 products of 128x128 by 128x64: 12*128*64 * 128 = 12582912.
  EXPECT_EQ(pv.totalMACs(), 12582912);
  expectContraction(pv, 12, 128, 64, 128);

  // Sum: MACs 2 * 12582912 = 25165824; other ops 196608 + 786432 = 983040;
  // transcendentals 196608; arithmetic 2 * 25165824 + 983040 = 51314688.
  double macs = 0, other = 0, trans = 0, arith = 0;
  for (const WorkCount &w : {qk, scale, softmax, pv}) {
    ASSERT_TRUE(w.known);
    macs += w.totalMACs();
    other += w.otherOps;
    trans += w.transcendentals;
    arith += w.arithmeticOps();
  }
  EXPECT_EQ(macs, 25165824);
  EXPECT_EQ(other, 983040);
  EXPECT_EQ(trans, 196608);
  EXPECT_EQ(arith, 51314688);
}

//===----------------------------------------------------------------------===//
// Recurrent and normalization
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, LSTM) {
  // seq 10, batch 2, input 32, hidden 64: W [1, 4*64, 32], R [1, 4*64, 64].
  WorkCount w = workOf(
      "%x: tensor<10x2x32xf32>, %w: tensor<1x256x32xf32>, %r: tensor<1x256x64xf32>",
      "tensor<10x1x2x64xf32>",
      R"(%y, %yh, %yc = "iron.LSTM"(%x, %w, %r)
            <{hidden_size = 64 : i64,
              operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>,
              resultSegmentSizes = array<i32: 1, 1, 1>}>
            : (tensor<10x2x32xf32>, tensor<1x256x32xf32>, tensor<1x256x64xf32>)
            -> (tensor<10x1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64xf32>)
          return %y : tensor<10x1x2x64xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Recurrent);
  // 10*2 * (8192 + 16384) = 491520.
  EXPECT_EQ(w.totalMACs(), 491520);
  // 10 steps of 2 x (32 + 64) by (32 + 64) x 256.
  expectContraction(w, 10, 2, 256, 96);
  // 10*2*64 = 1280 cell units, 8 ops and 5 transcendentals each (no bias).
  EXPECT_EQ(w.otherOps, 10240);
  EXPECT_EQ(w.transcendentals, 6400);
  EXPECT_EQ(w.resultBytes.size(), 3u);
}

TEST_F(WorkCountTest, LayerNormalization) {
  // BERT-base: [2, 128, 768] normalized over the last axis: 256 rows.
  WorkCount w = workOf(
      "%x: tensor<2x128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>",
      "tensor<2x128x768xf32>",
      R"(%y = "iron.LayerNormalization"(%x, %g, %b) <{resultSegmentSizes = array<i32: 1, 0, 0>}>
            : (tensor<2x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<2x128x768xf32>
          return %y : tensor<2x128x768xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Normalization);
  // 7 * 196608 + 3 * 256 = 1376256 + 768 = 1377024; a rsqrt per row.
  EXPECT_EQ(w.otherOps, 1377024);
  EXPECT_EQ(w.transcendentals, 256);
}

TEST_F(WorkCountTest, BatchNormalizationInference) {
  WorkCount w = workOf(
      "%x: tensor<1x64x56x56xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, "
      "%m: tensor<64xf32>, %v: tensor<64xf32>",
      "tensor<1x64x56x56xf32>",
      R"(%y = "iron.BatchNormalization"(%x, %s, %b, %m, %v) <{resultSegmentSizes = array<i32: 1, 0, 0>}>
            : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
               tensor<64xf32>) -> tensor<1x64x56x56xf32>
          return %y : tensor<1x64x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Normalization);
  // Scale and shift per element, 2 * 200704 = 401408, and the per-channel
  // folding 4 * 64 = 256: 401664; a sqrt per channel: 64.
  EXPECT_EQ(w.otherOps, 401664);
  EXPECT_EQ(w.transcendentals, 64);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, MaxPool3x3Stride2) {
  // ResNet stem pool: 3x3/2, pad 1, 112 -> 56.
  WorkCount w = workOf(
      "%x: tensor<1x64x112x112xf32>", "tensor<1x64x56x56xf32>",
      R"(%y = "iron.MaxPool"(%x) <{kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]}>
            : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
          return %y : tensor<1x64x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Pooling);
  // 64*56*56 outputs * 9 = 200704 * 9 = 1806336.
  EXPECT_EQ(w.otherOps, 1806336);
  EXPECT_TRUE(w.macs.empty());
  EXPECT_EQ(w.contraction.has_value(), false);
}

TEST_F(WorkCountTest, GlobalAveragePool) {
  WorkCount w = workOf(
      "%x: tensor<1x512x7x7xf32>", "tensor<1x512x1x1xf32>",
      R"(%y = "iron.GlobalAveragePool"(%x) : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
          return %y : tensor<1x512x1x1xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Pooling);
  // 512*49 = 25088 adds + 512 divides = 25600.
  EXPECT_EQ(w.otherOps, 25600);
  EXPECT_EQ(w.operandBytes, (Bytes{100352}));
  EXPECT_EQ(w.resultBytes, (Bytes{2048}));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, Relu) {
  WorkCount w = workOf(
      "%x: tensor<1x64x56x56xf32>", "tensor<1x64x56x56xf32>",
      R"(%y = "iron.Relu"(%x) : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
          return %y : tensor<1x64x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Elementwise);
  // One max per element: 64*56*56 = 200704.
  EXPECT_EQ(w.otherOps, 200704);
  EXPECT_EQ(w.transcendentals, 0);
  EXPECT_TRUE(w.macs.empty());
  EXPECT_EQ(w.operandBytes, (Bytes{802816}));
  EXPECT_EQ(w.resultBytes, (Bytes{802816}));
}

TEST_F(WorkCountTest, AddWithBroadcast) {
  // A per-channel bias [64, 1, 1] broadcast over [1, 64, 56, 56].
  WorkCount w = workOf(
      "%a: tensor<1x64x56x56xf32>, %b: tensor<64x1x1xf32>", "tensor<1x64x56x56xf32>",
      R"(%y = "iron.Add"(%a, %b)
            : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
          return %y : tensor<1x64x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Elementwise);
  // One add per output element: 200704; the bias is read once (64*4 bytes).
  EXPECT_EQ(w.otherOps, 200704);
  EXPECT_EQ(w.operandBytes, (Bytes{802816, 256}));
}

TEST_F(WorkCountTest, SigmoidIsTranscendental) {
  WorkCount w = workOf(
      "%x: tensor<2x1000xf16>", "tensor<2x1000xf16>",
      R"(%y = "iron.Sigmoid"(%x) : (tensor<2x1000xf16>) -> tensor<2x1000xf16>
          return %y : tensor<2x1000xf16>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::Elementwise);
  // One sigmoid per element: 2000, at fp16; 2000 * 2 bytes each way.
  EXPECT_EQ(w.transcendentals, 2000);
  EXPECT_EQ(w.otherOps, 0);
  EXPECT_EQ(w.arithmeticPrecision, Precision::FP16);
  EXPECT_EQ(w.bytesRead(), 4000);
  EXPECT_EQ(w.bytesWritten(), 4000);
}

TEST_F(WorkCountTest, CompositeActivations) {
  // HardSwish = x * clamp(alpha x + beta, 0, 1): mul, add, 2 compares, mul
  // = 5 per element: 5 * 2000 = 10000.
  WorkCount hs = workOf(
      "%x: tensor<2x1000xf32>", "tensor<2x1000xf32>",
      R"(%y = "iron.HardSwish"(%x) : (tensor<2x1000xf32>) -> tensor<2x1000xf32>
          return %y : tensor<2x1000xf32>)");
  EXPECT_EQ(hs.otherOps, 10000);
  EXPECT_EQ(hs.transcendentals, 0);
  // Clip with both bounds: 2 compares per element = 4000.
  WorkCount clip = workOf(
      "%x: tensor<2x1000xf32>, %lo: tensor<f32>, %hi: tensor<f32>", "tensor<2x1000xf32>",
      R"(%y = "iron.Clip"(%x, %lo, %hi) <{operandSegmentSizes = array<i32: 1, 1, 1>}>
            : (tensor<2x1000xf32>, tensor<f32>, tensor<f32>) -> tensor<2x1000xf32>
          return %y : tensor<2x1000xf32>)");
  EXPECT_EQ(clip.kernelClass, KernelClass::Elementwise);
  EXPECT_EQ(clip.otherOps, 4000);
}

TEST_F(WorkCountTest, ComparisonPrecisionIsTheInputs) {
  // A bool result; the compare runs at the operands' fp16.
  WorkCount w = workOf(
      "%a: tensor<8xf16>, %b: tensor<8xf16>", "tensor<8xi1>",
      R"(%y = "iron.Less"(%a, %b) : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xi1>
          return %y : tensor<8xi1>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.arithmeticPrecision, Precision::FP16);
  EXPECT_EQ(w.otherOps, 8);
  // Bools take a byte each.
  EXPECT_EQ(w.resultBytes, (Bytes{8}));
}

//===----------------------------------------------------------------------===//
// Views and data movement
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, ReshapeAndConstantAreNoKernels) {
  std::vector<Operation *> ops = parseOps(
      "%x: tensor<1x64x7x7xf32>", "tensor<1x3136xf32>",
      R"(%s = "iron.Constant"() <{value = dense<[1, 3136]> : tensor<2xi64>}> : () -> tensor<2xi64>
          %y = "iron.Reshape"(%x, %s) : (tensor<1x64x7x7xf32>, tensor<2xi64>) -> tensor<1x3136xf32>
          return %y : tensor<1x3136xf32>)");
  ASSERT_EQ(ops.size(), 2u);
  WorkCount c = count(ops[0]), r = count(ops[1]);
  ASSERT_TRUE(c.known);
  EXPECT_EQ(c.kernelClass, KernelClass::None);
  EXPECT_TRUE(c.operandBytes.empty());
  EXPECT_EQ(c.resultBytes, (Bytes{16}));
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.kernelClass, KernelClass::None);
  EXPECT_EQ(r.otherOps, 0);
  EXPECT_EQ(r.transcendentals, 0);
  EXPECT_TRUE(r.macs.empty());
  // 3136 floats in and out; the shape is 2 int64s.
  EXPECT_EQ(r.operandBytes, (Bytes{12544, 16}));
  EXPECT_EQ(r.resultBytes, (Bytes{12544}));
}

TEST_F(WorkCountTest, SliceReadsOnlyWhatItReturns) {
  // The first 32 of 64 channels.
  WorkCount w = workOf(
      "%x: tensor<1x64x56x56xf32>", "tensor<1x32x56x56xf32>",
      R"(%st = "iron.Constant"() <{value = dense<0> : tensor<1xi64>}> : () -> tensor<1xi64>
          %en = "iron.Constant"() <{value = dense<32> : tensor<1xi64>}> : () -> tensor<1xi64>
          %ax = "iron.Constant"() <{value = dense<1> : tensor<1xi64>}> : () -> tensor<1xi64>
          %y = "iron.Slice"(%x, %st, %en, %ax) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>}>
            : (tensor<1x64x56x56xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x32x56x56xf32>
          return %y : tensor<1x32x56x56xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::DataMovement);
  // 32*56*56 = 100352 floats = 401408 bytes read of the 802816; the three
  // index tensors 8 bytes each. One op per element written.
  EXPECT_EQ(w.operandBytes, (Bytes{401408, 8, 8, 8}));
  EXPECT_EQ(w.resultBytes, (Bytes{401408}));
  EXPECT_EQ(w.otherOps, 100352);
}

TEST_F(WorkCountTest, GatherReadsOnlyWhatItReturns) {
  // An embedding lookup: 10 rows of a 1000 x 64 table.
  WorkCount w = workOf(
      "%t: tensor<1000x64xf32>, %i: tensor<2x5xi64>", "tensor<2x5x64xf32>",
      R"(%y = "iron.Gather"(%t, %i) : (tensor<1000x64xf32>, tensor<2x5xi64>) -> tensor<2x5x64xf32>
          return %y : tensor<2x5x64xf32>)");
  ASSERT_TRUE(w.known);
  EXPECT_EQ(w.kernelClass, KernelClass::DataMovement);
  // 2*5*64 = 640 floats = 2560 bytes of the table; 10 indices * 8 = 80.
  EXPECT_EQ(w.operandBytes, (Bytes{2560, 80}));
  EXPECT_EQ(w.resultBytes, (Bytes{2560}));
  EXPECT_EQ(w.otherOps, 640);
}

//===----------------------------------------------------------------------===//
// Dynamic shapes
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, DynamicShapeIsUnknown) {
  WorkCount conv = workOf(
      "%x: tensor<?x3x32x32xf32>, %w: tensor<16x3x3x3xf32>", "tensor<?x16x30x30xf32>",
      R"(%y = "iron.Conv"(%x, %w)
            : (tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>) -> tensor<?x16x30x30xf32>
          return %y : tensor<?x16x30x30xf32>)");
  EXPECT_FALSE(conv.known);
  EXPECT_TRUE(conv.macs.empty());
  EXPECT_EQ(conv.otherOps, 0);
  EXPECT_TRUE(conv.operandBytes.empty());
  EXPECT_TRUE(conv.resultBytes.empty());
  EXPECT_FALSE(conv.contraction.has_value());

  WorkCount relu = workOf(
      "%x: tensor<?x10xf32>", "tensor<?x10xf32>",
      R"(%y = "iron.Relu"(%x) : (tensor<?x10xf32>) -> tensor<?x10xf32>
          return %y : tensor<?x10xf32>)");
  EXPECT_FALSE(relu.known);
  EXPECT_EQ(relu.otherOps, 0);
}

//===----------------------------------------------------------------------===//
// Precisions
//===----------------------------------------------------------------------===//

TEST_F(WorkCountTest, PrecisionOfElementType) {
  Builder b(&ctx);
  auto p = [](Type t) { return iron::precisionOfElementType(t); };
  EXPECT_EQ(p(b.getF64Type()), Precision::FP64);
  EXPECT_EQ(p(b.getF32Type()), Precision::FP32);
  EXPECT_EQ(p(b.getF16Type()), Precision::FP16);
  EXPECT_EQ(p(b.getBF16Type()), Precision::BF16);
  EXPECT_EQ(p(b.getFloat8E4M3FNType()), Precision::FP8);
  EXPECT_EQ(p(b.getFloat8E5M2Type()), Precision::FP8);
  EXPECT_EQ(p(b.getIntegerType(8)), Precision::INT8);
  EXPECT_EQ(p(b.getIntegerType(8, /*isSigned=*/false)), Precision::INT8);
  EXPECT_EQ(p(b.getIntegerType(8, /*isSigned=*/true)), Precision::INT8);
  EXPECT_EQ(p(b.getIntegerType(16)), Precision::INT16);
  EXPECT_EQ(p(b.getIntegerType(16, false)), Precision::INT16);
  EXPECT_EQ(p(b.getIntegerType(32)), Precision::INT32);
  EXPECT_EQ(p(b.getIntegerType(32, false)), Precision::INT32);
  // int64 is index arithmetic, done at 32 bits.
  EXPECT_EQ(p(b.getIntegerType(64)), Precision::INT32);
  EXPECT_EQ(p(b.getIntegerType(64, false)), Precision::INT32);
  EXPECT_EQ(p(b.getI1Type()), Precision::INT8);
  EXPECT_EQ(p(b.getIntegerType(4)), Precision::INT4);
  EXPECT_EQ(p(b.getIntegerType(4, false)), Precision::INT4);
  EXPECT_FALSE(p(ComplexType::get(b.getF32Type())).has_value());
  EXPECT_FALSE(p(b.getNoneType()).has_value());
}

} // namespace
