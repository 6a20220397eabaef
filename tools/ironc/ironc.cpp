//===- ironc.cpp - The Iron compiler driver --------------------------------===//
//
//   ironc check  MODEL [--input-shape N=D0xD1...] [--dim N=V]
//   ironc import MODEL [-o out.mlir] [--input-shape ...] [--dim ...]
//   ironc compile MODEL -o out.iron [--emit=iron|c] [--target T]
//         [--no-fuse] [--fuse-skip PART,...] [--input-shape ...] [--dim ...]
//   ironc analyze MODEL --target T [--target T2 ...] [--batch N]
//         [--assume-precision int8|fp16] [--report r.json] [--html r.html]
//         [--latency-budget 5ms] [--energy-budget 1mJ] [--memory-budget 256KiB]
//         [--no-fuse] [--fuse-skip PART,...]
//   ironc target list | show T | probe -o host.yaml
//
// Exit codes are those of iron/Support/ExitCodes.h (docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "iron/Analysis/ModelSummary.h"
#include "iron/Cost/CostModel.h"
#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/Passes/Fusion.h"
#include "iron/Probe/HostProbe.h"
#include "iron/Support/ExitCodes.h"
#include "iron/Support/FileUtils.h"
#include "iron/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::SubCommand checkCmd(
    "check", "Report everything that keeps a model from importing: unsupported "
             "operators (with node names), unpinned dynamic dimensions, opset "
             "problems");
static cl::SubCommand importCmd(
    "import", "Import a model into the iron dialect and print a summary (op "
              "counts, parameters, MACs)");

static cl::SubCommand compileCmd(
    "compile", "Compile a model into a deployable artifact (.iron, or C source "
               "for firmware) and print its memory plan");

static cl::SubCommand analyzeCmd(
    "analyze", "Predict a model's latency, energy and memory per kernel on one "
               "or more targets, with intervals, fits verdicts and budgets");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(checkCmd),
                                      cl::sub(importCmd), cl::sub(compileCmd),
                                      cl::sub(analyzeCmd));
static cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Pin an input's shape: NAME=D0xD1x..."),
    cl::value_desc("name=shape"), cl::sub(checkCmd), cl::sub(importCmd),
    cl::sub(compileCmd), cl::sub(analyzeCmd));
static cl::list<std::string> dimParams(
    "dim", cl::desc("Pin a symbolic dimension (dim_param): NAME=VALUE"),
    cl::value_desc("name=value"), cl::sub(checkCmd), cl::sub(importCmd),
    cl::sub(compileCmd), cl::sub(analyzeCmd));

// ironc analyze
static cl::list<std::string> targetNames(
    "target",
    cl::desc("A bundled target's name or a target file (repeat to compare)"),
    cl::value_desc("name|file.yaml"), cl::sub(analyzeCmd), cl::OneOrMore);
static cl::opt<int64_t> batchSize("batch",
                                  cl::desc("Inferences per batch (default 1)"),
                                  cl::init(1), cl::sub(analyzeCmd));
static cl::opt<std::string> assumePrecision(
    "assume-precision",
    cl::desc("Analyse as if the model ran at this precision (int8, fp16, ...)"),
    cl::value_desc("precision"), cl::sub(analyzeCmd));
static cl::opt<std::string> powerMode(
    "power-mode", cl::desc("A power mode of the target(s)"),
    cl::value_desc("name"), cl::sub(analyzeCmd));
static cl::opt<std::string> reportFile(
    "report", cl::desc("Write the report as JSON (docs/report.md)"),
    cl::value_desc("file.json"), cl::sub(analyzeCmd));
static cl::opt<std::string> htmlFile(
    "html", cl::desc("Write the report as a self-contained HTML page"),
    cl::value_desc("file.html"), cl::sub(analyzeCmd));
static cl::opt<std::string> latencyBudget(
    "latency-budget", cl::desc("Latency budget per batch (e.g. 5ms, 200us)"),
    cl::value_desc("time"), cl::sub(analyzeCmd));
static cl::opt<std::string> energyBudget(
    "energy-budget", cl::desc("Energy budget per batch (e.g. 2mJ, 150uJ)"),
    cl::value_desc("energy"), cl::sub(analyzeCmd));
