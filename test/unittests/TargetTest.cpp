//===- TargetTest.cpp - Target descriptions: bundled files and errors -----===//
//
// Unit tests of iron/Target/Target.h. The first half loads every bundled
// targets/*.yaml and checks its numbers against the datasheet figures the
// files cite (the expected values below are copied from those documents, not
// from the YAML), plus the invariants every file must keep: a source on every
// number, values inside their ranges. The second half writes broken files to
// a temporary directory and checks that each error names the file, the line
// and the field.
//
//===----------------------------------------------------------------------===//

#include "iron/Target/Target.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace iron;

namespace {

const char *const kBundled[] = {
    "nvidia-h100-sxm",
    "nvidia-a100-sxm",
    "nvidia-jetson-agx-orin",
    "nvidia-jetson-orin-nx",
    "nvidia-jetson-orin-nano",
    "qualcomm-snapdragon-8gen3",
    "google-edgetpu",
    "arm-ethos-u55-128",
    "st-stm32h7a3",
    "st-stm32f746",
    "st-stm32l4r5",
    "st-stm32u575",
    "nordic-nrf52840",
    "espressif-esp32s3",
};

TargetDescription load(llvm::StringRef name) {
  llvm::Expected<TargetDescription> t = loadTarget(name);
  if (!t) {
    ADD_FAILURE() << "loading " << name.str() << ": "
                  << llvm::toString(t.takeError());
    return TargetDescription();
  }
  return std::move(*t);
}

/// The peak of `unit` in `p`, or NaN (which fails every comparison).
double peak(const TargetDescription &t, llvm::StringRef unit, Precision p) {
  const ComputeUnit *u = t.findUnit(unit);
  if (!u) {
    ADD_FAILURE() << t.name << ": no compute unit " << unit.str();
    return NAN;
  }
  const Quantity *q = u->peak(p);
  if (!q) {
    ADD_FAILURE() << t.name << "/" << unit.str() << ": no "
                  << stringifyPrecision(p).str() << " peak";
    return NAN;
  }
  return q->value;
}

const MemoryLevel &memory(const TargetDescription &t, llvm::StringRef name) {
  static const MemoryLevel none;
  const MemoryLevel *m = t.findMemory(name);
  if (!m) {
    ADD_FAILURE() << t.name << ": no memory level " << name.str();
    return none;
  }
  return *m;
}

/// |a - b| <= rel * |b|.
::testing::AssertionResult near(double a, double b, double rel) {
  if (std::fabs(a - b) <= rel * std::fabs(b))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << a << " is not within " << rel * 100 << "% of " << b;
}

//===----------------------------------------------------------------------===//
// Bundled targets
//===----------------------------------------------------------------------===//

TEST(TargetBundled, EveryShippedTargetIsListed) {
  std::vector<std::string> names = listBundledTargets();
  std::set<std::string> listed(names.begin(), names.end());
  for (const char *n : kBundled)
    EXPECT_TRUE(listed.count(n))
        << n << " missing from " << defaultTargetsDir();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(TargetBundled, EveryBundledTargetLoads) {
  for (const std::string &n : listBundledTargets()) {
    llvm::Expected<TargetDescription> t = loadTarget(n);
    ASSERT_TRUE(static_cast<bool>(t))
        << n << ": " << llvm::toString(t.takeError());
    EXPECT_EQ(t->name, n);
    EXPECT_EQ(t->schemaVersion, 1);
    EXPECT_FALSE(t->compute.empty()) << n;
    EXPECT_FALSE(t->memory.empty()) << n;
    EXPECT_TRUE(t->memory.back().bandwidthBytesPerS) << n;
    EXPECT_FALSE(t->softwareStack.name.empty()) << n;
  }
}

TEST(TargetBundled, EveryNumberHasASourceAndLiesInItsRange) {
  for (const std::string &n : listBundledTargets()) {
    TargetDescription t = load(n);
    std::vector<const Quantity *> numbers = t.allQuantities();
    EXPECT_GT(numbers.size(), 8u) << n;
    for (const Quantity *q : numbers) {
      SCOPED_TRACE(n + ": " + q->field);
      EXPECT_FALSE(llvm::StringRef(q->source).trim().empty());
      EXPECT_FALSE(q->field.empty());
      EXPECT_GT(q->line, 0u);
      EXPECT_LE(q->low, q->value);
      EXPECT_LE(q->value, q->high);
      EXPECT_TRUE(std::isfinite(q->value));
      if (llvm::StringRef(q->source).starts_with_insensitive("estimate"))
        EXPECT_FALSE(q->derivation.empty());
    }
  }
}

TEST(TargetBundled, PeaksBandwidthsAndCapacitiesArePositive) {
  for (const std::string &n : listBundledTargets()) {
    TargetDescription t = load(n);
    for (const ComputeUnit &u : t.compute) {
      EXPECT_FALSE(u.peakOpsPerS.empty()) << n << "/" << u.name;
      for (const auto &kv : u.peakOpsPerS)
        EXPECT_GT(kv.second.low, 0) << n << "/" << u.name;
      if (u.ops.fallback) {
        const ComputeUnit *f = t.findUnit(u.ops.fallback->unit);
        ASSERT_NE(f, nullptr) << n;
        EXPECT_TRUE(f->ops.all) << n;
      }
    }
    for (const MemoryLevel &m : t.memory) {
      EXPECT_GT(m.capacityBytes.low, 0) << n << "/" << m.name;
      if (m.bandwidthBytesPerS)
        EXPECT_GT(m.bandwidthBytesPerS->low, 0) << n << "/" << m.name;
    }
    EXPECT_GE(t.overhead.kernelLaunchS.value, 0) << n;
  }
}

// NVIDIA H100 Tensor Core GPU datasheet (SXM5): FP16/BF16 tensor 989 TFLOPS
// dense (1,979 with sparsity), FP8 and INT8 1,979 dense, TF32 494, FP32 67,
// 80 GB HBM3 at 3.35 TB/s, up to 700 W. A FLOP counts a MAC as two
// operations, as peak_ops_per_s does: 989e12 ops/s is 494.7e12 MACs/s.
TEST(TargetBundled, H100MatchesItsDatasheet) {
  TargetDescription t = load("nvidia-h100-sxm");
  EXPECT_EQ(t.kind, TargetKind::GPU);
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::FP16), 989e12, 0.001));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::BF16), 989e12, 0.001));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::FP8), 1979e12, 0.001));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::INT8), 1979e12, 0.001));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::TF32), 494e12, 0.002));
  EXPECT_TRUE(near(peak(t, "cuda-cores", Precision::FP32), 67e12, 0.002));
  const ComputeUnit *tc = t.findUnit("tensor-cores");
  ASSERT_TRUE(tc && tc->sparsity24Speedup);
  EXPECT_EQ(tc->sparsity24Speedup->value, 2);
  // 1,979 sparse = 2 x dense.
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::FP16) *
                       tc->sparsity24Speedup->value,
                   1979e12, 0.001));
  EXPECT_EQ(t.findUnit("cuda-cores")->peak(Precision::INT4), nullptr);
  const MemoryLevel &hbm = memory(t, "hbm3");
  EXPECT_TRUE(near(hbm.bandwidthBytesPerS->value, 3.35e12, 1e-9));
  EXPECT_GE(hbm.capacityBytes.high, 80e9);
  EXPECT_LE(hbm.capacityBytes.low, 80e9);
  ASSERT_TRUE(t.energy && t.energy->tdpW);
  EXPECT_EQ(t.energy->tdpW->value, 700);
  // The book's ~5 us kernel launch.
  EXPECT_TRUE(near(t.overhead.kernelLaunchS.value, 5e-6, 1e-9));
}

// NVIDIA A100 datasheet (SXM4 80GB): FP16 312 TFLOPS, INT8 624 TOPS, TF32 156,
// FP32 19.5, 2,039 GB/s HBM2e, 400 W.
TEST(TargetBundled, A100MatchesItsDatasheet) {
  TargetDescription t = load("nvidia-a100-sxm");
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::FP16), 312e12, 1e-9));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::INT8), 624e12, 1e-9));
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::TF32), 156e12, 1e-9));
  EXPECT_TRUE(near(peak(t, "cuda-cores", Precision::FP32), 19.5e12, 1e-9));
  EXPECT_TRUE(
      near(memory(t, "hbm2e").bandwidthBytesPerS->value, 2.039e12, 1e-9));
  EXPECT_EQ(t.energy->tdpW->value, 400);
  // Ridge point the facts sheet quotes: FP16 ~153 FLOP/B.
  EXPECT_TRUE(near(peak(t, "tensor-cores", Precision::FP16) /
                       memory(t, "hbm2e").bandwidthBytesPerS->value,
                   153, 0.01));
}

