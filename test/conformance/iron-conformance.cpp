//===- iron-conformance.cpp - Import ONNX's backend test models ------------===//
//
// Imports every model of ONNX's backend test data (Debian's libonnx-testdata)
// and sorts them into imported / unsupported / failed / crashed. With --run,
// each model is also compiled to an artifact, executed by Iron's runtime on
// every test_data_set_*, and its outputs compared with ONNX's expected ones
// (rtol 1e-3, atol 1e-7, as ONNX's backend runner): passed / failed /
// unsupported. Each model runs in a child process, so a crash is counted,
// never fatal.
//
//   iron-conformance [--run] [--floor N] [--exclusions FILE] [--verbose]
//                    [--list-failures] DIR...
//
// Exits non-zero when any model crashes, when fewer than N import (or pass,
// with --run), or with --run when a test fails that is not excluded.
//
//===----------------------------------------------------------------------===//

#include "TensorIO.h"
#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/Passes/Fusion.h"
#include "iron/runtime/Interpreter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace llvm;
namespace io = iron::io;
namespace rt = iron::rt;

static cl::list<std::string> dirs(cl::Positional, cl::desc("<testdata dirs>"),
                                  cl::OneOrMore);
static cl::opt<bool> fuse("fuse", cl::desc("Run the fusion pipeline before compiling (--run)"),
                          cl::init(true));
static cl::opt<int> floorCount("floor", cl::desc("Fail if fewer models import"),
                               cl::init(0));
static cl::opt<bool> verbose("verbose", cl::desc("Print every model's result"));
static cl::opt<bool> listFailures("list-failures",
                                  cl::desc("Print why each model failed"));
static cl::opt<bool> runModels("run", cl::desc("Compile, run and compare outputs"));
static cl::opt<std::string> exclusionsFile(
    "exclusions", cl::desc("Tests whose failure is known: one 'name: reason' per line"));

