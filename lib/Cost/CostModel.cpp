//===- CostModel.cpp - Work counts x target descriptions ------------------===//
//
// docs/cost-model.md is the specification of this file: every formula here
// is stated there. Device numbers come only from the TargetDescription.
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"

#include "iron/Dialect/IronDialect.h"
#include "iron/Passes/MemoryPlan.h"
#include "iron/runtime/ConvPath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

using namespace mlir;

namespace iron {

StringRef stringifyBound(Bound b) {
  switch (b) {
  case Bound::Compute:
    return "compute";
  case Bound::Memory:
    return "memory";
  case Bound::Overhead:
    return "overhead";
  }
  return "?";
}

namespace {

//===----------------------------------------------------------------------===//
// The kernels of a module, with the options applied to their counts
//===----------------------------------------------------------------------===//

/// One kernel's counts after --batch and --assume-precision.
struct KernelWork {
  std::string kind;
  std::vector<std::string> nodes;
  std::vector<std::string> outputShapes;
  /// Elements of the results (x batch): a non-contraction curve's
  /// `output_ops` applies to them.
  double outputElements = 0;
  KernelClass kernelClass = KernelClass::Other;
  std::map<Precision, double> macs;
  double otherOps = 0, transcendentals = 0;
  /// The part of them in a fused kernel's epilogue (WorkCount.h).
  double epilogueOps = 0, epilogueTranscendentals = 0;
  Precision arithmeticPrecision = Precision::FP32;
  /// Bytes of operands defined by constants, and of everything else read
  /// and written.
  double weightBytes = 0, activationBytes = 0;
  /// The part of activationBytes written (results).
  double activationWriteBytes = 0;
  /// Each operand and result with the bytes the work count moves for it,
  /// for the cache simulation (valid while the module is).
  std::vector<std::pair<Value, double>> traffic;
  /// Filled by simulateCaches on targets with cache levels: the bytes each
  /// cache level serves, and the rest of the weights and activations,
  /// which come from the level they are placed in.
  struct Access {
    /// Address range: arena offsets, weights laid out after the arena.
    uint64_t begin = 0, size = 0;
    double bytes = 0;
    bool weight = false;
  };
  std::vector<Access> accesses;
  bool simulated = false;
  std::map<std::string, double> cachedBytes;
  double missedWeightBytes = 0, missedActivationBytes = 0;
  std::optional<ContractionShape> contraction;
  /// The ONNX ops a fused kernel implements (empty: just `kind`).
  std::vector<std::string> onnxKinds;
  /// Keys of the target's per-kernel curves (`efficiency.kernels`): the
  /// kernel's ("Mul.broadcast") and its fused epilogue's ("epilogue.SiLU").
  std::string variant, epilogueVariant;
  /// The class name curves are looked up by: the kernel class, refined to
  /// "contraction.depthwise.strided" for strided depthwise convolutions
  /// (a target without that entry falls back to contraction.depthwise).
  std::string curveClass;

  /// Whether a unit's op list covers the kernel.
  bool supportedBy(const OpSupport &ops) const {
    if (onnxKinds.empty())
      return ops.supports(kind);
    for (const std::string &k : onnxKinds)
      if (!ops.supports(k))
        return false;
    return true;
  }

  Precision mainPrecision() const {
    Precision best = arithmeticPrecision;
    double most = 0;
    for (const auto &kv : macs)
      if (kv.second > most) {
        most = kv.second;
        best = kv.first;
      }
    return best;
  }
  double totalMACs() const {
    double n = 0;
    for (const auto &kv : macs)
      n += kv.second;
    return n;
  }
  double arithmeticOps() const { return 2 * totalMACs() + otherOps; }
};

void collectNames(Location loc, std::vector<std::string> &out) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    out.push_back(name.getName().str());
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      collectNames(l, out);
}

std::string printShape(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    for (int64_t d : shaped.getShape())
      os << d << "x";
    os << shaped.getElementType();
  } else {
    os << type;
  }
  return s;
}

/// Storage scale of a tensor of `type` under --assume-precision.
double precisionScale(Type type, const std::optional<Precision> &assumed) {
  if (!assumed)
    return 1.0;
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !isa<FloatType>(shaped.getElementType()))
    return 1.0;
  std::optional<Precision> from =
      precisionOfElementType(shaped.getElementType());
  if (!from)
    return 1.0;
  return double(precisionBits(*assumed)) / double(precisionBits(*from));
}

Precision assumePrecision(Precision p, const std::optional<Precision> &q) {
  return q && isFloatPrecision(p) ? *q : p;
}

bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

struct Kernels {
  std::vector<KernelWork> kernels;
  double weightBytes = 0;
  double arenaBytes = 0;
};

/// Lays out what each kernel touches in one address space: activations at
/// their arena offsets (scaled as the arena is), each weight after the
/// arena.
void layOutAccesses(std::vector<KernelWork> &kernels, const MemoryPlan &plan,
                    double arenaScale, const std::optional<Precision> &q) {
  llvm::DenseMap<Value, std::pair<uint64_t, uint64_t>> weights;
  uint64_t next = uint64_t(double(plan.arenaBytes) * arenaScale) + 64;
  for (KernelWork &k : kernels) {
    for (auto [v, bytes] : k.traffic) {
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type || !type.hasStaticShape() || bytes <= 0)
        continue;
      KernelWork::Access a;
      a.bytes = bytes;
      if (isConstant(v)) {
        auto [it, inserted] = weights.try_emplace(v);
        if (inserted) {
          uint64_t size = std::max<uint64_t>(
              1, uint64_t(double(tensorBytes(type)) * precisionScale(type, q)));
          it->second = {next, size};
          next += (size + 63) / 64 * 64;
        }
        a.begin = it->second.first;
        a.size = it->second.second;
        a.weight = true;
      } else {
        auto it = plan.offsets.find(v);
        if (it == plan.offsets.end())
          continue;
        a.begin = uint64_t(double(it->second) * arenaScale);
        a.size = std::max<uint64_t>(
            1, uint64_t(double(tensorBytes(type)) * arenaScale));
      }
      k.accesses.push_back(a);
    }
    k.traffic.clear();
  }
}

/// Counts set bits of a growing sequence of slots (a Fenwick tree).
class SlotCounter {
public:
  explicit SlotCounter(size_t n) : tree(n + 1, 0) {}
  void add(size_t i, int d) {
    for (++i; i < tree.size(); i += i & (~i + 1))
      tree[i] += d;
  }
  /// Sum over slots [0, i).
  int64_t prefix(size_t i) const {
    int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1))
      s += tree[i];
    return s;
  }

private:
  std::vector<int64_t> tree;
};