// Jetson headline TOPS are sparse INT8 summed over GPU and DLAs: AGX Orin 64GB
// 275, Orin NX 16GB 100, Orin Nano 8GB 40 (module datasheets). The files give
// dense peaks per unit; doubling and summing must give the headline back.
TEST(TargetBundled, JetsonDensePeaksAddUpToTheSparseHeadline) {
  auto sparseTotal = [](const TargetDescription &t) {
    double sum = 0;
    for (const ComputeUnit &u : t.compute)
      if (const Quantity *q = u.peak(Precision::INT8))
        sum +=
            q->value * (u.sparsity24Speedup ? u.sparsity24Speedup->value : 1);
    return sum;
  };
  TargetDescription agx = load("nvidia-jetson-agx-orin");
  EXPECT_TRUE(near(sparseTotal(agx), 275e12, 0.01));
  EXPECT_TRUE(
      near(memory(agx, "lpddr5").bandwidthBytesPerS->value, 204.8e9, 1e-9));
  EXPECT_EQ(agx.kind, TargetKind::Jetson);
  // 2048 CUDA cores at 1.3 GHz: 5.3 FP32 TFLOPS.
  EXPECT_TRUE(near(peak(agx, "gpu-cuda", Precision::FP32), 5.3e12, 0.01));

  TargetDescription nx = load("nvidia-jetson-orin-nx");
  EXPECT_TRUE(near(sparseTotal(nx), 100e12, 0.01));
  EXPECT_TRUE(
      near(memory(nx, "lpddr5").bandwidthBytesPerS->value, 102.4e9, 1e-9));

  TargetDescription nano = load("nvidia-jetson-orin-nano");
  EXPECT_TRUE(near(sparseTotal(nano), 40e12, 0.03));
  EXPECT_EQ(nano.findUnit("dla"), nullptr); // Orin Nano has no DLA.
  EXPECT_TRUE(
      near(memory(nano, "lpddr5").bandwidthBytesPerS->value, 68e9, 1e-9));
  // mlsysim: FP16 dense = sparse INT8 / 4 = 10 TFLOP/s.
  EXPECT_TRUE(near(peak(nano, "gpu-tensor", Precision::FP16), 10e12, 0.03));
}

TEST(TargetBundled, AgxOrinPowerModesScaleGpuAndDlaApart) {
  TargetDescription t = load("nvidia-jetson-agx-orin");
  const PowerMode *maxn = t.findPowerMode("MAXN");
  ASSERT_NE(maxn, nullptr);
  EXPECT_EQ(maxn->scaleFor("gpu-tensor"), 1.0);
  ASSERT_TRUE(maxn->powerW);
  EXPECT_EQ(maxn->powerW->value, 60);
  // NVIDIA DLA-SW README, 15 W row: GPU 14 of 171 sparse TOPS, DLAs 40 of 105.
  const PowerMode *m15 = t.findPowerMode("15W");
  ASSERT_NE(m15, nullptr);
  EXPECT_TRUE(near(m15->scaleFor("gpu-tensor"), 14.0 / 171, 0.01));
  EXPECT_TRUE(near(m15->scaleFor("dla"), 40.0 / 105, 0.01));
  // The DLA runs only some ops and falls back to the GPU for the rest.
  const ComputeUnit *dla = t.findUnit("dla");
  ASSERT_NE(dla, nullptr);
  EXPECT_TRUE(dla->ops.supports("Conv"));
  EXPECT_FALSE(dla->ops.supports("LayerNormalization"));
  ASSERT_TRUE(dla->ops.fallback);
  EXPECT_EQ(dla->ops.fallback->unit, "gpu-cuda");
  EXPECT_TRUE(t.findUnit("gpu-tensor")->ops.supports("LayerNormalization"));
}

// Coral USB Accelerator datasheet: 4 TOPS int8, 2 TOPS per watt, USB 3.0.
TEST(TargetBundled, EdgeTpuMatchesItsDatasheet) {
  TargetDescription t = load("google-edgetpu");
  EXPECT_EQ(t.kind, TargetKind::NPU);
  EXPECT_TRUE(near(peak(t, "edgetpu", Precision::INT8), 4e12, 1e-9));
  EXPECT_EQ(t.findUnit("edgetpu")->peak(Precision::FP32), nullptr);
  // 2 TOPS/W = 0.5 pJ per op.
  ASSERT_TRUE(t.energy);
  EXPECT_TRUE(
      near(t.energy->pjPerOp.at(Precision::INT8).value, 1e12 / 2e12, 1e-9));
  EXPECT_TRUE(near(t.energy->tdpW->value, 4.0 / 2.0, 1e-9));
  const ComputeUnit *tpu = t.findUnit("edgetpu");
  ASSERT_TRUE(tpu->ops.fallback);
  EXPECT_EQ(tpu->ops.fallback->unit, "host-cpu");
  // USB 3.0: 5 Gb/s with 8b/10b coding.
  EXPECT_TRUE(
      near(tpu->ops.fallback->transferBytesPerS.value, 5e9 * 8 / 10 / 8, 1e-9));
}

// Arm Vela's Ethos_U55_High_End_Embedded system config: 500 MHz, SRAM 4 GB/s,
// flash 0.5 GB/s; Ethos-U55-128 does 128 MACs per cycle.
TEST(TargetBundled, EthosU55FollowsVela) {
  TargetDescription t = load("arm-ethos-u55-128");
  const ComputeUnit *npu = t.findUnit("ethos-u55");
  ASSERT_TRUE(npu && npu->clockHz);
  EXPECT_EQ(npu->clockHz->value, 500e6);
  EXPECT_TRUE(near(peak(t, "ethos-u55", Precision::INT8),
                   128 * 2 * npu->clockHz->value, 1e-9));
  EXPECT_EQ(npu->peak(Precision::FP32), nullptr);
  EXPECT_TRUE(near(memory(t, "sram").bandwidthBytesPerS->value, 4e9, 1e-9));
  EXPECT_TRUE(near(memory(t, "flash").bandwidthBytesPerS->value, 0.5e9, 1e-9));
  EXPECT_TRUE(near(t.findPowerMode("deep-embedded")->scaleFor("ethos-u55"),
                   200e6 / 500e6, 1e-9));
}

// Snapdragon 8 Gen 3: 45 TOPS (mlsysim) vs 35 (book) peak; 77 GB/s LPDDR5X;
// 20 TOPS sustained under thermal limits (book).
TEST(TargetBundled, SnapdragonKeepsBothPeakFigures) {
  TargetDescription t = load("qualcomm-snapdragon-8gen3");
  const Quantity *q = t.findUnit("hexagon-npu")->peak(Precision::INT8);
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->hasRange);
  EXPECT_LE(q->low, 35e12);
  EXPECT_GE(q->high, 45e12);
  EXPECT_TRUE(near(memory(t, "lpddr5x").bandwidthBytesPerS->value, 77e9, 1e-9));
  EXPECT_TRUE(near(t.findPowerMode("sustained")->scaleFor("hexagon-npu"),
                   20.0 / 35, 0.01));
}