static cl::opt<std::string> memoryBudget(
    "memory-budget",
    cl::desc("Budget for weights + arena (e.g. 512KiB, 1MB, 2GiB)"),
    cl::value_desc("bytes"), cl::sub(analyzeCmd));
static cl::opt<unsigned> topKernels(
    "top", cl::desc("Print only the N kernels with the largest share (0: all)"),
    cl::init(0), cl::sub(analyzeCmd));
static cl::opt<std::string> artifactFile(
    "o", cl::desc("The artifact to write (.iron; .c with --emit=c)"),
    cl::value_desc("file"), cl::sub(compileCmd), cl::Required);
enum class EmitKind { Iron, C };
static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("Artifact form"), cl::init(EmitKind::Iron),
    cl::values(clEnumValN(EmitKind::Iron, "iron", "FlatBuffer for Iron's runtime"),
               clEnumValN(EmitKind::C, "c",
                          "C source (array + header) for firmware builds")),
    cl::sub(compileCmd));
static cl::opt<std::string> compileTarget(
    "target",
    cl::desc("Predict each kernel's cost on this target and store it in the "
             "artifact"),
    cl::value_desc("name|file.yaml"), cl::sub(compileCmd));
static cl::opt<std::string> symbolName(
    "symbol", cl::desc("C array name with --emit=c (default: from the file name)"),
    cl::sub(compileCmd));
static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the imported module (MLIR text) to this file"),
    cl::value_desc("file"), cl::sub(importCmd));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the summary"),
                           cl::sub(importCmd));

// Fusion (compile and analyze)
static cl::opt<bool> noFuse(
    "no-fuse", cl::desc("Do not run the fusion pipeline"),
    cl::sub(compileCmd), cl::sub(analyzeCmd));
static cl::list<std::string> fuseSkip(
    "fuse-skip",
    cl::desc("Turn off parts of the fusion pipeline: fold-weights, "
             "cancel-transpose-reshape, fold-batchnorm, fold-pad, "
             "recognize-patterns, layernorm, gelu, attention, fuse-epilogue, "
             "residual, fuse-elementwise"),
    cl::value_desc("part,..."), cl::CommaSeparated, cl::sub(compileCmd),
    cl::sub(analyzeCmd));

static int fail(const Twine &message, int code) {
  WithColor::error(errs(), "ironc") << message << "\n";
  return code;
}

static std::string cIdentifier(StringRef path) {
  std::string name = sys::path::stem(path).str();
  for (char &c : name)
    if (!isAlnum(c))
      c = '_';
  if (name.empty() || isDigit(name[0]))
    name = "model_" + name;
  return name;
}

/// Parses "<number><unit>" with the units of `units` (factor to the base
/// unit); a bare number takes `defaultUnit`.
static std::optional<double>
parseQuantity(StringRef text, ArrayRef<std::pair<StringRef, double>> units) {
  StringRef t = text.trim();
  size_t end = 0;
  while (end < t.size() && (isDigit(t[end]) || t[end] == '.' ||
                            t[end] == 'e' || t[end] == 'E' ||
                            ((t[end] == '-' || t[end] == '+') && end > 0 &&
                             (t[end - 1] == 'e' || t[end - 1] == 'E'))))
    ++end;
  double value;
  if (end == 0 || t.take_front(end).getAsDouble(value) || !(value >= 0))
    return std::nullopt;
  StringRef unit = t.drop_front(end).trim();
  for (const auto &u : units)
    if (unit == u.first)
      return value * u.second;
  return std::nullopt;
}