/// Which bytes each kernel finds in the target's caches, in steady state
/// (the kernels run twice in order; the second run is counted). The caches
/// are fully associative and least-recently-used over blocks of the
/// address space: a block hits the smallest cache that holds its role and
/// has room for every distinct block touched since the block's last use.
void simulateCaches(const TargetDescription &t,
                    std::vector<KernelWork> &kernels) {
  std::vector<const MemoryLevel *> caches;
  for (const MemoryLevel &l : t.memory)
    if (l.cache)
      caches.push_back(&l);
  if (caches.empty())
    return;
  std::stable_sort(caches.begin(), caches.end(),
                   [](const MemoryLevel *a, const MemoryLevel *b) {
                     return a->capacityBytes.value < b->capacityBytes.value;
                   });
  uint64_t end = 0;
  for (const KernelWork &k : kernels)
    for (const KernelWork::Access &a : k.accesses)
      end = std::max(end, a.begin + a.size);
  // Blocks of at least 1 KiB; coarser when the address space is large, to
  // bound the simulation's memory and time.
  uint64_t block = 1024;
  while (end / block > (uint64_t(1) << 20))
    block *= 2;
  uint64_t perRun = 0;
  for (const KernelWork &k : kernels)
    for (const KernelWork::Access &a : k.accesses)
      perRun += (a.begin + a.size - 1) / block - a.begin / block + 1;
  SlotCounter live(2 * perRun);
  std::vector<int64_t> lastUse(end / block + 1, -1);
  int64_t now = 0;
  for (int run = 0; run < 2; ++run)
    for (KernelWork &k : kernels) {
      bool count = run == 1;
      if (count) {
        k.simulated = true;
        k.cachedBytes.clear();
        k.missedWeightBytes = k.missedActivationBytes = 0;
      }
      for (const KernelWork::Access &a : k.accesses) {
        MemoryRole role =
            a.weight ? MemoryRole::Weights : MemoryRole::Activations;
        uint64_t first = a.begin / block, last = (a.begin + a.size - 1) / block;
        std::vector<double> hits(caches.size() + 1, 0);
        for (uint64_t b = first; b <= last; ++b) {
          int64_t prev = lastUse[b];
          double distance = std::numeric_limits<double>::infinity();
          if (prev >= 0) {
            // Distinct blocks touched since, plus this one.
            distance =
                double(live.prefix(size_t(now)) - live.prefix(size_t(prev))) *
                double(block);
            live.add(size_t(prev), -1);
          }
          live.add(size_t(now), +1);
          lastUse[b] = now++;
          if (!count)
            continue;
          size_t level = caches.size();
          for (size_t c = 0; c < caches.size(); ++c)
            if (caches[c]->holdsRole(role) &&
                distance <= caches[c]->capacityBytes.value) {
              level = c;
              break;
            }
          hits[level] += 1;
        }
        if (!count)
          continue;
        double blocks = double(last - first + 1);
        for (size_t c = 0; c < caches.size(); ++c)
          if (hits[c] > 0)
            k.cachedBytes[caches[c]->name] += a.bytes * hits[c] / blocks;
        double missed = a.bytes * hits[caches.size()] / blocks;
        (a.weight ? k.missedWeightBytes : k.missedActivationBytes) += missed;
      }
    }
}

/// The integers of an array attribute of `op` (empty when absent).
std::vector<int64_t> intsOf(Operation &op, StringRef name) {
  std::vector<int64_t> v;
  if (auto a = op.getAttrOfType<ArrayAttr>(name))
    for (Attribute e : a)
      if (auto i = dyn_cast<IntegerAttr>(e))
        v.push_back(i.getInt());
  return v;
}

/// The path the runtime's optimized kernel runs a windowed (Fused)Conv
/// with an NCHW input on (iron/runtime/ConvPath.h); nullopt for others.
std::optional<rt::ConvPath> conv2dPath(Operation &op) {
  if (op.getNumOperands() < 2 || op.getNumResults() != 1)
    return std::nullopt;
  auto x = dyn_cast<ShapedType>(op.getOperand(0).getType());
  auto w = dyn_cast<ShapedType>(op.getOperand(1).getType());
  auto y = dyn_cast<ShapedType>(op.getResult(0).getType());
  if (!x || !w || !y || !x.hasStaticShape() || !w.hasStaticShape() ||
      !y.hasStaticShape() || x.getRank() != 4 || w.getRank() != 4 ||
      y.getRank() != 4)
    return std::nullopt;
  std::vector<int64_t> strides = intsOf(op, "strides"),
                       pads = intsOf(op, "pads");
  int64_t sw = strides.size() == 2 ? strides[1] : 1;
  int64_t padL = pads.size() == 4 ? pads[1] : 0, padR = pads.size() == 4 ? pads[3] : 0;
  int64_t wq = (x.getDimSize(3) + padL + padR + sw - 1) / sw;
  int64_t taps = w.getDimSize(2) * w.getDimSize(3);
  return rt::chooseConvPath(/*unit=*/false, /*flat=*/true, w.getDimSize(1),
                            taps, y.getDimSize(2), y.getDimSize(3), wq);
}

/// Whether a 2-D depthwise plane of `op` runs a register-blocked sweep
/// kernel of the runtime (iron/runtime/ConvPath.h); true when unknown.
bool depthwiseSweep(Operation &op) {
  if (op.getNumOperands() < 2)
    return true;
  auto w = dyn_cast<ShapedType>(op.getOperand(1).getType());
  if (!w || !w.hasStaticShape() || w.getRank() != 4)
    return true;
  auto pair = [&](StringRef name) {
    std::vector<int64_t> v = intsOf(op, name);
    return v.size() == 2 ? std::make_pair(v[0], v[1])
                         : std::make_pair(int64_t(1), int64_t(1));
  };
  auto [sh, sw] = pair("strides");
  int64_t dh = pair("dilations").first;
  return rt::depthwiseSweepKernel(w.getDimSize(2), w.getDimSize(3), sh, sw,
                                  dh);
}

