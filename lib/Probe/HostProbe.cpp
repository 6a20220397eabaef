//===- HostProbe.cpp - A target description of the host, measured ---------===//
//
// The probe runs in four steps:
//  1. the OS: CPU name, cache sizes, DRAM size;
//  2. a streaming copy over working sets from L1 to DRAM: one bandwidth per
//     memory level;
//  3. the runtime's own kernels on the synthetic grid (Grid.cpp): the launch
//     overhead, the fp32 and int8 peaks (best rates of the contraction
//     kernels) and one time per kernel;
//  4. a fit, per kernel class, of the efficiency curve (and for contractions
//     the tiling) that makes the cost model reproduce those times.
// The result is written as a target file and parsed back before it is
// returned, so what the user gets always loads.
//
//===----------------------------------------------------------------------===//

#include "iron/Probe/HostProbe.h"

#include "Microbench.h"

#include "iron/Cost/CostModel.h"
#include "iron/Dialect/IronDialect.h"
#include "iron/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <random>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <thread>

// The fit asks the cost model itself (iron::analyzeModel) for each kernel's
// terms. Set to 0 to use the formula of docs/cost-model.md with the probe's
// own counts of its synthetic ops instead (for builds without the cost
// model).
#define IRON_PROBE_USE_ANALYZE_MODEL 1

using namespace mlir;
using llvm::StringRef;

namespace iron::probe {

namespace {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

std::string today() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::localtime(&t));
  return buf;
}