/// The fusion options of the command line, gated by `target` (a bundled
/// name or a path; empty: every legal fusion).
static Expected<iron::FusionOptions> fusionOptions(StringRef target) {
  iron::FusionOptions o;
  o.target = target.str();
  o.precision = assumePrecision;
  const std::pair<StringRef, bool iron::FusionOptions::*> parts[] = {
      {"fold-weights", &iron::FusionOptions::foldWeights},
      {"cancel-transpose-reshape", &iron::FusionOptions::cancelTransposeReshape},
      {"fold-batchnorm", &iron::FusionOptions::foldBatchNorm},
      {"fold-pad", &iron::FusionOptions::foldPad},
      {"recognize-patterns", &iron::FusionOptions::recognizePatterns},
      {"layernorm", &iron::FusionOptions::layerNorm},
      {"gelu", &iron::FusionOptions::gelu},
      {"attention", &iron::FusionOptions::attention},
      {"fuse-epilogue", &iron::FusionOptions::fuseEpilogue},
      {"residual", &iron::FusionOptions::residual},
      {"fuse-elementwise", &iron::FusionOptions::fuseElementwise},
  };
  for (const std::string &name : fuseSkip) {
    auto it = llvm::find_if(parts, [&](const auto &p) { return p.first == name; });
    if (it == std::end(parts)) {
      std::string known;
      for (const auto &p : parts)
        known += (known.empty() ? "" : ", ") + p.first.str();
      return createStringError("--fuse-skip: unknown part '" + name +
                               "' (use " + known + ")");
    }
    o.*(it->second) = false;
  }
  return o;
}

/// Runs the fusion pipeline on `module`; its diagnostics become the error.
static Error fuseModule(mlir::ModuleOp module, const iron::FusionOptions &o) {
  mlir::MLIRContext *ctx = module.getContext();
  std::string messages;
  mlir::ScopedDiagnosticHandler handler(ctx, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      messages += (messages.empty() ? "" : "; ") + d.str();
    return mlir::success();
  });
  mlir::PassManager pm(ctx);
  iron::buildFusionPipeline(pm, o);
  if (failed(pm.run(module)))
    return createStringError("fusion failed" +
                             (messages.empty() ? "" : ": " + messages));
  return Error::success();
}

/// Ops the runtime runs as kernels (all but constants and the return).
static unsigned countKernelOps(mlir::ModuleOp module) {
  unsigned n = 0;
  module.walk([&](mlir::func::FuncOp f) {
    for (mlir::Operation &op : f.getBody().front())
      if (!op.hasTrait<mlir::OpTrait::ConstantLike>() &&
          !op.hasTrait<mlir::OpTrait::IsTerminator>())
        ++n;
  });
  return n;
}

