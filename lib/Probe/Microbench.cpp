//===- Microbench.cpp - Timing runtime kernels on synthetic graphs --------===//

#include "Microbench.h"

#include "iron/Dialect/IronDialect.h"
#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/Passes/Fusion.h"
#include "iron/runtime/HostBuffer.h"
#include "iron/runtime/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/ErrorHandling.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <time.h>

using namespace mlir;

namespace iron::probe {

std::string GraphSpec::onnxText() const {
  std::string s = "<ir_version: 8, opset_import: [\"\" : 17]>\n";
  s += "probe (";
  for (size_t i = 0; i < inputs.size(); ++i)
    s += (i ? ", " : "") + inputs[i];
  s += ") => (";
  for (size_t i = 0; i < outputs.size(); ++i)
    s += (i ? ", " : "") + outputs[i];
  s += ")\n";
  if (!initializers.empty()) {
    s += "<";
    for (size_t i = 0; i < initializers.size(); ++i)
      s += (i ? ", " : "") + initializers[i];
    s += ">\n";
  }
  s += "{\n";
  for (const std::string &n : nodes)
    s += "  " + n + "\n";
  s += "}\n";
  return s;
}

namespace {

/// Random bytes shared by every weight constant: blobs point into it
/// without owning it, so keeping hundreds of modules costs no memory. A
/// larger request adds a larger pool; earlier ones stay for their blobs.
ArrayRef<char> weightBytes(size_t bytes) {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<float[]>> pools;
  static size_t largest = 0;
  std::lock_guard<std::mutex> lock(mutex);
  if (bytes > largest) {
    size_t floats = std::max<size_t>(bytes / sizeof(float) + 16, 1 << 16);
    auto pool = std::make_unique<float[]>(floats + 16);
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (size_t i = 0; i < floats + 16; ++i)
      pool[i] = dist(rng);
    pools.push_back(std::move(pool));
    largest = floats * sizeof(float);
  }
  auto p = reinterpret_cast<uintptr_t>(pools.back().get());
  auto *aligned = reinterpret_cast<const char *>((p + 63) / 64 * 64);
  return ArrayRef<char>(aligned, bytes);
}

/// Replaces the graph inputs named in `weights` by constants.
LogicalResult makeWeightsConstant(ModuleOp module, const GraphSpec &spec,
                                  std::string &error) {
  if (spec.weights.empty())
    return success();
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "no function after import";
    return failure();
  }
  func::FuncOp func = *funcs.begin();
  llvm::StringSet<> names;
  for (const std::string &w : spec.weights)
    names.insert(w);
  OpBuilder builder(func.getContext());
  builder.setInsertionPointToStart(&func.getBody().front());
  llvm::BitVector erase(func.getNumArguments());
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "iron.name");
    if (!name || !names.contains(name.getValue()))
      continue;
    BlockArgument arg = func.getArgument(i);
    auto type = cast<ShapedType>(arg.getType());
    size_t bits = type.getElementTypeBitWidth();
    size_t bytes = size_t(type.getNumElements()) * ((bits + 7) / 8);
    AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
        weightBytes(bytes), 64, /*deleter=*/{}, /*dataIsMutable=*/false);
    auto attr =
        DenseResourceElementsAttr::get(type, name.getValue(), std::move(blob));
    auto c = builder.create<ConstantOp>(arg.getLoc(), type,
                                        cast<ElementsAttr>(attr));
    arg.replaceAllUsesWith(c.getResult());
    erase.set(i);
  }
  if (erase.count() != spec.weights.size()) {
    error = "a weight names no graph input";
    return failure();
  }
  func.eraseArguments(erase);
  return success();
}

/// 64-byte aligned storage (artifacts hold 64-byte aligned weights), large
/// buffers on huge pages as iron-run's (HostBuffer.h): the probe times
/// kernels on the memory a measurement will run them on.
struct AlignedBytes {
  rt::HostBuffer buffer;
  uint8_t *data = nullptr;
  size_t size = 0;
  explicit AlignedBytes(size_t n) : buffer(n), data(buffer.data()), size(n) {
    if (!data)
      llvm::report_bad_alloc_error("the probe's buffer");
  }
};