// MCU datasheets (memory sizes as the vendors state them) and the Cortex-M
// DSP extension's dual 16-bit MAC per cycle (SMLAD): int8/int16 peak = 2 MACs
// x 2 ops x clock.
TEST(TargetBundled, McuMemoriesAndClocksMatchTheirDatasheets) {
  struct Expect {
    const char *name, *unit, *sram;
    double clock, sramBytes, flashBytes;
  };
  const Expect rows[] = {
      {"st-stm32f746", "cortex-m7", "sram", 216e6, 320 * 1024.0, 1024 * 1024.0},
      {"st-stm32h7a3", "cortex-m7", "sram", 280e6, 1.4e6, 2 * 1024 * 1024.0},
      {"st-stm32l4r5", "cortex-m4", "sram", 120e6, 640 * 1024.0,
       2 * 1024 * 1024.0},
      {"st-stm32u575", "cortex-m33", "sram", 160e6, 786 * 1024.0,
       2 * 1024 * 1024.0},
      {"nordic-nrf52840", "cortex-m4", "ram", 64e6, 256 * 1024.0,
       1024 * 1024.0},
  };
  for (const Expect &e : rows) {
    SCOPED_TRACE(e.name);
    TargetDescription t = load(e.name);
    EXPECT_EQ(t.kind, TargetKind::MCU);
    const ComputeUnit *u = t.findUnit(e.unit);
    ASSERT_TRUE(u && u->clockHz);
    EXPECT_EQ(u->clockHz->value, e.clock);
    EXPECT_TRUE(near(peak(t, e.unit, Precision::INT16), 4 * e.clock, 1e-9));
    EXPECT_TRUE(near(peak(t, e.unit, Precision::INT8), 4 * e.clock, 1e-9));
    EXPECT_TRUE(near(memory(t, e.sram).capacityBytes.value, e.sramBytes, 1e-9));
    EXPECT_TRUE(memory(t, e.sram).holdsRole(MemoryRole::Activations));
    EXPECT_TRUE(
        near(memory(t, "flash").capacityBytes.value, e.flashBytes, 1e-9));
    EXPECT_TRUE(memory(t, "flash").holdsRole(MemoryRole::Weights));
  }
  // STM32F7 at 216 MHz runs its flash with 7 wait states (RM0385 / CubeF7).
  TargetDescription f7 = load("st-stm32f746");
  ASSERT_TRUE(memory(f7, "flash").waitStates);
  EXPECT_EQ(memory(f7, "flash").waitStates->value, 7);
  // ESP32-S3 datasheet: 240 MHz, 512 KB SRAM; PIE multiplies 16 int8 lanes.
  TargetDescription esp = load("espressif-esp32s3");
  EXPECT_EQ(esp.findUnit("xtensa-lx7")->clockHz->value, 240e6);
  EXPECT_TRUE(
      near(memory(esp, "sram").capacityBytes.value, 512 * 1024.0, 1e-9));
  EXPECT_TRUE(
      near(peak(esp, "xtensa-lx7", Precision::INT8), 16 * 2 * 240e6, 1e-9));
  // STM32U575: 19.5 uA/MHz run mode at 160 MHz and 3.0 V = 9.4 mW.
  TargetDescription u5 = load("st-stm32u575");
  ASSERT_TRUE(u5.energy && u5.energy->staticPowerW);
  EXPECT_TRUE(near(u5.energy->staticPowerW->value, 19.5e-6 * 160 * 3.0, 0.01));
}

TEST(TargetBundled, EfficiencyModelsEvaluate) {
  TargetDescription t = load("nvidia-h100-sxm");
  const ComputeUnit *tc = t.findUnit("tensor-cores");
  ASSERT_TRUE(tc && tc->efficiency);
  const EfficiencyModel &e = *tc->efficiency;
  EXPECT_EQ(e.kind, EfficiencyModel::Kind::Saturating);
  double half = e.params.at("half_ops").value;
  double etaMax = e.params.at("eta_max").value;
  EXPECT_DOUBLE_EQ(e.evaluate(half), etaMax / 2);
  EXPECT_LT(e.evaluate(half / 100), e.evaluate(half));
  EXPECT_LT(e.evaluate(half * 100), etaMax);
  EXPECT_EQ(e.evaluate(0), 0);

  TargetDescription f7 = load("st-stm32f746");
  const EfficiencyModel &fixed = *f7.findUnit("cortex-m7")->efficiency;
  EXPECT_EQ(fixed.kind, EfficiencyModel::Kind::Fixed);
  EXPECT_EQ(fixed.evaluate(1), fixed.evaluate(1e9));
}

// Every bundled target models shape losses on the unit that runs its
// contractions: tile and wave quantization on GPUs, MAC-array geometry on
// NPUs, register blocking and SIMD width on MCUs (docs/cost-model.md,
// "Efficiency").
TEST(TargetBundled, EveryTargetHasAShapeAwareEfficiencyModel) {
  for (const std::string &n : listBundledTargets()) {
    TargetDescription t = load(n);
    bool tiled = false;
    for (const ComputeUnit &u : t.compute) {
      if (u.unitClass == UnitClass::Vector || !u.efficiency)
        continue;
      if (const std::optional<TilingModel> &tm = u.efficiency->tiling) {
        tiled = true;
        EXPECT_TRUE(tm->m || tm->n || tm->k || tm->parallel) << n;
        EXPECT_FALSE(llvm::StringRef(tm->source).trim().empty()) << n;
      }
      for (const auto &kv : u.efficiency->classes)
        EXPECT_FALSE(kv.second.params.empty()) << n << "/" << kv.first;
    }
    EXPECT_TRUE(tiled) << n << ": no matrix or general unit has a tiling";
  }
}

// One wave is one tile per SM (NVIDIA Matrix Multiplication Background
// guide); SM counts from the datasheets: H100 SXM5 132, A100 108, AGX Orin 16
// (2048 CUDA cores), Orin NX 16GB and Orin Nano 8GB 8 (1024 CUDA cores).
TEST(TargetBundled, GpuWavesAreTheirSmCounts) {
  const std::pair<const char *, const char *> units[] = {
      {"nvidia-h100-sxm", "tensor-cores"},
      {"nvidia-a100-sxm", "tensor-cores"},
      {"nvidia-jetson-agx-orin", "gpu-tensor"},
      {"nvidia-jetson-orin-nx", "gpu-tensor"},
      {"nvidia-jetson-orin-nano", "gpu-tensor"},
  };
  const double sms[] = {132, 108, 16, 8, 8};
  for (size_t i = 0; i < std::size(units); ++i) {
    SCOPED_TRACE(units[i].first);
    TargetDescription t = load(units[i].first);
    const ComputeUnit *u = t.findUnit(units[i].second);
    ASSERT_TRUE(u && u->efficiency && u->efficiency->tiling);
    const TilingModel &tm = *u->efficiency->tiling;
    ASSERT_TRUE(tm.parallel && tm.m && tm.n && tm.k);
    EXPECT_EQ(tm.parallel->value, sms[i]);
    // A GEMM whose tiles fill exactly one wave loses nothing.
    int64_t m = int64_t(tm.m->value), n = int64_t(tm.n->value);
    EXPECT_DOUBLE_EQ(
        tm.utilization(1, m * int64_t(sms[i]), n, int64_t(tm.k->value)), 1.0);
    // A depthwise convolution (N = 1 per group) wastes most of a tile.
    EXPECT_LT(tm.utilization(64, 56 * 56, 1, 9), 0.05);
  }
}

// CMSIS-NN's s8 convolution kernel computes 2 output channels x 2 output
// pixels per pass and 4 input values per inner-loop iteration; Arm Vela's
// Ethos-U55-128 computes 2x1x8 output micro-blocks.
TEST(TargetBundled, NpuAndMcuTilesFollowTheirKernels) {
  for (const char *n : {"st-stm32f746", "st-stm32h7a3", "st-stm32l4r5",
                        "st-stm32u575", "nordic-nrf52840"}) {
    SCOPED_TRACE(n);
    TargetDescription t = load(n);
    const ComputeUnit &u = t.compute.front();
    ASSERT_TRUE(u.efficiency && u.efficiency->tiling);
    const TilingModel &tm = *u.efficiency->tiling;
    ASSERT_TRUE(tm.m && tm.n && tm.k);
    EXPECT_EQ(tm.m->value, 2);
    EXPECT_EQ(tm.n->value, 2);
    EXPECT_EQ(tm.k->value, 4);
    EXPECT_FALSE(tm.parallel);
    // Depthwise and fully connected kernels have their own curves.
    EXPECT_NE(&u.efficiency->forClass("contraction.depthwise"),
              static_cast<const EfficiencyCurve *>(&*u.efficiency));
    EXPECT_NE(&u.efficiency->forClass("contraction.gemm"),
              static_cast<const EfficiencyCurve *>(&*u.efficiency));
    EXPECT_EQ(&u.efficiency->forClass("contraction.conv"),
              static_cast<const EfficiencyCurve *>(&*u.efficiency));
    ASSERT_TRUE(u.transcendentalOps);
    EXPECT_GT(u.transcendentalOps->value, 1);
  }
  TargetDescription ethos = load("arm-ethos-u55-128");
  const ComputeUnit *npu = ethos.findUnit("ethos-u55");
  ASSERT_TRUE(npu && npu->efficiency && npu->efficiency->tiling);
  EXPECT_EQ(npu->efficiency->tiling->m->value, 2);
  EXPECT_EQ(npu->efficiency->tiling->n->value, 8);
  // Vela: depthwise runs at 16 of the 128 MACs per cycle at best.
  const EfficiencyCurve &dw =
      npu->efficiency->forClass("contraction.depthwise");
  EXPECT_LE(dw.evaluate(1e9, +1), 16.0 / 128);
  EXPECT_LT(npu->efficiency->forClass("elementwise").evaluate(1e6),
            dw.evaluate(1e6));
}