static int runAnalyze(mlir::ModuleOp module) {
  iron::CostOptions options;
  options.batch = batchSize;
  if (batchSize < 1)
    return fail("--batch must be at least 1", iron::ExitUsage);
  if (!assumePrecision.empty()) {
    auto p = iron::parsePrecision(assumePrecision);
    if (!p)
      return fail("--assume-precision: unknown precision '" + assumePrecision +
                      "' (use int8, fp16, bf16, fp8, int4, fp32)",
                  iron::ExitUsage);
    options.assumePrecision = p;
  }
  options.powerMode = powerMode;
  if (!latencyBudget.empty()) {
    options.latencyBudgetS = parseQuantity(
        latencyBudget, {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}});
    if (!options.latencyBudgetS)
      return fail("--latency-budget: '" + latencyBudget +
                      "' is not a time such as 5ms, 200us or 1.5s",
                  iron::ExitUsage);
  }
  if (!energyBudget.empty()) {
    options.energyBudgetJ = parseQuantity(
        energyBudget, {{"J", 1}, {"mJ", 1e-3}, {"uJ", 1e-6}, {"nJ", 1e-9}});
    if (!options.energyBudgetJ)
      return fail("--energy-budget: '" + energyBudget +
                      "' is not an energy such as 2mJ, 150uJ or 1J",
                  iron::ExitUsage);
  }
  if (!memoryBudget.empty()) {
    options.memoryBudgetBytes = parseQuantity(
        memoryBudget, {{"B", 1},
                       {"", 1},
                       {"KB", 1e3},
                       {"kB", 1e3},
                       {"KiB", 1024},
                       {"MB", 1e6},
                       {"MiB", 1024.0 * 1024},
                       {"GB", 1e9},
                       {"GiB", 1024.0 * 1024 * 1024}});
    if (!options.memoryBudgetBytes)
      return fail("--memory-budget: '" + memoryBudget +
                      "' is not a size such as 512KiB, 1MB or 2GiB",
                  iron::ExitUsage);
  }

  std::vector<iron::TargetDescription> targets;
  for (const std::string &name : targetNames) {
    auto t = iron::loadTarget(name);
    if (!t)
      return fail(toString(t.takeError()), iron::ExitBadTarget);
    if (!powerMode.empty() && !t->findPowerMode(powerMode)) {
      std::string known;
      for (const iron::PowerMode &m : t->powerModes)
        known += (known.empty() ? "" : ", ") + m.name;
      return fail("--power-mode: target '" + t->name + "' has no power mode '" +
                      powerMode + "'" +
                      (known.empty() ? std::string(" (it has none)")
                                     : " (it has: " + known + ")"),
                  iron::ExitUsage);
    }
    targets.push_back(std::move(*t));
  }
  std::vector<iron::ModelCost> costs;
  // Without fusion only for the fusion summary: no budgets or
  // sensitivities.
  iron::CostOptions unfusedOptions = options;
  unfusedOptions.latencyBudgetS.reset();
  unfusedOptions.energyBudgetJ.reset();
  unfusedOptions.memoryBudgetBytes.reset();
  unfusedOptions.sensitivities = false;
  for (const iron::TargetDescription &t : targets) {
    auto cost = iron::analyzeModel(module, t, noFuse ? options : unfusedOptions);
    if (!cost)
      return fail(inputFile + " on " + t.name + ": " +
                      toString(cost.takeError()),
                  iron::ExitUnsupported);
    if (noFuse) {
      costs.push_back(std::move(*cost));
      continue;
    }
    // Fusion decisions differ by target: each gets its own copy.
    auto fusion = fusionOptions(t.path);
    if (!fusion)
      return fail(toString(fusion.takeError()), iron::ExitUsage);
    mlir::OwningOpRef<mlir::ModuleOp> fused = module.clone();
    if (Error e = fuseModule(*fused, *fusion))
      return fail(inputFile + " on " + t.name + ": " + toString(std::move(e)),
                  iron::ExitInternal);
    auto fusedCost = iron::analyzeModel(*fused, t, options);
    if (!fusedCost)
      return fail(inputFile + " on " + t.name + " (fused): " +
                      toString(fusedCost.takeError()),
                  iron::ExitUnsupported);
    fusedCost->fusion = iron::summarizeFusion(*cost, *fusedCost);
    fusedCost->fusion->skipped.assign(fuseSkip.begin(), fuseSkip.end());
    costs.push_back(std::move(*fusedCost));
  }

  json::Value report = iron::reportToJSON(inputFile, options, costs);
  // Both files are complete or absent: write them only once all analyses
  // succeeded.
  if (!reportFile.empty())
    if (Error e = iron::writeFileAtomically(reportFile, [&](raw_ostream &os) {
          os << formatv("{0:2}", report) << "\n";
          return Error::success();
        }))
      return fail(toString(std::move(e)), iron::ExitOutput);
  if (!htmlFile.empty())
    if (Error e = iron::writeFileAtomically(htmlFile, [&](raw_ostream &os) {
          iron::writeHtmlReport(report, os);
          return Error::success();
        }))
      return fail(toString(std::move(e)), iron::ExitOutput);

  outs() << inputFile << "\n";
  iron::printReport(costs, outs(), topKernels);
  outs().flush();

  int code = iron::ExitSuccess;
  for (const iron::ModelCost &c : costs) {
    for (const iron::MemoryVerdict &v : c.memory)
      if (!v.fits) {
        WithColor::warning(errs(), "ironc")
            << inputFile << " does not fit " << c.targetName << ": " << v.level
            << " (" << v.holds << ") needs " << format("%.0f", v.requiredBytes)
            << " bytes of " << format("%.0f", v.capacityBytes) << "\n";
        code = iron::ExitBudget;
      }
    for (const iron::BudgetResult &b : c.budgets)
      if (!b.pass) {
        WithColor::warning(errs(), "ironc")
            << c.targetName << ": " << b.kind << " budget missed\n";
        code = iron::ExitBudget;
      }
  }
  return code;
}

