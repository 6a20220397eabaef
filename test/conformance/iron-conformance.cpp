//===- iron-conformance.cpp - Import ONNX's backend test models ------------===//
//
// Imports every model of ONNX's backend test data (Debian's libonnx-testdata)
// and sorts them into imported / unsupported / failed / crashed. Each model
// is imported in a child process, so a crash is counted, never fatal.
//
//   iron-conformance [--floor N] [--verbose] [--list-failures] DIR...
//
// Exits non-zero when any model crashes, or when fewer than N import.
//
//===----------------------------------------------------------------------===//

#include "iron/Import/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

using namespace llvm;

static cl::list<std::string> dirs(cl::Positional, cl::desc("<testdata dirs>"),
                                  cl::OneOrMore);
static cl::opt<int> floorCount("floor", cl::desc("Fail if fewer models import"),
                               cl::init(0));
static cl::opt<bool> verbose("verbose", cl::desc("Print every model's result"));
static cl::opt<bool> listFailures("list-failures",
                                  cl::desc("Print why each model failed"));

namespace {
enum Outcome { Imported, Unsupported, Failed, Crashed };

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
    (void)!write(fds[1], text.data(), std::min<size_t>(text.size(), 4000));
    close(fds[1]);
    _exit(module ? 0 : report.exitCode());
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

  int counts[4] = {0, 0, 0, 0};
  std::map<std::string, int> unsupportedOps;
  for (const auto &model : models) {
    std::string why;
    Outcome outcome = importInChild(model, why);
    ++counts[outcome];
    StringRef test = sys::path::filename(sys::path::parent_path(model));
    StringRef first = StringRef(why).split('\n').first;
    if (outcome == Unsupported) {
      // Tally unsupported operator types from the report's detail lines.
      SmallVector<StringRef> lines;
      StringRef(why).split(lines, '\n');
      for (StringRef line : lines)
        if (line.starts_with("  ") && line.contains(" x"))
          ++unsupportedOps[line.trim().split(' ').first.str()];
        else if (line.contains("unsupported: "))
          ++unsupportedOps[line.split("unsupported: ").second.str().substr(0, 60)];
        else if (line.contains("opset: "))
          ++unsupportedOps["(opset) " + line.split("opset: ").second.str().substr(0, 60)];
    }
    if (verbose || (listFailures && outcome >= Failed)) {
      static const char *names[] = {"imported", "unsupported", "FAILED", "CRASHED"};
      outs() << names[outcome] << " " << test;
      if (outcome != Imported)
        outs() << ": " << first.split(": error: ").second;
      outs() << "\n";
    }
  }
  if (!unsupportedOps.empty()) {
    outs() << "unsupported, by cause (models):\n";
    for (const auto &[op, n] : unsupportedOps)
      outs() << "  " << op << ": " << n << "\n";
  }
  outs() << "ONNX backend test models: " << models.size() << " total, "
         << counts[Imported] << " imported / " << counts[Unsupported]
         << " unsupported / " << counts[Failed] << " failed / "
         << counts[Crashed] << " crashed\n";
  if (counts[Crashed]) {
    errs() << "iron-conformance: " << counts[Crashed] << " model(s) crashed the importer\n";
    return 1;
  }
  if (counts[Imported] < floorCount) {
    errs() << "iron-conformance: " << counts[Imported]
           << " models imported, below the floor of " << floorCount << "\n";
    return 1;
  }
  if (counts[Imported] > floorCount)
    outs() << "note: " << counts[Imported] << " > floor " << floorCount
           << "; raise test/conformance/import-floor.txt\n";
  return 0;
}