TEST(TargetBundled, PrecisionKeysRoundTrip) {
  for (Precision p : allPrecisions())
    EXPECT_TRUE(parsePrecision(stringifyPrecision(p)) == p);
  EXPECT_FALSE(parsePrecision("fp17"));
  EXPECT_FALSE(parsePrecision("INT8")); // keys are lower case
}

//===----------------------------------------------------------------------===//
// Shape models
//===----------------------------------------------------------------------===//

Quantity number(double v) {
  Quantity q;
  q.value = q.low = q.high = v;
  return q;
}

TEST(TargetTiling, UtilizationPadsToTilesAndFillsWaves) {
  TilingModel tm;
  tm.m = number(128);
  tm.n = number(128);
  tm.k = number(32);
  tm.parallel = number(132);
  // 1000 rows and columns pad to 8 tiles of 128 = 1024, the depth to 32
  // slices of 32 = 1024: (1000/1024)^3 = 0.931323. The 8 x 8 = 64 tiles fill
  // 64 of the 132 slots of one wave: 0.484848. Together 0.451550.
  EXPECT_NEAR(tm.utilization(1, 1000, 1000, 1000), 0.451550, 1e-6);
  // Whole tiles, but 16 x 18 = 288 tiles take 3 waves of 132 and the last is
  // partly empty: 288 / 396 = 0.727273.
  EXPECT_NEAR(tm.utilization(1, 2048, 2304, 64), 288.0 / 396, 1e-12);
  // Batched products share the waves: 200 one-tile products in 2 waves.
  EXPECT_NEAR(tm.utilization(200, 128, 128, 32), 200.0 / 264, 1e-12);
  // Exactly one full wave loses nothing.
  EXPECT_DOUBLE_EQ(tm.utilization(1, 128 * 12, 128 * 11, 320), 1.0);

  // Without `parallel` only padding counts; absent dimensions do not pad.
  TilingModel pad;
  pad.m = number(2);
  pad.k = number(4);
  EXPECT_DOUBLE_EQ(pad.utilization(1, 49, 7, 27), (49.0 / 50) * (27.0 / 28));
  EXPECT_DOUBLE_EQ(TilingModel().utilization(3, 5, 7, 9), 1.0);
  // Degenerate shapes are not quantized.
  EXPECT_DOUBLE_EQ(tm.utilization(1, 0, 10, 10), 1.0);

  // A matrix-vector product pads M and N to tiles unless the stack runs
  // it with its own kernel (gemv_unpadded); K still pads.
  TilingModel gemv;
  gemv.m = number(16);
  gemv.n = number(12);
  gemv.k = number(4);
  EXPECT_DOUBLE_EQ(gemv.utilization(1, 1, 100, 30),
                   (1.0 / 16) * (100.0 / 108) * (30.0 / 32));
  gemv.gemvUnpadded = true;
  EXPECT_DOUBLE_EQ(gemv.utilization(1, 1, 100, 30), 30.0 / 32);
  EXPECT_DOUBLE_EQ(gemv.utilization(1, 49, 1, 32), 1.0);
  // Other shapes still pad: 49 pixels to 64, 100 channels to 108.
  EXPECT_DOUBLE_EQ(gemv.utilization(1, 49, 100, 32),
                   (49.0 / 64) * (100.0 / 108));
}

TEST(TargetTiling, ForClassFallsBackToPrefixThenDefault) {
  EfficiencyModel e;
  e.kind = EfficiencyCurve::Kind::Fixed;
  e.params["eta"] = number(0.5);
  e.tiling = TilingModel();
  e.tiling->n = number(64);
  EfficiencyCurve contraction, depthwise;
  contraction.params["eta"] = number(0.4);
  depthwise.params["eta"] = number(0.1);
  e.classes["contraction"] = contraction;
  e.classes["contraction.depthwise"] = depthwise;

  EXPECT_DOUBLE_EQ(e.forClass("contraction.depthwise").evaluate(1), 0.1);
  EXPECT_DOUBLE_EQ(e.forClass("contraction.conv").evaluate(1), 0.4);
  EXPECT_DOUBLE_EQ(e.forClass("contraction").evaluate(1), 0.4);
  EXPECT_DOUBLE_EQ(e.forClass("elementwise").evaluate(1), 0.5);
  EXPECT_DOUBLE_EQ(e.forClass("").evaluate(1), 0.5);
  EXPECT_EQ(&e.forClass("pooling"), static_cast<const EfficiencyCurve *>(&e));
  // A class curve does not inherit the default's tiling.
  EXPECT_TRUE(e.forClass("pooling").tiling);
  EXPECT_FALSE(e.forClass("contraction.gemm").tiling);
  // With a parameter, only curves that state it count: depthwise has no
  // stall, so its nearest one is contraction's.
  e.classes["contraction"].params["stall"] = number(2);
  EXPECT_DOUBLE_EQ(e.forClass("contraction.depthwise.generic", "stall").stall(), 2);
  EXPECT_EQ(&e.forClass("elementwise", "stall"),
            static_cast<const EfficiencyCurve *>(&e));
  e.classes.erase("contraction");
  EXPECT_EQ(&e.forClass("contraction.gemm"),
            static_cast<const EfficiencyCurve *>(&e));
  EXPECT_EQ(&e.forClass("contraction.depthwise", "stall"),
            static_cast<const EfficiencyCurve *>(&e));
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// A valid description; each test breaks one thing in it.
const char *kValid = R"(schema_version: 1
name: test-mcu
kind: mcu
description: A target for the loader's tests.
references:
  ds: "Test part datasheet"
software_stack: {name: "TFLM", source: "[ds] section 1"}
compute:
  - name: core
    class: general
    source: "[ds] table 1"
    clock_hz: 100e6
    peak_ops_per_s:
      int8: 400e6
      fp32: {value: 100e6, range: [50e6, 200e6]}
    efficiency:
      model: fixed
      params:
        eta: 0.5
memory:
  - name: sram
    source: "[ds] table 2"
    capacity_bytes: 65536
    bandwidth_bytes_per_s: 400e6
    holds: [activations]
  - name: flash
    source: "[ds] table 3"
    capacity_bytes: 262144
    bandwidth_bytes_per_s: 100e6
    holds: [weights, code]
overhead:
  source: "[ds] section 4"
  kernel_launch_s: 1e-5
power_modes:
  - name: half
    source: "[ds] table 5"
    clock_scale: 0.5
)";

class TargetErrorTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("iron-target-test", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string write(llvm::StringRef fileName, llvm::StringRef text) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, fileName);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << text;
    return path.str().str();
  }

  /// kValid with `from` replaced by `to` (which must occur exactly once).
  static std::string mutate(llvm::StringRef from, llvm::StringRef to) {
    std::string text = kValid;
    size_t pos = text.find(from.str());
    EXPECT_NE(pos, std::string::npos) << "'" << from.str() << "' not in kValid";
    EXPECT_EQ(text.find(from.str(), pos + 1), std::string::npos);
    if (pos != std::string::npos)
      text.replace(pos, from.size(), to.str());
    return text;
  }

  /// 1-based line of the first occurrence of `needle` in `text`.
  static unsigned lineOf(llvm::StringRef text, llvm::StringRef needle) {
    size_t pos = text.find(needle);
    EXPECT_NE(pos, llvm::StringRef::npos) << needle.str();
    return 1 + text.take_front(pos).count('\n');
  }

  /// Loads `text` from a file and returns the error message ("" on success).
  std::string errorOf(llvm::StringRef text, std::string *pathOut = nullptr) {
    std::string path = write("target.yaml", text);
    if (pathOut)
      *pathOut = path;
    llvm::Expected<TargetDescription> t = loadTarget(path);
    if (t)
      return "";
    return llvm::toString(t.takeError());
  }

  /// The error names "<path>:<line>:", the field and the problem.
  void expectError(llvm::StringRef text, unsigned line, llvm::StringRef field,
                   llvm::StringRef what) {
    std::string path;
    std::string msg = errorOf(text, &path);
    ASSERT_FALSE(msg.empty()) << "expected an error about " << field.str();
    std::string where = path + ":" + std::to_string(line) + ":";
    EXPECT_NE(msg.find(where), std::string::npos)
        << "'" << msg << "' does not name " << where;
    EXPECT_NE(msg.find(field.str()), std::string::npos)
        << "'" << msg << "' does not name the field " << field.str();
    EXPECT_NE(msg.find(what.str()), std::string::npos)
        << "'" << msg << "' does not say " << what.str();
  }

  llvm::SmallString<128> dir;
};

