//===- ModelSummaryTest.cpp - MAC counts and model summaries --------------===//
//
// Unit tests of iron/Analysis/ModelSummary.h. The ops are parsed from MLIR
// text (and so also pass the dialect's verifier, which runs ONNX's shape
// inference on them: the shapes below are consistent). Every MAC count is
// worked out by hand in the comment next to it.
//
//===----------------------------------------------------------------------===//

#include "iron/Analysis/ModelSummary.h"
#include "iron/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlir;

namespace {

class MACsTest : public ::testing::Test {
protected:
  MACsTest() : ctx(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    iron::registerImportDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// Parses `body` (one or more ops) into a function with the given
  /// signature and returns the MACs of the op that produces the function's
  /// first result.
  int64_t macsOf(const std::string &args, const std::string &resultTypes,
                 const std::string &body) {
    std::string text = "func.func @f(" + args + ") -> (" + resultTypes + ") {\n" +
                       body + "\n}\n";
    module = parseSourceString<ModuleOp>(text, &ctx);
    EXPECT_TRUE(module) << "cannot parse:\n" << text;
    if (!module)
      return -1;
    auto func = *module->getOps<func::FuncOp>().begin();
    Operation *ret = func.getBody().front().getTerminator();
    Operation *op = ret->getOperand(0).getDefiningOp();
    EXPECT_NE(op, nullptr);
    return op ? iron::countMACs(op) : -1;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

TEST_F(MACsTest, StandardConv) {
  // ResNet stem: 7x7/2 conv, 3 -> 64 channels, 224 -> 112.
  // Each of the 64*112*112 outputs sums 3*7*7 products:
  // 64*112*112 * 3*7*7 = 802816 * 147 = 118013952.
  EXPECT_EQ(macsOf("%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>",
                   "tensor<1x64x112x112xf32>",
                   R"(%y = "iron.Conv"(%x, %w) <{group = 1 : i64, pads = [3, 3, 3, 3], strides = [2, 2]}>
                         : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x112x112xf32>
                       return %y : tensor<1x64x112x112xf32>)"),
            118013952);
}

TEST_F(MACsTest, ConvWithBiasAndBatch) {
  // Batch 2, 3x3 conv with pad 1, 3 -> 16 channels, bias (adds, no MACs).
  // 2*16*32*32 outputs * 3*3*3 = 32768 * 27 = 884736.
  EXPECT_EQ(macsOf("%x: tensor<2x3x32x32xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>",
                   "tensor<2x16x32x32xf32>",
                   R"(%y = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}>
                         : (tensor<2x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<2x16x32x32xf32>
                       return %y : tensor<2x16x32x32xf32>)"),
            884736);
}

TEST_F(MACsTest, DepthwiseConv) {
  // MobileNet depthwise 3x3, group = C = 32: every output sums 1*3*3 inputs.
  // 32*112*112 * 9 = 401408 * 9 = 3612672.
  EXPECT_EQ(macsOf("%x: tensor<1x32x112x112xf32>, %w: tensor<32x1x3x3xf32>",
                   "tensor<1x32x112x112xf32>",
                   R"(%y = "iron.Conv"(%x, %w) <{group = 32 : i64, pads = [1, 1, 1, 1]}>
                         : (tensor<1x32x112x112xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x112x112xf32>
                       return %y : tensor<1x32x112x112xf32>)"),
            3612672);
}

TEST_F(MACsTest, GroupedConv) {
  // ResNeXt-style: 64 -> 128 channels in 4 groups, so 16 input channels per
  // output. 128*56*56 * 16*3*3 = 401408 * 144 = 57802752.
  EXPECT_EQ(macsOf("%x: tensor<1x64x56x56xf32>, %w: tensor<128x16x3x3xf32>",
                   "tensor<1x128x56x56xf32>",
                   R"(%y = "iron.Conv"(%x, %w) <{group = 4 : i64, pads = [1, 1, 1, 1]}>
                         : (tensor<1x64x56x56xf32>, tensor<128x16x3x3xf32>) -> tensor<1x128x56x56xf32>
                       return %y : tensor<1x128x56x56xf32>)"),
            57802752);
}

TEST_F(MACsTest, PointwiseConv) {
  // 1x1 conv 256 -> 512 at 14x14: 512*14*14 * 256 = 100352 * 256 = 25690112.
  EXPECT_EQ(macsOf("%x: tensor<1x256x14x14xf32>, %w: tensor<512x256x1x1xf32>",
                   "tensor<1x512x14x14xf32>",
                   R"(%y = "iron.Conv"(%x, %w)
                         : (tensor<1x256x14x14xf32>, tensor<512x256x1x1xf32>) -> tensor<1x512x14x14xf32>
                       return %y : tensor<1x512x14x14xf32>)"),
            25690112);
}

TEST_F(MACsTest, Conv1D) {
  // 1-D conv, kernel 5, 8 -> 4 channels, length 100 -> 96.
  // 4*96 * 8*5 = 384 * 40 = 15360.
  EXPECT_EQ(macsOf("%x: tensor<1x8x100xf32>, %w: tensor<4x8x5xf32>", "tensor<1x4x96xf32>",
                   R"(%y = "iron.Conv"(%x, %w)
                         : (tensor<1x8x100xf32>, tensor<4x8x5xf32>) -> tensor<1x4x96xf32>
                       return %y : tensor<1x4x96xf32>)"),
            15360);
}

TEST_F(MACsTest, ConvTranspose) {
  // 4x4/2 transposed conv (pad 1), 64 -> 32 channels, 28 -> 56
  // ((28-1)*2 - 2 + 4 = 56). Every input element meets 32*4*4 weights:
  // 64*28*28 * 32*4*4 = 50176 * 512 = 25690112.
  // (Cross-check from the output side: 32*56*56 outputs, each gathering
  //  64 channels * 2*2 kernel taps = 100352 * 256 = 25690112.)
  EXPECT_EQ(macsOf("%x: tensor<1x64x28x28xf32>, %w: tensor<64x32x4x4xf32>",
                   "tensor<1x32x56x56xf32>",
                   R"(%y = "iron.ConvTranspose"(%x, %w) <{pads = [1, 1, 1, 1], strides = [2, 2]}>
                         : (tensor<1x64x28x28xf32>, tensor<64x32x4x4xf32>) -> tensor<1x32x56x56xf32>
                       return %y : tensor<1x32x56x56xf32>)"),
            25690112);
}

TEST_F(MACsTest, GroupedConvTranspose) {
  // 8 input channels in 2 groups, W: [C=8, M/group=2, 3, 3], so M = 4;
  // 10x10 -> 12x12. Every input element meets 2*3*3 weights:
  // 8*10*10 * 2*3*3 = 800 * 18 = 14400.
  EXPECT_EQ(macsOf("%x: tensor<1x8x10x10xf32>, %w: tensor<8x2x3x3xf32>",
                   "tensor<1x4x12x12xf32>",
                   R"(%y = "iron.ConvTranspose"(%x, %w) <{group = 2 : i64}>
                         : (tensor<1x8x10x10xf32>, tensor<8x2x3x3xf32>) -> tensor<1x4x12x12xf32>
                       return %y : tensor<1x4x12x12xf32>)"),
            14400);
}

//===----------------------------------------------------------------------===//
// Gemm and MatMul
//===----------------------------------------------------------------------===//

TEST_F(MACsTest, Gemm) {
  // [32, 512] x [512, 1000]: 32*1000 outputs * K=512 = 16384000.
  EXPECT_EQ(macsOf("%a: tensor<32x512xf32>, %b: tensor<512x1000xf32>", "tensor<32x1000xf32>",
                   R"(%y = "iron.Gemm"(%a, %b)
                         : (tensor<32x512xf32>, tensor<512x1000xf32>) -> tensor<32x1000xf32>
                       return %y : tensor<32x1000xf32>)"),
            16384000);
}

TEST_F(MACsTest, GemmTransposed) {
  // A stored [K=512, M=32] with transA, B stored [N=1000, K=512] with transB,
  // plus a bias: still 32*1000 * 512 = 16384000.
  EXPECT_EQ(macsOf("%a: tensor<512x32xf32>, %b: tensor<1000x512xf32>, %c: tensor<1000xf32>",
                   "tensor<32x1000xf32>",
                   R"(%y = "iron.Gemm"(%a, %b, %c) <{transA = 1 : i64, transB = 1 : i64}>
                         : (tensor<512x32xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<32x1000xf32>
                       return %y : tensor<32x1000xf32>)"),
            16384000);
}

TEST_F(MACsTest, GemmTransposedANonSquare) {
  // transA only: A [K=7, M=3], B [K=7, N=5]: 3*5 * 7 = 105.
  EXPECT_EQ(macsOf("%a: tensor<7x3xf32>, %b: tensor<7x5xf32>", "tensor<3x5xf32>",
                   R"(%y = "iron.Gemm"(%a, %b) <{transA = 1 : i64}>
                         : (tensor<7x3xf32>, tensor<7x5xf32>) -> tensor<3x5xf32>
                       return %y : tensor<3x5xf32>)"),
            105);
}

TEST_F(MACsTest, MatMul2D) {
  // BERT FFN: [128, 768] x [768, 3072]: 128*3072 * 768 = 393216 * 768 = 301989888.
  EXPECT_EQ(macsOf("%a: tensor<128x768xf32>, %b: tensor<768x3072xf32>", "tensor<128x3072xf32>",
                   R"(%y = "iron.MatMul"(%a, %b)
                         : (tensor<128x768xf32>, tensor<768x3072xf32>) -> tensor<128x3072xf32>
                       return %y : tensor<128x3072xf32>)"),
            301989888);
}

TEST_F(MACsTest, MatMulBatched) {
  // [12, 128, 64] x [12, 64, 128]: 12*128*128 * 64 = 196608 * 64 = 12582912.
  EXPECT_EQ(macsOf("%a: tensor<12x128x64xf32>, %b: tensor<12x64x128xf32>",
                   "tensor<12x128x128xf32>",
                   R"(%y = "iron.MatMul"(%a, %b)
                         : (tensor<12x128x64xf32>, tensor<12x64x128xf32>) -> tensor<12x128x128xf32>
                       return %y : tensor<12x128x128xf32>)"),
            12582912);
}

TEST_F(MACsTest, MatMulBroadcastBatch) {
  // A's batch of 1 broadcasts against 12: [1,128,64] x [12,64,128]
  // -> [12,128,128]: 12*128*128 * 64 = 12582912.
  EXPECT_EQ(macsOf("%a: tensor<1x128x64xf32>, %b: tensor<12x64x128xf32>",
                   "tensor<12x128x128xf32>",
                   R"(%y = "iron.MatMul"(%a, %b)
                         : (tensor<1x128x64xf32>, tensor<12x64x128xf32>) -> tensor<12x128x128xf32>
                       return %y : tensor<12x128x128xf32>)"),
            12582912);
}

TEST_F(MACsTest, MatMulBroadcastRank) {
  // A 2-D matrix against a stack of 12: [128,64] x [12,64,128]
  // -> [12,128,128]: 12582912.
  EXPECT_EQ(macsOf("%a: tensor<128x64xf32>, %b: tensor<12x64x128xf32>",
                   "tensor<12x128x128xf32>",
                   R"(%y = "iron.MatMul"(%a, %b)
                         : (tensor<128x64xf32>, tensor<12x64x128xf32>) -> tensor<12x128x128xf32>
                       return %y : tensor<12x128x128xf32>)"),
            12582912);
}

TEST_F(MACsTest, MatMulBroadcastBothSides) {
  // [4,1,32,16] x [3,16,8] -> [4,3,32,8]: 4*3*32*8 * 16 = 3072 * 16 = 49152.
  EXPECT_EQ(macsOf("%a: tensor<4x1x32x16xf32>, %b: tensor<3x16x8xf32>",
                   "tensor<4x3x32x8xf32>",
                   R"(%y = "iron.MatMul"(%a, %b)
                         : (tensor<4x1x32x16xf32>, tensor<3x16x8xf32>) -> tensor<4x3x32x8xf32>
                       return %y : tensor<4x3x32x8xf32>)"),
            49152);
}

TEST_F(MACsTest, MatMulVectors) {
  // [64] x [64, 10] -> [10]: 10 * 64 = 640.
  EXPECT_EQ(macsOf("%a: tensor<64xf32>, %b: tensor<64x10xf32>", "tensor<10xf32>",
                   R"(%y = "iron.MatMul"(%a, %b) : (tensor<64xf32>, tensor<64x10xf32>) -> tensor<10xf32>
                       return %y : tensor<10xf32>)"),
            640);
  // [10, 64] x [64] -> [10]: 10 * 64 = 640.
  EXPECT_EQ(macsOf("%a: tensor<10x64xf32>, %b: tensor<64xf32>", "tensor<10xf32>",
                   R"(%y = "iron.MatMul"(%a, %b) : (tensor<10x64xf32>, tensor<64xf32>) -> tensor<10xf32>
                       return %y : tensor<10xf32>)"),
            640);
}

TEST_F(MACsTest, AttentionMatMuls) {
  // BERT-base self-attention, 12 heads, head size 64, sequence 128.
  // Scores Q.K^T: [1,12,128,64] x [1,12,64,128] -> [1,12,128,128]:
  //   12*128*128 * 64 = 12582912.
  EXPECT_EQ(macsOf("%q: tensor<1x12x128x64xf32>, %kt: tensor<1x12x64x128xf32>",
                   "tensor<1x12x128x128xf32>",
                   R"(%s = "iron.MatMul"(%q, %kt)
                         : (tensor<1x12x128x64xf32>, tensor<1x12x64x128xf32>) -> tensor<1x12x128x128xf32>
                       return %s : tensor<1x12x128x128xf32>)"),
            12582912);
  // Context P.V: [1,12,128,128] x [1,12,128,64] -> [1,12,128,64]:
  //   12*128*64 * 128 = 12582912.
  EXPECT_EQ(macsOf("%p: tensor<1x12x128x128xf32>, %v: tensor<1x12x128x64xf32>",
                   "tensor<1x12x128x64xf32>",
                   R"(%c = "iron.MatMul"(%p, %v)
                         : (tensor<1x12x128x128xf32>, tensor<1x12x128x64xf32>) -> tensor<1x12x128x64xf32>
                       return %c : tensor<1x12x128x64xf32>)"),
            12582912);
}

TEST_F(MACsTest, MatMulInteger) {
  // [4, 8] x [8, 16] uint8 -> int32 [4, 16]: 4*16 * 8 = 512.
  EXPECT_EQ(macsOf("%a: tensor<4x8xui8>, %b: tensor<8x16xui8>", "tensor<4x16xi32>",
                   R"(%y = "iron.MatMulInteger"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
                         : (tensor<4x8xui8>, tensor<8x16xui8>) -> tensor<4x16xi32>
                       return %y : tensor<4x16xi32>)"),
            512);
}

TEST_F(MACsTest, ConvIntegerCountsLikeConv) {
  // ConvInteger is Conv on integers: uint8 [1,3,8,8] * [4,3,3,3] -> int32
  // [1,4,6,6]: 4*6*6 * 3*3*3 = 144 * 27 = 3888. (MatMulInteger and
  // QLinearMatMul are counted like MatMul; their Conv counterparts should be
  // counted like Conv.)
  EXPECT_EQ(macsOf("%x: tensor<1x3x8x8xui8>, %w: tensor<4x3x3x3xui8>", "tensor<1x4x6x6xi32>",
                   R"(%y = "iron.ConvInteger"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
                         : (tensor<1x3x8x8xui8>, tensor<4x3x3x3xui8>) -> tensor<1x4x6x6xi32>
                       return %y : tensor<1x4x6x6xi32>)"),
            3888);
}

TEST_F(MACsTest, QLinearConvCountsLikeConv) {
  // QLinearConv: the weights are operand 3 (x, x_scale, x_zero_point, w, ...).
  // uint8 [1,3,8,8] * [4,3,3,3] -> [1,4,6,6]: 4*6*6 * 3*3*3 = 3888.
  EXPECT_EQ(macsOf("%x: tensor<1x3x8x8xui8>, %xs: tensor<f32>, %xz: tensor<ui8>, "
                   "%w: tensor<4x3x3x3xui8>, %ws: tensor<f32>, %wz: tensor<ui8>, "
                   "%ys: tensor<f32>, %yz: tensor<ui8>",
                   "tensor<1x4x6x6xui8>",
                   R"(%y = "iron.QLinearConv"(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz)
                         : (tensor<1x3x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<4x3x3x3xui8>,
                            tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x6x6xui8>
                       return %y : tensor<1x4x6x6xui8>)"),
            3888);
}

TEST_F(MACsTest, QLinearMatMul) {
  // [4, 8] x [8, 16] uint8 -> uint8 [4, 16]: 4*16 * 8 = 512.
  EXPECT_EQ(macsOf("%a: tensor<4x8xui8>, %as: tensor<f32>, %az: tensor<ui8>, "
                   "%b: tensor<8x16xui8>, %bs: tensor<f32>, %bz: tensor<ui8>, "
                   "%ys: tensor<f32>, %yz: tensor<ui8>",
                   "tensor<4x16xui8>",
                   R"(%y = "iron.QLinearMatMul"(%a, %as, %az, %b, %bs, %bz, %ys, %yz)
                         : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>, tensor<8x16xui8>,
                            tensor<f32>, tensor<ui8>, tensor<f32>, tensor<ui8>) -> tensor<4x16xui8>
                       return %y : tensor<4x16xui8>)"),
            512);
}

//===----------------------------------------------------------------------===//
// Recurrent ops
//===----------------------------------------------------------------------===//

TEST_F(MACsTest, LSTMForward) {
  // seq 10, batch 2, input 32, hidden 64: W [1, 4*64, 32], R [1, 4*64, 64].
  // Per step and batch row: 256*32 (input) + 256*64 (recurrent) = 24576;
  // 10*2 * 24576 = 491520.
  EXPECT_EQ(
      macsOf("%x: tensor<10x2x32xf32>, %w: tensor<1x256x32xf32>, %r: tensor<1x256x64xf32>",
             "tensor<10x1x2x64xf32>",
             R"(%y, %yh, %yc = "iron.LSTM"(%x, %w, %r)
                   <{hidden_size = 64 : i64,
                     operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>,
                     resultSegmentSizes = array<i32: 1, 1, 1>}>
                   : (tensor<10x2x32xf32>, tensor<1x256x32xf32>, tensor<1x256x64xf32>)
                   -> (tensor<10x1x2x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64xf32>)
                 return %y : tensor<10x1x2x64xf32>)"),
      491520);
}

TEST_F(MACsTest, LSTMBidirectional) {
  // As above, both directions: 2 * 491520 = 983040.
  EXPECT_EQ(
      macsOf("%x: tensor<10x2x32xf32>, %w: tensor<2x256x32xf32>, %r: tensor<2x256x64xf32>",
             "tensor<10x2x2x64xf32>",
             R"(%y, %yh, %yc = "iron.LSTM"(%x, %w, %r)
                   <{direction = "bidirectional", hidden_size = 64 : i64,
                     operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>,
                     resultSegmentSizes = array<i32: 1, 1, 1>}>
                   : (tensor<10x2x32xf32>, tensor<2x256x32xf32>, tensor<2x256x64xf32>)
                   -> (tensor<10x2x2x64xf32>, tensor<2x2x64xf32>, tensor<2x2x64xf32>)
                 return %y : tensor<10x2x2x64xf32>)"),
      983040);
}

TEST_F(MACsTest, GRU) {
  // seq 5, batch 1, input 16, hidden 8: W [1, 3*8, 16], R [1, 3*8, 8].
  // 5*1 * (24*16 + 24*8) = 5 * 576 = 2880.
  EXPECT_EQ(
      macsOf("%x: tensor<5x1x16xf32>, %w: tensor<1x24x16xf32>, %r: tensor<1x24x8xf32>",
             "tensor<5x1x1x8xf32>",
             R"(%y, %yh = "iron.GRU"(%x, %w, %r)
                   <{hidden_size = 8 : i64,
                     operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>,
                     resultSegmentSizes = array<i32: 1, 1>}>
                   : (tensor<5x1x16xf32>, tensor<1x24x16xf32>, tensor<1x24x8xf32>)
                   -> (tensor<5x1x1x8xf32>, tensor<1x1x8xf32>)
                 return %y : tensor<5x1x1x8xf32>)"),
      2880);
}

//===----------------------------------------------------------------------===//
// Ops without MACs
//===----------------------------------------------------------------------===//

TEST_F(MACsTest, ElementwiseAndPoolingHaveNoMACs) {
  EXPECT_EQ(macsOf("%x: tensor<1x64x56x56xf32>", "tensor<1x64x56x56xf32>",
                   R"(%y = "iron.Relu"(%x) : (tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
                       return %y : tensor<1x64x56x56xf32>)"),
            0);
  EXPECT_EQ(macsOf("%x: tensor<1x64x56x56xf32>", "tensor<1x64x28x28xf32>",
                   R"(%y = "iron.MaxPool"(%x) <{kernel_shape = [2, 2], strides = [2, 2]}>
                         : (tensor<1x64x56x56xf32>) -> tensor<1x64x28x28xf32>
                       return %y : tensor<1x64x28x28xf32>)"),
            0);
  EXPECT_EQ(macsOf("%a: tensor<1x64x56x56xf32>, %b: tensor<1x64x56x56xf32>",
                   "tensor<1x64x56x56xf32>",
                   R"(%y = "iron.Add"(%a, %b)
                         : (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
                       return %y : tensor<1x64x56x56xf32>)"),
            0);
}

TEST_F(MACsTest, DynamicShapesHaveNoMACs) {
  EXPECT_EQ(macsOf("%x: tensor<?x3x32x32xf32>, %w: tensor<16x3x3x3xf32>",
                   "tensor<?x16x30x30xf32>",
                   R"(%y = "iron.Conv"(%x, %w)
                         : (tensor<?x3x32x32xf32>, tensor<16x3x3x3xf32>) -> tensor<?x16x30x30xf32>
                       return %y : tensor<?x16x30x30xf32>)"),
            0);
  EXPECT_EQ(macsOf("%a: tensor<?x64xf32>, %b: tensor<64x10xf32>", "tensor<?x10xf32>",
                   R"(%y = "iron.MatMul"(%a, %b) : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32>
                       return %y : tensor<?x10xf32>)"),
            0);
}

TEST_F(MACsTest, NonIronOpsHaveNoMACs) {
  module = parseSourceString<ModuleOp>(
      "func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }", &ctx);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_EQ(iron::countMACs(func), 0);
  EXPECT_EQ(iron::countMACs(func.getBody().front().getTerminator()), 0);
}

//===----------------------------------------------------------------------===//
// summarizeModel
//===----------------------------------------------------------------------===//

TEST_F(MACsTest, SummarizeModel) {
  const char *text = R"mlir(
module attributes {iron.source = "tiny.onnx"} {
  func.func @main(%x: tensor<1x3x8x8xf32> {iron.name = "image"})
      -> (tensor<1x4x8x8xf32> {iron.name = "features"}) {
    %w = "iron.Constant"() <{value = dense<0.25> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32>
    %b = "iron.Constant"() <{value = dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>}> : () -> tensor<4xf32>
    %flat = "iron.Constant"() <{value = dense<[1, 4, 64]> : tensor<3xi64>}> : () -> tensor<3xi64>
    %back = "iron.Constant"() <{value = dense<[1, 4, 8, 8]> : tensor<4xi64>}> : () -> tensor<4xi64>
    %zp = "iron.Constant"() <{value = dense<3> : tensor<16xui8>}> : () -> tensor<16xui8>
    %mask = "iron.Constant"() <{value = dense<true> : tensor<4xi1>}> : () -> tensor<4xi1>
    %c = "iron.Conv"(%x, %w, %b) <{pads = [1, 1, 1, 1]}>
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    %r = "iron.Relu"(%c) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %f = "iron.Reshape"(%r, %flat) : (tensor<1x4x8x8xf32>, tensor<3xi64>) -> tensor<1x4x64xf32>
    %r2 = "iron.Relu"(%f) : (tensor<1x4x64xf32>) -> tensor<1x4x64xf32>
    %u = "iron.Reshape"(%r2, %back) : (tensor<1x4x64xf32>, tensor<4xi64>) -> tensor<1x4x8x8xf32>
    %y = "iron.Add"(%u, %r) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    return %y : tensor<1x4x8x8xf32>
  }
}
)mlir";
  module = parseSourceString<ModuleOp>(text, &ctx);
  ASSERT_TRUE(module);
  iron::ModelSummary s = iron::summarizeModel(*module);
  EXPECT_EQ(s.source, "tiny.onnx");
  ASSERT_EQ(s.inputs.size(), 1u);
  EXPECT_EQ(s.inputs[0].name, "image");
  EXPECT_EQ(s.inputs[0].type, "tensor<1x3x8x8xf32>");
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].name, "features");
  EXPECT_EQ(s.outputs[0].type, "tensor<1x4x8x8xf32>");
  // Conv, Relu x2, Reshape x2, Add; the six constants are not ops.
  EXPECT_EQ(s.ops, 6);
  EXPECT_EQ(s.opCounts, (std::map<std::string, int64_t>{
                            {"Add", 1}, {"Conv", 1}, {"Relu", 2}, {"Reshape", 2}}));
  // Parameters: the f32 weights 4*3*3*3 = 108, the f32 bias 4, the uint8
  // zero points 16 = 128. The int64 shapes and the bool mask are not.
  EXPECT_EQ(s.parameters, 128);
  // Bytes: 112 floats * 4 + 16 bytes = 464.
  EXPECT_EQ(s.weightBytes, 464);
  // Only the conv has MACs: 4*8*8 outputs * 3*3*3 = 256 * 27 = 6912.
  EXPECT_EQ(s.macs, 6912);

  std::string printed;
  llvm::raw_string_ostream os(printed);
  iron::printSummary(s, os);
  os.flush();
  EXPECT_NE(printed.find("tiny.onnx"), std::string::npos) << printed;
  EXPECT_NE(printed.find("image: tensor<1x3x8x8xf32>"), std::string::npos) << printed;
  EXPECT_NE(printed.find("features: tensor<1x4x8x8xf32>"), std::string::npos) << printed;
  EXPECT_NE(printed.find("ops: 6 (4 types)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("parameters: 128"), std::string::npos) << printed;
  EXPECT_NE(printed.find("MACs: 6912"), std::string::npos) << printed;
}

TEST_F(MACsTest, SummarizeModelAddsUpMACs) {
  // Gemm [1,512]x[512,1000] = 1000*512 = 512000, then MatMul [1,1000] x
  // [1000,10] = 10*1000 = 10000: 522000 in total.
  const char *text = R"mlir(
func.func @main(%x: tensor<1x512xf32>, %b: tensor<512x1000xf32>, %m: tensor<1000x10xf32>)
    -> tensor<1x10xf32> {
  %g = "iron.Gemm"(%x, %b) : (tensor<1x512xf32>, tensor<512x1000xf32>) -> tensor<1x1000xf32>
  %y = "iron.MatMul"(%g, %m) : (tensor<1x1000xf32>, tensor<1000x10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}
)mlir";
  module = parseSourceString<ModuleOp>(text, &ctx);
  ASSERT_TRUE(module);
  iron::ModelSummary s = iron::summarizeModel(*module);
  EXPECT_EQ(s.macs, 522000);
  EXPECT_EQ(s.ops, 2);
  EXPECT_EQ(s.parameters, 0);
  // Unnamed arguments and results get positional names.
  ASSERT_EQ(s.inputs.size(), 3u);
  EXPECT_EQ(s.inputs[2].name, "arg2");
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].name, "result0");
}

} // namespace