/// One op's counts as a kernel after the options; std::nullopt for ops that
/// are not kernels (constants, views, the terminator).
llvm::Expected<std::optional<KernelWork>>
kernelWork(Operation &op, const CostOptions &options, int64_t batch) {
  const std::optional<Precision> &q = options.assumePrecision;
  auto counted = dyn_cast<WorkCountOpInterface>(&op);
  if (!counted || op.hasTrait<OpTrait::ConstantLike>())
    return std::optional<KernelWork>();
  std::vector<std::string> nodes;
  collectNames(op.getLoc(), nodes);
  std::string where = nodes.empty() ? op.getName().getStringRef().str()
                                    : "'" + nodes.front() + "'";
  WorkCount w = counted.countWork();
  if (!w.known)
    return llvm::createStringError(
        "cannot count the work of " +
        op.getName().stripDialect().str() + " node " + where +
        ": a shape is dynamic (pin it with --input-shape or --dim)");
  if (w.kernelClass == KernelClass::None)
    return std::optional<KernelWork>();

  KernelWork k;
  k.kind = op.getName().stripDialect().str();
  k.nodes = std::move(nodes);
  double b = double(batch);
  for (Value r : op.getResults()) {
    k.outputShapes.push_back(printShape(r.getType()));
    if (auto shaped = dyn_cast<ShapedType>(r.getType());
        shaped && shaped.hasStaticShape())
      k.outputElements += double(shaped.getNumElements()) * b;
  }
  k.kernelClass = w.kernelClass;
  for (const auto &kv : w.macs)
    k.macs[assumePrecision(kv.first, q)] += kv.second * b;
  k.otherOps = w.otherOps * b;
  k.transcendentals = w.transcendentals * b;
  k.epilogueOps = w.epilogueOps * b;
  k.epilogueTranscendentals = w.epilogueTranscendentals * b;
  k.arithmeticPrecision = assumePrecision(w.arithmeticPrecision, q);
  for (unsigned i = 0; i < op.getNumOperands() && i < w.operandBytes.size();
       ++i) {
    Value v = op.getOperand(i);
    double bytes = w.operandBytes[i] * precisionScale(v.getType(), q);
    if (isConstant(v)) {
      k.weightBytes += bytes;
    } else {
      k.activationBytes += bytes * b;
      bytes *= b;
    }
    k.traffic.push_back({v, bytes});
  }
  for (unsigned i = 0; i < op.getNumResults() && i < w.resultBytes.size();
       ++i) {
    double bytes = w.resultBytes[i] *
                   precisionScale(op.getResult(i).getType(), q) * b;
    k.activationWriteBytes += bytes;
    k.traffic.push_back({op.getResult(i), bytes});
  }
  k.activationBytes += k.activationWriteBytes;
  if (w.contraction) {
    k.contraction = w.contraction;
    k.contraction->m *= batch;
  }
  k.onnxKinds = w.onnxKinds;
  k.variant = k.kind;
  k.curveClass = stringifyKernelClass(k.kernelClass).str();
  if (k.kernelClass == KernelClass::Depthwise && k.contraction &&
      k.contraction->stride > 1)
    k.curveClass += ".strided";
  // A windowed 2-D convolution the runtime runs through an explicit im2col
  // (small maps with large pads) is far slower per op than one on wide
  // rows: class "contraction.conv.im2col" (then contraction.conv). One
  // with a single input channel runs the depthwise kernel, once per output
  // channel: the depthwise classes.
  if (k.kernelClass == KernelClass::Conv)
    if (std::optional<rt::ConvPath> path = conv2dPath(op)) {
      if (*path == rt::ConvPath::Im2col)
        k.curveClass += ".im2col";
      else if (*path == rt::ConvPath::Depthwise)
        k.curveClass = k.contraction && k.contraction->stride > 1
                           ? "contraction.depthwise.strided"
                           : "contraction.depthwise";
    }
  // A depthwise plane without a register-blocked kernel (a 7x7 or 10x4
  // window, a dilation along the height) runs the generic per-tap loop: class
  // "<depthwise class>.generic" (then the depthwise class).
  if (StringRef(k.curveClass).starts_with("contraction.depthwise") &&
      !depthwiseSweep(op))
    k.curveClass += ".generic";
  // A product with one row or one column (a classifier at batch 1, a 1x1
  // convolution on a 1x1 map: the runtime's matrix-vector kernels, no
  // panels) streams its weights once per use instead of blocking them:
  // class "<class>.gemv" (then the class) where the runtime takes dot
  // products (a column of B contiguous: N = 1, or one row against a
  // transposed B), "contraction.gemm.gevm" where it combines B's rows (one
  // row against a row-major B, or N = 1 with a transposed A). A pointwise
  // convolution's M is its pixels per image, the runtime's GEMM N.
  auto flag = [&](StringRef name) {
    auto a = op.getAttrOfType<IntegerAttr>(name);
    return a && a.getInt() != 0;
  };
  if (w.contraction && k.kernelClass == KernelClass::Gemm &&
      (k.contraction->m == 1 || k.contraction->n == 1)) {
    bool rows = k.contraction->m == 1 ? !flag("transB") : flag("transA");
    k.curveClass += rows ? ".gevm" : ".gemv";
  } else if (w.contraction && k.kernelClass == KernelClass::ConvPointwise &&
             w.contraction->m == 1) {
    k.curveClass += ".gemv";
  }
  // A Gemm with transB = 1 (an exported Linear layer the fusion passes left
  // alone, a vocabulary projection) packs B from its transposed layout with
  // 8x8 in-register transposes, dearer per weight than a row-major B:
  // class "contraction.gemm.transposed" (then contraction.gemm).
  if (k.curveClass == "contraction.gemm" && flag("transB"))
    k.curveClass += ".transposed";
  // An elementwise program costs what its slowest function costs; its
  // curve is keyed by that function ("Elementwise.Tanh").
  if (k.kind == "Elementwise")
    if (auto program = op.getAttrOfType<ArrayAttr>("program")) {
      static const char *const kSlowestFirst[] = {
          "Tanh", "Erf", "Pow", "Log", "Exp", "Sigmoid", "Sqrt"};
      for (const char *fn : kSlowestFirst)
        if (llvm::any_of(program, [&](Attribute a) {
              auto str = dyn_cast<StringAttr>(a);
              return str && str.getValue().split(' ').first == fn;
            })) {
          k.variant = std::string("Elementwise.") + fn;
          break;
        }
    }
  // A transpose that keeps the last axis copies whole rows; one that moves
  // it gathers single elements.
  if (k.kind == "Transpose" && op.getNumOperands() == 1)
    if (auto in = dyn_cast<ShapedType>(op.getOperand(0).getType());
        in && in.hasRank() && in.getRank() > 0) {
      int64_t last = in.getRank() - 1;
      int64_t kept = last;
      if (auto perm = op.getAttrOfType<ArrayAttr>("perm")) {
        if (auto p = dyn_cast<IntegerAttr>(perm[perm.size() - 1]))
          kept = p.getInt();
      } else {
        kept = 0; // no perm: the dims reversed
      }
      if (kept == last && in.getShape()[last] > 1)
        k.variant = "Transpose.rows";
    }
  // GELU's two forms call different functions (erf, tanh).
  if (auto approx = op.getAttrOfType<StringAttr>("approximate");
      approx && k.kind == "Gelu" && approx.getValue() == "tanh")
    k.variant = "GeluTanh";
  // A binary op with an input of another shape than its result runs the
  // runtime's broadcasting loop, much slower per element than the flat one;
  // a one-element input has a flat path of its own (Clip's bounds are
  // parameters, and Iron's fused programs gather broadcast inputs in
  // blocks).
  if (k.kernelClass == KernelClass::Elementwise && k.kind != "Clip" &&
      k.kind != "Elementwise" && op.getNumResults() == 1) {
    // The loop's speed also depends on which operand broadcasts:
    // "Mul.broadcast.first" when the first one does (then "Mul.broadcast").
    auto result = dyn_cast<ShapedType>(op.getResult(0).getType());
    for (auto [i, v] : llvm::enumerate(op.getOperands()))
      if (auto in = dyn_cast<ShapedType>(v.getType());
          result && in && in.hasStaticShape() &&
          in.getShape() != result.getShape() && in.getNumElements() != 1) {
        k.variant += i == 0 ? ".broadcast.first" : ".broadcast";
        break;
      }
  }
  if (w.epilogueOps > 0 || w.epilogueTranscendentals > 0) {
    auto act = op.getAttrOfType<StringAttr>("activation");
    k.epilogueVariant = "epilogue." + (act && !act.getValue().empty()
                                           ? act.getValue().str()
                                           : std::string("none"));
  }
  return std::optional<KernelWork>(std::move(k));
}

