//===- CostModelTest.cpp - The cost model against hand-computed numbers ---===//
//
// Every expected value below is worked out by hand from docs/cost-model.md
// and the numbers of the small target in this file.
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"
#include "iron/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <string>

using namespace mlir;
using namespace iron;

namespace {

// One core: 1e9 fp32 ops/s (range 0.5e9..2e9) at eta 0.5; weights in
// flash (50 MB/s), activations in 1 MB of SRAM (100 MB/s); 1 us per kernel.
const char *kMcu = R"(schema_version: 1
name: toy-mcu
kind: mcu
description: A target with round numbers.
references:
  hand: "Numbers chosen for hand calculation"
software_stack: {name: "reference", source: "[hand]"}
compute:
  - name: core
    class: general
    source: "[hand]"
    peak_ops_per_s:
      fp32: {value: 1.0e9, range: [0.5e9, 2.0e9]}
      int8: 4.0e9
    efficiency:
      model: fixed
      params:
        eta: 0.5
memory:
  - name: sram
    source: "[hand]"
    capacity_bytes: 1.0e6
    bandwidth_bytes_per_s: 1.0e8
    energy_pj_per_byte: 1
    holds: [activations]
  - name: flash
    source: "[hand]"
    capacity_bytes: 1.0e7
    bandwidth_bytes_per_s: 5.0e7
    energy_pj_per_byte: 10
    holds: [weights, code]
overhead:
  source: "[hand]"
  kernel_launch_s: 1.0e-6
energy:
  model: actions+static
  source: "[hand]"
  pj_per_op:
    fp32: 4
    int8: 1
  static_power_w: 0.1
power_modes:
  - name: half
    source: "[hand]"
    clock_scale: 0.5
)";

class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() : ctx(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    registerImportDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  TargetDescription target(const std::string &text = kMcu) {
    auto t = parseTarget(text, "toy.yaml");
    if (!t) {
      ADD_FAILURE() << llvm::toString(t.takeError());
      return {};
    }
    return std::move(*t);
  }

  void parse(const std::string &text) {
    module = parseSourceString<ModuleOp>(text, &ctx);
    ASSERT_TRUE(module) << text;
  }

  ModelCost analyze(const TargetDescription &t, const CostOptions &o = {}) {
    auto c = analyzeModel(*module, t, o);
    if (!c) {
      ADD_FAILURE() << llvm::toString(c.takeError());
      return {};
    }
    return std::move(*c);
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

// y[1x10] = x[1x100] * W[100x10]: 1000 MACs = 2000 ops; W is 4000 bytes of
// weights in flash, x and y are 440 bytes of activations in SRAM.
const char *kMatMul = R"(
func.func @main(%x: tensor<1x100xf32>) -> tensor<1x10xf32> {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<100x10xf32>}> : () -> tensor<100x10xf32> loc("W")
  %y = "iron.MatMul"(%x, %w) : (tensor<1x100xf32>, tensor<100x10xf32>) -> tensor<1x10xf32> loc("mm")
  return %y : tensor<1x10xf32>
}
)";

TEST_F(CostModelTest, RooflineOfOneKernel) {
  parse(kMatMul);
  ModelCost c = analyze(target());
  ASSERT_EQ(c.kernels.size(), 1u);
  const KernelCost &k = c.kernels[0];
  EXPECT_EQ(k.kind, "MatMul");
  ASSERT_EQ(k.nodes.size(), 1u);
  EXPECT_EQ(k.nodes[0], "mm");
  EXPECT_EQ(k.unit, "core");
  EXPECT_DOUBLE_EQ(k.macs, 1000);
  EXPECT_DOUBLE_EQ(k.bytes, 4440);
  EXPECT_DOUBLE_EQ(k.bytesByLevel.at("flash"), 4000);
  EXPECT_DOUBLE_EQ(k.bytesByLevel.at("sram"), 440);
  // 2000 ops / (1e9 * 0.5) = 4 us; flash 4000 B / 50 MB/s = 80 us beats
  // SRAM's 440 B / 100 MB/s = 4.4 us.
  EXPECT_NEAR(k.computeS, 4e-6, 1e-12);
  EXPECT_NEAR(k.memoryS, 80e-6, 1e-12);
  EXPECT_NEAR(k.overheadS, 1e-6, 1e-15);
  EXPECT_EQ(k.bound, Bound::Memory);
  EXPECT_NEAR(k.latencyS.value, 81e-6, 1e-12);
  EXPECT_NEAR(k.intensity, 2000.0 / 4440.0, 1e-12);
  EXPECT_DOUBLE_EQ(k.share, 1.0);
  // Energy: 2000 ops x 4 pJ + 4000 B x 10 pJ + 440 B x 1 pJ + 0.1 W x 81 us.
  EXPECT_NEAR(k.energyJ.value, (8000 + 40000 + 440) * 1e-12 + 0.1 * 81e-6,
              1e-15);
  // Only the fp32 peak has a range, and the kernel is memory bound either
  // way: at 0.5e9 ops/s compute takes 8 us < 80 us.
  EXPECT_NEAR(k.latencyS.low, 81e-6, 1e-12);
  EXPECT_NEAR(k.latencyS.high, 81e-6, 1e-12);
  EXPECT_NEAR(c.latencyS.value, 81e-6, 1e-12);
  EXPECT_NEAR(c.throughputPerS, 1.0 / 81e-6, 1e-3);
}