TEST_F(TargetErrorTest, TheBaseDescriptionIsValid) {
  std::string path = write("target.yaml", kValid);
  llvm::Expected<TargetDescription> t = loadTarget(path);
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->name, "test-mcu");
  EXPECT_EQ(t->path, path);
  // Sources are inherited from the enclosing block.
  EXPECT_EQ(t->compute[0].clockHz->source, "[ds] table 1");
  EXPECT_EQ(t->compute[0].peakOpsPerS.at(Precision::FP32).low, 50e6);
  EXPECT_EQ(t->memory[1].capacityBytes.source, "[ds] table 3");
  EXPECT_EQ(t->memory[1].capacityBytes.line,
            lineOf(kValid, "capacity_bytes: 262144"));
  EXPECT_EQ(t->compute[0].efficiency->params.at("eta").source, "[ds] table 1");
  EXPECT_EQ(t->powerModes[0].scaleFor("core"), 0.5);
}

TEST_F(TargetErrorTest, MalformedYaml) {
  std::string text = mutate("holds: [activations]", "holds: [activations");
  std::string path;
  std::string msg = errorOf(text, &path);
  ASSERT_FALSE(msg.empty());
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
  // "<path>:<line>:<col>:" with a line at or after the broken list.
  ASSERT_EQ(msg.compare(0, path.size() + 1, path + ":"), 0) << msg;
  unsigned line = std::atoi(msg.c_str() + path.size() + 1);
  EXPECT_GE(line, lineOf(text, "holds: [activations"));
}