llvm::Expected<Kernels> collectKernels(ModuleOp module,
                                       const CostOptions &options,
                                       int64_t batch) {
  func::FuncOp func;
  module.walk([&](func::FuncOp f) {
    if (!func)
      func = f;
  });
  if (!func || func.isExternal())
    return llvm::createStringError("the module has no function to analyse");

  Kernels out;
  const std::optional<Precision> &q = options.assumePrecision;
  for (Operation &op : func.getBody().front()) {
    if (op.hasTrait<OpTrait::ConstantLike>()) {
      if (op.getNumResults() == 1)
        if (auto t = dyn_cast<ShapedType>(op.getResult(0).getType()))
          if (t.hasStaticShape())
            out.weightBytes +=
                double(tensorBytes(t)) * precisionScale(t, q);
      continue;
    }
    auto k = kernelWork(op, options, batch);
    if (!k)
      return k.takeError();
    if (*k)
      out.kernels.push_back(std::move(**k));
  }

  // The arena at the chosen batch and precision: activations scale with
  // both (an estimate when the batch is not the model's own).
  FailureOr<MemoryPlan> plan = planMemory(func);
  if (failed(plan))
    return llvm::createStringError("cannot plan the model's memory");
  double arenaScale = double(batch);
  if (q)
    arenaScale *= double(precisionBits(*q)) / 32.0;
  out.arenaBytes = double(plan->arenaBytes) * arenaScale;
  layOutAccesses(out.kernels, *plan, arenaScale, q);
  return out;
}

//===----------------------------------------------------------------------===//
// Evaluating one kernel on one target
//===----------------------------------------------------------------------===//

/// Multipliers on target parameters, for sensitivities and inverse
/// rooflines (1 = as in the file).
struct Scales {
  std::map<std::string, double> peak, eta, bandwidth;
  double launch = 1.0;

  static double get(const std::map<std::string, double> &m,
                    const std::string &key) {
    auto it = m.find(key);
    return it == m.end() ? 1.0 : it->second;
  }
};

/// `corner` -1 asks for the smallest result (fast rates, small overheads
/// and energies), +1 for the largest, 0 for nominal values.
double rate(const Quantity &q, int corner) {
  if (!q.hasRange || corner == 0)
    return q.value;
  return corner < 0 ? q.high : q.low;
}
double cost(const Quantity &q, int corner) {
  if (!q.hasRange || corner == 0)
    return q.value;
  return corner < 0 ? q.low : q.high;
}

/// Precisions to try, in order, when a unit has no peak at `p`.
std::vector<Precision> widenings(Precision p) {
  switch (p) {
  case Precision::INT4:
    return {Precision::INT4, Precision::INT8, Precision::INT16,
            Precision::INT32, Precision::FP16, Precision::FP32};
  case Precision::INT8:
    return {Precision::INT8, Precision::INT16, Precision::INT32,
            Precision::FP16, Precision::FP32};
  case Precision::INT16:
    return {Precision::INT16, Precision::INT32, Precision::FP32};
  case Precision::INT32:
    return {Precision::INT32, Precision::FP32};
  case Precision::FP8:
    return {Precision::FP8, Precision::FP16, Precision::FP32};
  case Precision::FP16:
    return {Precision::FP16, Precision::FP32};
  case Precision::BF16:
    return {Precision::BF16, Precision::FP32};
  case Precision::TF32:
    return {Precision::TF32, Precision::FP32};
  case Precision::FP32:
    return {Precision::FP32};
  case Precision::FP64:
    return {Precision::FP64};
  }
  return {p};
}

bool isContraction(KernelClass c) {
  return c == KernelClass::Gemm || c == KernelClass::Conv ||
         c == KernelClass::ConvPointwise || c == KernelClass::Depthwise ||
         c == KernelClass::Recurrent;
}

struct UnitChoice {
  const ComputeUnit *unit = nullptr;
  /// The precision the unit runs the MACs at, and the other arithmetic at.
  Precision macPrecision = Precision::FP32, arithPrecision = Precision::FP32;
  bool fallback = false;
  const FallbackSpec *fallbackSpec = nullptr;
  /// Whether the kernel starts or ends a run of consecutive kernels on its
  /// unit (a delegate partition, or a stretch of fallback kernels).
  bool startsRun = true, endsRun = true;
};

/// Marks the runs of consecutive kernels on the same unit.
void markRuns(std::vector<UnitChoice> &choices) {
  for (size_t i = 0; i < choices.size(); ++i) {
    choices[i].startsRun = i == 0 || choices[i - 1].unit != choices[i].unit;
    choices[i].endsRun =
        i + 1 == choices.size() || choices[i + 1].unit != choices[i].unit;
  }
}

std::optional<Precision> firstSupported(const ComputeUnit &u, Precision p) {
  for (Precision w : widenings(p))
    if (u.peak(w))
      return w;
  return std::nullopt;
}

/// Which entry of the unit's efficiency model gives a kernel its curve.
std::string curveKey(const ComputeUnit &u, const KernelWork &k) {
  if (!u.efficiency)
    return "";
  const EfficiencyModel &m = *u.efficiency;
  if (const EfficiencyCurve *c = m.forVariant(k.variant))
    for (const auto &kv : m.kernels)
      if (&kv.second == c)
        return "kernels." + kv.first;
  StringRef name = k.curveClass;
  while (!name.empty()) {
    if (m.classes.count(name.str()))
      return "classes." + name.str();
    size_t dot = name.rfind('.');
    if (dot == StringRef::npos)
      break;
    name = name.take_front(dot);
  }
  return "default";
}

/// The efficiency of `ops` operations of class `c` on `u` (no tiling).
/// The `stall` of the curve that applies to `k`, else of its class curve.
double curveStall(const ComputeUnit &u, const KernelWork &k, int etaCorner) {
  if (!u.efficiency)
    return 0;
  const EfficiencyCurve &c =
      u.efficiency->forKernel(k.variant, k.curveClass);
  if (c.params.count("stall"))
    return c.stall(etaCorner);
  // Else the nearest class curve that states one: a refined class
  // (contraction.gemm.transposed, contraction.depthwise.generic) misses
  // its data as its parent class does, which the probe measures.
  return u.efficiency->forClass(k.curveClass, "stall").stall(etaCorner);
}

double classEta(const ComputeUnit &u, KernelClass c, double ops,
                int etaCorner) {
  if (!u.efficiency)
    return 1.0;
  return u.efficiency->forClass(stringifyKernelClass(c))
      .evaluate(ops, etaCorner);
}

double curveEta(const ComputeUnit &u, const KernelWork &k, int etaCorner) {
  if (!u.efficiency)
    return 1.0;
  const EfficiencyCurve &curve =
      u.efficiency->forKernel(k.variant, k.curveClass);
  // A contraction's operands; any other kernel's results (a reduction's
  // per-output cost: GlobalAveragePool's horizontal sums).
  EfficiencyCurve::Elements elements;
  if (k.contraction)
    elements = {k.contraction->weightElements(),
                k.contraction->inputElements(),
                k.contraction->outputElements()};
  else
    elements.output = k.outputElements;
  double eta = curve.evaluate(k.arithmeticOps(), etaCorner, elements);
  if (curve.tiling && k.contraction)
    eta *= curve.tiling->utilization(k.contraction->batch, k.contraction->m,
                                     k.contraction->n, k.contraction->k,
                                     k.contraction->width);
  return eta;
}