/// Floats in [-1, 1), integers in [0, 10): the values iron-run uses, so
/// indices (Gather) stay in range.
void fillRandom(rt::TensorView &t, std::mt19937 &rng, bool positive) {
  std::uniform_real_distribution<float> real(positive ? 0.01f : -1.0f, 1.0f);
  std::uniform_int_distribution<int> small(0, 9);
  int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case rt::DType::F32:
      t.as<float>()[i] = real(rng);
      break;
    case rt::DType::F64:
      t.as<double>()[i] = real(rng);
      break;
    case rt::DType::I64:
      t.as<int64_t>()[i] = small(rng);
      break;
    case rt::DType::I32:
      t.as<int32_t>()[i] = small(rng);
      break;
    case rt::DType::I16:
      t.as<int16_t>()[i] = int16_t(small(rng));
      break;
    case rt::DType::I8:
      t.as<int8_t>()[i] = int8_t(small(rng));
      break;
    case rt::DType::U8:
      t.as<uint8_t>()[i] = uint8_t(small(rng));
      break;
    case rt::DType::Bool:
      t.as<uint8_t>()[i] = uint8_t(small(rng) & 1);
      break;
    default:
      std::memset(t.data, 0, t.bytes());
      return;
    }
  }
}

struct Recorder {
  // times[kernel][run]
  std::vector<std::vector<double>> times;
  std::vector<std::string> kinds;
};

void onKernel(void *user, const rt::KernelProfile &p) {
  auto *r = static_cast<Recorder *>(user);
  if (size_t(p.index) >= r->times.size()) {
    r->times.resize(p.index + 1);
    r->kinds.resize(p.index + 1);
  }
  r->times[p.index].push_back(p.seconds);
  r->kinds[p.index] = p.kind;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1) + 0.5)];
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// CPU time of the calling thread: it does not advance while another
/// process has the core.
double threadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

} // namespace

llvm::Expected<OwningOpRef<ModuleOp>> importBench(MLIRContext &context,
                                                  const GraphSpec &spec) {
  SmallString<128> path;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("iron-probe", "onnxtxt", fd, path))
    return llvm::createStringError("cannot create a temporary file: " +
                                   ec.message());
  llvm::FileRemover remover(path);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << spec.onnxText();
  }
  ImportReport report;
  // Keep the importer's diagnostics out of the user's terminal; the report
  // says what failed.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return success();
  });
  auto module = importOnnxModel(context, path, ImportOptions(), report);
  if (!module) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    report.print(os);
    return llvm::createStringError("microbenchmark '" + spec.label +
                                   "' does not import: " + msg + diagnostics);
  }
  std::string error;
  if (failed(makeWeightsConstant(*module, spec, error)))
    return llvm::createStringError("microbenchmark '" + spec.label +
                                   "': " + error);
  if (spec.fuse) {
    PassManager pm(&context);
    buildFusionPipeline(pm);
    if (failed(pm.run(*module)))
      return llvm::createStringError("microbenchmark '" + spec.label +
                                     "' does not fuse: " + diagnostics);
  }
  return std::move(module);
}