enum class Mode { Check, Import, Compile, Analyze };

static int run(Mode mode) {
  iron::ImportOptions options;
  if (Error e = iron::parseShapeOptions(inputShapes, dimParams, options))
    return fail(toString(std::move(e)), iron::ExitUsage);

  mlir::DialectRegistry registry;
  iron::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  iron::ImportReport report;
  auto module = iron::importOnnxModel(context, inputFile, options, report);
  if (!module) {
    report.print(errs());
    return report.exitCode();
  }
  if (mode == Mode::Analyze)
    return runAnalyze(*module);
  iron::ModelSummary summary = iron::summarizeModel(*module);
  if (mode == Mode::Compile) {
    // Fusion first: with --target it keeps what pays off there, without one
    // every legal fusion (the artifact runs on Iron's runtime).
    unsigned kernelsBeforeFusion = countKernelOps(*module);
    if (!noFuse) {
      auto fusion = fusionOptions(compileTarget);
      if (!fusion)
        return fail(toString(fusion.takeError()), iron::ExitUsage);
      if (!compileTarget.empty())
        if (auto t = iron::loadTarget(compileTarget); !t)
          return fail(toString(t.takeError()), iron::ExitBadTarget);
        else
          fusion->target = t->path;
      if (Error e = fuseModule(*module, *fusion))
        return fail(inputFile + ": " + toString(std::move(e)),
                    iron::ExitInternal);
    }
    iron::EmitOptions emitOptions;
    std::optional<iron::ModelCost> cost;
    if (!compileTarget.empty()) {
      auto target = iron::loadTarget(compileTarget);
      if (!target)
        return fail(toString(target.takeError()), iron::ExitBadTarget);
      iron::CostOptions costOptions;
      costOptions.sensitivities = false;
      auto c = iron::analyzeModel(*module, *target, costOptions);
      if (!c)
        return fail(inputFile + " on " + target->name + ": " +
                        toString(c.takeError()),
                    iron::ExitUnsupported);
      cost = std::move(*c);
      emitOptions.target = target->name;
      emitOptions.targetHash = iron::hashTargetFile(*target);
      auto toPredicted = [](const iron::Interval &latency,
                            const iron::Interval &energy, double macs,
                            double bytes, StringRef bound) {
        iron::PredictedCost p;
        p.latencyMs = latency.value * 1e3;
        p.latencyMsLow = latency.low * 1e3;
        p.latencyMsHigh = latency.high * 1e3;
        p.energyUj = energy.value * 1e6;
        p.macs = uint64_t(macs);
        p.bytesMoved = uint64_t(bytes);
        p.bound = bound.str();
        return p;
      };
      for (const iron::KernelCost &k : cost->kernels)
        if (!k.nodes.empty())
          emitOptions.kernelCosts[k.nodes.front()] =
              toPredicted(k.latencyS, k.energyJ, k.macs, k.bytes,
                          iron::stringifyBound(k.bound));
      StringRef bound = "compute";
      if (cost->memoryBoundS > cost->computeBoundS)
        bound = "memory";
      if (cost->overheadBoundS > std::max(cost->computeBoundS, cost->memoryBoundS))
        bound = "overhead";
      emitOptions.modelCost = toPredicted(cost->latencyS, cost->energyJ,
                                          cost->macs, cost->bytes, bound);
    }
    auto artifact = iron::emitArtifact(*module, emitOptions);
    if (!artifact)
      return fail(toString(artifact.takeError()), iron::ExitInternal);
    if (emitKind == EmitKind::C) {
      std::string symbol = symbolName.empty() ? cIdentifier(artifactFile) : symbolName.getValue();
      if (Error e = iron::writeArtifactAsC(artifactFile, symbol, *artifact))
        return fail(toString(std::move(e)), iron::ExitOutput);
    } else if (Error e = iron::writeFileAtomically(artifactFile, [&](raw_ostream &os) {
                 os.write(reinterpret_cast<const char *>(artifact->bytes.data()),
                          artifact->bytes.size());
                 return Error::success();
               })) {
      return fail(toString(std::move(e)), iron::ExitOutput);
    }
    double over = artifact->arenaLowerBound
                      ? 100.0 * (double(artifact->arenaBytes) / artifact->arenaLowerBound - 1)
                      : 0.0;
    outs() << "compiled " << inputFile << " -> " << artifactFile << " ("
           << artifact->bytes.size() << " bytes)\n"
           << "  kernels: " << artifact->kernels;
    if (!noFuse)
      outs() << " (" << kernelsBeforeFusion << " before fusion)";
    outs() << ", tensors: " << artifact->tensors
           << ", weights: " << artifact->weightBytes << " bytes\n"
           << "  arena: " << artifact->arenaBytes << " bytes (lower bound "
           << artifact->arenaLowerBound << " bytes, +" << format("%.1f", over) << "%)\n";
    if (cost)
      outs() << "  predicted on " << cost->targetName << ": "
             << format("%.4g", cost->latencyS.value * 1e3) << " ms ["
             << format("%.4g", cost->latencyS.low * 1e3) << ", "
             << format("%.4g", cost->latencyS.high * 1e3) << "]"
             << " (stored per kernel in the artifact)\n";
    return iron::ExitSuccess;
  }
  if (mode == Mode::Check) {
    outs() << inputFile << ": OK: ai.onnx opset " << report.opsetVersion
           << ", " << summary.ops << " ops of " << summary.opCounts.size()
           << " types, " << summary.parameters << " parameters\n";
    return iron::ExitSuccess;
  }
  if (!outputFile.empty())
    if (Error e = iron::writeFileAtomically(outputFile, [&](raw_ostream &os) {
          module->print(os);
          return Error::success();
        }))
      return fail(toString(std::move(e)), iron::ExitOutput);
  if (!quiet)
    iron::printSummary(summary, outs());
  return iron::ExitSuccess;
}