TEST_F(TargetErrorTest, TabsAreMalformedYaml) {
  std::string text = mutate("    class: general", "\tclass: general");
  std::string msg = errorOf(text);
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST_F(TargetErrorTest, EmptyFile) {
  std::string path;
  std::string msg = errorOf("", &path);
  EXPECT_NE(msg.find(path + ":1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
}

TEST_F(TargetErrorTest, MissingRequiredField) {
  std::string text = mutate("    capacity_bytes: 65536\n", "");
  expectError(text, lineOf(text, "- name: sram"), "memory[0].capacity_bytes",
              "missing required field");
  text = mutate("kind: mcu\n", "");
  expectError(text, 1, "kind", "missing required field 'kind'");
}

TEST_F(TargetErrorTest, WrongType) {
  std::string text = mutate("clock_hz: 100e6", "clock_hz: fast");
  expectError(text, lineOf(text, "clock_hz"), "compute[0].clock_hz",
              "expected a number");
  text = mutate("clock_hz: 100e6", "clock_hz: \"100e6\"");
  expectError(text, lineOf(text, "clock_hz"), "compute[0].clock_hz",
              "expected a number, got the string");
  text = mutate("capacity_bytes: 65536", "capacity_bytes: [65536]");
  expectError(text, lineOf(text, "capacity_bytes: [65536]"),
              "memory[0].capacity_bytes", "expected a number or a mapping");
  text = mutate("holds: [activations]", "holds: activations");
  expectError(text, lineOf(text, "holds: activations"), "memory[0].holds",
              "expected a list");
}

TEST_F(TargetErrorTest, ZeroOrNegativeCapacityBandwidthPeak) {
  std::string text = mutate("capacity_bytes: 262144", "capacity_bytes: 0");
  expectError(text, lineOf(text, "capacity_bytes: 0"),
              "memory[1].capacity_bytes", "must be positive");
  text = mutate("bandwidth_bytes_per_s: 400e6", "bandwidth_bytes_per_s: -4e8");
  expectError(text, lineOf(text, "-4e8"), "memory[0].bandwidth_bytes_per_s",
              "must be positive");
  text = mutate("int8: 400e6", "int8: 0");
  expectError(text, lineOf(text, "int8: 0"), "compute[0].peak_ops_per_s.int8",
              "must be positive");
  text = mutate("kernel_launch_s: 1e-5", "kernel_launch_s: -1e-5");
  expectError(text, lineOf(text, "kernel_launch_s"), "overhead.kernel_launch_s",
              "must not be negative");
}

TEST_F(TargetErrorTest, UnknownPrecisionKey) {
  std::string text = mutate("int8: 400e6", "fp17: 400e6");
  expectError(text, lineOf(text, "fp17"), "compute[0].peak_ops_per_s.fp17",
              "unknown precision 'fp17'");
}

TEST_F(TargetErrorTest, UnknownKindClassRoleAndModel) {
  std::string text = mutate("kind: mcu", "kind: toaster");
  expectError(text, lineOf(text, "toaster"), "kind", "unknown kind 'toaster'");
  text = mutate("class: general", "class: scalar");
  expectError(text, lineOf(text, "scalar"), "compute[0].class",
              "unknown class 'scalar'");
  text = mutate("holds: [weights, code]", "holds: [weights, biases]");
  expectError(text, lineOf(text, "biases"), "memory[1].holds[1]",
              "unknown role 'biases'");
  text = mutate("model: fixed", "model: roofline");
  expectError(text, lineOf(text, "roofline"), "compute[0].efficiency.model",
              "unknown efficiency model 'roofline'");
  text = mutate("eta: 0.5", "eta: 1.5");
  expectError(text, lineOf(text, "eta: 1.5"),
              "compute[0].efficiency.params.eta", "must be in (0, 1]");
}

TEST_F(TargetErrorTest, RangeLowAboveHigh) {
  std::string text = mutate("range: [50e6, 200e6]", "range: [200e6, 50e6]");
  expectError(text, lineOf(text, "range: [200e6"),
              "compute[0].peak_ops_per_s.fp32.range",
              "range low 2e+08 is greater than high 5e+07");
  text = mutate("range: [50e6, 200e6]", "range: [150e6, 200e6]");
  expectError(text, lineOf(text, "range: [150e6"),
              "compute[0].peak_ops_per_s.fp32.value", "lies outside its range");
  text = mutate("range: [50e6, 200e6]", "range: [50e6]");
  expectError(text, lineOf(text, "range: [50e6]"),
              "compute[0].peak_ops_per_s.fp32.range", "two numbers");
}

TEST_F(TargetErrorTest, EmptyMemoryAndComputeLists) {
  std::string text = kValid;
  size_t from = text.find("memory:\n");
  size_t to = text.find("overhead:\n");
  text.replace(from, to - from, "memory: []\n");
  expectError(text, lineOf(text, "memory: []"), "memory",
              "the list of memory levels is empty");
  text = kValid;
  from = text.find("compute:\n");
  to = text.find("memory:\n");
  text.replace(from, to - from, "compute: []\n");
  expectError(text, lineOf(text, "compute: []"), "compute",
              "the list of compute units is empty");
}

TEST_F(TargetErrorTest, NumberWithoutSource) {
  std::string text = mutate("    source: \"[ds] table 2\"\n", "");
  expectError(text, lineOf(text, "capacity_bytes: 65536"),
              "memory[0].capacity_bytes", "number has no source");
  text = mutate("  source: \"[ds] section 4\"\n", "");
  expectError(text, lineOf(text, "kernel_launch_s"), "overhead.kernel_launch_s",
              "number has no source");
  // A number's own empty source does not count either.
  text = mutate("int8: 400e6", "int8: {value: 400e6, source: \" \"}");
  expectError(text, lineOf(text, "int8:"), "compute[0].peak_ops_per_s.int8",
              "must not be empty");
}

TEST_F(TargetErrorTest, CitationMustBeInReferences) {
  std::string text =
      mutate("source: \"[ds] table 3\"", "source: \"[nope] table 3\"");
  expectError(text, lineOf(text, "[nope]"), "memory[1].source",
              "cites [nope], which is not in 'references'");
}

TEST_F(TargetErrorTest, EstimateNeedsDerivation) {
  std::string text =
      mutate("kernel_launch_s: 1e-5",
             "kernel_launch_s: {value: 1e-5, source: \"estimate\"}");
  expectError(text, lineOf(text, "kernel_launch_s"), "overhead.kernel_launch_s",
              "derivation");
  text = mutate("kernel_launch_s: 1e-5",
                "kernel_launch_s: {value: 1e-5, source: \"estimate\", "
                "derivation: \"1e3 cycles at 100 MHz\"}");
  EXPECT_EQ(errorOf(text), "");
}

TEST_F(TargetErrorTest, UnknownFieldAndDuplicateKey) {
  std::string text =
      mutate("bandwidth_bytes_per_s: 100e6", "bandwith_bytes_per_s: 100e6");
  expectError(text, lineOf(text, "bandwith"), "memory[1].bandwith_bytes_per_s",
              "unknown field 'bandwith_bytes_per_s'");
  text = mutate("    capacity_bytes: 65536\n",
                "    capacity_bytes: 65536\n    capacity_bytes: 1024\n");
  std::string msg = errorOf(text);
  EXPECT_NE(msg.find("duplicate key 'capacity_bytes'"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find(":" +
                     std::to_string(lineOf(text, "capacity_bytes: 1024")) +
                     ":"),
            std::string::npos)
      << msg;
}

TEST_F(TargetErrorTest, SlowestMemoryNeedsBandwidth) {
  std::string text = mutate("    bandwidth_bytes_per_s: 100e6\n", "");
  expectError(text, lineOf(text, "- name: flash"),
              "memory[1].bandwidth_bytes_per_s",
              "the slowest memory level must give its bandwidth");
}

TEST_F(TargetErrorTest, FallbackChecks) {
  std::string npu = R"(  - name: npu
    class: matrix
    source: "[ds] table 6"
    peak_ops_per_s: {int8: 4e12}
    ops:
      native: [Conv, Gemm]
      fallback: {unit: cpu, transfer_bytes_per_s: 1e9}
memory:
)";
  std::string text = mutate("memory:\n", npu);
  expectError(text, lineOf(text, "unit: cpu"), "compute[1].ops.fallback.unit",
              "unknown compute unit 'cpu'");
  std::string self = npu;
  self.replace(self.find("unit: cpu"), 9, "unit: npu");
  text = mutate("memory:\n", self);
  expectError(text, lineOf(text, "unit: npu"), "compute[1].ops.fallback.unit",
              "cannot fall back to itself");
  std::string ok = npu;
  ok.replace(ok.find("unit: cpu"), 9, "unit: core");
  text = mutate("memory:\n", ok);
  ASSERT_EQ(errorOf(text), "");
  llvm::Expected<TargetDescription> t = loadTarget(write("ok.yaml", text));
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  EXPECT_TRUE(t->findUnit("npu")->ops.supports("Gemm"));
  EXPECT_FALSE(t->findUnit("npu")->ops.supports("Softmax"));
  std::string noFallback = npu;
  noFallback.erase(noFallback.find("      fallback"),
                   noFallback.find("memory:") -
                       noFallback.find("      fallback"));
  text = mutate("memory:\n", noFallback);
  expectError(text, lineOf(text, "native: [Conv, Gemm]"),
              "compute[1].ops.fallback", "needs a 'fallback'");
}

TEST_F(TargetErrorTest, DuplicateNamesAndUnknownUnitInPowerMode) {
  std::string text = mutate("  - name: flash", "  - name: sram");
  expectError(text,
              lineOf(text, "  - name: sram\n    source: \"[ds] table 3\""),
              "memory[1].name", "duplicate memory level name 'sram'");
  text = mutate("    clock_scale: 0.5\n", "    unit_clock_scale: {gpu: 0.5}\n");
  expectError(text, lineOf(text, "- name: half"),
              "power_modes[0].unit_clock_scale.gpu",
              "unknown compute unit 'gpu'");
  text = mutate("    clock_scale: 0.5\n", "");
  expectError(text, lineOf(text, "- name: half"), "power_modes[0].clock_scale",
              "needs 'clock_scale' or 'unit_clock_scale'");
}

TEST_F(TargetErrorTest, SchemaVersionAndDocuments) {
  std::string text = mutate("schema_version: 1", "schema_version: 2");
  expectError(text, 1, "schema_version", "unsupported schema version 2");
  text = std::string(kValid) + "---\nname: second\n";
  std::string msg = errorOf(text);
  EXPECT_NE(msg.find("exactly one document"), std::string::npos) << msg;
}

TEST_F(TargetErrorTest, BundledNameResolution) {
  std::string text = kValid;
  write("test-mcu.yaml", text);
  llvm::Expected<TargetDescription> t = loadTarget("test-mcu", dir);
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(listBundledTargets(dir), std::vector<std::string>{"test-mcu"});

  // The file name and `name` must agree.
  write("other-mcu.yaml", text);
  llvm::Expected<TargetDescription> other = loadTarget("other-mcu", dir);
  ASSERT_FALSE(static_cast<bool>(other));
  std::string msg = llvm::toString(other.takeError());
  EXPECT_NE(msg.find("other-mcu.yaml:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not match the file name"), std::string::npos) << msg;

  // An unknown bundled name lists what is there.
  llvm::Expected<TargetDescription> none = loadTarget("no-such-board", dir);
  ASSERT_FALSE(static_cast<bool>(none));
  msg = llvm::toString(none.takeError());
  EXPECT_NE(msg.find("unknown target 'no-such-board'"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("test-mcu"), std::string::npos) << msg;

  // A path that does not exist.
  llvm::SmallString<256> missing(dir);
  llvm::sys::path::append(missing, "missing.yaml");
  llvm::Expected<TargetDescription> gone = loadTarget(missing);
  ASSERT_FALSE(static_cast<bool>(gone));
  msg = llvm::toString(gone.takeError());
  EXPECT_NE(msg.find("cannot read target file '" + missing.str().str() + "'"),
            std::string::npos)
      << msg;
}

/// `text` with the first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, llvm::StringRef from,
                     llvm::StringRef to) {
  size_t pos = text.find(from.str());
  EXPECT_NE(pos, std::string::npos) << from.str();
  if (pos != std::string::npos)
    text.replace(pos, from.size(), to.str());
  return text;
}

/// kValid with a shape-aware efficiency model and a transcendental cost.
std::string withShapes() {
  std::string text = kValid;
  std::string from = "      params:\n        eta: 0.5\n";
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos);
  text.replace(pos, from.size(), R"(      params:
        eta: 0.5
      tiling:
        m: 2
        n: 2
        k: {value: 4, range: [2, 8], source: "[ds] table 7"}
        parallel: 1
      classes:
        contraction:
          model: fixed
          params: {eta: 0.4}
        contraction.depthwise:
          model: saturating
          source: "[ds] table 8"
          params: {eta_max: 0.3, half_ops: 1e4}
          tiling: {k: 4}
        elementwise:
          model: fixed
          params: {eta: {value: 0.1, range: [0.05, 0.2]}}
    transcendental_ops: {value: 20, derivation: "range reduction + degree-5 polynomial"}
)");
  return text;
}

TEST_F(TargetErrorTest, TilingClassesAndTranscendentalsParse) {
  std::string text = withShapes();
  llvm::Expected<TargetDescription> t = loadTarget(write("shapes.yaml", text));
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  const ComputeUnit &u = t->compute[0];
  ASSERT_TRUE(u.transcendentalOps);
  EXPECT_EQ(u.transcendentalOps->value, 20);
  EXPECT_EQ(u.transcendentalOps->source, "[ds] table 1");
  EXPECT_EQ(u.transcendentalOps->field, "compute[0].transcendental_ops");

  ASSERT_TRUE(u.efficiency && u.efficiency->tiling);
  const TilingModel &tm = *u.efficiency->tiling;
  ASSERT_TRUE(tm.m && tm.n && tm.k && tm.parallel);
  EXPECT_EQ(tm.m->value, 2);
  EXPECT_EQ(tm.k->value, 4);
  EXPECT_EQ(tm.k->low, 2);
  EXPECT_EQ(tm.k->high, 8);
  EXPECT_EQ(tm.k->source, "[ds] table 7");
  EXPECT_EQ(tm.m->source, "[ds] table 1");
  EXPECT_EQ(tm.m->field, "compute[0].efficiency.tiling.m");
  EXPECT_EQ(tm.m->line, lineOf(text, "m: 2"));
  // 3 x 5 output pads to 4 x 6, depth 6 to 8; one slot per wave.
  EXPECT_DOUBLE_EQ(tm.utilization(1, 3, 5, 6), (3.0 / 4) * (5.0 / 6) * 0.75);

  const EfficiencyModel &e = *u.efficiency;
  ASSERT_EQ(e.classes.size(), 3u);
  const EfficiencyCurve &dw = e.forClass("contraction.depthwise");
  EXPECT_EQ(dw.kind, EfficiencyCurve::Kind::Saturating);
  EXPECT_EQ(dw.source, "[ds] table 8");
  EXPECT_EQ(dw.params.at("eta_max").source, "[ds] table 8");
  ASSERT_TRUE(dw.tiling && dw.tiling->k);
  EXPECT_FALSE(dw.tiling->m);
  EXPECT_EQ(dw.tiling->k->source, "[ds] table 8");
  EXPECT_DOUBLE_EQ(dw.evaluate(1e4), 0.15);
  // Class curves inherit the block's source but not its tiling.
  const EfficiencyCurve &conv = e.forClass("contraction.conv");
  EXPECT_DOUBLE_EQ(conv.evaluate(1), 0.4);
  EXPECT_EQ(conv.params.at("eta").source, "[ds] table 1");
  EXPECT_FALSE(conv.tiling);
  EXPECT_DOUBLE_EQ(e.forClass("elementwise").evaluate(1, -1), 0.05);
  EXPECT_DOUBLE_EQ(e.forClass("reduction").evaluate(1), 0.5);

  // Every new number is reported with the others.
  std::set<std::string> fields;
  for (const Quantity *q : t->allQuantities())
    fields.insert(q->field);
  for (const char *f :
       {"compute[0].transcendental_ops", "compute[0].efficiency.tiling.m",
        "compute[0].efficiency.tiling.n", "compute[0].efficiency.tiling.k",
        "compute[0].efficiency.tiling.parallel",
        "compute[0].efficiency.classes.contraction.params.eta",
        "compute[0].efficiency.classes.contraction.depthwise.params.half_ops",
        "compute[0].efficiency.classes.contraction.depthwise.tiling.k",
        "compute[0].efficiency.classes.elementwise.params.eta"})
    EXPECT_TRUE(fields.count(f)) << f;
}

TEST_F(TargetErrorTest, TilingErrors) {
  std::string base = withShapes();
  auto edit = [&](llvm::StringRef from, llvm::StringRef to) {
    return replaced(base, from, to);
  };
  std::string text = edit("        m: 2\n", "        m: 2.5\n");
  expectError(text, lineOf(text, "m: 2.5"), "compute[0].efficiency.tiling.m",
              "must be a positive integer, got 2.5");
  text = edit("range: [2, 8]", "range: [2, 8.5]");
  expectError(text, lineOf(text, "range: [2, 8.5]"),
              "compute[0].efficiency.tiling.k", "must be a positive integer");
  text = edit("        parallel: 1\n", "        parallel: 0\n");
  expectError(text, lineOf(text, "parallel: 0"),
              "compute[0].efficiency.tiling.parallel", "must be positive");
  text = edit("        n: 2\n", "        n: 2\n        depth: 3\n");
  expectError(text, lineOf(text, "depth: 3"),
              "compute[0].efficiency.tiling.depth", "unknown field 'depth'");
  text = edit("        n: 2\n", "        n: 2\n        gemv_unpadded: yes\n");
  expectError(text, lineOf(text, "gemv_unpadded"),
              "compute[0].efficiency.tiling.gemv_unpadded",
              "expected true or false");
  text = edit("          tiling: {k: 4}", "          tiling: {}");
  expectError(text, lineOf(text, "tiling: {}"),
              "compute[0].efficiency.classes.contraction.depthwise.tiling",
              "at least one of m, n, k, parallel");
  text = edit("transcendental_ops: {value: 20,",
              "transcendental_ops: {value: -20,");
  expectError(text, lineOf(text, "transcendental_ops"),
              "compute[0].transcendental_ops", "must be positive");
}

TEST_F(TargetErrorTest, ClassErrors) {
  std::string base = withShapes();
  auto edit = [&](llvm::StringRef from, llvm::StringRef to) {
    return replaced(base, from, to);
  };
  // An unknown class name lists the valid ones.
  std::string text = edit("        elementwise:\n", "        elementwize:\n");
  expectError(text, lineOf(text, "elementwize:"),
              "compute[0].efficiency.classes.elementwize",
              "unknown kernel class 'elementwize'");
  std::string msg = errorOf(text);
  EXPECT_NE(msg.find("contraction.depthwise"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data_movement"), std::string::npos) << msg;
  // A class without a model is reported at its name.
  text = edit("        contraction:\n          model: fixed\n",
              "        contraction:\n");
  expectError(text, lineOf(text, "        contraction:\n"),
              "compute[0].efficiency.classes.contraction.model",
              "missing required field 'model'");
  // Classes do not nest.
  text = edit("          params: {eta: 0.4}\n",
              "          params: {eta: 0.4}\n          classes: {}\n");
  expectError(text, lineOf(text, "classes: {}"),
              "compute[0].efficiency.classes.contraction.classes",
              "cannot have 'classes'");
  // A class curve is checked like the default one.
  text = edit("params: {eta: 0.4}", "params: {eta: 1.4}");
  expectError(text, lineOf(text, "eta: 1.4"),
              "compute[0].efficiency.classes.contraction.params.eta",
              "must be in (0, 1]");
  text =
      edit("params: {eta_max: 0.3, half_ops: 1e4}", "params: {eta_max: 0.3}");
  expectError(text, lineOf(text, "params: {eta_max: 0.3}"),
              "compute[0].efficiency.classes.contraction.depthwise.params."
              "half_ops",
              "missing required field 'half_ops'");
  text = edit("          source: \"[ds] table 8\"\n",
              "          source: \"[nope] table 8\"\n");
  expectError(text, lineOf(text, "[nope]"),
              "compute[0].efficiency.classes.contraction.depthwise.source",
              "cites [nope]");
  text = base;
  size_t from = text.find("      classes:\n");
  size_t to = text.find("    transcendental_ops");
  text.replace(from, to - from, "      classes: [contraction]\n");
  expectError(text, lineOf(text, "classes: [contraction]"),
              "compute[0].efficiency.classes", "expected a mapping");
}

TEST_F(TargetErrorTest, EnvironmentOverridesTheTargetsDirectory) {
  write("test-mcu.yaml", kValid);
  const char *old = std::getenv("IRON_TARGETS_DIR");
  std::string saved = old ? old : "";
  ::setenv("IRON_TARGETS_DIR", dir.c_str(), 1);
  EXPECT_EQ(defaultTargetsDir(), dir.str().str());
  EXPECT_EQ(listBundledTargets(), std::vector<std::string>{"test-mcu"});
  llvm::Expected<TargetDescription> own = loadTarget("test-mcu");
  EXPECT_TRUE(static_cast<bool>(own));
  if (!own)
    llvm::consumeError(own.takeError());
  llvm::Expected<TargetDescription> h100 = loadTarget("nvidia-h100-sxm");
  EXPECT_FALSE(static_cast<bool>(h100));
  llvm::consumeError(h100.takeError());
  if (old)
    ::setenv("IRON_TARGETS_DIR", saved.c_str(), 1);
  else
    ::unsetenv("IRON_TARGETS_DIR");
  EXPECT_NE(defaultTargetsDir(), dir.str().str());
}

} // namespace

/// withShapes() plus per-kernel curves, a row tiling and a weight cost.
std::string withKernelCurves() {
  std::string text = withShapes();
  std::string from = "    transcendental_ops";
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos);
  text.replace(pos, 0, R"(        contraction.depthwise.strided:
          model: saturating
          params: {eta_max: 0.2, half_ops: 1e3, weight_ops: 2}
          tiling: {w: 16}
      kernels:
        MaxPool:
          model: fixed
          params: {eta: 0.01}
        Mul.broadcast:
          model: fixed
          params: {eta: 0.002}
        Elementwise:
          model: fixed
          params: {eta: 0.08}
        epilogue:
          model: fixed
          params: {eta: 0.5}
        epilogue.SiLU:
          model: fixed
          params: {eta: {value: 0.25, range: [0.2, 0.3]}}
)");
  return text;
}

TEST_F(TargetErrorTest, KernelCurvesParseAndLookUp) {
  std::string text = withKernelCurves();
  llvm::Expected<TargetDescription> t =
      loadTarget(write("kernels.yaml", text));
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  const EfficiencyModel &e = *t->compute[0].efficiency;
  ASSERT_EQ(e.kernels.size(), 5u);
  // The exact key, then the key with its last dotted part dropped.
  ASSERT_TRUE(e.forVariant("MaxPool"));
  EXPECT_DOUBLE_EQ(e.forVariant("MaxPool")->evaluate(1), 0.01);
  EXPECT_DOUBLE_EQ(e.forVariant("Mul.broadcast")->evaluate(1), 0.002);
  EXPECT_EQ(e.forVariant("Mul"), nullptr);
  EXPECT_DOUBLE_EQ(e.forVariant("Elementwise.Tanh")->evaluate(1), 0.08);
  EXPECT_DOUBLE_EQ(e.forVariant("epilogue.SiLU")->evaluate(1, -1), 0.2);
  EXPECT_DOUBLE_EQ(e.forVariant("epilogue.Relu")->evaluate(1), 0.5);
  EXPECT_EQ(e.forVariant(""), nullptr);
  // forKernel falls back to the class curve, then the default.
  EXPECT_DOUBLE_EQ(e.forKernel("AveragePool", "elementwise").evaluate(1), 0.1);
  EXPECT_DOUBLE_EQ(e.forKernel("MaxPool", "pooling").evaluate(1), 0.01);
  EXPECT_DOUBLE_EQ(e.forKernel("Conv", "reduction").evaluate(1), 0.5);
  // A strided depthwise class, with its own curve.
  const EfficiencyCurve &s = e.forClass("contraction.depthwise.strided");
  EXPECT_EQ(s.params.count("weight_ops"), 1u);
  // eta_max * W / (W + half_ops + weight_ops x B x K x N).
  EXPECT_DOUBLE_EQ(s.evaluate(2e3, 0, {500}), 0.2 * 2e3 / (2e3 + 1e3 + 1e3));
  EXPECT_DOUBLE_EQ(s.evaluate(2e3), 0.2 * 2e3 / 3e3);
  // Rows of 20 outputs pad to 32: a 1 x 20 x 1 x 9 product uses 20 / 32.
  ASSERT_TRUE(s.tiling && s.tiling->w);
  EXPECT_DOUBLE_EQ(s.tiling->utilization(1, 20, 1, 9, 20), 20.0 / 32);
  EXPECT_DOUBLE_EQ(s.tiling->utilization(1, 20, 1, 9), 1.0);
  std::set<std::string> fields;
  for (const Quantity *q : t->allQuantities())
    fields.insert(q->field);
  for (const char *f :
       {"compute[0].efficiency.kernels.MaxPool.params.eta",
        "compute[0].efficiency.kernels.epilogue.SiLU.params.eta",
        "compute[0].efficiency.classes.contraction.depthwise.strided.params."
        "weight_ops",
        "compute[0].efficiency.classes.contraction.depthwise.strided.tiling."
        "w"})
    EXPECT_TRUE(fields.count(f)) << f;
}

// A cache level and a curve's stall: parsed, and checked.
TEST_F(TargetErrorTest, CachesAndStall) {
  std::string text = replaced(withKernelCurves(), "    holds: [activations]",
                              "    cache: true\n    holds: [activations]");
  text = replaced(text, "params: {eta: 0.01}", "params: {eta: 0.01, stall: 1.5}");
  llvm::Expected<TargetDescription> t = loadTarget(write("cache.yaml", text));
  ASSERT_TRUE(static_cast<bool>(t)) << llvm::toString(t.takeError());
  EXPECT_TRUE(t->memory[0].cache);
  EXPECT_FALSE(t->memory[1].cache);
  const EfficiencyModel &e = *t->compute[0].efficiency;
  EXPECT_DOUBLE_EQ(e.forVariant("MaxPool")->stall(), 1.5);
  // No stall: 0.
  EXPECT_DOUBLE_EQ(e.forVariant("Mul.broadcast")->stall(), 0.0);

  std::string bad = replaced(text, "cache: true", "cache: yes");
  expectError(bad, lineOf(bad, "cache: yes"), "memory[0].cache",
              "expected true or false");
  bad = replaced(text, "stall: 1.5", "stall: -1");
  expectError(bad, lineOf(bad, "stall: -1"),
              "compute[0].efficiency.kernels.MaxPool.params.stall",
              "must not be negative");
}

TEST_F(TargetErrorTest, KernelCurveErrors) {
  std::string base = withKernelCurves();
  auto edit = [&](llvm::StringRef from, llvm::StringRef to) {
    return replaced(base, from, to);
  };
  std::string text = edit("        MaxPool:\n", "        Max-Pool:\n");
  expectError(text, lineOf(text, "Max-Pool:"),
              "compute[0].efficiency.kernels.Max-Pool",
              "bad kernel variant 'Max-Pool'");
  text = edit("        Mul.broadcast:\n", "        Mul..broadcast:\n");
  expectError(text, lineOf(text, "Mul..broadcast:"),
              "compute[0].efficiency.kernels.Mul..broadcast",
              "bad kernel variant");
  text = edit("        MaxPool:\n          model: fixed\n", "        MaxPool:\n");
  expectError(text, lineOf(text, "        MaxPool:\n"),
              "compute[0].efficiency.kernels.MaxPool.model",
              "missing required field 'model'");
  text = edit("          params: {eta: 0.01}\n",
              "          params: {eta: 0.01}\n          kernels: {}\n");
  expectError(text, lineOf(text, "kernels: {}"),
              "compute[0].efficiency.kernels.MaxPool.kernels",
              "cannot have 'kernels'");
  text = edit("params: {eta: 0.002}", "params: {eta: 2}");
  expectError(text, lineOf(text, "eta: 2}"),
              "compute[0].efficiency.kernels.Mul.broadcast.params.eta",
              "must be in (0, 1]");
  // weight_ops belongs to saturating curves only, and is positive.
  text = edit("params: {eta: 0.08}", "params: {eta: 0.08, weight_ops: 1}");
  expectError(text, lineOf(text, "weight_ops: 1}"),
              "compute[0].efficiency.kernels.Elementwise.params.weight_ops",
              "unknown field 'weight_ops'");
  text = edit("params: {eta: 0.08}", "params: {eta: 0.08, input_ops: 1}");
  expectError(text, lineOf(text, "input_ops: 1}"),
              "compute[0].efficiency.kernels.Elementwise.params.input_ops",
              "unknown field 'input_ops'");
  text = edit("weight_ops: 2}", "weight_ops: 2, input_ops: 0}");
  expectError(text, lineOf(text, "input_ops: 0"),
              "compute[0].efficiency.classes.contraction.depthwise.strided."
              "params.input_ops",
              "must be positive");
  text = edit("params: {eta: 0.08}", "params: {eta: 0.08, output_ops: 1}");
  expectError(text, lineOf(text, "output_ops: 1}"),
              "compute[0].efficiency.kernels.Elementwise.params.output_ops",
              "unknown field 'output_ops'");
  text = edit("weight_ops: 2}", "weight_ops: 2, output_ops: -3}");
  expectError(text, lineOf(text, "output_ops: -3"),
              "compute[0].efficiency.classes.contraction.depthwise.strided."
              "params.output_ops",
              "must be positive");
  text = edit("weight_ops: 2}", "weight_ops: -2}");
  expectError(text, lineOf(text, "weight_ops: -2"),
              "compute[0].efficiency.classes.contraction.depthwise.strided."
              "params.weight_ops",
              "must be positive");
  text = edit("          tiling: {w: 16}", "          tiling: {w: 1.5}");
  expectError(text, lineOf(text, "w: 1.5"),
              "compute[0].efficiency.classes.contraction.depthwise.strided."
              "tiling.w",
              "must be a positive integer");
  text = base;
  size_t from = text.find("      kernels:\n");
  size_t to = text.find("    transcendental_ops");
  text.replace(from, to - from, "      kernels: [MaxPool]\n");
  expectError(text, lineOf(text, "kernels: [MaxPool]"),
              "compute[0].efficiency.kernels", "expected a mapping");
}