llvm::Expected<BenchResult> runBench(MLIRContext &context,
                                     const GraphSpec &spec,
                                     const BenchBudget &budget) {
  auto module = importBench(context, spec);
  if (!module)
    return module.takeError();
  auto artifact = emitArtifact(**module, EmitOptions());
  if (!artifact)
    return llvm::createStringError(
        "microbenchmark '" + spec.label +
        "' does not compile: " + llvm::toString(artifact.takeError()));
  AlignedBytes bytes(artifact->bytes.size());
  std::memcpy(bytes.data, artifact->bytes.data(), bytes.size);
  rt::Model model;
  if (model.load(bytes.data, bytes.size) != rt::Status::Ok)
    return llvm::createStringError(
        "microbenchmark '" + spec.label +
        "': the runtime rejects its artifact: " + model.error());
  rt::Interpreter interp(model);
  size_t arenaBytes = interp.requiredArenaBytes();
  if (arenaBytes == 0)
    return llvm::createStringError("microbenchmark '" + spec.label +
                                   "': " + interp.error());
  AlignedBytes arena(arenaBytes);
  if (interp.prepare(arena.data, arena.size) != rt::Status::Ok)
    return llvm::createStringError("microbenchmark '" + spec.label +
                                   "': " + interp.error());
  std::mt19937 rng(7);
  for (int i = 0; i < interp.numInputs(); ++i)
    fillRandom(interp.input(i), rng, spec.positiveInputs);

  auto invoke = [&]() -> llvm::Error {
    if (interp.invoke() != rt::Status::Ok)
      return llvm::createStringError("microbenchmark '" + spec.label +
                                     "' failed: " + interp.error());
    return llvm::Error::success();
  };
  // Warm-up: caches, page faults of the arena, branch predictors.
  double single = 1e30;
  double warmStart = now();
  for (int i = 0; i < 20; ++i) {
    double t0 = now();
    if (llvm::Error e = invoke())
      return std::move(e);
    single = std::min(single, now() - t0);
    if (i >= 1 && now() - warmStart > std::min(0.02, budget.seconds * 0.3))
      break;
  }
  int runs = budget.fixedRuns > 0
                 ? budget.fixedRuns
                 : std::clamp(int(budget.seconds / std::max(single, 1e-9)),
                              budget.minRuns, budget.maxRuns);
  BenchResult result;
  result.runs = runs;
  // Invoke time without the profiler (for the per-inference overhead).
  std::vector<double> wall, quietWall;
  for (int r = 0; spec.timeInvoke && r < runs; ++r) {
    // The CPU clock is read outside the wall clock: its system calls must
    // not count as the inference's time.
    double c0 = threadCpu(), t0 = now();
    if (llvm::Error e = invoke())
      return std::move(e);
    double wallS = now() - t0, cpuS = threadCpu() - c0;
    wall.push_back(wallS);
    if (wallS - cpuS <= 0.02 * wallS + 2e-6)
      quietWall.push_back(wallS);
  }
  result.invokeS =
      quantile(quietWall.size() * 2 >= wall.size() ? quietWall : wall, 0.5);
  // Timed runs. On a shared machine a run during which the thread lost the
  // core (wall time clearly above CPU time) measures the other process
  // too: such runs are retried, up to three times the planned count.
  Recorder rec;
  std::vector<std::vector<double>> clean;  // [kernel][run], undisturbed runs
  std::vector<std::vector<double>> scaled; // [kernel][run], all runs x cpu/wall
  interp.setProfiler(onKernel, &rec);
  int undisturbed = 0;
  // Retries stop at twice the planned time, so a busy machine slows the
  // probe down by a bounded factor.
  double deadline = now() + 2 * std::max(budget.seconds, runs * single);
  for (int r = 0; r < 3 * runs && undisturbed < runs; ++r) {
    if (r >= runs && now() > deadline)
      break;
    rec.times.clear();
    double c0 = threadCpu(), w0 = now();
    if (llvm::Error e = invoke())
      return std::move(e);
    double w1 = now(), c1 = threadCpu();
    double wallS = w1 - w0, cpuS = c1 - c0;
    bool quiet = wallS - cpuS <= 0.02 * wallS + 2e-6;
    undisturbed += quiet;
    if (clean.size() < rec.times.size()) {
      clean.resize(rec.times.size());
      scaled.resize(rec.times.size());
    }
    double factor = wallS > 0 ? std::min(1.0, cpuS / wallS) : 1.0;
    for (size_t k = 0; k < rec.times.size(); ++k)
      for (double t : rec.times[k]) {
        if (quiet)
          clean[k].push_back(t);
        scaled[k].push_back(t * factor);
      }
  }
  interp.setProfiler(nullptr, nullptr);
  result.runs = undisturbed;
  bool enough = undisturbed >= std::max(3, runs / 2);
  if (!enough)
    result.runs = int(scaled.empty() ? 0 : scaled.front().size());
  for (size_t k = 0; k < scaled.size(); ++k) {
    const std::vector<double> &v = enough ? clean[k] : scaled[k];
    double mean = 0;
    for (double t : v)
      mean += t;
    mean = v.empty() ? 0 : mean / double(v.size());
    result.kernels.push_back({rec.kinds[k], mean, quantile(v, 0.5),
                              quantile(v, 0.1), quantile(v, 0.9)});
  }
  result.quietRuns = undisturbed;
  result.module = std::move(*module);
  return std::move(result);
}

} // namespace iron::probe