static int runTarget(int argc, char **argv) {
  // ironc target list | show NAME|FILE | probe ...; argv[0] is "target".
  StringRef verb = argc > 1 ? argv[1] : "";
  if (verb == "probe")
    return iron::runTargetProbe(argc + 1, argv - 1);
  if (verb == "list" && argc == 2) {
    for (const std::string &name : iron::listBundledTargets()) {
      auto t = iron::loadTarget(name);
      if (!t)
        return fail(toString(t.takeError()), iron::ExitBadTarget);
      outs() << format("%-28s %-7s ", name.c_str(),
                       iron::stringifyTargetKind(t->kind).str().c_str())
             << t->softwareStack.name << "\n";
    }
    return iron::ExitSuccess;
  }
  if (verb == "show" && argc == 3) {
    auto t = iron::loadTarget(argv[2]);
    if (!t)
      return fail(toString(t.takeError()), iron::ExitBadTarget);
    outs() << t->name << " (" << iron::stringifyTargetKind(t->kind) << ") from "
           << t->path << "\n";
    for (const iron::Quantity *q : t->allQuantities()) {
      outs() << "  " << q->field << " = " << format("%.6g", q->value);
      if (q->hasRange)
        outs() << " [" << format("%.6g", q->low) << ", "
               << format("%.6g", q->high) << "]";
      outs() << "  (" << q->source << ")\n";
    }
    return iron::ExitSuccess;
  }
  errs() << "usage: ironc target list\n"
            "       ironc target show NAME|FILE.yaml\n"
            "       ironc target probe -o host.yaml [--name N] [--quick]\n";
  return iron::ExitUsage;
}

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  if (argc > 1 && StringRef(argv[1]) == "target")
    return runTarget(argc - 1, argv + 1);
  cl::SetVersionPrinter([](raw_ostream &os) { os << "ironc 0.1.0\n"; });
  if (!cl::ParseCommandLineOptions(argc, argv, "Iron model compiler\n", &errs()))
    return iron::ExitUsage;
  if (checkCmd)
    return run(Mode::Check);
  if (importCmd)
    return run(Mode::Import);
  if (compileCmd)
    return run(Mode::Compile);
  if (analyzeCmd)
    return run(Mode::Analyze);
  errs() << "ironc: give a subcommand (check, import, compile, analyze, "
            "target); see ironc --help\n";
  return iron::ExitUsage;
}
