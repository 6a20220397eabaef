//===- Report.cpp - The analysis report as JSON and as a text table -------===//
//
// The JSON form follows docs/report.md (schema "iron-report" 1.3): every
// number's unit is in its key, intervals are {value, low, high} objects.
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace llvm;

namespace iron {

namespace {

json::Value interval(const Interval &i, double scale) {
  return json::Object{{"value", i.value * scale},
                      {"low", i.low * scale},
                      {"high", i.high * scale}};
}

json::Value nullOr(const std::string &s) {
  if (s.empty())
    return nullptr;
  return s;
}

json::Value fusionToJSON(const FusionSummary &f) {
  json::Array fusions, removed, skipped;
  for (const FusionRecord &r : f.fusions) {
    json::Array nodes, before;
    for (const std::string &n : r.nodes)
      nodes.push_back(n);
    for (const std::string &k : r.kindsBefore)
      before.push_back(k);
    fusions.push_back(json::Object{
        {"kind", r.kind},
        {"nodes", std::move(nodes)},
        {"kinds_before", std::move(before)},
        {"latency_before_ms", r.beforeS * 1e3},
        {"latency_after_ms", r.afterS * 1e3},
        {"latency_saved_ms", (r.beforeS - r.afterS) * 1e3},
        {"intermediate_bytes", r.intermediateBytes},
    });
  }
  for (const FusionSummary::Removed &r : f.removed)
    removed.push_back(json::Object{{"kind", r.kind},
                                   {"node", r.node},
                                   {"latency_saved_ms", r.seconds * 1e3}});
  for (const std::string &s : f.skipped)
    skipped.push_back(s);
  return json::Object{
      {"skipped", std::move(skipped)},
      {"kernels_before", int64_t(f.kernelsBefore)},
      {"kernels_after", int64_t(f.kernelsAfter)},
      {"latency_before_ms", f.latencyBeforeS * 1e3},
      {"latency_after_ms", f.latencyAfterS * 1e3},
      {"arena_before_bytes", f.arenaBytesBefore},
      {"arena_after_bytes", f.arenaBytesAfter},
      {"fusions", std::move(fusions)},
      {"removed", std::move(removed)},
  };
}

json::Value costToJSON(const ModelCost &c) {
  json::Array computeRoofs, memoryRoofs;
  for (const auto &r : c.computeRoofs)
    computeRoofs.push_back(json::Object{
        {"unit", r.unit},
        {"precision", stringifyPrecision(r.precision)},
        {"peak_ops_per_s", r.opsPerS}});
  for (const auto &r : c.memoryRoofs)
    memoryRoofs.push_back(json::Object{{"level", r.level},
                                       {"bandwidth_bytes_per_s", r.bytesPerS}});

  json::Array kernels;
  for (const KernelCost &k : c.kernels) {
    json::Array nodes, shapes;
    for (const std::string &n : k.nodes)
      nodes.push_back(n);
    for (const std::string &s : k.outputShapes)
      shapes.push_back(s);
    json::Object byLevel;
    for (const auto &kv : k.bytesByLevel)
      byLevel[kv.first] = kv.second;
    kernels.push_back(json::Object{
        {"index", int64_t(k.index)},
        {"kind", k.kind},
        {"class", stringifyKernelClass(k.kernelClass)},
        {"nodes", std::move(nodes)},
        {"output_shapes", std::move(shapes)},
        {"output_bytes", k.outputBytes},
        {"unit", k.unit},
        {"precision", stringifyPrecision(k.precision)},
        {"fallback", k.fallback},
        {"macs", k.macs},
        {"arithmetic_ops", k.ops},
        {"transcendentals", k.transcendentals},
        {"bytes_moved", k.bytes},
        {"bytes_by_level", std::move(byLevel)},
        {"arithmetic_intensity_ops_per_byte", k.intensity},
        {"efficiency", k.eta},
        {"efficiency_curve", k.curve},
        {"compute_ms", k.computeS * 1e3},
        {"epilogue_ms", k.epilogueS * 1e3},
        {"memory_ms", k.memoryS * 1e3},
        {"memory_stall_ms", k.memoryStallS * 1e3},
        {"overhead_ms", k.overheadS * 1e3},
        {"bound", stringifyBound(k.bound)},
        {"latency_ms", interval(k.latencyS, 1e3)},
        {"energy_uj", interval(k.energyJ, 1e6)},
        {"share", k.share},
    });
  }

  json::Array levels;
  for (const MemoryVerdict &v : c.memory)
    levels.push_back(json::Object{{"level", v.level},
                                  {"holds", v.holds},
                                  {"capacity_bytes", v.capacityBytes},
                                  {"required_bytes", v.requiredBytes},
                                  {"fits", v.fits},
                                  {"margin_bytes",
                                   v.capacityBytes - v.requiredBytes}});

  json::Array budgets;
  for (const BudgetResult &b : c.budgets) {
    std::string unit = b.kind == "latency"  ? "_ms"
                       : b.kind == "energy" ? "_uj"
                                            : "_bytes";
    double scale = b.kind == "latency" ? 1e3 : b.kind == "energy" ? 1e6 : 1;
    json::Array reqs;
    for (const auto &r : b.requirements)
      reqs.push_back(json::Object{{"parameter", r.parameter},
                                  {"current", r.current},
                                  {"required", r.required}});
    json::Object o{{"kind", b.kind},
                   {"limit" + unit, b.limit * scale},
                   {"predicted" + unit, b.predicted * scale},
                   {"pass", b.pass},
                   {"binding_term", nullOr(b.bindingTerm)},
                   {"requirements", std::move(reqs)}};
    budgets.push_back(std::move(o));
  }

  json::Array sens;
  for (const Sensitivity &s : c.sensitivities)
    sens.push_back(
        json::Object{{"parameter", s.parameter}, {"elasticity", s.elasticity}});
  json::Array notes;
  for (const std::string &n : c.notes)
    notes.push_back(n);

  json::Object out{
      {"target", json::Object{{"name", c.targetName},
                              {"kind", c.targetKind},
                              {"path", c.targetPath},
                              {"software_stack", c.softwareStack},
                              {"power_mode", nullOr(c.powerMode)}}},
      {"energy_model", c.energyModel},
      {"roofs", json::Object{{"compute", std::move(computeRoofs)},
                             {"memory", std::move(memoryRoofs)}}},
      {"total",
       json::Object{
           {"batch", c.batch},
           {"latency_ms", interval(c.latencyS, 1e3)},
           {"latency_batch1_ms", interval(c.latencyBatch1S, 1e3)},
           {"energy_uj", interval(c.energyJ, 1e6)},
           {"throughput_inferences_per_s", c.throughputPerS},
           {"macs", c.macs},
           {"arithmetic_ops", c.ops},
           {"bytes_moved", c.bytes},
           {"kernels", int64_t(c.kernels.size())},
           {"inference_overhead_ms", c.inferenceOverheadS * 1e3},
           {"bound_ms", json::Object{{"compute", c.computeBoundS * 1e3},
                                     {"memory", c.memoryBoundS * 1e3},
                                     {"overhead", c.overheadBoundS * 1e3}}},
       }},
      {"memory", json::Object{{"weights_bytes", c.weightBytes},
                              {"arena_bytes", c.arenaBytes},
                              {"levels", std::move(levels)}}},
      {"kernels", std::move(kernels)},
      {"budgets", std::move(budgets)},
      {"sensitivities", std::move(sens)},
      {"notes", std::move(notes)},
  };
  out["fusion"] = c.fusion ? fusionToJSON(*c.fusion) : json::Value(nullptr);
  return out;
}

/// "1.23 ms", "45.6 us", "2.1 s".
std::string time(double s) {
  std::string out;
  raw_string_ostream os(out);
  if (s >= 1)
    os << format("%.3g s", s);
  else if (s >= 1e-3)
    os << format("%.3g ms", s * 1e3);
  else if (s >= 1e-6)
    os << format("%.3g us", s * 1e6);
  else
    os << format("%.3g ns", s * 1e9);
  return out;
}

std::string energy(double j) {
  std::string out;
  raw_string_ostream os(out);
  if (j >= 1)
    os << format("%.3g J", j);
  else if (j >= 1e-3)
    os << format("%.3g mJ", j * 1e3);
  else if (j >= 1e-6)
    os << format("%.3g uJ", j * 1e6);
  else
    os << format("%.3g nJ", j * 1e9);
  return out;
}

std::string bytes(double b) {
  std::string out;
  raw_string_ostream os(out);
  double a = std::fabs(b);
  if (a >= 1024.0 * 1024 * 1024)
    os << format("%.2f GiB", b / (1024.0 * 1024 * 1024));
  else if (a >= 1024.0 * 1024)
    os << format("%.2f MiB", b / (1024.0 * 1024));
  else if (a >= 1024)
    os << format("%.1f KiB", b / 1024);
  else
    os << format("%.0f B", b);
  return out;
}

std::string count(double n) {
  std::string out;
  raw_string_ostream os(out);
  if (n >= 1e9)
    os << format("%.2fG", n / 1e9);
  else if (n >= 1e6)
    os << format("%.2fM", n / 1e6);
  else if (n >= 1e3)
    os << format("%.1fk", n / 1e3);
  else
    os << format("%.0f", n);
  return out;
}

std::string withInterval(const Interval &i, std::string (*fmt)(double)) {
  if (i.low == i.value && i.high == i.value)
    return fmt(i.value);
  return fmt(i.value) + " [" + fmt(i.low) + ", " + fmt(i.high) + "]";
}

std::string truncate(StringRef s, size_t n) {
  if (s.size() <= n)
    return s.str();
  return "..." + s.take_back(n - 3).str();
}

std::string signedTime(double s) {
  return s < 0 ? "-" + time(-s) : time(s);
}

void printFusion(const FusionSummary &f, raw_ostream &os, unsigned maxRows) {
  auto pct = [](double before, double after) {
    return before > 0 ? 100.0 * (after / before - 1) : 0.0;
  };
  os << "  fusion      " << f.kernelsBefore << " -> " << f.kernelsAfter
     << " kernels, latency " << time(f.latencyBeforeS) << " -> "
     << time(f.latencyAfterS)
     << format(" (%+.1f%%)", pct(f.latencyBeforeS, f.latencyAfterS))
     << ", arena " << bytes(f.arenaBytesBefore) << " -> "
     << bytes(f.arenaBytesAfter)
     << format(" (%+.1f%%)", pct(f.arenaBytesBefore, f.arenaBytesAfter));
  if (!f.skipped.empty()) {
    os << "; skipped:";
    for (const std::string &s : f.skipped)
      os << " " << s;
  }
  os << "\n";
  // The fusions that save the most first.
  std::vector<const FusionRecord *> rows;
  for (const FusionRecord &r : f.fusions)
    rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const FusionRecord *a, const FusionRecord *b) {
                     return a->beforeS - a->afterS > b->beforeS - b->afterS;
                   });
  size_t shown = maxRows ? std::min<size_t>(maxRows, rows.size()) : rows.size();
  for (size_t i = 0; i < shown; ++i) {
    const FusionRecord &r = *rows[i];
    std::string from;
    for (const std::string &k : r.kindsBefore)
      from += (from.empty() ? "" : "+") + k;
    os << format("    %-14s %-40s <- %-28s saves %10s, %9s not stored\n",
                 truncate(r.kind, 14).c_str(),
                 truncate(r.nodes.empty() ? "" : r.nodes.front(), 40).c_str(),
                 truncate(from, 28).c_str(),
                 signedTime(r.beforeS - r.afterS).c_str(),
                 bytes(r.intermediateBytes).c_str());
  }
  if (shown < rows.size())
    os << "    ... " << (rows.size() - shown) << " more fusions\n";
  if (!f.removed.empty()) {
    double saved = 0;
    for (const FusionSummary::Removed &r : f.removed)
      saved += r.seconds;
    os << "    removed " << f.removed.size()
       << " kernel(s) (folded into weights or cancelled), saving "
       << time(saved) << "\n";
  }
}