UnitChoice chooseUnit(const TargetDescription &t, const KernelWork &k) {
  UnitChoice best;
  double bestRate = -1;
  bool contraction = isContraction(k.kernelClass);
  // On an NPU target the delegate takes every op it supports (the vendor
  // stack partitions by support, not by speed); elsewhere the fastest unit
  // runs the kernel.
  bool delegateFirst = false;
  if (t.kind == TargetKind::NPU)
    for (const ComputeUnit &u : t.compute)
      if (!u.ops.all && k.supportedBy(u.ops) &&
          firstSupported(u, k.mainPrecision()) &&
          firstSupported(u, k.arithmeticPrecision))
        delegateFirst = true;
  for (const ComputeUnit &u : t.compute) {
    if (!k.supportedBy(u.ops))
      continue;
    if (delegateFirst && u.ops.all)
      continue;
    if (u.unitClass == UnitClass::Matrix && u.ops.all && !contraction)
      continue;
    std::optional<Precision> mp = firstSupported(u, k.mainPrecision());
    std::optional<Precision> ap = firstSupported(u, k.arithmeticPrecision);
    if (!mp || !ap)
      continue;
    double r = u.peak(*mp)->value * std::max(curveEta(u, k, 0), 1e-12);
    if (r > bestRate) {
      bestRate = r;
      best.unit = &u;
      best.macPrecision = *mp;
      best.arithPrecision = *ap;
    }
  }
  if (!best.unit)
    return best;
  // A unit that another unit falls back to runs the op as a fallback when
  // that unit cannot: the kernel pays the round trip (an NPU graph handing
  // one op to the CPU).
  for (const ComputeUnit &u : t.compute)
    if (u.ops.fallback && u.ops.fallback->unit == best.unit->name &&
        !k.supportedBy(u.ops)) {
      best.fallback = true;
      best.fallbackSpec = &*u.ops.fallback;
      break;
    }
  return best;
}

/// The fastest level holding `role` with room for `bytes`; the largest
/// level holding it when none has room. A level without a bandwidth can be
/// chosen: it holds the data but never limits traffic (docs/cost-model.md).
const MemoryLevel *placeData(const TargetDescription &t, MemoryRole role,
                             double bytes, bool skipCaches = false) {
  const MemoryLevel *largest = nullptr;
  for (const MemoryLevel &l : t.memory) {
    if (!l.holdsRole(role) || (skipCaches && l.cache))
      continue;
    if (bytes <= l.capacityBytes.value)
      return &l;
    if (!largest || l.capacityBytes.value > largest->capacityBytes.value)
      largest = &l;
  }
  return largest;
}

struct Evaluation {
  double computeS = 0, memoryS = 0, overheadS = 0, latencyS = 0;
  /// Transfer time of the activation bytes no cache holds, and the time
  /// they add to the compute (stallBaseS x the curve's `stall`).
  double stallBaseS = 0, memoryStallS = 0;
  /// The part of computeS spent in a fused epilogue.
  double epilogueS = 0;
  double energyJ = 0;
  double computeEnergyJ = 0, dataEnergyJ = 0, staticEnergyJ = 0;
  double eta = 0;
  std::map<std::string, double> bytesByLevel;
};

struct Context {
  const TargetDescription &target;
  const PowerMode *mode = nullptr;
  double modelWeightBytes = 0;
  /// The planned arena; 0 when unknown (a subgraph costed for fusion).
  double arenaBytes = 0;
};

/// Where weights are read from: the fastest level that keeps all of them
/// resident from one inference to the next. A level that also holds
/// activations must fit the arena beside them, or each inference's
/// activations evict the weights (a CPU's last-level cache).
const MemoryLevel *placeWeights(const TargetDescription &t, double weights,
                                double arena, bool skipCaches = false) {
  const MemoryLevel *largest = nullptr;
  for (const MemoryLevel &l : t.memory) {
    if (!l.holdsRole(MemoryRole::Weights) || (skipCaches && l.cache))
      continue;
    double need =
        weights + (l.holdsRole(MemoryRole::Activations) ? arena : 0.0);
    if (need <= l.capacityBytes.value)
      return &l;
    if (!largest || l.capacityBytes.value > largest->capacityBytes.value)
      largest = &l;
  }
  return largest;
}

double pjPerOp(const TargetDescription &t, Precision p, int corner) {
  if (!t.energy)
    return 0;
  for (Precision w : widenings(p)) {
    auto it = t.energy->pjPerOp.find(w);
    if (it != t.energy->pjPerOp.end())
      return cost(it->second, corner);
  }
  return 0;
}