TEST_F(CostModelTest, IntervalsFollowTheTargetRanges) {
  parse(kMatMul);
  // Make both memories fast so that the kernel is compute bound: then the
  // fp32 peak's range [0.5e9, 2e9] sets the interval: 2000 / (2e9 * 0.5) =
  // 2 us and 2000 / (0.5e9 * 0.5) = 8 us, plus 1 us overhead.
  std::string text = kMcu;
  size_t pos = text.find("bandwidth_bytes_per_s: 5.0e7");
  text.replace(pos, 28, "bandwidth_bytes_per_s: 5.0e9");
  pos = text.find("bandwidth_bytes_per_s: 1.0e8");
  text.replace(pos, 28, "bandwidth_bytes_per_s: 1.0e10");
  ModelCost c = analyze(target(text));
  const KernelCost &k = c.kernels[0];
  EXPECT_EQ(k.bound, Bound::Compute);
  EXPECT_NEAR(k.latencyS.value, 5e-6, 1e-12);
  EXPECT_NEAR(k.latencyS.low, 3e-6, 1e-12);
  EXPECT_NEAR(k.latencyS.high, 9e-6, 1e-12);
}

TEST_F(CostModelTest, MemoryVerdictsAndBudgets) {
  parse(kMatMul);
  CostOptions o;
  o.latencyBudgetS = 50e-6;
  o.memoryBudgetBytes = 100;
  o.energyBudgetJ = 1.0;
  ModelCost c = analyze(target(), o);
  ASSERT_EQ(c.memory.size(), 2u);
  EXPECT_EQ(c.memory[0].level, "flash");
  EXPECT_EQ(c.memory[0].holds, "weights");
  EXPECT_DOUBLE_EQ(c.memory[0].requiredBytes, 4000);
  EXPECT_TRUE(c.memory[0].fits);
  EXPECT_EQ(c.memory[1].level, "sram");
  EXPECT_TRUE(c.memory[1].fits);

  ASSERT_EQ(c.budgets.size(), 3u);
  const BudgetResult &lat = c.budgets[0];
  EXPECT_EQ(lat.kind, "latency");
  EXPECT_FALSE(lat.pass);
  EXPECT_EQ(lat.bindingTerm, "memory");
  // Inverse roofline: the flash must deliver 4000 B in 50 - 1 us, i.e.
  // 8.163e7 B/s; no compute peak alone can do it; the overhead alone
  // cannot either (80 us of memory time remain).
  bool sawFlash = false, sawPeak = false, sawLaunch = false;
  for (const auto &r : lat.requirements) {
    if (r.parameter.find("flash") != std::string::npos) {
      sawFlash = true;
      EXPECT_NEAR(r.required, 4000 / 49e-6, 1e3);
      EXPECT_DOUBLE_EQ(r.current, 5e7);
    } else if (r.parameter.find("peak_ops_per_s") != std::string::npos) {
      sawPeak = true;
      EXPECT_LT(r.required, 0);
    } else if (r.parameter == "overhead.kernel_launch_s") {
      sawLaunch = true;
      EXPECT_LT(r.required, 0);
    }
  }
  EXPECT_TRUE(sawFlash && sawPeak && sawLaunch);
  EXPECT_EQ(c.budgets[1].kind, "energy");
  EXPECT_TRUE(c.budgets[1].pass);
  EXPECT_EQ(c.budgets[2].kind, "memory");
  EXPECT_FALSE(c.budgets[2].pass);
  EXPECT_EQ(c.budgets[2].bindingTerm, "weights");

  // d ln T / d ln bw(flash) = -80/81 for a memory-bound kernel.
  bool found = false;
  for (const Sensitivity &s : c.sensitivities)
    if (s.parameter.find("flash") != std::string::npos) {
      found = true;
      EXPECT_NEAR(s.elasticity, -80.0 / 81.0, 1e-3);
    }
  EXPECT_TRUE(found);
}

TEST_F(CostModelTest, DoesNotFit) {
  parse(R"(
func.func @main(%x: tensor<1x1000xf32>) -> tensor<1x3000xf32> {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<1000x3000xf32>}> : () -> tensor<1000x3000xf32>
  %y = "iron.MatMul"(%x, %w) : (tensor<1x1000xf32>, tensor<1000x3000xf32>) -> tensor<1x3000xf32>
  return %y : tensor<1x3000xf32>
}
)");
  ModelCost c = analyze(target());
  // 12 MB of weights in 10 MB of flash: short by 2 MB.
  ASSERT_EQ(c.memory.size(), 2u);
  EXPECT_EQ(c.memory[0].level, "flash");
  EXPECT_FALSE(c.memory[0].fits);
  EXPECT_DOUBLE_EQ(c.memory[0].requiredBytes - c.memory[0].capacityBytes,
                   2.0e6);
}