void printOne(const ModelCost &c, raw_ostream &os, unsigned maxKernels) {
  os << "target " << c.targetName << " (" << c.targetKind << "): "
     << c.softwareStack << "\n";
  os << "  batch " << c.batch;
  if (c.assumedPrecision)
    os << ", assumed precision " << stringifyPrecision(*c.assumedPrecision);
  if (!c.powerMode.empty())
    os << ", power mode " << c.powerMode;
  os << ", " << c.kernels.size() << " kernels\n\n";

  os << "     #  kernel             onnx node                          unit       "
        "   precision         MACs     bytes   ops/B  bound       latency  share\n";
  std::vector<const KernelCost *> rows;
  for (const KernelCost &k : c.kernels)
    rows.push_back(&k);
  if (maxKernels && rows.size() > maxKernels) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const KernelCost *a, const KernelCost *b) {
                       return a->share > b->share;
                     });
    rows.resize(maxKernels);
    std::sort(rows.begin(), rows.end(),
              [](const KernelCost *a, const KernelCost *b) {
                return a->index < b->index;
              });
  }
  for (const KernelCost *k : rows) {
    std::string node = k->nodes.empty() ? "" : k->nodes.front();
    if (k->nodes.size() > 1)
      node += " +" + std::to_string(k->nodes.size() - 1);
    os << format("  %4u  %-18s %-34s %-13s %-12s %9s %9s %7.1f  %-8s %10s "
                 "%5.1f%%\n",
                 k->index, truncate(k->kind, 18).c_str(),
                 truncate(node, 34).c_str(), truncate(k->unit, 13).c_str(),
                 (stringifyPrecision(k->precision).str() +
                  (k->fallback ? " (fb)" : ""))
                     .c_str(),
                 count(k->macs).c_str(), bytes(k->bytes).c_str(),
                 k->intensity, stringifyBound(k->bound).str().c_str(),
                 time(k->latencyS.value).c_str(), k->share * 100);
  }
  if (rows.size() < c.kernels.size())
    os << "  ... " << (c.kernels.size() - rows.size())
       << " more kernels (the largest " << rows.size() << " by share shown)\n";

  os << "\n  latency     " << withInterval(c.latencyS, time);
  if (c.batch != 1)
    os << " per batch of " << c.batch << "; batch 1: "
       << withInterval(c.latencyBatch1S, time);
  os << "\n";
  os << format("  throughput  %.4g inferences/s\n", c.throughputPerS);
  if (c.energyModel != "none")
    os << "  energy      " << withInterval(c.energyJ, energy) << " ("
       << c.energyModel << ")\n";
  double total = c.computeBoundS + c.memoryBoundS + c.overheadBoundS;
  if (total > 0)
    os << format("  bound       compute %.0f%%, memory %.0f%%, overhead "
                 "%.0f%% of kernel time\n",
                 100 * c.computeBoundS / total, 100 * c.memoryBoundS / total,
                 100 * c.overheadBoundS / total);
  os << "  work        " << count(c.macs) << " MACs, " << bytes(c.bytes)
     << " moved\n";
  os << "  memory      weights " << bytes(c.weightBytes) << ", arena "
     << bytes(c.arenaBytes) << "\n";
  for (const MemoryVerdict &v : c.memory) {
    os << "    " << v.level << " (" << v.holds << "): "
       << bytes(v.requiredBytes) << " of " << bytes(v.capacityBytes) << ": ";
    if (v.fits)
      os << "fits, " << bytes(v.capacityBytes - v.requiredBytes) << " free\n";
    else
      os << "DOES NOT FIT, short by "
         << bytes(v.requiredBytes - v.capacityBytes) << "\n";
  }
  for (const BudgetResult &b : c.budgets) {
    auto show = [&](double v) {
      return b.kind == "latency"  ? time(v)
             : b.kind == "energy" ? energy(v)
                                  : bytes(v);
    };
    os << "  budget      " << b.kind << " " << show(b.predicted) << " of "
       << show(b.limit) << ": " << (b.pass ? "pass" : "FAIL");
    if (!b.pass && !b.bindingTerm.empty())
      os << " (binding term: " << b.bindingTerm << ")";
    os << "\n";
    for (const auto &r : b.requirements) {
      os << "    " << r.parameter << ": " << format("%.4g", r.current);
      if (r.required < 0)
        os << " -> cannot meet the budget alone\n";
      else
        os << " -> needs " << format("%.4g", r.required) << "\n";
    }
  }
  if (!c.sensitivities.empty()) {
    os << "  sensitivity (d ln latency / d ln parameter):\n";
    for (size_t i = 0; i < c.sensitivities.size() && i < 4; ++i)
      os << format("    %+.3f  ", c.sensitivities[i].elasticity)
         << c.sensitivities[i].parameter << "\n";
  }
  if (c.fusion)
    printFusion(*c.fusion, os, maxKernels);
  for (const std::string &n : c.notes)
    os << "  note: " << n << "\n";
}

} // namespace