Evaluation evaluate(const Context &c, const KernelWork &k,
                    const UnitChoice &choice, int corner,
                    const Scales &scales) {
  Evaluation e;
  const TargetDescription &t = c.target;
  const ComputeUnit &u = *choice.unit;

  // Compute term.
  double clock = c.mode ? c.mode->scaleFor(u.name) : 1.0;
  double peakScale = Scales::get(scales.peak, u.name) * clock;
  e.eta = curveEta(u, k, -corner) * Scales::get(scales.eta, u.name);
  double eta = std::max(e.eta, 1e-12);
  double tOps = u.transcendentalOps ? cost(*u.transcendentalOps, corner) : 1.0;
  double macOps = 2 * k.totalMACs();
  double epilogueOps = k.epilogueOps + k.epilogueTranscendentals * tOps;
  double arithOps = k.otherOps + k.transcendentals * tOps - epilogueOps;
  if (macOps > 0)
    e.computeS +=
        macOps / (rate(*u.peak(choice.macPrecision), corner) * peakScale * eta);
  if (arithOps > 0)
    e.computeS += arithOps / (rate(*u.peak(choice.arithPrecision), corner) *
                              peakScale * eta);
  // A fused epilogue is elementwise work on data already in registers or
  // cache: it runs at the unit's elementwise efficiency, not the kernel's.
  // A target that measured its epilogues says so in `efficiency.kernels`.
  if (epilogueOps > 0) {
    const EfficiencyCurve *epilogueCurve =
        u.efficiency ? u.efficiency->forVariant(k.epilogueVariant) : nullptr;
    double epilogueEta =
        std::max((epilogueCurve
                      ? epilogueCurve->evaluate(epilogueOps, -corner)
                      : classEta(u, KernelClass::Elementwise, epilogueOps,
                                 -corner)) *
                     Scales::get(scales.eta, u.name),
                 1e-12);
    e.epilogueS = epilogueOps / (rate(*u.peak(choice.arithPrecision), corner) *
                                 peakScale * epilogueEta);
    e.computeS += e.epilogueS;
  }

  // Memory term: weights and activations at their levels. With simulated
  // caches, what a cache serves is charged to it and the rest to the level
  // the data is placed in (caches left out).
  if (k.simulated) {
    for (const auto &kv : k.cachedBytes)
      e.bytesByLevel[kv.first] += kv.second;
    const MemoryLevel *wl =
        placeWeights(t, c.modelWeightBytes, c.arenaBytes, /*skipCaches=*/true);
    const MemoryLevel *al = placeData(t, MemoryRole::Activations,
                                      c.arenaBytes, /*skipCaches=*/true);
    auto transferS = [&](const MemoryLevel *l, double bytes) {
      return l && l->bandwidthBytesPerS && bytes > 0
                 ? bytes / (rate(*l->bandwidthBytesPerS, corner) *
                            Scales::get(scales.bandwidth, l->name))
                 : 0.0;
    };
    if (wl && k.missedWeightBytes > 0)
      e.bytesByLevel[wl->name] += k.missedWeightBytes;
    if (al && k.missedActivationBytes > 0)
      e.bytesByLevel[al->name] += k.missedActivationBytes;
    // Data that no cache holds stalls the kernel's compute by the curve's
    // `stall` times its transfer time: activations, and the weights of a
    // matrix product, which the SGEMM packs into panels (its B operand)
    // before it computes on them. A convolution's weights are its SGEMM's
    // A, read in place and prefetched while it computes; a matrix-vector
    // product streams its weights at the bandwidth (T_m bounds it).
    e.stallBaseS = transferS(al, k.missedActivationBytes);
    if (k.curveClass == "contraction.gemm" ||
        k.curveClass == "contraction.gemm.transposed")
      e.stallBaseS += transferS(wl, k.missedWeightBytes);
    if (e.stallBaseS > 0)
      e.memoryStallS = curveStall(u, k, -corner) * e.stallBaseS;
  } else {
    const MemoryLevel *wl = placeWeights(t, c.modelWeightBytes, c.arenaBytes);
    const MemoryLevel *al =
        placeData(t, MemoryRole::Activations, k.activationBytes);
    if (wl && k.weightBytes > 0)
      e.bytesByLevel[wl->name] += k.weightBytes;
    if (al && k.activationBytes > 0)
      e.bytesByLevel[al->name] += k.activationBytes;
  }
  for (const auto &kv : e.bytesByLevel) {
    const MemoryLevel *l = t.findMemory(kv.first);
    if (l->bandwidthBytesPerS) {
      double bw = rate(*l->bandwidthBytesPerS, corner) *
                  Scales::get(scales.bandwidth, l->name);
      e.memoryS = std::max(e.memoryS, kv.second / bw);
    }
    if (l->energyPjPerByte)
      e.dataEnergyJ += kv.second * cost(*l->energyPjPerByte, corner) * 1e-12;
  }

  // Fixed overhead; a delegate call per partition; the round trip of a
  // stretch of fallback kernels (inputs in when it starts, outputs back when
  // it ends).
  e.overheadS = cost(t.overhead.kernelLaunchS, corner) * scales.launch;
  if (!u.ops.all && choice.startsRun && t.overhead.delegateCallS)
    e.overheadS += cost(*t.overhead.delegateCallS, corner) * scales.launch;
  if (choice.fallback && choice.fallbackSpec) {
    double link = rate(choice.fallbackSpec->transferBytesPerS, corner);
    if (choice.startsRun) {
      e.overheadS += (k.activationBytes - k.activationWriteBytes) / link;
      if (choice.fallbackSpec->overheadS)
        e.overheadS += cost(*choice.fallbackSpec->overheadS, corner);
    }
    if (choice.endsRun)
      e.overheadS += k.activationWriteBytes / link;
  }

  // The core waits out the stall: it adds to the compute, under the
  // bandwidth bound.
  e.latencyS =
      std::max(e.computeS + e.memoryStallS, e.memoryS) + e.overheadS;

  e.computeEnergyJ = (macOps * pjPerOp(t, choice.macPrecision, corner) +
                      arithOps * pjPerOp(t, choice.arithPrecision, corner)) *
                     1e-12;
  if (t.energy && t.energy->staticPowerW)
    e.staticEnergyJ = cost(*t.energy->staticPowerW, corner) * e.latencyS;
  e.energyJ = e.computeEnergyJ + e.dataEnergyJ + e.staticEnergyJ;
  return e;
}

struct Totals {
  double latencyS = 0, energyJ = 0;
  double computeEnergyJ = 0, dataEnergyJ = 0, staticEnergyJ = 0;
};

Totals evaluateModel(const Context &c, const std::vector<KernelWork> &ks,
                     const std::vector<UnitChoice> &choices, int corner,
                     const Scales &scales) {
  Totals t;
  for (size_t i = 0; i < ks.size(); ++i) {
    Evaluation e = evaluate(c, ks[i], choices[i], corner, scales);
    t.latencyS += e.latencyS;
    t.energyJ += e.energyJ;
    t.computeEnergyJ += e.computeEnergyJ;
    t.dataEnergyJ += e.dataEnergyJ;
    t.staticEnergyJ += e.staticEnergyJ;
  }
  if (c.target.overhead.inferenceS)
    t.latencyS += cost(*c.target.overhead.inferenceS, corner) * scales.launch;
  return t;
}

std::string unitField(const TargetDescription &t, const std::string &unit) {
  for (size_t i = 0; i < t.compute.size(); ++i)
    if (t.compute[i].name == unit)
      return "compute[" + std::to_string(i) + "] (" + unit + ")";
  return unit;
}
std::string levelField(const TargetDescription &t, const std::string &level) {
  for (size_t i = 0; i < t.memory.size(); ++i)
    if (t.memory[i].name == level)
      return "memory[" + std::to_string(i) + "] (" + level + ")";
  return level;
}