TEST_F(CostModelTest, AssumedPrecisionAndBatch) {
  parse(kMatMul);
  CostOptions o;
  o.assumePrecision = Precision::INT8;
  ModelCost q = analyze(target(), o);
  const KernelCost &k = q.kernels[0];
  EXPECT_EQ(k.precision, Precision::INT8);
  // A quarter of the bytes: 1000 B of weights -> 20 us; 2000 ops at 4e9 x
  // 0.5 -> 1 us.
  EXPECT_DOUBLE_EQ(k.bytes, 1110);
  EXPECT_NEAR(k.latencyS.value, 21e-6, 1e-12);
  bool noted = false;
  for (const std::string &n : q.notes)
    noted |= n.find("int8") != std::string::npos;
  EXPECT_TRUE(noted);

  // Batch 10: ten times the activations and MACs, the same weights.
  CostOptions b;
  b.batch = 10;
  ModelCost c = analyze(target(), b);
  EXPECT_DOUBLE_EQ(c.kernels[0].macs, 10000);
  EXPECT_DOUBLE_EQ(c.kernels[0].bytesByLevel.at("flash"), 4000);
  EXPECT_DOUBLE_EQ(c.kernels[0].bytesByLevel.at("sram"), 4400);
  // Compute 40 us, flash 80 us, SRAM 44 us: still 81 us per batch.
  EXPECT_NEAR(c.latencyS.value, 81e-6, 1e-12);
  EXPECT_NEAR(c.throughputPerS, 10 / 81e-6, 1e-2);
  EXPECT_NEAR(c.latencyBatch1S.value, 81e-6, 1e-12);
}

TEST_F(CostModelTest, PowerModeScalesTheClock) {
  std::string text = kMcu;
  size_t pos = text.find("bandwidth_bytes_per_s: 5.0e7");
  text.replace(pos, 28, "bandwidth_bytes_per_s: 5.0e9");
  parse(kMatMul);
  CostOptions o;
  o.powerMode = "half";
  ModelCost c = analyze(target(text), o);
  // Half the clock: 2000 / (0.5e9 x 0.5) = 8 us + 1 us.
  EXPECT_NEAR(c.latencyS.value, 9e-6, 1e-12);
  o.powerMode = "turbo";
  auto bad = analyzeModel(*module, target(text), o);
  ASSERT_FALSE(bad);
  EXPECT_NE(llvm::toString(bad.takeError()).find("no power mode 'turbo'"),
            std::string::npos);
}

TEST_F(CostModelTest, ViewsAreNotKernels) {
  parse(R"(
func.func @main(%x: tensor<1x100xf32>) -> tensor<100xf32> {
  %s = "iron.Constant"() <{value = dense<[100]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %r = "iron.Reshape"(%x, %s) : (tensor<1x100xf32>, tensor<1xi64>) -> tensor<100xf32>
  %y = "iron.Relu"(%r) : (tensor<100xf32>) -> tensor<100xf32> loc("relu")
  return %y : tensor<100xf32>
}
)");
  ModelCost c = analyze(target());
  ASSERT_EQ(c.kernels.size(), 1u);
  EXPECT_EQ(c.kernels[0].kind, "Relu");
}

// An NPU that runs only Conv and MatMul; the rest goes to the CPU over a
// 1 GB/s link with 10 us per round trip.
const char *kNpu = R"(schema_version: 1
name: toy-npu
kind: npu
description: A target with round numbers.
references:
  hand: "Numbers chosen for hand calculation"
software_stack: {name: "delegate", source: "[hand]"}
compute:
  - name: npu
    class: matrix
    source: "[hand]"
    peak_ops_per_s:
      int8: 1.0e12
      fp16: 1.0e12
      fp32: 1.0e12
    ops:
      native: [Conv, MatMul]
      fallback:
        unit: cpu
        transfer_bytes_per_s: 1.0e9
        overhead_s: 1.0e-5
  - name: cpu
    class: general
    source: "[hand]"
    peak_ops_per_s:
      fp32: 1.0e9
memory:
  - name: dram
    source: "[hand]"
    capacity_bytes: 1.0e9
    bandwidth_bytes_per_s: 1.0e10
    holds: [activations, weights]
overhead:
  source: "[hand]"
  kernel_launch_s: 0
  delegate_call_s: 1.0e-3
)";

TEST_F(CostModelTest, NpuFallback) {
  parse(kMatMul + std::string(R"(
func.func @other(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  return %x : tensor<1x100xf32>
}
)"));
  ModelCost c = analyze(target(kNpu));
  ASSERT_EQ(c.kernels.size(), 1u);
  EXPECT_EQ(c.kernels[0].unit, "npu");
  EXPECT_FALSE(c.kernels[0].fallback);

  parse(R"(
func.func @main(%x: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %y = "iron.Relu"(%x) : (tensor<1x1000xf32>) -> tensor<1x1000xf32>
  return %y : tensor<1x1000xf32>
}
)");
  ModelCost f = analyze(target(kNpu));
  ASSERT_EQ(f.kernels.size(), 1u);
  EXPECT_EQ(f.kernels[0].unit, "cpu");
  EXPECT_TRUE(f.kernels[0].fallback);
  // 8000 B over 1 GB/s = 8 us, plus 10 us per round trip.
  EXPECT_NEAR(f.kernels[0].overheadS, 18e-6, 1e-12);
}

TEST_F(CostModelTest, NpuPartitionsAndFallbackRuns) {
  // MatMul, MatMul on the NPU: one delegate call (1 ms) for the partition.
  // Then Relu, Relu on the CPU: the inputs cross the link when the stretch
  // starts (4 us + 10 us), the outputs when it ends (4 us). The last
  // MatMul is a new partition: another delegate call.
  parse(R"(
func.func @main(%x: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<1000x1000xf32>}> : () -> tensor<1000x1000xf32>
  %a = "iron.MatMul"(%x, %w) : (tensor<1x1000xf32>, tensor<1000x1000xf32>) -> tensor<1x1000xf32>
  %b = "iron.MatMul"(%a, %w) : (tensor<1x1000xf32>, tensor<1000x1000xf32>) -> tensor<1x1000xf32>
  %c = "iron.Relu"(%b) : (tensor<1x1000xf32>) -> tensor<1x1000xf32>
  %d = "iron.Relu"(%c) : (tensor<1x1000xf32>) -> tensor<1x1000xf32>
  %e = "iron.MatMul"(%d, %w) : (tensor<1x1000xf32>, tensor<1000x1000xf32>) -> tensor<1x1000xf32>
  return %e : tensor<1x1000xf32>
}
)");
  ModelCost c = analyze(target(kNpu));
  ASSERT_EQ(c.kernels.size(), 5u);
  EXPECT_NEAR(c.kernels[0].overheadS, 1e-3, 1e-12);
  EXPECT_NEAR(c.kernels[1].overheadS, 0, 1e-12);
  EXPECT_TRUE(c.kernels[2].fallback && c.kernels[3].fallback);
  EXPECT_NEAR(c.kernels[2].overheadS, 14e-6, 1e-12);
  EXPECT_NEAR(c.kernels[3].overheadS, 4e-6, 1e-12);
  EXPECT_NEAR(c.kernels[4].overheadS, 1e-3, 1e-12);
}

