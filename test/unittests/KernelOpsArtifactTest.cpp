//===- KernelOpsArtifactTest.cpp - Iron's kernels in the artifact ---------===//
//
// FusedConv, Elementwise, FusedMatMul, Attention and Gelu written by the
// emitter (lib/Emit/Artifact.cpp): kinds without "iron.", inputs in ODS
// order with -1 for an absent optional, their attributes, every fused
// node's name; then loaded and run by the runtime, against values computed
// here in double precision.
//
//===----------------------------------------------------------------------===//

#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/runtime/Interpreter.h"

#include "iron_generated.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

using iron::rt::Status;

const char *kModule = R"mlir(
func.func @main(%x: tensor<1x2x4x4xf32> {iron.name = "x"},
                %z: tensor<1x3x4x4xf32> {iron.name = "z"},
                %a: tensor<3x4xf32> {iron.name = "a"},
                %r: tensor<3x5xf32> {iron.name = "r"},
                %q: tensor<2x3xf32> {iron.name = "q"},
                %kt: tensor<3x4xf32> {iron.name = "kt"},
                %v: tensor<4x2xf32> {iron.name = "v"},
                %g: tensor<6xf32> {iron.name = "g"})
    -> (tensor<1x3x4x4xf32> {iron.name = "e"}, tensor<3x5xf32> {iron.name = "m"},
        tensor<2x2xf32> {iron.name = "att"}, tensor<6xf32> {iron.name = "gelu"}) {
  %w = "iron.Constant"() <{value = dense<0.25> : tensor<3x2x3x3xf32>}> : () -> tensor<3x2x3x3xf32> loc("w")
  %s = "iron.Constant"() <{value = dense<[[[1.0]], [[2.0]], [[-3.0]]]> : tensor<3x1x1xf32>}> : () -> tensor<3x1x1xf32> loc("s")
  %bm = "iron.Constant"() <{value = dense<0.5> : tensor<4x5xf32>}> : () -> tensor<4x5xf32> loc("bm")
  %c = "iron.FusedConv"(%x, %w, %z) <{activation = "Relu", operandSegmentSizes = array<i32: 1, 1, 0, 1>, pads = [1, 1, 1, 1]}>
      : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc(fused["conv1", "add1", "relu1"])
  %e = "iron.Elementwise"(%c, %s) <{program = ["Mul t0 i0 i1", "Neg t1 t0"]}>
      : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32> loc(fused["mul1", "neg1"])
  %m = "iron.FusedMatMul"(%a, %bm, %r) <{activation = "Clip", activation_params = [0.0 : f32, 1.0 : f32], operandSegmentSizes = array<i32: 1, 1, 0, 1>}>
      : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32> loc("mm1")
  %att = "iron.Attention"(%q, %kt, %v) <{scale = 0.5 : f32}>
      : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32> loc("att1")
  %gelu = "iron.Gelu"(%g) <{approximate = "tanh"}> : (tensor<6xf32>) -> tensor<6xf32> loc("gelu1")
  return %e, %m, %att, %gelu : tensor<1x3x4x4xf32>, tensor<3x5xf32>, tensor<2x2xf32>, tensor<6xf32>
}
)mlir";

class KernelOpsArtifactTest : public ::testing::Test {
protected:
  void SetUp() override {
    mlir::DialectRegistry registry;
    iron::registerImportDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
    ASSERT_TRUE(module);
    auto artifact = iron::emitArtifact(*module, {});
    ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
    bytes = artifact->bytes;
  }

  const iron::fb::Operator *operatorOf(const char *kind) {
    const iron::fb::Model *m = iron::fb::GetModel(bytes.data());
    for (const iron::fb::Operator *op : *m->operators())
      if (op->kind()->str() == kind)
        return op;
    ADD_FAILURE() << "no " << kind;
    return nullptr;
  }

  static std::vector<int> inputsOf(const iron::fb::Operator *op) {
    return std::vector<int>(op->inputs()->begin(), op->inputs()->end());
  }

  mlir::MLIRContext context;
  std::vector<uint8_t> bytes;
};