/// The smallest multiplier s in [1, hi] of one parameter group for which
/// `latency(s) <= limit`, or -1 when even `hi` does not reach it.
template <typename F>
double solveGrowth(F latency, double limit, double hi = 1e6) {
  if (latency(hi) > limit)
    return -1;
  double lo = 1;
  for (int i = 0; i < 100 && hi / lo > 1 + 1e-6; ++i) {
    double mid = std::sqrt(lo * hi);
    if (latency(mid) <= limit)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

} // namespace

llvm::Expected<ModelCost> analyzeModel(ModuleOp module,
                                       const TargetDescription &target,
                                       const CostOptions &options) {
  if (options.batch < 1)
    return llvm::createStringError("--batch must be at least 1");
  const PowerMode *mode = nullptr;
  if (!options.powerMode.empty()) {
    mode = target.findPowerMode(options.powerMode);
    if (!mode) {
      std::string known;
      for (const PowerMode &m : target.powerModes)
        known += (known.empty() ? "" : ", ") + m.name;
      return llvm::createStringError(
          "target '" + target.name + "' has no power mode '" +
          options.powerMode + "'" +
          (known.empty() ? std::string(" (it has none)")
                         : " (it has: " + known + ")"));
    }
  }

  auto work = collectKernels(module, options, options.batch);
  if (!work)
    return work.takeError();

  ModelCost mc;
  mc.targetName = target.name;
  mc.targetKind = stringifyTargetKind(target.kind).str();
  mc.targetPath = target.path;
  mc.softwareStack = target.softwareStack.name;
  mc.powerMode = options.powerMode;
  mc.energyModel = target.energy ? target.energy->model : "none";
  mc.batch = options.batch;
  mc.assumedPrecision = options.assumePrecision;
  mc.weightBytes = work->weightBytes;
  mc.arenaBytes = work->arenaBytes;

  Context ctx{target, mode, work->weightBytes, work->arenaBytes};
  simulateCaches(target, work->kernels);
  std::vector<UnitChoice> choices;
  std::set<std::string> noUnit;
  for (const KernelWork &k : work->kernels) {
    UnitChoice c = chooseUnit(target, k);
    if (!c.unit)
      return llvm::createStringError(
          "target '" + target.name + "' has no compute unit that runs " +
          k.kind + " at " + stringifyPrecision(k.mainPrecision()).str() +
          (k.nodes.empty() ? "" : " (node '" + k.nodes.front() + "')"));
    choices.push_back(c);
  }
  markRuns(choices);

  Scales none;
  std::set<Precision> missingEnergy;
  double nominalTotal = 0;
  for (size_t i = 0; i < work->kernels.size(); ++i) {
    const KernelWork &k = work->kernels[i];
    const UnitChoice &c = choices[i];
    Evaluation e = evaluate(ctx, k, c, 0, none);
    Evaluation lo = evaluate(ctx, k, c, -1, none);
    Evaluation hi = evaluate(ctx, k, c, +1, none);
    KernelCost kc;
    kc.index = unsigned(i);
    kc.kind = k.kind;
    kc.nodes = k.nodes;
    kc.kernelClass = k.kernelClass;
    kc.outputShapes = k.outputShapes;
    kc.outputBytes = k.activationWriteBytes;
    kc.unit = c.unit->name;
    kc.precision = c.macPrecision;
    if (k.totalMACs() == 0)
      kc.precision = c.arithPrecision;
    kc.fallback = c.fallback;
    kc.macs = k.totalMACs();
    kc.ops = k.arithmeticOps();
    kc.transcendentals = k.transcendentals;
    kc.bytes = k.weightBytes + k.activationBytes;
    kc.bytesByLevel = e.bytesByLevel;
    kc.intensity = kc.bytes > 0 ? kc.ops / kc.bytes : 0;
    kc.eta = e.eta;
    kc.variant = k.variant;
    kc.epilogueVariant = k.epilogueVariant;
    kc.curveClass = k.curveClass;
    kc.curve = curveKey(*c.unit, k);
    kc.epilogueOps = k.epilogueOps;
    kc.epilogueTranscendentals = k.epilogueTranscendentals;
    kc.epilogueS = e.epilogueS;
    kc.computeS = e.computeS;
    kc.memoryS = e.memoryS;
    kc.memoryStallS = e.memoryStallS;
    kc.stallBaseS = e.stallBaseS;
    kc.overheadS = e.overheadS;
    kc.bound = Bound::Compute;
    if (e.memoryS > e.computeS)
      kc.bound = Bound::Memory;
    if (e.overheadS > std::max(e.computeS, e.memoryS))
      kc.bound = Bound::Overhead;
    kc.latencyS = {e.latencyS, lo.latencyS, hi.latencyS};
    kc.energyJ = {e.energyJ, lo.energyJ, hi.energyJ};
    nominalTotal += e.latencyS;
    switch (kc.bound) {
    case Bound::Compute:
      mc.computeBoundS += e.latencyS;
      break;
    case Bound::Memory:
      mc.memoryBoundS += e.latencyS;
      break;
    case Bound::Overhead:
      mc.overheadBoundS += e.latencyS;
      break;
    }
    mc.macs += kc.macs;
    mc.ops += kc.ops;
    mc.bytes += kc.bytes;
    if (target.energy) {
      for (Precision p : {c.macPrecision, c.arithPrecision})
        if ((p == c.macPrecision ? kc.macs : k.otherOps) > 0 &&
            pjPerOp(target, p, 0) == 0)
          missingEnergy.insert(p);
    }
    mc.kernels.push_back(std::move(kc));
  }

  Totals t0 = evaluateModel(ctx, work->kernels, choices, 0, none);
  Totals tl = evaluateModel(ctx, work->kernels, choices, -1, none);
  Totals th = evaluateModel(ctx, work->kernels, choices, +1, none);
  mc.latencyS = {t0.latencyS, tl.latencyS, th.latencyS};
  mc.energyJ = {t0.energyJ, tl.energyJ, th.energyJ};
  mc.inferenceOverheadS =
      target.overhead.inferenceS ? target.overhead.inferenceS->value : 0;
  for (KernelCost &k : mc.kernels)
    k.share = t0.latencyS > 0 ? k.latencyS.value / t0.latencyS : 0;
  mc.throughputPerS = t0.latencyS > 0 ? double(mc.batch) / t0.latencyS : 0;
  mc.latencyBatch1S = mc.latencyS;
  if (options.batch != 1) {
    CostOptions one = options;
    one.batch = 1;
    one.latencyBudgetS.reset();
    one.energyBudgetJ.reset();
    one.memoryBudgetBytes.reset();
    one.sensitivities = false;
    auto b1 = analyzeModel(module, target, one);
    if (!b1)
      return b1.takeError();
    mc.latencyBatch1S = b1->latencyS;
  }

  // Roofs for the chart: every unit at the precisions the kernels use, and
  // every level with a bandwidth.
  std::set<std::pair<std::string, Precision>> used;
  for (size_t i = 0; i < choices.size(); ++i) {
    used.insert({choices[i].unit->name, choices[i].macPrecision});
    used.insert({choices[i].unit->name, choices[i].arithPrecision});
  }
  for (const auto &up : used) {
    const ComputeUnit *u = target.findUnit(up.first);
    double clock = mode ? mode->scaleFor(u->name) : 1.0;
    mc.computeRoofs.push_back(
        {up.first, up.second, u->peak(up.second)->value * clock});
  }
  for (const MemoryLevel &l : target.memory)
    if (l.bandwidthBytesPerS)
      mc.memoryRoofs.push_back({l.name, l.bandwidthBytesPerS->value});

  // Memory verdicts: the largest level of each role must hold its data.
  const MemoryLevel *wLevel = nullptr, *aLevel = nullptr;
  for (const MemoryLevel &l : target.memory) {
    if (l.holdsRole(MemoryRole::Weights) &&
        (!wLevel || l.capacityBytes.value > wLevel->capacityBytes.value))
      wLevel = &l;
    if (l.holdsRole(MemoryRole::Activations) &&
        (!aLevel || l.capacityBytes.value > aLevel->capacityBytes.value))
      aLevel = &l;
  }
  auto verdict = [&](const MemoryLevel *l, const char *holds, double bytes) {
    MemoryVerdict v;
    v.level = l->name;
    v.holds = holds;
    v.capacityBytes = l->capacityBytes.value;
    v.requiredBytes = bytes;
    v.fits = bytes <= v.capacityBytes;
    mc.memory.push_back(v);
  };
  if (wLevel && wLevel == aLevel) {
    verdict(wLevel, "weights+activations", mc.weightBytes + mc.arenaBytes);
  } else {
    if (wLevel)
      verdict(wLevel, "weights", mc.weightBytes);
    if (aLevel)
      verdict(aLevel, "activations", mc.arenaBytes);
  }
  for (const MemoryLevel &l : target.memory)
    if (l.holdsRole(MemoryRole::Code) && &l == wLevel)
      mc.notes.push_back("'" + l.name +
                         "' also holds the code; its size is not counted");

  // Notes the reader must see.
  if (options.assumePrecision)
    mc.notes.push_back(
        "analysed as if every floating-point tensor and MAC were " +
        stringifyPrecision(*options.assumePrecision).str() +
        " (--assume-precision); the model itself is not quantized");
  if (options.batch != 1)
    mc.notes.push_back("batch " + std::to_string(options.batch) +
                       ": activation work and the arena scale with the "
                       "batch, weight traffic does not");
  if (!target.energy)
    mc.notes.push_back("the target has no energy model: energy is not "
                       "predicted");
  else if (!target.energy->staticPowerW)
    mc.notes.push_back("the target states no static power: energy counts "
                       "actions only and is a lower bound");
  for (Precision p : missingEnergy)
    mc.notes.push_back("no energy per " + stringifyPrecision(p).str() +
                       " op in the target: those ops count 0 pJ");
  for (const KernelCost &k : mc.kernels)
    if (k.fallback) {
      mc.notes.push_back("some kernels run on a fallback unit (see "
                         "'fallback' per kernel)");
      break;
    }

  // Sensitivities and budgets need the model at changed parameters.
  std::set<std::string> units, levels;
  for (const KernelCost &k : mc.kernels) {
    units.insert(k.unit);
    for (const auto &kv : k.bytesByLevel)
      levels.insert(kv.first);
  }
  auto latencyWith = [&](const Scales &s) {
    return evaluateModel(ctx, work->kernels, choices, 0, s).latencyS;
  };
  bool wantBudgets = options.latencyBudgetS || options.energyBudgetJ ||
                     options.memoryBudgetBytes;
  if ((options.sensitivities || wantBudgets) && t0.latencyS > 0) {
    auto elasticity = [&](auto set) {
      Scales up, down;
      set(up, 1.01);
      set(down, 0.99);
      return (std::log(latencyWith(up)) - std::log(latencyWith(down))) /
             (std::log(1.01) - std::log(0.99));
    };
    for (const std::string &u : units) {
      mc.sensitivities.push_back(
          {unitField(target, u) + ".peak_ops_per_s",
           elasticity([&](Scales &s, double f) { s.peak[u] = f; })});
      const ComputeUnit *cu = target.findUnit(u);
      if (cu && cu->efficiency)
        mc.sensitivities.push_back(
            {unitField(target, u) + ".efficiency",
             elasticity([&](Scales &s, double f) { s.eta[u] = f; })});
    }
    for (const std::string &l : levels)
      mc.sensitivities.push_back(
          {levelField(target, l) + ".bandwidth_bytes_per_s",
           elasticity([&](Scales &s, double f) { s.bandwidth[l] = f; })});
    mc.sensitivities.push_back(
        {"overhead.kernel_launch_s",
         elasticity([&](Scales &s, double f) { s.launch = f; })});
    std::stable_sort(mc.sensitivities.begin(), mc.sensitivities.end(),
                     [](const Sensitivity &a, const Sensitivity &b) {
                       return std::fabs(a.elasticity) >
                              std::fabs(b.elasticity);
                     });
  }

  if (options.latencyBudgetS) {
    BudgetResult b;
    b.kind = "latency";
    b.limit = *options.latencyBudgetS;
    b.predicted = t0.latencyS;
    b.pass = b.predicted <= b.limit;
    if (!b.pass) {
      b.bindingTerm = "compute";
      if (mc.memoryBoundS > mc.computeBoundS)
        b.bindingTerm = "memory";
      if (mc.overheadBoundS > std::max(mc.computeBoundS, mc.memoryBoundS))
        b.bindingTerm = "overhead";
      for (const std::string &u : units) {
        const ComputeUnit *cu = target.findUnit(u);
        double s = solveGrowth(
            [&](double f) {
              Scales sc;
              sc.peak[u] = f;
              return latencyWith(sc);
            },
            b.limit);
        // Report against the unit's highest peak the kernels use.
        double current = 0;
        for (const auto &kv : cu->peakOpsPerS)
          current = std::max(current, kv.second.value);
        b.requirements.push_back({unitField(target, u) + ".peak_ops_per_s",
                                  current, s < 0 ? -1 : current * s});
      }
      for (const std::string &l : levels) {
        const MemoryLevel *ml = target.findMemory(l);
        double s = solveGrowth(
            [&](double f) {
              Scales sc;
              sc.bandwidth[l] = f;
              return latencyWith(sc);
            },
            b.limit);
        double current = ml->bandwidthBytesPerS->value;
        b.requirements.push_back(
            {levelField(target, l) + ".bandwidth_bytes_per_s", current,
             s < 0 ? -1 : current * s});
      }
      // Overhead: the largest launch cost that still meets the budget.
      double current = target.overhead.kernelLaunchS.value;
      double required = -1;
      Scales zero;
      zero.launch = 0;
      if (latencyWith(zero) <= b.limit && current > 0) {
        double lo = 0, hi = 1;
        for (int i = 0; i < 60; ++i) {
          double mid = 0.5 * (lo + hi);
          Scales sc;
          sc.launch = mid;
          (latencyWith(sc) <= b.limit ? lo : hi) = mid;
        }
        required = current * lo;
      }
      b.requirements.push_back({"overhead.kernel_launch_s", current, required});
    }
    mc.budgets.push_back(std::move(b));
  }
  if (options.energyBudgetJ) {
    BudgetResult b;
    b.kind = "energy";
    b.limit = *options.energyBudgetJ;
    b.predicted = t0.energyJ;
    b.pass = b.predicted <= b.limit;
    if (!b.pass) {
      b.bindingTerm = "compute";
      double most = t0.computeEnergyJ;
      if (t0.dataEnergyJ > most) {
        most = t0.dataEnergyJ;
        b.bindingTerm = "memory";
      }
      if (t0.staticEnergyJ > most)
        b.bindingTerm = "static";
    }
    mc.budgets.push_back(std::move(b));
  }
  if (options.memoryBudgetBytes) {
    BudgetResult b;
    b.kind = "memory";
    b.limit = *options.memoryBudgetBytes;
    b.predicted = mc.weightBytes + mc.arenaBytes;
    b.pass = b.predicted <= b.limit;
    if (!b.pass)
      b.bindingTerm = mc.weightBytes > mc.arenaBytes ? "weights" : "arena";
    mc.budgets.push_back(std::move(b));
  }
  if (!options.sensitivities)
    mc.sensitivities.clear();
  return mc;
}

llvm::Expected<double> predictKernelsSeconds(ArrayRef<Operation *> ops,
                                             const TargetDescription &target,
                                             const CostOptions &options) {
  // Weights are placed by the whole model's weight bytes, as in place.
  double weightBytes = 0;
  if (!ops.empty())
    if (auto func = ops.front()->getParentOfType<func::FuncOp>())
      for (Operation &op : func.getBody().front())
        if (op.hasTrait<OpTrait::ConstantLike>() && op.getNumResults() == 1)
          if (auto t = dyn_cast<ShapedType>(op.getResult(0).getType()))
            if (t.hasStaticShape())
              weightBytes += double(tensorBytes(t)) *
                             precisionScale(t, options.assumePrecision);
  std::vector<KernelWork> kernels;
  for (Operation *op : ops) {
    auto k = kernelWork(*op, options, options.batch);
    if (!k)
      return k.takeError();
    if (*k)
      kernels.push_back(std::move(**k));
  }
  std::vector<UnitChoice> choices;
  for (const KernelWork &k : kernels) {
    UnitChoice c = chooseUnit(target, k);
    if (!c.unit)
      return llvm::createStringError("target '" + target.name +
                                     "' has no compute unit that runs " +
                                     k.kind);
    choices.push_back(c);
  }
  markRuns(choices);
  const PowerMode *mode =
      options.powerMode.empty() ? nullptr
                                : target.findPowerMode(options.powerMode);
  Context ctx{target, mode, weightBytes};
  double seconds = 0;
  for (size_t i = 0; i < kernels.size(); ++i)
    seconds += evaluate(ctx, kernels[i], choices[i], 0, Scales()).latencyS;
  return seconds;
}

} // namespace iron