std::string num(double v) {
  char buf[48];
  // Whole numbers (capacities, counts) are written exactly.
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string quote(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

/// A name as a YAML scalar: bare when it is a plain identifier.
std::string nameScalar(StringRef s) {
  bool plain =
      !s.empty() && llvm::isAlpha(s.front()) && llvm::all_of(s, [](char c) {
        return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.';
      });
  return plain ? s.str() : quote(s);
}

std::string seconds(double s) {
  char buf[32];
  if (s >= 1e-3)
    std::snprintf(buf, sizeof buf, "%.3f ms", s * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  return buf;
}

std::string bytesText(double b) {
  char buf[32];
  if (b >= 1 << 30)
    std::snprintf(buf, sizeof buf, "%.3g GiB", b / (1 << 30));
  else if (b >= 1 << 20)
    std::snprintf(buf, sizeof buf, "%.3g MiB", b / (1 << 20));
  else
    std::snprintf(buf, sizeof buf, "%.3g KiB", b / 1024);
  return buf;
}

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// A measured number of the target file.
struct Measure {
  double value = 0, low = 0, high = 0;
  std::string derivation, note;
};

struct Level {
  std::string name;
  uint64_t capacity = 0;
  std::string capacitySource, capacityNote, capacityDerivation;
  Measure bandwidth;
  /// A CPU cache (every level but DRAM).
  bool cache = false;
};

struct ClassResult {
  std::string cls;
  CurveFit fit;
  /// The median |error| over the class's kernels with the final target.
  double validatedError = -1;
  size_t kernels = 0;
};

/// Everything the target file says.
struct ProbeData {
  HostInfo host;
  std::string name, date, source;
  Measure peakFp32;
  std::optional<Measure> peakInt8;
  std::vector<Level> levels;
  Measure launch;
  std::optional<Measure> inference;
  std::optional<Measure> transcendental;
  std::optional<CurveFit> defaultCurve;
  std::string defaultDerivation;
  std::vector<ClassResult> classes;
  /// Per-kernel curves (`efficiency.kernels`), keyed by variant in `cls`.
  std::vector<ClassResult> kernels;
  std::vector<std::string> notes;
  size_t kernelCount = 0;
};

//===----------------------------------------------------------------------===//
// Writing the target file
//===----------------------------------------------------------------------===//

std::string quantity(const Measure &m, const std::string &source) {
  std::string s = "{value: " + num(m.value);
  if (m.low < m.high) {
    // Rounding must keep the value inside its range.
    std::string v = num(m.value), lo = num(std::min(m.low, m.value)),
                hi = num(std::max(m.high, m.value));
    double pv = std::strtod(v.c_str(), nullptr);
    if (std::strtod(lo.c_str(), nullptr) > pv)
      lo = v;
    if (std::strtod(hi.c_str(), nullptr) < pv)
      hi = v;
    s += ", range: [" + lo + ", " + hi + "]";
  }
  if (!source.empty())
    s += ", source: " + quote(source);
  if (!m.derivation.empty())
    s += ", derivation: " + quote(m.derivation);
  if (!m.note.empty())
    s += ", note: " + quote(m.note);
  return s + "}";
}

void writeCurve(std::string &y, const std::string &indent, const CurveFit &fit,
                const std::string &derivation) {
  Measure eta{fit.eta, fit.etaLow, fit.etaHigh, derivation, ""};
  // A parameter the fit left at 0 is not written: the curve then has none.
  auto optionalParam = [&](const char *name, const Measure &m) {
    if (m.value > 0)
      y += indent + "  " + name + ": " + quantity(m, "") + "\n";
  };
  if (fit.kind == EfficiencyCurve::Kind::Fixed) {
    y += indent + "model: fixed\n";
    y += indent + "params:\n";
    y += indent + "  eta: " + quantity(eta, "") + "\n";
  } else {
    y += indent + "model: saturating\n";
    y += indent + "params:\n";
    y += indent + "  eta_max: " + quantity(eta, "") + "\n";
    Measure half{
        fit.halfOps, fit.halfOpsLow, fit.halfOpsHigh,
        "kernels of this many ops reach half of eta_max; fitted with eta_max",
        ""};
    y += indent + "  half_ops: " + quantity(half, "") + "\n";
    optionalParam("weight_ops",
                  {fit.weightOps, fit.weightOpsLow, fit.weightOpsHigh,
                   "ops each element of the K x N operand adds to half_ops "
                   "(reading and packing it); fitted with eta_max",
                   ""});
    optionalParam("input_ops",
                  {fit.inputOps, fit.inputOpsLow, fit.inputOpsHigh,
                   "ops each element of the M x K operand adds to half_ops "
                   "(packing the input, an im2col); fitted with eta_max",
                   ""});
    optionalParam("output_ops",
                  {fit.outputOps, fit.outputOpsLow, fit.outputOpsHigh,
                   "ops each element of the output (a contraction's M x N, "
                   "another kernel's results) adds to half_ops (storing it, "
                   "the epilogue, a reduction's sum); fitted with eta_max",
                   ""});
  }
  optionalParam("stall", {fit.stall, fit.stallLow, fit.stallHigh,
                          fit.stallDerivation, ""});
  if (fit.tiling) {
    y += indent + "tiling:\n";
    std::pair<const char *, int64_t> dims[] = {
        {"m", fit.tiling->m}, {"n", fit.tiling->n}, {"k", fit.tiling->k},
        {"w", fit.tiling->w}};
    for (auto [key, v] : dims)
      if (v > 1)
        y += indent + "  " + key + ": " + std::to_string(v) + "\n";
    // The runtime runs products with M = 1 or N = 1 as matrix-vector
    // products, unpadded (tilingFor in Fit.cpp).
    if (fit.tiling->m > 1 || fit.tiling->n > 1)
      y += indent + "  gemv_unpadded: true\n";
  }
}

std::string curveDerivation(const CurveFit &fit, size_t kernels,
                            double validated, const std::string &what) {
  std::string d = "least squares in log time over " + std::to_string(kernels) +
                  " " + what +
                  " of the probe's grid (mean of each kernel's timed runs, the faster of the grid's passes); "
                  "rms log error " +
                  num(fit.rmsLogError) + ", median |error| " +
                  num(100 * (validated >= 0 ? validated : fit.medianAbsError)) +
                  "% of the measured time; the range holds 4 in 5 kernels "
                  "and is at least +-10%, the drift of this kind of host's "
                  "speed between runs (bench/README.md)";
  if (fit.tiling && fit.tiling->w > 1)
    d += "; the tiling pads each output row to whole vectors, as the "
         "runtime's depthwise kernel runs them, kept because it lowers the "
         "error";
  else if (fit.tiling)
    d += "; the tiling is the runtime's SGEMM micro-kernel, kept because it "
         "lowers the error";
  return d;
}

std::string renderYaml(const ProbeData &d) {
  const std::string &src = d.source;
  std::string y;
  y += "# The host as Iron's runtime sees it, measured by `ironc target "
       "probe`\n";
  y += "# on " + d.date + ". Field meanings: targets/README.md.\n";
  y += "schema_version: 1\n";
  y += "name: " + nameScalar(d.name) + "\n";
  y += "kind: cpu\n";
  y += "description: " +
       quote(d.host.cpuModel +
             ", one core as Iron's single-threaded runtime uses it (" +
             d.host.isa + " kernels, " +
             std::to_string(std::thread::hardware_concurrency()) +
             " logical CPUs present). Numbers are microbenchmarks of the "
             "runtime's own kernels "
             "on synthetic graphs, run by ironc target probe.") +
       "\n";
  y += "references:\n";
  y += "  probe: " +
       quote("ironc target probe (lib/Probe/HostProbe.cpp, Grid.cpp): Iron's "
             "runtime kernels "
             "timed with the profiler hook of iron-run --profile on a fixed "
             "grid of synthetic "
             "single-op graphs, run on " +
             d.host.cpuModel + " on " + d.date) +
       "\n";
  y += "  os: " +
       quote("the host's " + d.host.cacheSource +
             " and /proc/meminfo, read by "
             "ironc target probe on " +
             d.date) +
       "\n";
  y += "software_stack:\n";
  y += "  name: \"Iron runtime, one thread (optimized SGEMM/Conv kernels, "
       "reference kernels "
       "elsewhere)\"\n";
  y += "  source: " + quote(src) + "\n";

  y += "compute:\n";
  y += "  - name: cpu\n";
  y += "    class: general\n";
  y += "    source: " + quote(src) + "\n";
  y += "    count: {value: 1, note: \"the runtime runs one thread\"}\n";
  y += "    vector_width_bits: " +
       quantity({double(d.host.vectorBits), double(d.host.vectorBits),
                 double(d.host.vectorBits),
                 "the vector path the runtime's optimized kernels picked on "
                 "this CPU (" +
                     d.host.isa + ")",
                 ""},
                "") +
       "\n";
  y += "    peak_ops_per_s:\n";
  y += "      fp32: " + quantity(d.peakFp32, "") + "\n";
  if (d.peakInt8)
    y += "      int8: " + quantity(*d.peakInt8, "") + "\n";
  if (d.transcendental)
    y += "    transcendental_ops: " + quantity(*d.transcendental, "") + "\n";
  if (d.defaultCurve) {
    y += "    efficiency:\n";
    y += "      source: " + quote(src) + "\n";
    writeCurve(y, "      ", *d.defaultCurve, d.defaultDerivation);
    if (!d.classes.empty()) {
      y += "      classes:\n";
      for (const ClassResult &c : d.classes) {
        y += "        " + c.cls + ":\n";
        writeCurve(y, "          ", c.fit,
                   curveDerivation(c.fit, c.kernels, c.validatedError,
                                   c.cls + " kernels"));
      }
    }
    if (!d.kernels.empty()) {
      y += "      kernels:\n";
      for (const ClassResult &c : d.kernels) {
        bool epilogue = StringRef(c.cls).starts_with("epilogue.");
        y += "        " + c.cls + ":\n";
        writeCurve(
            y, "          ", c.fit,
            curveDerivation(
                c.fit, c.kernels, c.validatedError,
                epilogue ? "fused contractions with the " +
                               c.cls.substr(9) +
                               " epilogue (the curve covers the epilogue's "
                               "work; the contraction keeps its class curve)"
                         : c.cls + " kernels"));
      }
    }
  }

  y += "memory:\n";
  for (const Level &l : d.levels) {
    y += "  - name: " + l.name + "\n";
    y += "    source: " + quote(src) + "\n";
    Measure cap{double(l.capacity), double(l.capacity), double(l.capacity),
                l.capacityDerivation, l.capacityNote};
    y += "    capacity_bytes: " + quantity(cap, l.capacitySource) + "\n";
    y += "    bandwidth_bytes_per_s: " + quantity(l.bandwidth, "") + "\n";
    if (l.cache)
      y += "    cache: true\n";
    y += "    holds: [activations, weights]\n";
  }

  y += "overhead:\n";
  y += "  source: " + quote(src) + "\n";
  y += "  kernel_launch_s: " + quantity(d.launch, "") + "\n";
  if (d.inference)
    y += "  inference_s: " + quantity(*d.inference, "") + "\n";

  std::string notes;
  for (const std::string &n : d.notes)
    notes += (notes.empty() ? "" : " ") + n;
  if (!notes.empty())
    y += "notes: " + quote(notes) + "\n";
  return y;
}

//===----------------------------------------------------------------------===//
// The cost model's terms for one synthetic module
//===----------------------------------------------------------------------===//

struct KernelTerms {
  std::string kind, cls, variant, curve, epilogueVariant;
  /// A fused epilogue's work (transcendentals at the target's cost) and
  /// compute time; the kernel's whole compute time.
  double epilogueWork = 0, epilogueS = 0, computeS = 0;
  double ops = 0, transcendentals = 0, memoryS = 0, overheadS = 0, latencyS = 0;
  /// Transfer time of the activation bytes no cache holds (the unit
  /// `stall` scales), and the stall the target charges for them.
  double uncachedS = 0, stallS = 0;
  std::optional<ContractionShape> shape;
  /// Result elements (a non-contraction curve's `output_ops` unit).
  double outputElements = 0;
};

double elementBytes(Type t) {
  auto shaped = dyn_cast<ShapedType>(t);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  unsigned bits = shaped.getElementTypeBitWidth();
  return double(shaped.getNumElements()) * double((bits + 7) / 8);
}

int64_t numel(Type t) {
  auto shaped = dyn_cast<ShapedType>(t);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

/// Elements of all of an op's results (a non-contraction's `output_ops`
/// unit).
double resultElements(Operation *op) {
  double n = 0;
  for (Value r : op->getResults())
    n += double(numel(r.getType()));
  return n;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

std::vector<int64_t> intList(Operation *op, StringRef name) {
  std::vector<int64_t> out;
  if (auto a = op->getAttrOfType<ArrayAttr>(name))
    for (Attribute e : a)
      if (auto i = dyn_cast<IntegerAttr>(e))
        out.push_back(i.getInt());
  return out;
}

/// Counts of the probe's own synthetic ops, following the rules of
/// docs/cost-model.md; used where the dialect's counting rules report
/// nothing.
WorkCount localWork(Operation *op) {
  WorkCount w;
  StringRef name = op->getName().getStringRef();
  name.consume_front("iron.");
  for (Value v : op->getOperands())
    w.operandBytes.push_back(elementBytes(v.getType()));
  for (Value v : op->getResults())
    w.resultBytes.push_back(elementBytes(v.getType()));
  if (name == "Constant" || op->getNumResults() == 0) {
    w.kernelClass = KernelClass::None;
    return w;
  }
  double out = double(numel(op->getResult(0).getType()));
  double in =
      op->getNumOperands() ? double(numel(op->getOperand(0).getType())) : 0;
  Type elt = cast<ShapedType>(op->getOperand(0).getType()).getElementType();
  Precision p = elt.isInteger(8) ? Precision::INT8 : Precision::FP32;
  w.arithmeticPrecision = p;
  if (name == "Conv") {
    auto x = shapeOf(op->getOperand(0)), wt = shapeOf(op->getOperand(1)),
         y = shapeOf(op->getResult(0));
    int64_t group = 1;
    if (auto g = op->getAttrOfType<IntegerAttr>("group"))
      group = g.getInt();
    int64_t taps = 1;
    for (size_t i = 2; i < wt.size(); ++i)
      taps *= wt[i];
    int64_t spatial = 1;
    for (size_t i = 2; i < y.size(); ++i)
      spatial *= y[i];
    int64_t cg = wt[1], mg = wt[0] / group;
    w.macs[p] =
        double(y[0]) * double(y[1]) * double(spatial) * double(cg * taps);
    if (op->getNumOperands() > 2)
      w.otherOps = out;
    auto strides = intList(op, "strides"), pads = intList(op, "pads");
    bool unit = llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
                llvm::all_of(pads, [](int64_t s) { return s == 0; });
    if (group > 1 && group == x[1] && cg == 1)
      w.kernelClass = KernelClass::Depthwise;
    else if (taps == 1 && unit && group == 1)
      w.kernelClass = KernelClass::ConvPointwise;
    else
      w.kernelClass = KernelClass::Conv;
    w.contraction = ContractionShape{group, y[0] * spatial, mg, cg * taps};
    if (y.size() >= 3)
      w.contraction->width = y.back();
    for (int64_t s : intList(op, "strides"))
      w.contraction->stride = std::max(w.contraction->stride, s);
    return w;
  }
  if (name == "MatMul" || name == "MatMulInteger" || name == "Gemm") {
    auto a = shapeOf(op->getOperand(0)), y = shapeOf(op->getResult(0));
    int64_t m = y.size() >= 2 ? y[y.size() - 2] : 1, n = y.back();
    int64_t k = a.back();
    if (name == "Gemm")
      if (auto t = op->getAttrOfType<IntegerAttr>("transA"); t && t.getInt())
        k = a[0];
    int64_t batch = int64_t(out) / std::max<int64_t>(1, m * n);
    w.macs[p] = double(batch) * double(m) * double(n) * double(k);
    if (name == "Gemm" && op->getNumOperands() > 2)
      w.otherOps = out;
    w.kernelClass = KernelClass::Gemm;
    w.contraction = ContractionShape{batch, m, n, k};
    return w;
  }
  // Elementwise: other ops and transcendentals per output element.
  static const std::map<std::string, std::pair<double, double>> elementwise = {
      {"Add", {1, 0}},         {"Sub", {1, 0}},      {"Mul", {1, 0}},
      {"Div", {1, 0}},         {"Relu", {1, 0}},     {"Clip", {2, 0}},
      {"Sigmoid", {2, 1}},     {"Tanh", {0, 1}},     {"Exp", {0, 1}},
      {"Erf", {0, 1}},         {"Sqrt", {0, 1}},     {"Pow", {0, 1}},
      {"HardSigmoid", {3, 0}}, {"LeakyRelu", {2, 0}}};
  if (auto it = elementwise.find(name.str()); it != elementwise.end()) {
    w.kernelClass = KernelClass::Elementwise;
    w.otherOps = out * it->second.first;
    w.transcendentals = out * it->second.second;
    return w;
  }
  if (name == "MaxPool" || name == "AveragePool") {
    double window = 1;
    for (int64_t k : intList(op, "kernel_shape"))
      window *= double(k);
    w.kernelClass = KernelClass::Pooling;
    w.otherOps = out * window;
    return w;
  }
  if (name == "GlobalAveragePool" || name == "GlobalMaxPool") {
    w.kernelClass = KernelClass::Pooling;
    w.otherOps = in;
    return w;
  }
  if (name.starts_with("Reduce")) {
    w.kernelClass = KernelClass::Reduction;
    w.otherOps = in + (name == "ReduceMean" ? out : 0);
    return w;
  }
  if (name == "Softmax" || name == "LogSoftmax") {
    w.kernelClass = KernelClass::Reduction;
    w.otherOps = 4 * in;
    w.transcendentals = in;
    return w;
  }
  if (name == "BatchNormalization") {
    w.kernelClass = KernelClass::Normalization;
    w.otherOps = 2 * in;
    w.transcendentals = double(shapeOf(op->getOperand(0))[1]);
    return w;
  }
  if (name == "LayerNormalization" || name == "InstanceNormalization") {
    auto x = shapeOf(op->getOperand(0));
    double rows = name == "LayerNormalization" ? in / double(x.back())
                                               : double(x[0] * x[1]);
    w.kernelClass = KernelClass::Normalization;
    w.otherOps = 7 * in;
    w.transcendentals = rows;
    return w;
  }
  w.kernelClass = KernelClass::DataMovement;
  if (name == "Slice" || name == "Gather")
    w.operandBytes[0] = w.resultBytes[0];
  if (name == "Transpose" || name == "Concat" || name == "Slice" ||
      name == "Gather" || name == "Pad" || name == "Resize" ||
      name == "Split" || name == "Expand" || name == "Tile")
    return w;
  w.kernelClass = KernelClass::Other;
  return w;
}

/// The dialect's counts where it has them, else the local ones.
WorkCount workOf(Operation *op) {
  WorkCount w = countOnnxWork(op);
  return w.known ? w : localWork(op);
}

func::FuncOp mainFunc(ModuleOp module) {
  auto funcs = module.getOps<func::FuncOp>();
  return funcs.empty() ? func::FuncOp() : *funcs.begin();
}

/// The kernels of a module in order (ops whose class is not `none`).
std::vector<Operation *> kernelOps(ModuleOp module) {
  std::vector<Operation *> ops;
  func::FuncOp f = mainFunc(module);
  if (!f)
    return ops;
  for (Operation &op : f.getBody().front())
    if (op.getDialect() && op.getDialect()->getNamespace() == "iron" &&
        workOf(&op).kernelClass != KernelClass::None)
      ops.push_back(&op);
  return ops;
}

/// docs/cost-model.md on the counts above, for one module.
std::vector<KernelTerms> localTerms(ModuleOp module,
                                    const TargetDescription &t) {
  std::vector<KernelTerms> out;
  const ComputeUnit &unit = t.compute.front();
  double tOps = unit.transcendentalOps ? unit.transcendentalOps->value : 1.0;
  // Weights: the fastest level with a bandwidth that holds them all.
  double modelWeights = 0;
  if (func::FuncOp f = mainFunc(module))
    for (Operation &op : f.getBody().front())
      if (isa<ConstantOp>(op))
        modelWeights += elementBytes(op.getResult(0).getType());
  auto levelFor = [&](MemoryRole role, double bytes) -> const MemoryLevel * {
    const MemoryLevel *last = nullptr;
    for (const MemoryLevel &l : t.memory) {
      if (!l.holdsRole(role) || !l.bandwidthBytesPerS)
        continue;
      last = &l;
      if (l.capacityBytes.value >= bytes)
        return &l;
    }
    return last;
  };
  for (Operation *op : kernelOps(module)) {
    WorkCount w = workOf(op);
    KernelTerms k;
    k.kind = op->getName().getStringRef().drop_front(5).str();
    k.cls = stringifyKernelClass(w.kernelClass).str();
    k.ops = w.arithmeticOps();
    k.transcendentals = w.transcendentals;
    k.shape = w.contraction;
    double weightBytes = 0, actBytes = 0;
    for (auto [i, v] : llvm::enumerate(op->getOperands())) {
      double b = i < w.operandBytes.size() ? w.operandBytes[i] : 0;
      (v.getDefiningOp<ConstantOp>() ? weightBytes : actBytes) += b;
    }
    actBytes += w.bytesWritten();
    std::map<const MemoryLevel *, double> perLevel;
    if (weightBytes > 0)
      perLevel[levelFor(MemoryRole::Weights, modelWeights)] += weightBytes;
    if (actBytes > 0)
      perLevel[levelFor(MemoryRole::Activations, actBytes)] += actBytes;
    for (auto [l, b] : perLevel)
      if (l)
        k.memoryS = std::max(k.memoryS, b / l->bandwidthBytesPerS->value);
    k.overheadS = t.overhead.kernelLaunchS.value;
    Precision p =
        w.macs.empty() ? w.arithmeticPrecision : w.macs.begin()->first;
    const Quantity *peak = unit.peak(p);
    if (!peak)
      peak = unit.peak(Precision::FP32);
    FitSample s;
    s.ops = k.ops, s.transcendentals = k.transcendentals, s.memoryS = k.memoryS,
    s.overheadS = k.overheadS, s.shape = k.shape;
    k.outputElements = resultElements(op);
    s.outputElements = k.outputElements;
    EfficiencyCurve flat;
    flat.params["eta"].value = 1;
    const EfficiencyCurve &curve =
        unit.efficiency ? unit.efficiency->forClass(k.cls) : flat;
    k.latencyS = predictSeconds(s, curve, peak->value, tOps);
    out.push_back(k);
  }
  return out;
}

llvm::Expected<std::vector<KernelTerms>>
costTerms(ModuleOp module, const TargetDescription &target) {
#if IRON_PROBE_USE_ANALYZE_MODEL
  CostOptions options;
  options.sensitivities = false;
  auto cost = analyzeModel(module, target, options);
  if (!cost)
    return cost.takeError();
  std::vector<Operation *> ops = kernelOps(module);
  std::vector<KernelTerms> out;
  for (auto [i, k] : llvm::enumerate(cost->kernels)) {
    KernelTerms t;
    t.kind = k.kind;
    t.cls = k.curveClass.empty() ? stringifyKernelClass(k.kernelClass).str()
                                 : k.curveClass;
    t.ops = k.ops;
    t.transcendentals = k.transcendentals;
    t.memoryS = k.memoryS;
    t.overheadS = k.overheadS;
    t.stallS = k.memoryStallS;
    t.latencyS = k.latencyS.value;
    t.uncachedS = k.stallBaseS;
    t.variant = k.variant;
    t.curve = k.curve;
    t.epilogueVariant = k.epilogueVariant;
    t.computeS = k.computeS;
    t.epilogueS = k.epilogueS;
    double tOps = 1;
    for (const ComputeUnit &u : target.compute)
      if (u.name == k.unit && u.transcendentalOps)
        tOps = u.transcendentalOps->value;
    t.epilogueWork = k.epilogueOps + k.epilogueTranscendentals * tOps;
    if (i < ops.size()) {
      t.shape = workOf(ops[i]).contraction;
      t.outputElements = resultElements(ops[i]);
    }
    out.push_back(t);
  }
  return out;
#else
  return localTerms(module, target);
#endif
}

//===----------------------------------------------------------------------===//
// Measuring
//===----------------------------------------------------------------------===//

struct Record {
  GraphSpec spec;
  BenchResult result;
  std::vector<KernelTerms> terms;
};

class Prober {
public:
  explicit Prober(const ProbeOptions &options) : opts(options) {
    DialectRegistry registry;
    registerImportDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadDialect<IronDialect, func::FuncDialect>();
    context->disableMultithreading();
  }

  llvm::Expected<std::string> run();

private:
  void log(const std::string &line) {
    if (opts.log) {
      *opts.log << "probe: " << line << "\n";
      opts.log->flush();
    }
  }
  void measureMemory();
  llvm::Error measureOverhead();
  llvm::Error measureGrid();
  llvm::Error measurePeaks();
  llvm::Expected<TargetDescription> parse(const std::string &yaml);
  llvm::Error fit();
  llvm::Error measureStalls();
  void measureCacheReach();
  llvm::Error validate(const TargetDescription &target);

  BenchBudget budget() const {
    BenchBudget b;
    b.seconds = opts.quick ? 0.006 : 0.06;
    b.minRuns = opts.quick ? 3 : 7;
    b.maxRuns = opts.quick ? 50 : 200;
    b.fixedRuns = opts.repeats;
    return b;
  }

  const ProbeOptions &opts;
  std::unique_ptr<MLIRContext> context;
  ProbeData data;
  std::vector<Record> records;
};

void Prober::measureMemory() {
  const HostInfo &host = data.host;
  int repeats = opts.repeats > 0 ? opts.repeats : (opts.quick ? 3 : 7);
  // Working sets from 16 KiB up: factor 2 (4 in quick mode) up to well past
  // the last cache, bounded by the memory there is.
  uint64_t lastCache =
      host.caches.empty() ? (8u << 20) : host.caches.back().bytes;
  uint64_t cap = opts.quick ? (uint64_t(256) << 20) : (uint64_t(512) << 20);
  if (host.dramBytes)
    cap = std::min(cap, host.dramBytes / 8);
  uint64_t top = std::min(std::max(lastCache * 8, uint64_t(64) << 20), cap);
  struct Point {
    uint64_t bytes;
    Rate rate;
  };
  std::vector<Point> sweep;
  StreamBuffers buffers(top);
  for (uint64_t b = 16 << 10; b <= top; b *= opts.quick ? 4 : 2) {
    // Large working sets vary less and cost more per pass.
    int n = b >= (uint64_t(64) << 20) ? std::min(repeats, 3) : repeats;
    Rate r = streamBandwidth(b, n, &buffers);
    sweep.push_back({b, r});
    log("copy over " + bytesText(double(b)) + ": " + num(r.value / 1e9) +
        " GB/s");
  }
  auto rateAt = [&](uint64_t lo, uint64_t hi, Measure &m) {
    std::vector<double> v;
    double low = 1e30, high = 0;
    for (const Point &p : sweep)
      if (p.bytes >= lo && p.bytes <= hi) {
        v.push_back(p.rate.value);
        low = std::min(low, p.rate.low);
        high = std::max(high, p.rate.high);
      }
    if (v.empty())
      return false;
    m.value = median(v);
    m.low = std::min(low, m.value);
    m.high = std::max(high, m.value);
    return true;
  };
  // The knee search reads rates smoothed over neighbouring working sets
  // (median of three), so one noisy point does not move a level's end.
  std::vector<double> smooth(sweep.size());
  for (size_t i = 0; i < sweep.size(); ++i) {
    std::vector<double> v = {sweep[i].rate.value};
    if (i > 0)
      v.push_back(sweep[i - 1].rate.value);
    if (i + 1 < sweep.size())
      v.push_back(sweep[i + 1].rate.value);
    smooth[i] = median(v);
  }
  auto nearest = [&](uint64_t target) -> const Point & {
    const Point *best = &sweep.front();
    for (const Point &p : sweep)
      if (std::fabs(std::log(double(p.bytes) / double(target))) <
          std::fabs(std::log(double(best->bytes) / double(target))))
        best = &p;
    return *best;
  };

  // DRAM, first guess: the largest working sets of the sweep (at least
  // half the largest); refined below once the last cache's size is known.
  Measure dram;
  rateAt(sweep.back().bytes / 2, UINT64_MAX, dram);
  uint64_t prev = 0;
  for (size_t i = 0; i < host.caches.size(); ++i) {
    const CacheInfo &c = host.caches[i];
    Level l;
    l.name = c.level == 1 ? "l1d" : "l" + std::to_string(c.level);
    l.cache = true;
    l.capacity = c.bytes;
    l.capacitySource = "[os] cache level " + std::to_string(c.level) + " (" +
                       c.type + ") of CPU 0";
    // Where the copy's rate falls halfway (geometrically) between this
    // level's and DRAM's is where the level ends for one core. An OS that
    // reports a whole socket's shared cache (VMs do) is corrected to it.
    const Point &in = nearest(std::max<uint64_t>(prev * 4, 16 << 10));
    double inside = smooth[&in - sweep.data()];
    double mid = std::sqrt(inside * dram.value);
    uint64_t knee = 0;
    for (size_t j = 0; j < sweep.size(); ++j) {
      const Point &p = sweep[j];
      if (p.bytes >= std::max<uint64_t>(prev * 2, 16 << 10) && smooth[j] >= mid)
        knee = p.bytes;
      else if (p.bytes > prev * 2 && smooth[j] < mid)
        break;
    }
    if (i + 1 == host.caches.size() && knee && inside > 1.3 * dram.value &&
        knee * 3 < c.bytes) {
      l.capacityNote =
          "the OS reports " + bytesText(double(c.bytes)) +
          " (a VM often passes on the whole package's shared cache); the "
          "copy's rate falls halfway to DRAM's at about " +
          bytesText(double(knee)) + ", taken as what one core sees";
      l.capacitySource =
          "[os] reports " + std::to_string(c.bytes) +
          " bytes; corrected by the bandwidth sweep of ironc target probe";
      l.capacityDerivation =
          "the largest working set of the streaming copy that still runs at "
          "least halfway (geometric mean) between this level's rate and "
          "DRAM's";
      l.capacity = knee;
    }
    uint64_t lo = prev ? prev * 2 : 0, hi = l.capacity / 2;
    if (!rateAt(lo, hi, l.bandwidth)) {
      const Point &p = nearest(std::max<uint64_t>(l.capacity / 2, 16 << 10));
      l.bandwidth = {p.rate.value, p.rate.low, p.rate.high, "", ""};
    }
    l.bandwidth.derivation =
        "streaming copy y = a*x (read + write bytes counted) over working sets "
        "of " +
        bytesText(double(std::max<uint64_t>(lo, 16 << 10))) + " to " +
        bytesText(double(std::max<uint64_t>(hi, 16 << 10))) + ", median of " +
        std::to_string(repeats) + " timed passes each";
    prev = l.capacity;
    data.levels.push_back(l);
  }
  // DRAM again, now that the last cache's size is known: working sets of
  // at least 4x it.
  if (!data.levels.empty())
    rateAt(data.levels.back().capacity * 4, UINT64_MAX, dram);
  Level d;
  d.name = "dram";
  d.capacity = host.dramBytes ? host.dramBytes : (uint64_t(1) << 32);
  d.capacitySource = host.dramBytes ? "[os] MemTotal of /proc/meminfo"
                                    : "estimate: /proc/meminfo unreadable";
  if (!host.dramBytes)
    d.capacityNote = "assumed 4 GiB";
  d.bandwidth = dram;
  d.bandwidth.derivation =
      "streaming copy y = a*x (read + write bytes counted) over the "
      "working sets of " +
      bytesText(double(std::min(sweep.back().bytes,
                                data.levels.empty()
                                    ? sweep.back().bytes
                                    : data.levels.back().capacity * 4))) +
      " to " + bytesText(double(sweep.back().bytes)) + ", median of " +
      std::to_string(repeats) + " timed passes each";
  data.levels.push_back(d);
  // Capacities must grow level by level.
  for (size_t i = 1; i < data.levels.size(); ++i)
    if (data.levels[i].capacity <= data.levels[i - 1].capacity)
      data.levels[i].capacity = data.levels[i - 1].capacity * 2;
}

llvm::Error Prober::measureOverhead() {
  BenchBudget b;
  b.seconds = opts.quick ? 0.01 : 0.05;
  b.minRuns = 50;
  b.maxRuns = opts.quick ? 2000 : 20000;
  b.fixedRuns = opts.repeats > 0 ? std::max(opts.repeats, 10) : 0;
  const int length = 32;
  auto one = runBench(*context, launchChain(1), b);
  if (!one)
    return one.takeError();
  auto chain = runBench(*context, launchChain(length), b);
  if (!chain)
    return chain.takeError();
  if (chain->kernels.size() != size_t(length) || one->kernels.size() != 1)
    return llvm::createStringError(
        "the chain of one-element Relu kernels did not compile to one kernel "
        "per op; the launch overhead cannot be measured");
  std::vector<double> med;
  double lo = 1e30, hi = 0;
  for (const KernelTime &k : chain->kernels) {
    med.push_back(k.seconds);
    lo = std::min(lo, k.low);
    hi = std::max(hi, k.high);
  }
  data.launch.value = median(med);
  data.launch.low = std::min(lo, data.launch.value);
  data.launch.high = std::max(hi, data.launch.value);
  data.launch.derivation =
      "profiled time of a Relu kernel on one element: median over a chain of " +
      std::to_string(length) + " such kernels of each kernel's mean over " +
      std::to_string(chain->runs) + " runs; range = 10th to 90th percentile";
  log("kernel launch: " + seconds(data.launch.value) + " (" +
      seconds(data.launch.low) + " .. " + seconds(data.launch.high) + ")");
  // An invoke costs a + n * b; b includes the interpreter's own work around
  // each kernel, a is per inference.
  double slope = (chain->invokeS - one->invokeS) / (length - 1);
  double fixed = one->invokeS - slope;
  if (fixed > 0 && slope > 0) {
    Measure m;
    m.value = fixed;
    m.low = std::max(fixed * 0.5, 1e-9);
    m.high = fixed * 2;
    m.derivation =
        "invoke() without the profiler, chains of 1 and " +
        std::to_string(length) + " one-element Relu kernels: time(1) - (time(" +
        std::to_string(length) + ") - time(1)) / " +
        std::to_string(length - 1) +
        "; range a factor of 2 (the difference of two small medians)";
    m.note = "without the profiler, invoke() spends " + seconds(slope) +
             " per one-element kernel; kernel_launch_s is the profiled "
             "figure, which includes the profiler's clock reads";
    data.inference = m;
    log("per inference: " + seconds(fixed) +
        ", per kernel in invoke(): " + seconds(slope));
  }
  return llvm::Error::success();
}

llvm::Error Prober::measureGrid() {
  std::vector<GraphSpec> grid = buildGrid(opts.quick);
  // Each pass runs the grid in a fixed shuffled order: on a shared host a
  // burst of another tenant's load then slows kernels of every class a
  // little, which the fits average out, instead of one class a lot, which
  // biases its curve. Of the passes (two, one with --quick), each kernel
  // keeps the faster: a burst rarely hits the same kernel twice, minutes
  // apart. Each pass is pinned to one CPU, the next pass to the next
  // allowed CPU: on a VM one virtual CPU can run 10-70% slower than the
  // other for minutes (another tenant on its core), so the passes see
  // different cores and the faster pass is the quieter one.
  int passes = opts.quick ? 1 : 2;
  std::vector<int> cpus = allowedCpus();
  std::vector<std::optional<BenchResult>> fastest(grid.size());
  std::vector<size_t> order(grid.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::mt19937 rng(20261207);
  auto total = [](const BenchResult &r) {
    double s = 0;
    for (const KernelTime &k : r.kernels)
      s += k.seconds;
    return s;
  };
  BenchBudget b = budget();
  std::vector<std::string> passCpus;
  for (int pass = 0; pass < passes; ++pass) {
    std::shuffle(order.begin(), order.end(), rng);
    std::optional<CpuPin> pin;
    if (!cpus.empty()) {
      int cpu = cpus[size_t(pass) % cpus.size()];
      pin.emplace(cpu);
      if (pin->pinned())
        passCpus.push_back(std::to_string(cpu));
    }
    for (size_t i : order) {
      auto result = runBench(*context, grid[i], b);
      if (!result) {
        // One missing kernel thins the fit; it does not spoil it.
        log("skipped: " + llvm::toString(result.takeError()));
        continue;
      }
      if (result->kernels.empty())
        continue;
      if (!fastest[i] || total(*result) < total(*fastest[i]))
        fastest[i] = std::move(*result);
    }
  }
  if (!passCpus.empty())
    data.notes.push_back(
        "The kernel grid ran " + std::to_string(passes) +
        (passes == 1 ? " pass" : " passes") + ", pinned to CPU " +
        llvm::join(passCpus, (passes == 2 ? " and " : ", ")) +
        (passes > 1 ? "; each kernel keeps its faster pass." : "."));
  for (size_t i = 0; i < grid.size(); ++i) {
    if (!fastest[i])
      continue;
    const GraphSpec &spec = grid[i];
    std::optional<BenchResult> &result = fastest[i];
    std::string line =
        spec.label + ": " + seconds(result->kernels.front().seconds);
    if (spec.macs > 0)
      line += ", " + num(2 * spec.macs / result->kernels.front().seconds / 1e9) +
              " Gop/s";
    log(line + " (" + std::to_string(result->runs) + " runs" +
        (result->quietRuns < result->runs
             ? ", " + std::to_string(result->quietRuns) +
                   " undisturbed: scaled by CPU time"
             : std::string()) +
        ")");
    records.push_back({spec, std::move(*result), {}});
  }
  return llvm::Error::success();
}

llvm::Error Prober::measurePeaks() {
  auto best =
      [&](auto pick) -> std::optional<std::pair<const Record *, double>> {
    std::optional<std::pair<const Record *, double>> out;
    for (const Record &r : records) {
      if (!pick(r) || r.spec.macs <= 0 || r.result.kernels.size() != 1)
        continue;
      double rate = 2 * r.spec.macs / r.result.kernels.front().seconds;
      if (!out || rate > out->second)
        out = {{&r, rate}};
    }
    return out;
  };
  auto fp32 = best([](const Record &r) {
    return StringRef(r.spec.group).starts_with("contraction") &&
           r.spec.group != "contraction.depthwise";
  });
  if (!fp32)
    return llvm::createStringError("no fp32 contraction kernel could be timed");
  auto fill = [&](Measure &m, const std::pair<const Record *, double> &b,
                  const char *what) {
    const KernelTime &k = b.first->result.kernels.front();
    m.value = b.second;
    m.low = std::min(m.value, 2 * b.first->spec.macs / k.high);
    m.high = std::max(m.value, 2 * b.first->spec.macs / k.low);
    m.derivation = std::string("best rate of the runtime's ") + what +
                   " kernels over the grid: " + b.first->spec.label + " (" +
                   num(b.first->spec.macs) + " MACs x 2 ops / " +
                   seconds(k.seconds) + ", mean of " +
                   std::to_string(b.first->result.runs) +
                   " runs; range from the 10th and 90th percentile times)";
  };
  fill(data.peakFp32, *fp32, "fp32 Conv/MatMul/Gemm");
  log("fp32 peak: " + num(data.peakFp32.value / 1e9) + " Gop/s (" +
      fp32->first->spec.label + ")");
  if (auto int8 =
          best([](const Record &r) { return r.spec.group == "peak.int8"; })) {
    Measure m;
    fill(m, *int8, "int8 MatMulInteger (reference)");
    data.peakInt8 = m;
    log("int8 peak: " + num(m.value / 1e9) + " Gop/s (" +
        int8->first->spec.label + ")");
  }
  return llvm::Error::success();
}

llvm::Expected<TargetDescription> Prober::parse(const std::string &yaml) {
  auto t = parseTarget(yaml, data.name + ".yaml");
  if (!t)
    return llvm::createStringError(
        "the probe wrote a target file that does not load "
        "(a bug): " +
        llvm::toString(t.takeError()));
  return t;
}

llvm::Error Prober::fit() {
  // The terms of every kernel at the measured peak, bandwidths and
  // overhead, with eta = 1: the fit only varies eta, the tiling and t.
  ProbeData ref = data;
  ref.defaultCurve.reset();
  ref.classes.clear();
  ref.transcendental.reset();
  auto refTarget = parse(renderYaml(ref));
  if (!refTarget)
    return refTarget.takeError();
  // Reference and optimized kernels of the plain graphs fit their class
  // curves (and, outside contractions, a curve per variant); Iron's fused
  // kernels fit curves of their own: one per variant (Elementwise, Gelu,
  // Attention), and for FusedConv/FusedMatMul one per epilogue, on top of
  // the contraction's class curve.
  std::map<std::string, std::vector<FitSample>> byClass, byVariant;
  struct EpilogueSample {
    const Record *record;
    size_t kernel;
  };
  std::vector<EpilogueSample> epilogues;
  for (Record &r : records) {
    if (r.spec.group == "peak.int8")
      continue;
    auto terms = costTerms(*r.result.module, *refTarget);
    if (!terms) {
      log("skipped in the fit: " + r.spec.label + ": " +
          llvm::toString(terms.takeError()));
      continue;
    }
    if (terms->size() != r.result.kernels.size()) {
      log("skipped in the fit: " + r.spec.label + " (" +
          std::to_string(terms->size()) + " kernels in the cost model, " +
          std::to_string(r.result.kernels.size()) + " in the runtime)");
      continue;
    }
    r.terms = *terms;
    for (auto [i, kt] : llvm::enumerate(llvm::zip(r.result.kernels, r.terms))) {
      auto &[k, t] = kt;
      FitSample s;
      s.measuredS = k.seconds;
      s.ops = t.ops;
      s.transcendentals = t.transcendentals;
      s.memoryS = t.memoryS;
      s.overheadS = t.overheadS;
      s.fixedComputeS = t.stallS;
      s.shape = t.shape;
      s.outputElements = t.outputElements;
      s.label = r.spec.label;
      ++data.kernelCount;
      bool contraction = StringRef(t.cls).starts_with("contraction");
      bool engine = t.kind == "FusedConv" || t.kind == "FusedMatMul";
      if (r.spec.group == "fused" && !engine) {
        byVariant[t.variant].push_back(s);
        continue;
      }
      if (engine && !t.epilogueVariant.empty()) {
        epilogues.push_back({&r, i});
        continue;
      }
      byClass[t.cls].push_back(s);
      if (!contraction)
        byVariant[t.variant].push_back(s);
    }
  }

  FitOptions base;
  base.peakOpsPerS = data.peakFp32.value;
  // Timings of one kernel repeat to a few percent within a run, but a
  // shared host's speed drifts by about 10% between runs minutes apart
  // (bench/predict-vs-measure, measured twice): no range is narrower.
  base.minRangeLog = std::log(1.1);
  // t: shared by every class whose kernels call transcendental functions
  // (elementwise Exp/Tanh/Erf/..., Softmax, the normalizations), each class
  // with its own curve.
  std::vector<std::vector<FitSample>> tClasses;
  size_t tKernels = 0;
  for (auto &[cls, samples] : byClass)
    if (!StringRef(cls).starts_with("contraction") &&
        llvm::any_of(samples, [](const FitSample &s) {
          return s.transcendentals > 0;
        })) {
      tClasses.push_back(samples);
      tKernels += samples.size();
    }
  double t = 1;
  if (!tClasses.empty()) {
    double rms = 0;
    t = fitTranscendentalOps(tClasses, base, &rms);
    Measure m;
    m.value = t;
    double spread = std::max(0.05, rms);
    m.low = std::max(1.0, t * std::exp(-spread));
    m.high = std::max(m.low, t * std::exp(spread));
    m.derivation = "fitted jointly with the curves of the " +
                   std::to_string(tClasses.size()) +
                   " classes whose kernels call exp, tanh, erf, sqrt, pow (" +
                   std::to_string(tKernels) +
                   " kernels of the grid, cheap ones such as Add and Relu "
                   "beside them): one "
                   "call costs this many simple operations; range = the fit's "
                   "rms log error";
    data.transcendental = m;
    log("transcendental cost: " + num(t) + " ops");
  }
  base.transcendentalOps = t;

  const HostInfo &host = data.host;
  int64_t nr = host.microCols, mr = host.microRows;
  for (auto &[cls, samples] : byClass) {
    if (samples.size() < 2 || cls == "none")
      continue;
    if (llvm::all_of(samples, [](const FitSample &s) { return s.ops <= 0; })) {
      data.notes.push_back(
          cls + ": its kernels count no arithmetic, so the cost model times "
                "them as bytes / bandwidth + launch; no curve applies.");
      continue;
    }
    FitOptions o = base;
    // The SGEMM pads N to whole panels of NR columns (NR/2 for a narrow last
    // one) and runs fewer than MR rows with fewer accumulators; larger M is
    // split into balanced tiles and K is not padded. A convolution's output
    // channels are the SGEMM's M and its pixels its N, so the cost model's
    // (m, n) map to (N, M) there. The fit keeps whichever helps.
    if (cls == "contraction.gemm" || cls == "contraction.gemm.transposed")
      o.tileCandidates = {
          {mr, 0, 0}, {0, nr, 0}, {0, nr / 2, 0}, {mr, nr / 2, 0}, {mr, nr, 0}};
    else if (cls == "contraction.conv" || cls == "contraction.conv_pointwise")
      o.tileCandidates = {
          {0, mr, 0}, {nr, 0, 0}, {nr / 2, 0, 0}, {nr / 2, mr, 0}, {nr, mr, 0}};
    else if (StringRef(cls).starts_with("contraction.depthwise")) {
      // The depthwise kernel runs each output row in vectors of floats.
      int64_t lanes = std::max<int64_t>(1, host.vectorBits / 32);
      o.tileCandidates = {{0, 0, 0, lanes}, {0, 0, 0, std::max<int64_t>(1, lanes / 2)}};
    }
    o.fitElementCosts = StringRef(cls).starts_with("contraction");
    ClassResult c;
    c.cls = cls;
    c.fit = fitCurve(samples, o);
    c.kernels = samples.size();
    log("fit " + cls + ": " +
        (c.fit.kind == EfficiencyCurve::Kind::Fixed
             ? "eta " + num(c.fit.eta)
             : "eta_max " + num(c.fit.eta) + ", half_ops " +
                   num(c.fit.halfOps)) +
        (c.fit.tiling ? ", tiling m " + std::to_string(c.fit.tiling->m) +
                            " n " + std::to_string(c.fit.tiling->n) + " w " +
                            std::to_string(c.fit.tiling->w)
                      : std::string()) +
        ", median |error| " + num(100 * c.fit.medianAbsError) + "% over " +
        std::to_string(samples.size()) + " kernels");
    data.classes.push_back(c);
  }
  // The default curve (recurrent and other kernels, which the grid does not
  // time) pools every reference-kernel class.
  std::vector<FitSample> pooled;
  for (auto &[cls, samples] : byClass)
    if (!StringRef(cls).starts_with("contraction"))
      for (const FitSample &s : samples)
        if (s.ops > 0)
          pooled.push_back(s);
  if (pooled.empty())
    for (auto &kv : byClass)
      pooled.insert(pooled.end(), kv.second.begin(), kv.second.end());
  if (pooled.empty())
    return llvm::createStringError("no kernel of the grid could be timed");
  data.defaultCurve = fitCurve(pooled, base);
  data.defaultDerivation =
      curveDerivation(*data.defaultCurve, pooled.size(), -1,
                      "reference (non-contraction) kernels pooled") +
      "; applies to classes the grid does not time (contraction.recurrent, "
      "other)";

  // One curve per kernel variant the grid times at least twice: kernels of
  // one class that the runtime implements differently (MaxPool and
  // GlobalAveragePool, a broadcasting and a flat Mul, Tanh and Exp) differ
  // by more than any class curve can absorb.
  auto logFit = [&](const std::string &key, const CurveFit &f, size_t n) {
    log("fit " + key + ": " +
        (f.kind == EfficiencyCurve::Kind::Fixed
             ? "eta " + num(f.eta)
             : "eta_max " + num(f.eta) + ", half_ops " + num(f.halfOps)) +
        ", median |error| " + num(100 * f.medianAbsError) + "% over " +
        std::to_string(n) + " kernels");
  };
  for (auto &[variant, samples] : byVariant) {
    if (samples.size() < 2 || llvm::all_of(samples, [](const FitSample &s) {
          return s.ops <= 0 && s.transcendentals <= 0;
        }))
      continue;
    ClassResult c;
    c.cls = variant;
    FitOptions o = base;
    // A curve of ops cannot saturate for kernels that count only
    // transcendental calls (Tanh, Exp): their ops are 0.
    o.allowSaturating = llvm::all_of(
        samples, [](const FitSample &s) { return s.ops > 0; });
    // A cost per result element (a reduction's horizontal sum and store:
    // GlobalAveragePool over 7x7 maps is several times slower per input
    // element than over 56x56 ones): one parameter more, so only where
    // the grid times four kernels or more.
    o.fitElementCosts = samples.size() >= 4;
    c.fit = fitCurve(samples, o);
    c.kernels = samples.size();
    logFit(variant, c.fit, samples.size());
    data.kernels.push_back(c);
  }

  // Epilogues: the contraction's time from its class curve (now fitted) is
  // held fixed; the curve of the epilogue's work explains the rest.
  if (!epilogues.empty()) {
    auto fitted = parse(renderYaml(data));
    if (!fitted)
      return fitted.takeError();
    std::map<std::string, std::vector<FitSample>> byEpilogue;
    for (const EpilogueSample &e : epilogues) {
      auto terms = costTerms(*e.record->result.module, *fitted);
      if (!terms) {
        llvm::consumeError(terms.takeError());
        continue;
      }
      if (e.kernel >= terms->size())
        continue;
      const KernelTerms &t = (*terms)[e.kernel];
      FitSample s;
      s.measuredS = e.record->result.kernels[e.kernel].seconds;
      s.ops = t.epilogueWork;
      s.memoryS = t.memoryS;
      s.overheadS = t.overheadS;
      s.fixedComputeS = std::max(0.0, t.computeS - t.epilogueS) + t.stallS;
      s.label = e.record->spec.label;
      byEpilogue[t.epilogueVariant].push_back(s);
    }
    for (auto &[variant, samples] : byEpilogue) {
      ClassResult c;
      c.cls = variant;
      FitOptions o = base;
      // Few samples, each mostly contraction: one parameter.
      o.allowSaturating = false;
      c.fit = fitCurve(samples, o);
      c.kernels = samples.size();
      logFit(variant, c.fit, samples.size());
      data.kernels.push_back(c);
    }
  }
  return llvm::Error::success();
}

void Prober::measureCacheReach() {
  // How much the last cache keeps for a kernel, seen by a kernel: one
  // kernel (footprint F) runs between runs of a product streaming E bytes;
  // it finds its data cached while F + E fits. The cache's capacity for
  // the simulation is F + E where the kernel's time crosses halfway
  // (geometrically) from warm to cold. On a shared host this is often well
  // below what the copy sweep or the OS says: other tenants use the cache.
  auto last = llvm::find_if(llvm::reverse(data.levels),
                            [](const Level &l) { return l.cache; });
  if (last == data.levels.rend())
    return;
  double footprint = 0;
  GraphSpec kernel = cacheReachKernel(footprint);
  BenchBudget b = budget();
  auto warm = runBench(*context, kernel, b);
  if (!warm || warm->kernels.empty()) {
    if (!warm)
      log("cache reach skipped: " + llvm::toString(warm.takeError()));
    return;
  }
  std::vector<std::pair<uint64_t, double>> points;
  uint64_t top = std::max<uint64_t>(4 * last->capacity, 64 << 20);
  for (uint64_t e = 1 << 20; e <= top; e *= 2) {
    auto r = runBench(*context, evicted(kernel, e), b);
    if (!r || r->kernels.empty()) {
      if (!r)
        log("cache reach skipped: " + llvm::toString(r.takeError()));
      return;
    }
    points.push_back({e, r->kernels.front().seconds});
    log("cache reach: " + bytesText(double(e)) + " streamed between runs: " +
        seconds(points.back().second) + " (warm " +
        seconds(warm->kernels.front().seconds) + ")");
  }
  double warmS = warm->kernels.front().seconds;
  double coldS = points.back().second;
  if (coldS < 1.2 * warmS)
    return; // No clear step: keep the sweep's capacity.
  double mid = std::sqrt(warmS * coldS);
  uint64_t reach = 0;
  for (size_t i = 0; i < points.size(); ++i)
    if (points[i].second >= mid) {
      // Halfway between the last warm and the first cold evictor size.
      double below = i ? double(points[i - 1].first) : 0.0;
      reach = uint64_t(footprint + std::sqrt(std::max(below, 1.0) *
                                             double(points[i].first)));
      break;
    }
  if (!reach || reach >= last->capacity)
    return;
  last->capacityNote =
      (last->capacityNote.empty() ? "" : last->capacityNote + "; ") +
      std::string("a kernel of ") + bytesText(footprint) +
      " finds its data cached only while less than about " +
      bytesText(double(reach - uint64_t(footprint))) +
      " streams between its runs: taken as the capacity";
  last->capacitySource = "measured by ironc target probe (cache reach of a "
                         "kernel, lib/Probe/HostProbe.cpp)";
  last->capacityDerivation =
      "footprint of a 1x1 convolution plus the bytes a product streams "
      "between its runs where its time crosses halfway (geometric mean) from "
      "warm to cold";
  log("cache reach: " + last->name + " capacity " +
      bytesText(double(last->capacity)) + " -> " + bytesText(double(reach)));
  last->capacity = reach;
}

llvm::Error Prober::measureStalls() {
  // The cost model simulates the caches over a model's kernels (its
  // footprint usually exceeds them); the bytes no cache holds cost a kernel
  // more than its roofline says, because the runtime's kernels do not
  // overlap DRAM misses with their arithmetic. Per class, `stall` is that
  // extra time per second of predicted DRAM transfer time, measured as
  // cold minus warm time of the same kernel.
  measureCacheReach();
  uint64_t largestCache = 0;
  for (const Level &l : data.levels)
    if (l.cache)
      largestCache = std::max(largestCache, l.capacity);
  uint64_t evictBytes = std::max<uint64_t>(2 * largestCache, 32 << 20);
  auto target = parse(renderYaml(data));
  if (!target)
    return target.takeError();
  struct Ratio {
    double extraS, uncachedS;
    std::string label;
  };
  std::map<std::string, std::vector<Ratio>> byClass;
  BenchBudget b = budget();
  for (const GraphSpec &spec : buildStallGrid(opts.quick)) {
    GraphSpec cold = evicted(spec, evictBytes);
    auto warmRun = runBench(*context, spec, b);
    if (!warmRun) {
      log("skipped: " + llvm::toString(warmRun.takeError()));
      continue;
    }
    auto coldRun = runBench(*context, cold, b);
    if (!coldRun) {
      log("skipped: " + llvm::toString(coldRun.takeError()));
      continue;
    }
    auto warmTerms = costTerms(*warmRun->module, *target);
    if (!warmTerms) {
      log("skipped in the stall fit: " + llvm::toString(warmTerms.takeError()));
      continue;
    }
    auto coldTerms = costTerms(*coldRun->module, *target);
    if (!coldTerms) {
      log("skipped in the stall fit: " + llvm::toString(coldTerms.takeError()));
      continue;
    }
    if (warmRun->kernels.empty() || coldRun->kernels.empty() ||
        warmTerms->empty() || coldTerms->empty())
      continue;
    // The kernel comes first in both graphs.
    double warmS = warmRun->kernels.front().seconds;
    double coldS = coldRun->kernels.front().seconds;
    double uncachedS =
        coldTerms->front().uncachedS - warmTerms->front().uncachedS;
    const std::string &cls = coldTerms->front().cls;
    log(spec.label + ": warm " + seconds(warmS) + ", cold " + seconds(coldS) +
        ", predicted DRAM time " + seconds(uncachedS) + " (" + cls + ")");
    if (uncachedS <= 0.02 * warmS)
      continue;
    // The cost model adds the stall to the compute (the warm time), under
    // the cold graph's bandwidth bound: a kernel that the bound explains
    // (a matrix-vector product streaming its weights) adds nothing.
    double extraS =
        coldS > coldTerms->front().memoryS ? coldS - warmS : 0.0;
    byClass[cls].push_back({std::max(0.0, extraS), uncachedS, spec.label});
  }
  for (auto &[cls, ratios] : byClass) {
    auto it = llvm::find_if(
        data.classes, [&](const ClassResult &c) { return c.cls == cls; });
    if (it == data.classes.end())
      continue;
    // Pooled (sum over sum): the kernels with the most DRAM traffic, whose
    // difference of two timings is the least noisy, weigh most.
    std::vector<double> v;
    std::string labels;
    double extra = 0, uncached = 0;
    for (const Ratio &r : ratios) {
      v.push_back(r.extraS / r.uncachedS);
      extra += r.extraS;
      uncached += r.uncachedS;
      labels += (labels.empty() ? "" : "; ") + r.label;
    }
    std::sort(v.begin(), v.end());
    double value = extra / uncached;
    if (value <= 0.05) {
      log(cls + ": no stall (" + num(value) + ")");
      continue;
    }
    CurveFit &fit = it->fit;
    fit.stall = value;
    fit.stallLow = std::max(0.0, std::min(v.front(), value / 1.1));
    fit.stallHigh = std::max(v.back(), value * 1.1);
    fit.stallDerivation =
        "extra time of " + std::to_string(v.size()) +
        " kernels of the class with their data evicted from the caches (a "
        "product streaming " +
        bytesText(double(evictBytes)) +
        " of weights runs between their runs) over their time with warm "
        "caches (when their memory term does not explain it), per second of "
        "the predicted transfer time of the activation bytes no cache holds; "
        "the sum of the extra times over the sum of the transfer times of " +
        labels + "; range the spread of the kernels' own ratios and at least "
        "+-10%";
    log(cls + ": stall " + num(value));
  }
  return llvm::Error::success();
}

llvm::Error Prober::validate(const TargetDescription &target) {
  struct Check {
    double ratio; // predicted / measured
    std::string label;
  };
  std::map<std::string, std::vector<Check>> checks;
  for (const Record &r : records) {
    if (r.terms.empty())
      continue;
    auto terms = costTerms(*r.result.module, target);
    if (!terms) {
      llvm::consumeError(terms.takeError());
      continue;
    }
    for (auto [k, t] : llvm::zip(r.result.kernels, *terms)) {
      std::string key = !t.epilogueVariant.empty() &&
                                (t.kind == "FusedConv" || t.kind == "FusedMatMul")
                            ? "kernels." + t.epilogueVariant
                            : t.curve;
      checks[key].push_back({t.latencyS / k.seconds, r.spec.label});
      log("  " + key + ": " + r.spec.label + ": measured " +
          seconds(k.seconds) + ", predicted " + seconds(t.latencyS) + " (" +
          (t.latencyS >= k.seconds ? "+" : "") +
          num(100 * (t.latencyS / k.seconds - 1)) + "%)");
    }
  }
  // What one curve per class cannot say: the kernels predicted worst.
  std::string spreads;
  for (auto &[cls, c] : checks) {
    std::vector<double> errors;
    for (const Check &x : c)
      errors.push_back(std::fabs(x.ratio - 1));
    double m = median(errors);
    log("check " + cls + ": median |predicted / measured - 1| = " +
        num(100 * m) + "% over " + std::to_string(c.size()) + " kernels");
    for (ClassResult &r : data.classes)
      if ("classes." + r.cls == cls)
        r.validatedError = m;
    for (ClassResult &r : data.kernels)
      if ("kernels." + r.cls == cls)
        r.validatedError = m;
    auto [lo, hi] = std::minmax_element(
        c.begin(), c.end(),
        [](const Check &a, const Check &b) { return a.ratio < b.ratio; });
    std::string line = cls + " " + num(100 * m) + "% (" +
                       std::to_string(c.size()) + " kernels)";
    if (c.size() >= 3 && hi->ratio / lo->ratio > 2)
      line += ", from " + num(lo->ratio) + "x (" + lo->label + ") to " +
              num(hi->ratio) + "x (" + hi->label + ")";
    spreads += (spreads.empty() ? "" : "; ") + line;
  }
  if (!spreads.empty())
    data.notes.push_back(
        "Kernels get the curve of their variant (efficiency.kernels: an op "
        "kind, a broadcasting binary op, a fused epilogue) where the grid "
        "timed it at least twice, else their class's. With this file the "
        "cost model predicts the probe's own kernels, by the curve that "
        "applies, to a median |predicted / measured - 1| of: " +
        spreads + ".");
  return llvm::Error::success();
}

llvm::Expected<std::string> Prober::run() {
  auto start = std::chrono::steady_clock::now();
  data.host = detectHost();
  data.name = opts.name;
  data.date = today();
  data.source = "measured by ironc target probe on " + data.host.cpuModel +
                ", " + data.date;
  log("host: " + data.host.cpuModel + ", runtime kernels: " + data.host.isa +
      ", caches from " + data.host.cacheSource);

  auto phase = [&](const char *what) {
    log(std::string(what) + " done after " +
        num(std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                          start)
                .count()) +
        " s");
  };
  measureMemory();
  phase("memory sweep");
  if (llvm::Error e = measureOverhead())
    return std::move(e);
  phase("overhead");
  if (llvm::Error e = measureGrid())
    return std::move(e);
  phase("kernel grid");
  if (llvm::Error e = measurePeaks())
    return std::move(e);
  if (llvm::Error e = fit())
    return std::move(e);
  phase("fit");
  if (llvm::Error e = measureStalls())
    return std::move(e);
  phase("cold caches");

  data.notes.insert(
      data.notes.begin(),
      "Measured on one core: the runtime is single-threaded. No energy block: "
      "the probe cannot measure power on this host.");
  if (!data.peakInt8)
    data.notes.push_back(
        "No int8 peak: the runtime's integer kernels could not be timed.");
  data.notes.push_back(
      "fp16 and bf16 are absent because the runtime has no kernels for them.");
  auto target = parse(renderYaml(data));
  if (!target)
    return target.takeError();
  if (llvm::Error e = validate(*target))
    return std::move(e);
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  data.notes.push_back("The probe timed " + std::to_string(data.kernelCount) +
                       " kernels in " + num(elapsed) + " s" +
                       (opts.quick ? " (--quick)." : "."));
  std::string yaml = renderYaml(data);
  if (auto checked = parse(yaml); !checked)
    return checked.takeError();
  return yaml;
}

} // namespace

llvm::Expected<std::string> probeHost(const ProbeOptions &options) {
  Prober prober(options);
  return prober.run();
}

} // namespace iron::probe