TEST_F(KernelOpsArtifactTest, OperatorsHaveTheirKindsInputsAndAttributes) {
  const iron::fb::Model *m = iron::fb::GetModel(bytes.data());
  std::vector<std::string> kinds;
  for (const iron::fb::Operator *op : *m->operators())
    kinds.push_back(op->kind()->str());
  EXPECT_EQ(kinds, (std::vector<std::string>{"FusedConv", "Elementwise", "FusedMatMul",
                                             "Attention", "Gelu"}));
  auto name = [&](int tensor) { return m->tensors()->Get(tensor)->name()->str(); };

  // X, W, no B (-1), Z; every fused node's name.
  const iron::fb::Operator *conv = operatorOf("FusedConv");
  ASSERT_TRUE(conv);
  std::vector<int> in = inputsOf(conv);
  ASSERT_EQ(in.size(), 4u);
  EXPECT_EQ(name(in[0]), "x");
  EXPECT_EQ(name(in[1]), "w");
  EXPECT_EQ(in[2], -1);
  EXPECT_EQ(name(in[3]), "z");
  std::vector<std::string> nodes;
  for (const auto *n : *conv->onnx_nodes())
    nodes.push_back(n->str());
  EXPECT_EQ(nodes, (std::vector<std::string>{"conv1", "add1", "relu1"}));
  const iron::fb::Attribute *act = conv->attributes()->LookupByKey("activation");
  ASSERT_TRUE(act);
  EXPECT_EQ(act->kind(), iron::fb::AttributeKind::string_);
  EXPECT_EQ(act->s()->str(), "Relu");
  EXPECT_EQ(conv->attributes()->LookupByKey("operandSegmentSizes"), nullptr);

  const iron::fb::Operator *ew = operatorOf("Elementwise");
  ASSERT_TRUE(ew);
  EXPECT_EQ(inputsOf(ew).size(), 2u);
  const iron::fb::Attribute *program = ew->attributes()->LookupByKey("program");
  ASSERT_TRUE(program);
  EXPECT_EQ(program->kind(), iron::fb::AttributeKind::strings);
  ASSERT_EQ(program->string_list()->size(), 2u);
  EXPECT_EQ(program->string_list()->Get(1)->str(), "Neg t1 t0");

  const iron::fb::Operator *mm = operatorOf("FusedMatMul");
  ASSERT_TRUE(mm);
  in = inputsOf(mm);
  ASSERT_EQ(in.size(), 4u);
  EXPECT_EQ(in[2], -1);
  EXPECT_EQ(name(in[3]), "r");
  const iron::fb::Attribute *params = mm->attributes()->LookupByKey("activation_params");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->kind(), iron::fb::AttributeKind::floats);
  EXPECT_EQ(std::vector<float>(params->float_list()->begin(), params->float_list()->end()),
            (std::vector<float>{0.0f, 1.0f}));

  // The trailing absent mask is simply not there.
  const iron::fb::Operator *att = operatorOf("Attention");
  ASSERT_TRUE(att);
  EXPECT_EQ(inputsOf(att).size(), 3u);
  EXPECT_FLOAT_EQ(att->attributes()->LookupByKey("scale")->f(), 0.5f);
}

TEST_F(KernelOpsArtifactTest, RunsOnTheRuntime) {
  iron::rt::Model model;
  ASSERT_EQ(model.load(bytes.data(), bytes.size()), Status::Ok) << model.error();
  iron::rt::Interpreter interp(model);
  std::vector<uint8_t> arena(interp.requiredArenaBytes());
  ASSERT_EQ(interp.prepare(arena.data(), arena.size()), Status::Ok) << interp.error();

  // Inputs: simple patterns of mixed sign.
  std::vector<std::vector<float>> in(8);
  for (int i = 0; i < interp.numInputs(); ++i) {
    iron::rt::TensorView &t = interp.input(i);
    in[i].resize(t.numel());
    for (int64_t j = 0; j < t.numel(); ++j)
      in[i][j] = float(((j * 7 + i * 3) % 11) - 5) / 4.0f;
    std::memcpy(t.data, in[i].data(), t.bytes());
  }
  ASSERT_EQ(interp.invoke(), Status::Ok) << interp.error();
  auto out = [&](int i) {
    const iron::rt::TensorView &t = interp.output(i);
    return std::vector<float>(t.as<float>(), t.as<float>() + t.numel());
  };
  const std::vector<float> &x = in[0], &z = in[1], &a = in[2], &r = in[3], &q = in[4],
                           &kt = in[5], &v = in[6], &g = in[7];

  // e = -(relu(conv(x, 0.25, pad 1) + z) * s[c]).
  std::vector<float> e = out(0);
  const double s[3] = {1, 2, -3};
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        double acc = 0;
        for (int ci = 0; ci < 2; ++ci)
          for (int di = -1; di <= 1; ++di)
            for (int dj = -1; dj <= 1; ++dj)
              if (i + di >= 0 && i + di < 4 && j + dj >= 0 && j + dj < 4)
                acc += 0.25 * x[ci * 16 + (i + di) * 4 + j + dj];
        double y = std::max(acc + z[c * 16 + i * 4 + j], 0.0);
        EXPECT_NEAR(e[c * 16 + i * 4 + j], -y * s[c], 1e-5) << c << " " << i << " " << j;
      }

  // m = clip(a x 0.5 + r, 0, 1).
  std::vector<float> mm = out(1);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      double acc = 0;
      for (int p = 0; p < 4; ++p)
        acc += a[i * 4 + p] * 0.5;
      EXPECT_NEAR(mm[i * 5 + j], std::min(std::max(acc + r[i * 5 + j], 0.0), 1.0), 1e-6);
    }

  // att = softmax(q kt * 0.5) v.
  std::vector<float> at = out(2);
  for (int i = 0; i < 2; ++i) {
    double p[4], sum = 0;
    for (int t = 0; t < 4; ++t) {
      double dot = 0;
      for (int d = 0; d < 3; ++d)
        dot += q[i * 3 + d] * kt[d * 4 + t];
      p[t] = std::exp(0.5 * dot);
      sum += p[t];
    }
    for (int k = 0; k < 2; ++k) {
      double y = 0;
      for (int t = 0; t < 4; ++t)
        y += p[t] / sum * v[t * 2 + k];
      EXPECT_NEAR(at[i * 2 + k], y, 1e-6);
    }
  }

  // gelu (tanh form).
  std::vector<float> ge = out(3);
  for (int i = 0; i < 6; ++i) {
    double xv = g[i];
    double want =
        0.5 * xv * (1 + std::tanh(std::sqrt(2 / M_PI) * (xv + 0.044715 * xv * xv * xv)));
    EXPECT_NEAR(ge[i], want, 1e-6);
  }
}

} // namespace