TEST_F(CostModelTest, DynamicShapesAreRefused) {
  parse(R"(
func.func @main(%x: tensor<?x100xf32>) -> tensor<?x100xf32> {
  %y = "iron.Relu"(%x) : (tensor<?x100xf32>) -> tensor<?x100xf32> loc("r")
  return %y : tensor<?x100xf32>
}
)");
  auto c = analyzeModel(*module, target(), {});
  ASSERT_FALSE(c);
  std::string msg = llvm::toString(c.takeError());
  EXPECT_NE(msg.find("'r'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dynamic"), std::string::npos) << msg;
}

/// Replaces the first `from` in `text` (a target file a test varies).
void replaceOnce(std::string &text, llvm::StringRef from, llvm::StringRef to) {
  size_t pos = text.find(from.str());
  ASSERT_NE(pos, std::string::npos) << from.str();
  text.replace(pos, from.size(), to.str());
}

// A one-core CPU with a cache that holds weights and activations beside
// DRAM, and per-kernel curves (targets/README.md, efficiency.kernels).
const char *kCpu = R"(schema_version: 1
name: toy-cpu
kind: cpu
description: A target with round numbers and per-kernel curves.
references:
  hand: "Numbers chosen for hand calculation"
software_stack: {name: "reference", source: "[hand]"}
compute:
  - name: core
    class: general
    source: "[hand]"
    peak_ops_per_s:
      fp32: 1.0e9
    transcendental_ops: 10
    efficiency:
      model: fixed
      params: {eta: 0.5}
      classes:
        contraction.depthwise:
          model: fixed
          params: {eta: 0.4}
        contraction.depthwise.strided:
          model: fixed
          params: {eta: 0.2}
          tiling: {w: 8}
        elementwise:
          model: fixed
          params: {eta: 0.1}
      kernels:
        Mul:
          model: fixed
          params: {eta: 0.05}
        Mul.broadcast:
          model: fixed
          params: {eta: 0.01}
        Transpose.rows:
          model: fixed
          params: {eta: 0.3}
        Elementwise.Tanh:
          model: fixed
          params: {eta: 0.02}
        GeluTanh:
          model: fixed
          params: {eta: 0.03}
        epilogue.SiLU:
          model: fixed
          params: {eta: 0.25}
        GlobalAveragePool:
          model: saturating
          params: {eta_max: 0.5, half_ops: 100, output_ops: 50}
memory:
  - name: cache
    source: "[hand]"
    capacity_bytes: 10000
    bandwidth_bytes_per_s: 1.0e12
    holds: [activations, weights]
  - name: dram
    source: "[hand]"
    capacity_bytes: 1.0e9
    bandwidth_bytes_per_s: 1.0e10
    holds: [activations, weights]
overhead:
  source: "[hand]"
  kernel_launch_s: 1.0e-6
)";