json::Value reportToJSON(StringRef modelPath, const CostOptions &options,
                         const std::vector<ModelCost> &costs) {
  json::Array targets;
  for (const ModelCost &c : costs)
    targets.push_back(costToJSON(c));
  return json::Object{
      {"schema", "iron-report"},
      {"schema_version", "1.3"},
      {"model", json::Object{{"path", modelPath}}},
      {"options",
       json::Object{
           {"batch", options.batch},
           {"assume_precision",
            options.assumePrecision
                ? json::Value(stringifyPrecision(*options.assumePrecision))
                : json::Value(nullptr)},
           {"power_mode", nullOr(options.powerMode)}}},
      {"targets", std::move(targets)},
  };
}

void printReport(const std::vector<ModelCost> &costs, raw_ostream &os,
                 unsigned maxKernels) {
  for (size_t i = 0; i < costs.size(); ++i) {
    if (i)
      os << "\n";
    printOne(costs[i], os, maxKernels);
  }
  if (costs.size() < 2)
    return;
  os << "\ncomparison\n";
  os << "  target                       latency                              "
        "energy                           inferences/s  bound    fits\n";
  for (const ModelCost &c : costs) {
    const char *bound = "compute";
    if (c.memoryBoundS > c.computeBoundS)
      bound = "memory";
    if (c.overheadBoundS > std::max(c.computeBoundS, c.memoryBoundS))
      bound = "overhead";
    bool fits = true;
    for (const MemoryVerdict &v : c.memory)
      fits &= v.fits;
    os << format("  %-28s %-36s %-30s %14.4g  %-8s %s\n",
                 truncate(c.targetName, 28).c_str(),
                 withInterval(c.latencyS, time).c_str(),
                 c.energyModel == "none"
                     ? "-"
                     : withInterval(c.energyJ, energy).c_str(),
                 c.throughputPerS, bound, fits ? "yes" : "NO");
  }
}

} // namespace iron