namespace {
enum Outcome { Imported, Unsupported, Failed, Crashed };
/// Child exit codes in --run mode beyond the importer's.
constexpr int kMismatch = 80, kNoKernel = 81, kRunError = 82;

bool matches(const io::HostTensor &expected, const rt::TensorView &actual, std::string &why) {
  if (expected.dtype != actual.dtype) {
    why = std::string("element type ") + rt::dtypeName(actual.dtype) + ", expected " +
          rt::dtypeName(expected.dtype);
    return false;
  }
  bool sameShape = int(expected.shape.size()) == actual.rank;
  for (int i = 0; sameShape && i < actual.rank; ++i)
    sameShape = expected.shape[i] == actual.shape[i];
  if (!sameShape) {
    why = "shape " + io::shapeString(actual.shape, actual.rank) + ", expected " +
          io::shapeString(expected.shape.data(), int(expected.shape.size()));
    return false;
  }
  int64_t n = actual.numel();
  auto report = [&](int64_t i, double a, double e) {
    why = "element " + std::to_string(i) + " is " + std::to_string(a) + ", expected " +
          std::to_string(e);
    return false;
  };
  const void *e = expected.bytes.data();
  switch (actual.dtype) {
  case rt::DType::F32: case rt::DType::F64: case rt::DType::F16: case rt::DType::BF16:
    for (int64_t i = 0; i < n; ++i) {
      double a, x;
      if (actual.dtype == rt::DType::F32) { a = actual.as<float>()[i]; x = static_cast<const float *>(e)[i]; }
      else if (actual.dtype == rt::DType::F64) { a = actual.as<double>()[i]; x = static_cast<const double *>(e)[i]; }
      else if (actual.dtype == rt::DType::F16) { a = rt::halfToFloat(actual.as<uint16_t>()[i]); x = rt::halfToFloat(static_cast<const uint16_t *>(e)[i]); }
      else { a = rt::bf16ToFloat(actual.as<uint16_t>()[i]); x = rt::bf16ToFloat(static_cast<const uint16_t *>(e)[i]); }
      if (std::isnan(x) && std::isnan(a))
        continue;
      if (std::isinf(x) && a == x)
        continue;
      if (!(std::fabs(a - x) <= 1e-7 + 1e-3 * std::fabs(x)))
        return report(i, a, x);
    }
    return true;
  default:
    if (std::memcmp(actual.data, e, actual.bytes()) != 0) {
      size_t size = rt::dtypeSize(actual.dtype);
      for (int64_t i = 0; i < n; ++i)
        if (std::memcmp(static_cast<const char *>(actual.data) + i * size,
                        static_cast<const char *>(e) + i * size, size) != 0)
          return report(i, 0, 0), why = "integer element " + std::to_string(i) + " differs", false;
    }
    return true;
  }
}

/// Compiles the module, runs every test data set beside the model and
/// compares the outputs. Returns a child exit code.
int runAndCompare(mlir::ModuleOp module, const std::string &path, raw_ostream &os) {
  // The suite checks what ironc compiles by default: the fused graph.
  if (fuse) {
    mlir::PassManager pm(module.getContext());
    iron::buildFusionPipeline(pm);
    if (failed(pm.run(module))) {
      os << "error: fusion failed\n";
      return kRunError;
    }
  }
  auto artifact = iron::emitArtifact(module, {});
  if (!artifact) {
    os << "error: emit: " << toString(artifact.takeError()) << "\n";
    return kRunError;
  }
  // Keep weights 64-byte aligned, as a loader from file would.
  std::vector<uint8_t> storage(artifact->bytes.size() + 64);
  auto *bytes = reinterpret_cast<uint8_t *>(
      (reinterpret_cast<uintptr_t>(storage.data()) + 63) / 64 * 64);
  std::memcpy(bytes, artifact->bytes.data(), artifact->bytes.size());
  rt::Model model;
  if (model.load(bytes, artifact->bytes.size()) != rt::Status::Ok) {
    os << "error: load: " << model.error() << "\n";
    return kRunError;
  }
  rt::Interpreter interp(model);
  size_t arenaBytes = interp.requiredArenaBytes();
  if (!arenaBytes) {
    os << "error: " << interp.error() << "\n";
    return StringRef(interp.error()).starts_with("no kernel") ? kNoKernel : kRunError;
  }
  std::vector<uint8_t> arena(arenaBytes);
  if (interp.prepare(arena.data(), arena.size()) != rt::Status::Ok) {
    os << "error: prepare: " << interp.error() << "\n";
    return kRunError;
  }
  SmallString<256> dir(path);
  sys::path::remove_filename(dir);
  int sets = 0;
  for (int set = 0;; ++set) {
    SmallString<256> setDir(dir);
    sys::path::append(setDir, "test_data_set_" + std::to_string(set));
    if (!sys::fs::is_directory(setDir))
      break;
    ++sets;
    for (int i = 0; i < interp.numInputs(); ++i) {
      SmallString<256> file(setDir);
      sys::path::append(file, "input_" + std::to_string(i) + ".pb");
      io::HostTensor t;
      std::string error;
      bool read = io::readTensorProto(file.str().str(), t, error);
      // ONNX's test data stores bfloat16 as uint16 (numpy has no bfloat16).
      if (read && t.dtype == rt::DType::U16 && interp.input(i).dtype == rt::DType::BF16)
        t.dtype = rt::DType::BF16;
      if (!read || !io::copyInto(t, interp.input(i), error)) {
        os << "error: input " << i << ": " << error << "\n";
        return kRunError;
      }
    }
    if (interp.invoke() != rt::Status::Ok) {
      os << "error: run: " << interp.error() << "\n";
      return kRunError;
    }
    for (int i = 0; i < interp.numOutputs(); ++i) {
      SmallString<256> file(setDir);
      sys::path::append(file, "output_" + std::to_string(i) + ".pb");
      io::HostTensor t;
      std::string error;
      if (!io::readTensorProto(file.str().str(), t, error)) {
        os << "error: expected output " << i << ": " << error << "\n";
        return kRunError;
      }
      if (t.dtype == rt::DType::U16 && interp.output(i).dtype == rt::DType::BF16)
        t.dtype = rt::DType::BF16;
      if (!matches(t, interp.output(i), error)) {
        os << "error: output " << i << " ('" << interp.outputName(i) << "') of data set "
           << set << ": " << error << "\n";
        return kMismatch;
      }
    }
  }
  if (sets == 0) {
    os << "error: no test_data_set_* beside the model\n";
    return kRunError;
  }
  return 0;
}

/// Imports one model in a child process; the child reports its first problem
/// line through a pipe.
Outcome importInChild(const std::string &path, std::string &why) {
  int fds[2];
  if (pipe(fds) != 0)
    return Failed;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    mlir::DialectRegistry registry;
    iron::registerImportDialects(registry);
    mlir::MLIRContext context(registry);
    context.printOpOnDiagnostic(false);
    // IR diagnostics go to the report; keep the child's stderr quiet.
    mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) {
      return mlir::success();
    });
    iron::ImportReport report;
    auto module = iron::importOnnxModel(context, path, {}, report);
    std::string text;
    raw_string_ostream os(text);
    report.print(os);
    int code = module ? 0 : report.exitCode();
    if (module && runModels) {
      text.clear();
      code = runAndCompare(*module, path, os);
    }
    os.flush();
    (void)!write(fds[1], text.data(), std::min<size_t>(text.size(), 4000));
    close(fds[1]);
    _exit(code);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0)
    why.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    why = "killed by signal " + std::to_string(WTERMSIG(status));
    return Crashed;
  }
  int code = WEXITSTATUS(status);
  if (code == 0)
    return Imported;
  // Shapes that depend on input values (Range of an input scalar, ...) are a
  // limit of Iron's static-shape model, not a failure of the import.
  if (code == iron::ExitDynamicShape)
    why = "  (data-dependent shapes) x1\n" + why;
  if (code == kNoKernel) {
    size_t q = why.find("no kernel for '");
    std::string op = q == std::string::npos ? "?" : why.substr(q + 15, why.find('\'', q + 15) - q - 15);
    why = "  (no kernel) " + op + " x1\n" + why;
    return Unsupported;
  }
  return code == iron::ExitUnsupported || code == iron::ExitDynamicShape
             ? Unsupported
             : Failed;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Iron ONNX conformance (import)\n");

  std::vector<std::string> models;
  for (const auto &dir : dirs) {
    std::error_code ec;
    for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec)) {
      SmallString<256> model(it->path());
      sys::path::append(model, "model.onnx");
      if (sys::fs::exists(model))
        models.push_back(model.str().str());
    }
    if (ec) {
      errs() << "iron-conformance: cannot read " << dir << ": " << ec.message() << "\n";
      return 2;
    }
  }
  std::sort(models.begin(), models.end());

  std::map<std::string, std::string> exclusions;
  if (!exclusionsFile.empty()) {
    std::ifstream in(exclusionsFile);
    if (!in) {
      errs() << "iron-conformance: cannot read " << exclusionsFile << "\n";
      return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
      StringRef l = StringRef(line).trim();
      if (l.empty() || l.starts_with("#"))
        continue;
      auto [name, reason] = l.split(':');
      exclusions[name.trim().str()] = reason.trim().str();
    }
  }

  int counts[4] = {0, 0, 0, 0}, excluded = 0;
  std::set<std::string> excludedSeen;
  std::map<std::string, int> unsupportedOps;
  for (const auto &model : models) {
    std::string why;
    Outcome outcome = importInChild(model, why);
    StringRef test = sys::path::filename(sys::path::parent_path(model));
    if (outcome == Failed && exclusions.count(test.str())) {
      ++excluded;
      excludedSeen.insert(test.str());
      if (verbose)
        outs() << "excluded " << test << ": " << exclusions[test.str()] << "\n";
      continue;
    }
    ++counts[outcome];
    StringRef first = StringRef(why).split('\n').first;
    if (outcome == Unsupported) {
      // Tally causes from the report's detail lines.
      SmallVector<StringRef> lines;
      StringRef(why).split(lines, '\n');
      for (StringRef line : lines)
        if (line.starts_with("  ") && line.contains(" x"))
          ++unsupportedOps[line.trim().rsplit(" x").first.split(" (").first.str()];
        else if (line.contains("unsupported: "))
          ++unsupportedOps[line.split("unsupported: ").second.str().substr(0, 60)];
        else if (line.contains("opset: "))
          ++unsupportedOps["(opset) " + line.split("opset: ").second.str().substr(0, 60)];
    }
    if (verbose || (listFailures && outcome >= Failed)) {
      static const char *names[] = {"passed", "unsupported", "FAILED", "CRASHED"};
      outs() << (outcome == Imported && !runModels ? "imported" : names[outcome]) << " "
             << test;
      if (outcome != Imported) {
        StringRef detail = first.contains(": error: ") ? first.split(": error: ").second : first;
        if (first.starts_with("  (") && StringRef(why).contains('\n'))
          detail = StringRef(why).split('\n').second.split('\n').first;
        outs() << ": " << detail;
      }
      outs() << "\n";
    }
  }
  for (const auto &[name, reason] : exclusions)
    if (!excludedSeen.count(name))
      outs() << "note: exclusion '" << name << "' did not fail (passed or not found); remove it\n";
  if (!unsupportedOps.empty()) {
    outs() << "unsupported, by cause (models):\n";
    for (const auto &[op, n] : unsupportedOps)
      outs() << "  " << op << ": " << n << "\n";
  }
  if (runModels)
    outs() << "ONNX backend tests (compiled and run): " << models.size() << " total, "
           << counts[Imported] << " passed / " << counts[Failed] << " failed / "
           << counts[Unsupported] << " unsupported / " << excluded << " excluded / "
           << counts[Crashed] << " crashed\n";
  else
    outs() << "ONNX backend test models: " << models.size() << " total, "
           << counts[Imported] << " imported / " << counts[Unsupported]
           << " unsupported / " << counts[Failed] << " failed / "
           << counts[Crashed] << " crashed\n";
  if (runModels && counts[Failed]) {
    errs() << "iron-conformance: " << counts[Failed]
           << " test(s) of supported operators failed\n";
    return 1;
  }
  if (counts[Crashed]) {
    errs() << "iron-conformance: " << counts[Crashed] << " model(s) crashed the importer\n";
    return 1;
  }
  if (counts[Imported] < floorCount) {
    errs() << "iron-conformance: " << counts[Imported] << " models "
           << (runModels ? "passed" : "imported") << ", below the floor of " << floorCount
           << "\n";
    return 1;
  }
  if (counts[Imported] > floorCount)
    outs() << "note: " << counts[Imported] << " > floor " << floorCount << "; raise "
           << (runModels ? "test/conformance/run-floor.txt" : "test/conformance/import-floor.txt")
           << "\n";
  return 0;
}