TEST_F(CostModelTest, KernelVariantsPickTheirCurves) {
  parse(R"(
func.func @main(%x: tensor<1x4x8x8xf32>, %c: tensor<1x4x1x1xf32>, %w: tensor<4x1x3x3xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x8x4x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %s = "iron.Constant"() <{value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %0 = "iron.Mul"(%x, %x) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("flat")
  %1 = "iron.Mul"(%x, %s) : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32> loc("scalar")
  %2 = "iron.Mul"(%x, %c) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32> loc("channel")
  %3 = "iron.Transpose"(%x) <{perm = [0, 2, 1, 3]}> : (tensor<1x4x8x8xf32>) -> tensor<1x8x4x8xf32> loc("rows")
  %4 = "iron.Transpose"(%x) <{perm = [0, 1, 3, 2]}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("gather")
  %5 = "iron.Elementwise"(%x, %x) <{program = ["Mul t0 i0 i1", "Tanh t1 t0"]}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("program")
  %6 = "iron.Gelu"(%x) <{approximate = "tanh"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("gelu")
  %7 = "iron.FusedConv"(%x, %w) <{activation = "SiLU", group = 4 : i64, kernel_shape = [3, 3], operandSegmentSizes = array<i32: 1, 1, 0, 0>, pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> loc("dw")
  %8 = "iron.Abs"(%x) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("abs")
  %9 = "iron.Mul"(%c, %x) : (tensor<1x4x1x1xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("channel-first")
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x8x4x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
)");
  ModelCost c = analyze(target(kCpu));
  ASSERT_EQ(c.kernels.size(), 10u);
  auto byNode = [&](const std::string &n) -> const KernelCost & {
    for (const KernelCost &k : c.kernels)
      if (!k.nodes.empty() && k.nodes[0] == n)
        return k;
    ADD_FAILURE() << n;
    return c.kernels[0];
  };
  struct Row {
    const char *node, *variant, *curve;
    double eta;
  } rows[] = {
      {"flat", "Mul", "kernels.Mul", 0.05},
      // A one-element operand has the flat loop's speed.
      {"scalar", "Mul", "kernels.Mul", 0.05},
      {"channel", "Mul.broadcast", "kernels.Mul.broadcast", 0.01},
      // The broadcast operand first: its own variant, falling back to
      // Mul.broadcast here.
      {"channel-first", "Mul.broadcast.first", "kernels.Mul.broadcast", 0.01},
      {"rows", "Transpose.rows", "kernels.Transpose.rows", 0.3},
      // No curve of its own: the class's, then the default.
      {"gather", "Transpose", "default", 0.5},
      {"program", "Elementwise.Tanh", "kernels.Elementwise.Tanh", 0.02},
      {"gelu", "GeluTanh", "kernels.GeluTanh", 0.03},
      {"abs", "Abs", "classes.elementwise", 0.1},
  };
  for (const Row &r : rows) {
    const KernelCost &k = byNode(r.node);
    EXPECT_EQ(k.variant, r.variant) << r.node;
    EXPECT_EQ(k.curve, r.curve) << r.node;
    EXPECT_DOUBLE_EQ(k.eta, r.eta) << r.node;
  }
  // 256 elements x 1 op at 1e9 x 0.01.
  EXPECT_NEAR(byNode("channel").computeS, 256 / (1e9 * 0.01), 1e-15);

  // The strided depthwise convolution: its refined class, rows of 4 outputs
  // padded to 8 (utilization 1/2), and the SiLU epilogue at its own curve.
  const KernelCost &dw = byNode("dw");
  EXPECT_EQ(dw.curveClass, "contraction.depthwise.strided");
  EXPECT_EQ(dw.curve, "classes.contraction.depthwise.strided");
  EXPECT_EQ(dw.epilogueVariant, "epilogue.SiLU");
  EXPECT_DOUBLE_EQ(dw.eta, 0.2 * 0.5);
  // 64 outputs x 9 MACs = 1152 ops at eta 0.1; the epilogue's work over
  // its eta 0.25 is the rest of the compute term.
  ASSERT_GT(dw.epilogueOps + dw.epilogueTranscendentals, 0);
  double epilogueWork = dw.epilogueOps + dw.epilogueTranscendentals * 10;
  EXPECT_NEAR(dw.epilogueS, epilogueWork / (1e9 * 0.25), 1e-15);
  EXPECT_NEAR(dw.computeS - dw.epilogueS, 1152 / (1e9 * 0.1), 1e-15);
}

// A non-contraction curve's output_ops charges each result element: of
// two average pools over as many inputs, the one with more channels (more
// horizontal sums) is the slower.
TEST_F(CostModelTest, OutputCostChargesAReductionsResults) {
  parse(R"(
func.func @main(%a: tensor<1x4x8x8xf32>, %b: tensor<1x16x2x2xf32>) -> (tensor<1x4x1x1xf32>, tensor<1x16x1x1xf32>) {
  %0 = "iron.GlobalAveragePool"(%a) : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32> loc("few")
  %1 = "iron.GlobalAveragePool"(%b) : (tensor<1x16x2x2xf32>) -> tensor<1x16x1x1xf32> loc("many")
  return %0, %1 : tensor<1x4x1x1xf32>, tensor<1x16x1x1xf32>
}
)");
  ModelCost c = analyze(target(kCpu));
  ASSERT_EQ(c.kernels.size(), 2u);
  // 256 inputs + 4 outputs = 260 ops: eta = 0.5 x 260 / (260 + 100 + 50 x 4).
  EXPECT_EQ(c.kernels[0].curve, "kernels.GlobalAveragePool");
  EXPECT_NEAR(c.kernels[0].eta, 0.5 * 260 / 560.0, 1e-12);
  EXPECT_NEAR(c.kernels[0].computeS, 560 / (1e9 * 0.5), 1e-15);
  // 64 + 16 = 80 ops: eta = 0.5 x 80 / (80 + 100 + 50 x 16).
  EXPECT_NEAR(c.kernels[1].eta, 0.5 * 80 / 980.0, 1e-12);
  EXPECT_NEAR(c.kernels[1].computeS, 980 / (1e9 * 0.5), 1e-15);
  // --batch 4: four times the results, four times the ops.
  CostOptions batched;
  batched.batch = 4;
  ModelCost b = analyze(target(kCpu), batched);
  ASSERT_EQ(b.kernels.size(), 2u);
  EXPECT_NEAR(b.kernels[0].eta, 0.5 * 1040 / (1040 + 100 + 50 * 16.0), 1e-12);
}

// Windowed convolutions are costed by the path the runtime's optimized
// kernel takes (iron/runtime/ConvPath.h): wide rows, an explicit im2col
// (small map, wide pads), or the depthwise kernel (one input channel).
TEST_F(CostModelTest, ConvolutionsTakeTheRuntimesPath) {
  parse(R"(
func.func @main(%x: tensor<1x16x32x32xf32>, %s: tensor<1x16x7x7xf32>, %m: tensor<1x1x49x10xf32>) -> (tensor<1x16x32x32xf32>, tensor<1x16x7x7xf32>, tensor<1x8x25x5xf32>) {
  %w3 = "iron.Constant"() <{value = dense<1.0> : tensor<16x16x3x3xf32>}> : () -> tensor<16x16x3x3xf32>
  %w5 = "iron.Constant"() <{value = dense<1.0> : tensor<16x16x5x5xf32>}> : () -> tensor<16x16x5x5xf32>
  %w1 = "iron.Constant"() <{value = dense<1.0> : tensor<8x1x3x3xf32>}> : () -> tensor<8x1x3x3xf32>
  %a = "iron.Conv"(%x, %w3) <{pads = [1, 1, 1, 1]}> : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32> loc("wide")
  %b = "iron.Conv"(%s, %w5) <{pads = [2, 2, 2, 2]}> : (tensor<1x16x7x7xf32>, tensor<16x16x5x5xf32>) -> tensor<1x16x7x7xf32> loc("im2col")
  %c = "iron.Conv"(%m, %w1) <{pads = [1, 1, 1, 1], strides = [2, 2]}> : (tensor<1x1x49x10xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x25x5xf32> loc("direct")
  return %a, %b, %c : tensor<1x16x32x32xf32>, tensor<1x16x7x7xf32>, tensor<1x8x25x5xf32>
}
)");
  ModelCost c = analyze(target(kCpu));
  ASSERT_EQ(c.kernels.size(), 3u);
  EXPECT_EQ(c.kernels[0].curveClass, "contraction.conv");
  EXPECT_EQ(c.kernels[1].curveClass, "contraction.conv.im2col");
  // kCpu has no conv classes: both fall back to the default curve.
  EXPECT_EQ(c.kernels[1].curve, "default");
  EXPECT_EQ(c.kernels[2].curveClass, "contraction.depthwise.strided");
  EXPECT_EQ(c.kernels[2].curve, "classes.contraction.depthwise.strided");
}

// Products with one row or one column run the runtime's matrix-vector
// kernels: class "<class>.gemv", which falls back to the class.
TEST_F(CostModelTest, MatrixVectorProductsTakeTheirOwnClass) {
  std::string text = kCpu;
  size_t pos = text.find("        elementwise:\n");
  ASSERT_NE(pos, std::string::npos);
  text.insert(pos, "        contraction.gemm:\n"
                   "          model: fixed\n"
                   "          params: {eta: 0.3}\n"
                   "          tiling: {m: 8, gemv_unpadded: true}\n"
                   "        contraction.conv_pointwise.gemv:\n"
                   "          model: fixed\n"
                   "          params: {eta: 0.125}\n");
  parse(R"(
func.func @main(%v: tensor<1x64xf32>, %a: tensor<4x64xf32>, %p: tensor<1x16x1x1xf32>, %q: tensor<1x16x2x2xf32>) -> (tensor<1x32xf32>, tensor<4x32xf32>, tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>) {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<64x32xf32>}> : () -> tensor<64x32xf32>
  %c = "iron.Constant"() <{value = dense<1.0> : tensor<8x16x1x1xf32>}> : () -> tensor<8x16x1x1xf32>
  %r = "iron.MatMul"(%v, %w) : (tensor<1x64xf32>, tensor<64x32xf32>) -> tensor<1x32xf32> loc("row")
  %m = "iron.MatMul"(%a, %w) : (tensor<4x64xf32>, tensor<64x32xf32>) -> tensor<4x32xf32> loc("rows")
  %s = "iron.Conv"(%p, %c) : (tensor<1x16x1x1xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x1x1xf32> loc("squeeze")
  %t = "iron.Conv"(%q, %c) : (tensor<1x16x2x2xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x2x2xf32> loc("map")
  return %r, %m, %s, %t : tensor<1x32xf32>, tensor<4x32xf32>, tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>
}
)");
  ModelCost c = analyze(target(text));
  ASSERT_EQ(c.kernels.size(), 4u);
  // One row against a row-major B: the runtime combines B's rows (gevm);
  // the gemm class's curve, its M unpadded (no 1/8).
  EXPECT_EQ(c.kernels[0].curveClass, "contraction.gemm.gevm");
  EXPECT_EQ(c.kernels[0].curve, "classes.contraction.gemm");
  EXPECT_NEAR(c.kernels[0].eta, 0.3, 1e-12);
  // Four rows pad to 8: half the tile.
  EXPECT_EQ(c.kernels[1].curveClass, "contraction.gemm");
  EXPECT_NEAR(c.kernels[1].eta, 0.3 * 0.5, 1e-12);
  // A 1x1 convolution on a 1x1 map has its own curve; on a 2x2 map not.
  EXPECT_EQ(c.kernels[2].curveClass, "contraction.conv_pointwise.gemv");
  EXPECT_EQ(c.kernels[2].curve, "classes.contraction.conv_pointwise.gemv");
  EXPECT_NEAR(c.kernels[2].eta, 0.125, 1e-12);
  EXPECT_EQ(c.kernels[3].curveClass, "contraction.conv_pointwise");
  EXPECT_EQ(c.kernels[3].curve, "default");

  // A Gemm with a transposed B has a class of its own, which falls back to
  // the gemm class; one row against it takes dot products (gemv).
  parse(R"(
func.func @main(%a: tensor<4x64xf32>, %v: tensor<1x64xf32>) -> (tensor<4x32xf32>, tensor<1x32xf32>) {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<32x64xf32>}> : () -> tensor<32x64xf32>
  %m = "iron.Gemm"(%a, %w) <{transB = 1 : i64}> : (tensor<4x64xf32>, tensor<32x64xf32>) -> tensor<4x32xf32> loc("rows")
  %r = "iron.Gemm"(%v, %w) <{transB = 1 : i64}> : (tensor<1x64xf32>, tensor<32x64xf32>) -> tensor<1x32xf32> loc("row")
  return %m, %r : tensor<4x32xf32>, tensor<1x32xf32>
}
)");
  ModelCost g = analyze(target(text));
  ASSERT_EQ(g.kernels.size(), 2u);
  EXPECT_EQ(g.kernels[0].curveClass, "contraction.gemm.transposed");
  EXPECT_EQ(g.kernels[0].curve, "classes.contraction.gemm");
  EXPECT_EQ(g.kernels[1].curveClass, "contraction.gemm.gemv");
}

// Weights stay in the cache only when the arena fits beside them.
TEST_F(CostModelTest, WeightsShareTheCacheWithTheArena) {
  // 400 bytes of weights; x and y 400 bytes each: the arena fits beside.
  parse(R"(
func.func @main(%x: tensor<1x100xf32>) -> tensor<1x100xf32> {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<100xf32>}> : () -> tensor<100xf32>
  %y = "iron.Mul"(%x, %w) : (tensor<1x100xf32>, tensor<100xf32>) -> tensor<1x100xf32> loc("small")
  return %y : tensor<1x100xf32>
}
)");
  ModelCost small = analyze(target(kCpu));
  ASSERT_EQ(small.kernels.size(), 1u);
  EXPECT_DOUBLE_EQ(small.kernels[0].bytesByLevel.at("cache"), 1200);
  // 8000 bytes of weights fit the 10000-byte cache alone, but not beside
  // 2 x 8000 bytes of activations: they are read from DRAM.
  parse(R"(
func.func @main(%x: tensor<1x2000xf32>) -> tensor<1x2000xf32> {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<2000xf32>}> : () -> tensor<2000xf32>
  %y = "iron.Mul"(%x, %w) : (tensor<1x2000xf32>, tensor<2000xf32>) -> tensor<1x2000xf32> loc("large")
  return %y : tensor<1x2000xf32>
}
)");
  ModelCost large = analyze(target(kCpu));
  ASSERT_EQ(large.kernels.size(), 1u);
  EXPECT_DOUBLE_EQ(large.kernels[0].bytesByLevel.at("dram"), 8000 + 16000);
}

/// kCpu with its first level a 100000-byte hardware cache.
std::string cachedCpu() {
  std::string text = kCpu;
  replaceOnce(text, "    capacity_bytes: 10000\n",
              "    capacity_bytes: 100000\n    cache: true\n");
  return text;
}

// With `cache: true`, which bytes a kernel finds in the cache follows the
// kernel order (steady state, least recently used), and the bytes it does
// not find stall it by the curve's `stall` times their transfer time.
TEST_F(CostModelTest, CachesAreSimulatedOverTheKernelOrder) {
  std::string text = cachedCpu();
  auto edit = [&](llvm::StringRef from, llvm::StringRef to) {
    replaceOnce(text, from, to);
  };
  edit("          params: {eta: 0.1}\n",
       "          params: {eta: 0.1, stall: 2}\n");
  // x and a: 20000 bytes each; z and big: 200000 bytes each, more than the
  // cache, so what ran before them is gone when "late" runs. Tensors share
  // a 1 KiB block with their neighbours in the arena at most at their
  // ends: counts are exact to two blocks.
  parse(R"(
func.func @main(%x: tensor<1x5000xf32>, %z: tensor<1x50000xf32>) -> (tensor<1x50000xf32>, tensor<1x5000xf32>) {
  %a = "iron.Relu"(%x) : (tensor<1x5000xf32>) -> tensor<1x5000xf32> loc("early")
  %big = "iron.Relu"(%z) : (tensor<1x50000xf32>) -> tensor<1x50000xf32> loc("stream")
  %c = "iron.Add"(%a, %x) : (tensor<1x5000xf32>, tensor<1x5000xf32>) -> tensor<1x5000xf32> loc("late")
  return %big, %c : tensor<1x50000xf32>, tensor<1x5000xf32>
}
)");
  ModelCost c = analyze(target(text));
  ASSERT_EQ(c.kernels.size(), 3u);
  const double block = 2048;
  // "early" reads x, which "late" touched just before (the previous run).
  EXPECT_EQ(c.kernels[0].bytesByLevel.count("dram"), 0u);
  EXPECT_DOUBLE_EQ(c.kernels[0].bytesByLevel.at("cache"), 40000);
  EXPECT_DOUBLE_EQ(c.kernels[0].memoryStallS, 0);
  // "stream" finds nothing: z and big are larger than the cache.
  EXPECT_NEAR(c.kernels[1].bytesByLevel.at("dram"), 400000, block);
  // "late" reads a and x from DRAM (the stream ran since) and writes c.
  const KernelCost &late = c.kernels[2];
  EXPECT_NEAR(late.bytesByLevel.at("dram"), 40000, block);
  double dramS = late.bytesByLevel.at("dram") / 1e10;
  EXPECT_NEAR(late.memoryStallS, 2 * dramS, 1e-15);
  EXPECT_NEAR(late.latencyS.value,
              std::max(late.computeS + late.memoryStallS, late.memoryS) +
                  late.overheadS,
              1e-15);
  // Without `cache: true` data is placed by size as before, with no stall:
  // late's 60000 bytes do not fit the 10000-byte level.
  ModelCost placed = analyze(target(kCpu));
  EXPECT_DOUBLE_EQ(placed.kernels[2].bytesByLevel.at("dram"), 60000);
  EXPECT_DOUBLE_EQ(placed.kernels[2].memoryStallS, 0);
}

// A matrix product packs its weights (the SGEMM's B) before it computes:
// weights no cache holds stall it like activations do. A convolution reads
// its weights in place while it computes: they do not.
TEST_F(CostModelTest, PackedWeightsStallAProduct) {
  std::string text = cachedCpu();
  auto edit = [&](llvm::StringRef from, llvm::StringRef to) {
    replaceOnce(text, from, to);
  };
  edit("        elementwise:\n", "        contraction:\n"
                                  "          model: fixed\n"
                                  "          params: {eta: 0.5, stall: 1}\n"
                                  "        contraction.gemm.transposed:\n"
                                  "          model: fixed\n"
                                  "          params: {eta: 0.5}\n"
                                  "        elementwise:\n");
  // 200000 bytes of weights each, twice the cache: they come from DRAM at
  // every inference.
  parse(R"(
func.func @main(%x: tensor<4x100xf32>, %i: tensor<1x100x2x2xf32>) -> (tensor<4x500xf32>, tensor<1x500x2x2xf32>, tensor<4x500xf32>) {
  %w = "iron.Constant"() <{value = dense<1.0> : tensor<100x500xf32>}> : () -> tensor<100x500xf32>
  %c = "iron.Constant"() <{value = dense<1.0> : tensor<500x100x1x1xf32>}> : () -> tensor<500x100x1x1xf32>
  %t = "iron.Constant"() <{value = dense<2.0> : tensor<500x100xf32>}> : () -> tensor<500x100xf32>
  %y = "iron.MatMul"(%x, %w) : (tensor<4x100xf32>, tensor<100x500xf32>) -> tensor<4x500xf32> loc("product")
  %z = "iron.Conv"(%i, %c) : (tensor<1x100x2x2xf32>, tensor<500x100x1x1xf32>) -> tensor<1x500x2x2xf32> loc("conv")
  %g = "iron.Gemm"(%x, %t) <{transB = 1 : i64}> : (tensor<4x100xf32>, tensor<500x100xf32>) -> tensor<4x500xf32> loc("transposed")
  return %y, %z, %g : tensor<4x500xf32>, tensor<1x500x2x2xf32>, tensor<4x500xf32>
}
)");
  ModelCost c = analyze(target(text));
  ASSERT_EQ(c.kernels.size(), 3u);
  const double weightS = 200000 / 1e10, block = 2048 / 1e10;
  const KernelCost &product = c.kernels[0], &conv = c.kernels[1];
  EXPECT_EQ(product.curveClass, "contraction.gemm");
  EXPECT_GE(product.bytesByLevel.at("dram"), 200000 - 2048);
  EXPECT_GE(conv.bytesByLevel.at("dram"), 200000 - 2048);
  // The product's stall covers its weights (and at most its few
  // activation bytes, 9600); the convolution's only its activations.
  EXPECT_GE(product.memoryStallS, weightS - block);
  EXPECT_LE(product.memoryStallS, weightS + 9600 / 1e10 + block);
  EXPECT_LE(conv.memoryStallS, 9600 / 1e10 + block);
  // A refined class whose curve states no stall takes its parent's
  // ("contraction", 1): the transposed product stalls on its weights too.
  const KernelCost &transposed = c.kernels[2];
  EXPECT_EQ(transposed.curve, "classes.contraction.gemm.transposed");
  EXPECT_GE(transposed.memoryStallS, weightS - block);
}

TEST_F(CostModelTest, ReportJSONHasUnitsInKeys) {
  parse(kMatMul);
  CostOptions o;
  ModelCost c = analyze(target(), o);
  llvm::json::Value v = reportToJSON("m.onnx", o, {c});
  const llvm::json::Object *root = v.getAsObject();
  ASSERT_TRUE(root);
  EXPECT_EQ(root->getString("schema"), "iron-report");
  EXPECT_EQ(root->getString("schema_version"), "1.3");
  const llvm::json::Array *targets = root->getArray("targets");
  ASSERT_TRUE(targets && targets->size() == 1);
  const llvm::json::Object *t = (*targets)[0].getAsObject();
  const llvm::json::Object *total = t->getObject("total");
  ASSERT_TRUE(total);
  const llvm::json::Object *lat = total->getObject("latency_ms");
  ASSERT_TRUE(lat);
  EXPECT_NEAR(*lat->getNumber("value"), 0.081, 1e-9);
  const llvm::json::Array *kernels = t->getArray("kernels");
  ASSERT_TRUE(kernels && kernels->size() == 1);
  const llvm::json::Object *k = (*kernels)[0].getAsObject();
  EXPECT_EQ(k->getString("bound"), "memory");
  EXPECT_NEAR(*k->getObject("energy_uj")->getNumber("value"),
              (48440e-12 + 8.1e-6) * 1e6, 1e-9);
  EXPECT_TRUE(k->getNumber("arithmetic_intensity_ops_per_byte"));
  EXPECT_EQ(k->getNumber("memory_stall_ms"), 0.0);
  EXPECT_TRUE(t->getObject("memory")->getNumber("weights_bytes"));
}

} // namespace
