//===- HtmlReport.cpp - The analysis report as one HTML page -------------===//
//
// Renders the report's JSON form (docs/report.md) rather than ModelCost, so
// a saved report can be rendered again without the model or the target file.
// Every field is optional here: a missing or mistyped value prints as a dash
// instead of failing. The page loads nothing and runs nothing; the charts are
// inline SVG. Numbers are printed with fixed formats and no JSON object is
// iterated (their order is a hash order), so the same document always gives
// the same bytes.
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace iron;
using llvm::StringRef;
namespace json = llvm::json;

namespace {

//===----------------------------------------------------------------------===//
// Reading the document leniently
//===----------------------------------------------------------------------===//

const json::Object *getObject(const json::Object *o, StringRef key) {
  return o ? o->getObject(key) : nullptr;
}

const json::Array *getArray(const json::Object *o, StringRef key) {
  return o ? o->getArray(key) : nullptr;
}

std::optional<double> getNumber(const json::Object *o, StringRef key) {
  if (!o)
    return std::nullopt;
  std::optional<double> v = o->getNumber(key);
  if (v && std::isfinite(*v))
    return v;
  return std::nullopt;
}

std::string getString(const json::Object *o, StringRef key) {
  if (o)
    if (std::optional<StringRef> s = o->getString(key))
      return s->str();
  return {};
}

std::optional<bool> getBool(const json::Object *o, StringRef key) {
  return o ? o->getBoolean(key) : std::nullopt;
}

std::vector<std::string> getStrings(const json::Object *o, StringRef key) {
  std::vector<std::string> out;
  if (const json::Array *a = getArray(o, key))
    for (const json::Value &v : *a)
      if (std::optional<StringRef> s = v.getAsString())
        out.push_back(s->str());
  return out;
}

struct Iv {
  double value = 0, low = 0, high = 0;
};

/// An interval object; a bare number is accepted as a point interval.
std::optional<Iv> getInterval(const json::Object *o, StringRef key) {
  if (!o)
    return std::nullopt;
  const json::Value *v = o->get(key);
  if (!v)
    return std::nullopt;
  if (std::optional<double> n = v->getAsNumber()) {
    if (std::isfinite(*n))
      return Iv{*n, *n, *n};
    return std::nullopt;
  }
  const json::Object *io = v->getAsObject();
  std::optional<double> value = getNumber(io, "value");
  if (!value)
    return std::nullopt;
  return Iv{*value, getNumber(io, "low").value_or(*value),
            getNumber(io, "high").value_or(*value)};
}

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

const char *const kDash = "\xe2\x80\x94";   // em dash: no value
const char *const kEnDash = "\xe2\x80\x93"; // ranges
const char *const kMicro = "\xc2\xb5";
/// SI prefixes from 1e-9 to 1e18.
const char *const kPrefixes[] = {"n", kMicro, "m", "",  "k",
                                 "M", "G",    "T", "P", "E"};

std::string esc(StringRef s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      // Control characters are not allowed in HTML text.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
        out += ' ';
      else
        out += c;
    }
  }
  return out;
}

std::string escOrDash(StringRef s) { return s.empty() ? kDash : esc(s); }

template <typename... Ts> std::string fmt(const char *format, Ts... args) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), format, args...);
  return buf;
}

/// Coordinates in the SVG: one decimal is finer than a pixel.
std::string px(double v) { return fmt("%.1f", v); }

/// Rounds to three significant digits, so the choice of decimals below sees
/// the value that will be printed (9.996 becomes 10.0, not 10.00).
double round3(double v) { return std::strtod(fmt("%.2e", v).c_str(), nullptr); }

/// Three significant digits; exponent form outside [1e-3, 1e6).
std::string sig3(double v) {
  if (!std::isfinite(v))
    return "n/a";
  if (v == 0)
    return "0";
  v = round3(v);
  double a = std::fabs(v);
  if (a >= 1e6 || a < 1e-3)
    return fmt("%.2e", v);
  int decimals =
      std::clamp(2 - static_cast<int>(std::floor(std::log10(a))), 0, 5);
  return fmt("%.*f", decimals, v);
}

std::string mantissa(double m) {
  double a = std::fabs(m);
  return fmt("%.*f", a >= 100 ? 0 : a >= 10 ? 1 : 2, m);
}

/// Decimal SI prefix, three significant digits: "989 Tops/s".
std::string si(double v, StringRef unit) {
  if (!std::isfinite(v))
    return "n/a";
  if (v == 0)
    return unit.empty() ? "0" : "0 " + unit.str();
  int e = static_cast<int>(std::floor(std::log10(std::fabs(v)) / 3));
  e = std::clamp(e, -3, 6);
  double m = round3(v / std::pow(10.0, 3 * e));
  if (std::fabs(m) >= 1000 && e < 6) {
    ++e;
    m = round3(m / 1000);
  }
  return mantissa(m) + " " + kPrefixes[e + 3] + unit.str();
}

/// Memory sizes in binary units, as capacities are quoted.
std::string bytes(double b) {
  if (!std::isfinite(b))
    return "n/a";
  if (std::fabs(b) < 1024)
    return fmt("%.0f B", b);
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  int i = -1;
  double m = b;
  while (std::fabs(m) >= 1024 && i < 4) {
    m /= 1024;
    ++i;
  }
  return mantissa(round3(m)) + " " + units[i];
}

struct Scale {
  double factor;
  std::string unit;
};

Scale timeScale(double ms) {
  double a = std::fabs(ms);
  if (a >= 1000)
    return {1e-3, "s"};
  if (a >= 1 || a == 0)
    return {1, "ms"};
  if (a >= 1e-3)
    return {1e3, std::string(kMicro) + "s"};
  return {1e6, "ns"};
}

Scale energyScale(double uj) {
  double a = std::fabs(uj);
  if (a >= 1e6)
    return {1e-6, "J"};
  if (a >= 1e3)
    return {1e-3, "mJ"};
  if (a >= 1 || a == 0)
    return {1, std::string(kMicro) + "J"};
  return {1e3, "nJ"};
}

std::string scaled(double v, const Scale &s) {
  return sig3(v * s.factor) + " " + s.unit;
}

/// "1.23 ms [0.98–1.56]": the bounds share the value's unit.
std::string scaledIv(const Iv &iv, const Scale &s) {
  return scaled(iv.value, s) + " [" + sig3(iv.low * s.factor) + kEnDash +
         sig3(iv.high * s.factor) + "]";
}

std::string timeMs(double ms) { return scaled(ms, timeScale(ms)); }
std::string timeIv(const Iv &iv) { return scaledIv(iv, timeScale(iv.value)); }
std::string energyUj(double uj) { return scaled(uj, energyScale(uj)); }
std::string energyIv(const Iv &iv) {
  return scaledIv(iv, energyScale(iv.value));
}

std::string pct(double fraction) { return fmt("%.1f%%", 100 * fraction); }

std::string optTimeIv(const std::optional<Iv> &iv) {
  return iv ? timeIv(*iv) : kDash;
}
std::string optEnergyIv(const std::optional<Iv> &iv) {
  return iv ? energyIv(*iv) : kDash;
}

const char *boundColor(StringRef bound) {
  if (bound == "compute")
    return "#2f6db5";
  if (bound == "memory")
    return "#e07b1f";
  if (bound == "overhead")
    return "#8c8c8c";
  return "#444444";
}

/// Segment colours of the op-kind bar; the last one is "other".
const char *const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759",
                                "#76b7b2", "#59a14f", "#edc948",
                                "#b07aa1", "#ff9da7", "#9c755f"};
const char *const kOtherColor = "#bab0ac";

//===----------------------------------------------------------------------===//
// The model of one target, as far as the document gives it
//===----------------------------------------------------------------------===//

struct Kernel {
  double index = 0;
  std::string kind, cls, unit, precision, bound;
  std::vector<std::string> nodes, shapes;
  bool fallback = false;
  std::optional<double> macs, ops, bytes, intensity, share;
  std::optional<Iv> latency, energy;

  std::string label() const { return "#" + fmt("%.0f", index) + " " + kind; }
};

std::vector<Kernel> readKernels(const json::Object *t) {
  std::vector<Kernel> ks;
  const json::Array *arr = getArray(t, "kernels");
  if (!arr)
    return ks;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json::Object *o = (*arr)[i].getAsObject();
    if (!o)
      continue;
    Kernel k;
    k.index = getNumber(o, "index").value_or(static_cast<double>(i));
    k.kind = getString(o, "kind");
    k.cls = getString(o, "class");
    k.unit = getString(o, "unit");
    k.precision = getString(o, "precision");
    k.bound = getString(o, "bound");
    k.nodes = getStrings(o, "nodes");
    k.shapes = getStrings(o, "output_shapes");
    k.fallback = getBool(o, "fallback").value_or(false);
    k.macs = getNumber(o, "macs");
    k.ops = getNumber(o, "arithmetic_ops");
    k.bytes = getNumber(o, "bytes_moved");
    k.intensity = getNumber(o, "arithmetic_intensity_ops_per_byte");
    if (!k.intensity && k.ops && k.bytes && *k.bytes > 0)
      k.intensity = *k.ops / *k.bytes;
    k.share = getNumber(o, "share");
    k.latency = getInterval(o, "latency_ms");
    k.energy = getInterval(o, "energy_uj");
    ks.push_back(std::move(k));
  }
  // Execution order; the list should already be in it.
  std::stable_sort(ks.begin(), ks.end(), [](const Kernel &a, const Kernel &b) {
    return a.index < b.index;
  });
  // Shares, when the writer left them out, from the kernels' latencies.
  double sum = 0;
  for (const Kernel &k : ks)
    if (k.latency && k.latency->value > 0)
      sum += k.latency->value;
  for (Kernel &k : ks)
    if (!k.share && sum > 0)
      k.share = k.latency ? std::max(0.0, k.latency->value) / sum : 0.0;
  return ks;
}

struct ComputeRoof {
  std::string unit, precision;
  double opsPerS;
};
struct MemoryRoof {
  std::string level;
  double bytesPerS;
};

std::string roofName(const ComputeRoof &r) {
  std::string s = r.unit;
  if (!r.precision.empty())
    s += (s.empty() ? "" : " ") + r.precision;
  return s.empty() ? "compute" : s;
}

void readRoofs(const json::Object *t, std::vector<ComputeRoof> &compute,
               std::vector<MemoryRoof> &memory) {
  const json::Object *roofs = getObject(t, "roofs");
  if (const json::Array *a = getArray(roofs, "compute"))
    for (const json::Value &v : *a) {
      const json::Object *o = v.getAsObject();
      std::optional<double> peak = getNumber(o, "peak_ops_per_s");
      if (peak && *peak > 0)
        compute.push_back(
            {getString(o, "unit"), getString(o, "precision"), *peak});
    }
  if (const json::Array *a = getArray(roofs, "memory"))
    for (const json::Value &v : *a) {
      const json::Object *o = v.getAsObject();
      std::optional<double> bw = getNumber(o, "bandwidth_bytes_per_s");
      if (bw && *bw > 0)
        memory.push_back({getString(o, "level"), *bw});
    }
  // Highest first: labels stack from the top and ridges pair with the
  // fastest level.
  std::stable_sort(compute.begin(), compute.end(),
                   [](const ComputeRoof &a, const ComputeRoof &b) {
                     return a.opsPerS > b.opsPerS;
                   });
  std::stable_sort(memory.begin(), memory.end(),
                   [](const MemoryRoof &a, const MemoryRoof &b) {
                     return a.bytesPerS > b.bytesPerS;
                   });
}

/// Latency per bound: total.bound_ms when given, else summed from kernels.
std::vector<std::pair<std::string, double>>
boundTimes(const json::Object *t, const std::vector<Kernel> &ks) {
  static const char *const names[] = {"compute", "memory", "overhead"};
  std::vector<std::pair<std::string, double>> out;
  const json::Object *bm = getObject(getObject(t, "total"), "bound_ms");
  for (const char *n : names) {
    double v = 0;
    if (bm) {
      v = getNumber(bm, n).value_or(0);
    } else {
      for (const Kernel &k : ks)
        if (k.bound == n && k.latency)
          v += k.latency->value;
    }
    out.push_back({n, v});
  }
  return out;
}

std::string dominantBound(const json::Object *t,
                          const std::vector<Kernel> &ks) {
  std::string best;
  double bestV = 0;
  for (const auto &[name, v] : boundTimes(t, ks))
    if (v > bestV) {
      best = name;
      bestV = v;
    }
  return best;
}

/// "yes", "no: sram short by 1.2 MiB" or a dash when no level is listed.
std::string fitsSummary(const json::Object *t) {
  const json::Array *levels = getArray(getObject(t, "memory"), "levels");
  if (!levels || levels->empty())
    return kDash;
  std::string misses;
  for (const json::Value &v : *levels) {
    const json::Object *o = v.getAsObject();
    if (!o || getBool(o, "fits").value_or(true))
      continue;
    double margin = getNumber(o, "margin_bytes")
                        .value_or(getNumber(o, "capacity_bytes").value_or(0) -
                                  getNumber(o, "required_bytes").value_or(0));
    if (!misses.empty())
      misses += "; ";
    misses += escOrDash(getString(o, "level")) + " short by " +
              bytes(std::fabs(margin));
  }
  return misses.empty() ? "yes" : "no: " + misses;
}

//===----------------------------------------------------------------------===//
// The page
//===----------------------------------------------------------------------===//

const char *const kStyle = R"css(
:root { --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --bg2: #f5f5f7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--fg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 36px 0 6px; padding-top: 12px; border-top: 2px solid var(--fg); }
h3 { font-size: 15px; margin: 22px 0 6px; }
.muted { color: var(--muted); }
.meta span + span::before { content: " \00b7 "; color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; }
.card { background: var(--bg2); border-radius: 6px; padding: 6px 10px; min-width: 120px; }
.card .k { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .i { font-size: 12px; color: var(--muted); }
ul.notes { margin: 6px 0; padding-left: 20px; color: #7a4b00; }
table { border-collapse: collapse; margin: 6px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; white-space: nowrap; }
table.kernels { font-size: 12.5px; }
table.kernels tr.top td { background: #fff6df; }
.rank { display: inline-block; min-width: 22px; font-size: 11px; font-weight: 700; color: #8a5a00; }
.pass { color: #1f7a34; font-weight: 600; }
.fail { color: #b3261e; font-weight: 600; }
.tag { font-size: 11px; border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 4px 0 10px; }
.bar { display: inline-block; height: 9px; background: #9aa7b8; vertical-align: middle; }
.scroll { overflow-x: auto; }
svg { max-width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 11px; fill: var(--fg); }
svg .plot { fill: #fcfcfd; stroke: #9a9aa0; }
svg .grid { stroke: #e6e6ea; }
svg .tick { fill: var(--muted); }
svg .croof { stroke: #1d1d1f; stroke-width: 1.6; fill: none; }
svg .mroof { stroke: #1d1d1f; stroke-width: 1.6; fill: none; stroke-dasharray: 7 3; }
svg .roofl { font-size: 10.5px; paint-order: stroke; stroke: #fcfcfd; stroke-width: 3px; stroke-linejoin: round; }
svg .ridge { fill: #ffffff; stroke: #1d1d1f; stroke-width: 1.2; }
svg .pt { fill-opacity: .55; stroke-width: 1; }
svg .axis { font-size: 12px; fill: var(--muted); }
svg .seg { stroke: #ffffff; stroke-width: 1; }
svg .segl { font-size: 11px; }
)css";

void writeHead(llvm::raw_ostream &os, StringRef title) {
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
     << "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n"
     << "<title>" << esc(title) << "</title>\n<style>" << kStyle
     << "</style>\n</head>\n<body>\n";
}

void card(llvm::raw_ostream &os, StringRef key, StringRef value,
          StringRef detail = {}) {
  os << "<div class=\"card\"><div class=\"k\">" << key
     << "</div><div class=\"v\">" << value << "</div>";
  if (!detail.empty())
    os << "<div class=\"i\">" << detail << "</div>";
  os << "</div>\n";
}

void writeHeader(llvm::raw_ostream &os, const json::Object *t,
                 const json::Object *options, const std::vector<Kernel> &ks) {
  const json::Object *target = getObject(t, "target");
  const json::Object *total = getObject(t, "total");
  const json::Object *mem = getObject(t, "memory");

  os << "<p class=\"meta\">";
  auto item = [&](StringRef key, const std::string &value) {
    if (!value.empty())
      os << "<span>" << key << " <b>" << esc(value) << "</b></span>";
  };
  item("kind", getString(target, "kind"));
  item("software stack", getString(target, "software_stack"));
  std::optional<double> batch = getNumber(total, "batch");
  if (!batch)
    batch = getNumber(options, "batch");
  if (batch)
    item("batch", fmt("%.0f", *batch));
  item("assumed precision", getString(options, "assume_precision"));
  std::string mode = getString(target, "power_mode");
  item("power mode", mode.empty() ? getString(options, "power_mode") : mode);
  item("energy model", getString(t, "energy_model"));
  os << "</p>\n";
  std::string path = getString(target, "path");
  if (!path.empty())
    os << "<p class=\"muted\">target file " << esc(path) << "</p>\n";

  os << "<div class=\"cards\">\n";
  if (std::optional<Iv> lat = getInterval(total, "latency_ms")) {
    Scale s = timeScale(lat->value);
    card(os, "latency", scaled(lat->value, s),
         "[" + sig3(lat->low * s.factor) + kEnDash +
             sig3(lat->high * s.factor) + " " + s.unit + "]");
  } else {
    card(os, "latency", kDash);
  }
  if (batch && *batch > 1)
    if (std::optional<Iv> l1 = getInterval(total, "latency_batch1_ms"))
      card(os, "latency, batch 1", timeMs(l1->value));
  if (std::optional<Iv> e = getInterval(total, "energy_uj")) {
    Scale s = energyScale(e->value);
    card(os, "energy", scaled(e->value, s),
         "[" + sig3(e->low * s.factor) + kEnDash + sig3(e->high * s.factor) +
             " " + s.unit + "]");
  } else {
    card(os, "energy", kDash);
  }
  std::optional<double> tput = getNumber(total, "throughput_inferences_per_s");
  card(os, "throughput", tput ? sig3(*tput) + " /s" : kDash, "inferences");
  std::optional<double> nk = getNumber(total, "kernels");
  card(os, "kernels", fmt("%.0f", nk.value_or(static_cast<double>(ks.size()))));
  if (std::optional<double> macs = getNumber(total, "macs"))
    card(os, "MACs", si(*macs, ""));
  if (std::optional<double> b = getNumber(total, "bytes_moved"))
    card(os, "bytes moved", bytes(*b));
  std::optional<double> w = getNumber(mem, "weights_bytes");
  card(os, "weights", w ? bytes(*w) : kDash);
  std::optional<double> arena = getNumber(mem, "arena_bytes");
  card(os, "arena", arena ? bytes(*arena) : kDash);
  if (std::optional<double> ov = getNumber(total, "inference_overhead_ms"))
    if (*ov > 0)
      card(os, "per-inference overhead", timeMs(*ov));
  os << "</div>\n";

  std::vector<std::string> notes = getStrings(t, "notes");
  if (!notes.empty()) {
    os << "<ul class=\"notes\">\n";
    for (const std::string &n : notes)
      os << "<li>" << esc(n) << "</li>\n";
    os << "</ul>\n";
  }
}

//===--- Roofline ---------------------------------------------------------===//

/// A log-log plot area: decades [lx0, lx1] x [ly0, ly1] onto pixels.
struct LogPlot {
  double left, top, width, height;
  double lx0, lx1, ly0, ly1;
  double x(double lx) const { return left + (lx - lx0) / (lx1 - lx0) * width; }
  double y(double ly) const { return top + (ly1 - ly) / (ly1 - ly0) * height; }
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

/// Decade bounds with a margin, at least `minSpan` decades wide.
std::pair<double, double> decades(double lo, double hi, double margin,
                                  double minSpan) {
  double a = std::floor(std::log10(lo) - margin);
  double b = std::ceil(std::log10(hi) + margin);
  while (b - a < minSpan) {
    a -= 1;
    if (b - a < minSpan)
      b += 1;
  }
  return {a, b};
}

std::string xTick(int e) {
  if (e >= 0 && e <= 3)
    return fmt("%.0f", std::pow(10.0, e));
  if (e < 0 && e >= -3)
    return fmt("%.*f", -e, std::pow(10.0, e));
  return fmt("1e%d", e);
}

/// 10^e with a prefix: "1 G", "10 G", "100 G".
std::string decadeSI(int e) {
  int p = std::clamp(static_cast<int>(std::floor(e / 3.0)), -3, 6);
  std::string s = fmt("%g", std::pow(10.0, e - 3 * p));
  if (p != 0)
    s += std::string(" ") + kPrefixes[p + 3];
  return s;
}

std::string nodesSummary(const Kernel &k) {
  if (k.nodes.empty())
    return {};
  std::string s = k.nodes.front();
  if (k.nodes.size() > 1)
    s += " (+" + std::to_string(k.nodes.size() - 1) + " more)";
  return s;
}

void writeRoofline(llvm::raw_ostream &os, const json::Object *t,
                   const std::vector<Kernel> &ks, StringRef targetName) {
  std::vector<ComputeRoof> croofs;
  std::vector<MemoryRoof> mroofs;
  readRoofs(t, croofs, mroofs);

  struct Point {
    const Kernel *k;
    double intensity, perf;
  };
  std::vector<Point> points;
  std::vector<const Kernel *> unplaced;
  for (const Kernel &k : ks) {
    double lat = k.latency ? k.latency->value : 0;
    if (k.ops && *k.ops > 0 && k.bytes && *k.bytes > 0 && k.intensity &&
        *k.intensity > 0 && lat > 0)
      points.push_back({&k, *k.intensity, *k.ops / (lat / 1000)});
    else
      unplaced.push_back(&k);
  }

  // Ranges: the kernels and the ridge points, so every roof bends inside.
  double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
  for (const Point &p : points) {
    xlo = std::min(xlo, p.intensity);
    xhi = std::max(xhi, p.intensity);
    ylo = std::min(ylo, p.perf);
    yhi = std::max(yhi, p.perf);
  }
  for (const ComputeRoof &c : croofs) {
    ylo = std::min(ylo, c.opsPerS);
    yhi = std::max(yhi, c.opsPerS);
    for (const MemoryRoof &m : mroofs) {
      xlo = std::min(xlo, c.opsPerS / m.bytesPerS);
      xhi = std::max(xhi, c.opsPerS / m.bytesPerS);
    }
  }
  if (!(xhi > 0)) {
    xlo = 0.1;
    xhi = 1000;
  }
  if (!(yhi > 0)) {
    ylo = 1e9;
    yhi = 1e12;
  }
  auto [lx0, lx1] = decades(xlo, xhi, 0.3, 3);
  // The memory roofs should show their slope from the left edge up.
  for (const MemoryRoof &m : mroofs)
    if (!croofs.empty())
      ylo = std::min(ylo, std::max(m.bytesPerS * std::pow(10.0, lx0),
                                   croofs.front().opsPerS * 1e-6));
  auto [ly0, ly1] = decades(ylo, yhi, 0.15, 3);

  const double svgW = 760, svgH = 470;
  LogPlot P{78, 14, 760 - 78 - 16, 470 - 14 - 84, lx0, lx1, ly0, ly1};

  os << "<div class=\"scroll\"><svg class=\"roofline\" viewBox=\"0 0 "
     << px(svgW) << " " << px(svgH) << "\" width=\"" << px(svgW)
     << "\" height=\"" << px(svgH) << "\" role=\"img\" aria-label=\"Roofline "
     << "chart for " << esc(targetName) << "\">\n";
  os << "<rect class=\"plot\" x=\"" << px(P.left) << "\" y=\"" << px(P.top)
     << "\" width=\"" << px(P.width) << "\" height=\"" << px(P.height)
     << "\"/>\n";

  // Decade grid; every other decade is labelled when there are many.
  int xStep = (lx1 - lx0) > 10 ? 2 : 1;
  for (int e = static_cast<int>(lx0); e <= static_cast<int>(lx1); ++e) {
    double x = P.x(e);
    if (e > lx0 && e < lx1)
      os << "<line class=\"grid\" x1=\"" << px(x) << "\" y1=\"" << px(P.top)
         << "\" x2=\"" << px(x) << "\" y2=\"" << px(P.bottom()) << "\"/>\n";
    if ((e - static_cast<int>(lx0)) % xStep == 0)
      os << "<text class=\"tick\" x=\"" << px(x) << "\" y=\""
         << px(P.bottom() + 15) << "\" text-anchor=\"middle\">" << xTick(e)
         << "</text>\n";
  }
  int yStep = (ly1 - ly0) > 10 ? 2 : 1;
  for (int e = static_cast<int>(ly0); e <= static_cast<int>(ly1); ++e) {
    double y = P.y(e);
    if (e > ly0 && e < ly1)
      os << "<line class=\"grid\" x1=\"" << px(P.left) << "\" y1=\"" << px(y)
         << "\" x2=\"" << px(P.right()) << "\" y2=\"" << px(y) << "\"/>\n";
    if ((e - static_cast<int>(ly0)) % yStep == 0)
      os << "<text class=\"tick\" x=\"" << px(P.left - 6) << "\" y=\""
         << px(y + 4) << "\" text-anchor=\"end\">" << esc(decadeSI(e))
         << "</text>\n";
  }
  os << "<text class=\"axis\" x=\"" << px(P.left + P.width / 2) << "\" y=\""
     << px(P.bottom() + 34) << "\" text-anchor=\"middle\">arithmetic intensity "
     << "(ops/byte)</text>\n";
  os << "<text class=\"axis\" transform=\"translate(16 "
     << px(P.top + P.height / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
     << "attained performance (ops/s)</text>\n";

  // Roofs as in a hierarchical roofline: each memory roof rises until the
  // highest compute roof, each compute roof runs right from where it meets
  // the fastest memory level. All ridge points then lie on drawn lines.
  double lTopPeak = croofs.empty() ? ly1 : std::log10(croofs.front().opsPerS);
  double lFastBw = mroofs.empty() ? 0 : std::log10(mroofs.front().bytesPerS);
  // Labels go on top of the kernels, so they are collected and drawn last.
  std::string labels;
  llvm::raw_string_ostream lo(labels);
  double prevLabelY = -1e9;
  for (const ComputeRoof &c : croofs) {
    double lp = std::log10(c.opsPerS);
    if (lp < ly0 || lp > ly1)
      continue;
    double xStart = mroofs.empty() ? lx0 : std::max(lx0, lp - lFastBw);
    if (xStart >= lx1)
      continue;
    double y = P.y(lp);
    os << "<line class=\"croof\" x1=\"" << px(P.x(xStart)) << "\" y1=\""
       << px(y) << "\" x2=\"" << px(P.right()) << "\" y2=\"" << px(y)
       << "\"><title>" << esc(roofName(c)) << ": "
       << esc(si(c.opsPerS, "ops/s")) << "</title></line>\n";
    // Close roofs would print their labels on top of each other.
    double labelY = y - 4;
    if (labelY - prevLabelY < 12)
      labelY = prevLabelY + 12;
    prevLabelY = labelY;
    lo << "<text class=\"roofl\" x=\"" << px(P.right() - 4) << "\" y=\""
       << px(labelY) << "\" text-anchor=\"end\">" << esc(roofName(c)) << " ("
       << esc(si(c.opsPerS, "ops/s")) << ")</text>\n";
  }
  // On screen a slope-1 line in decades rises at this angle.
  double angle =
      -std::atan((P.height / (ly1 - ly0)) / (P.width / (lx1 - lx0))) * 180 /
      3.14159265358979323846;
  for (const MemoryRoof &m : mroofs) {
    double lb = std::log10(m.bytesPerS);
    // y = lb + x inside the plot, and below the top compute roof.
    double a = std::max(lx0, ly0 - lb);
    double b = std::min(lx1, std::min(ly1, lTopPeak) - lb);
    if (!(a < b))
      continue;
    std::string name = m.level.empty() ? "memory" : m.level;
    os << "<line class=\"mroof\" x1=\"" << px(P.x(a)) << "\" y1=\""
       << px(P.y(lb + a)) << "\" x2=\"" << px(P.x(b)) << "\" y2=\""
       << px(P.y(lb + b)) << "\"><title>" << esc(name) << ": "
       << esc(si(m.bytesPerS, "B/s")) << "</title></line>\n";
    double lxLabel = a + 0.1 * (b - a);
    double lx = P.x(lxLabel), ly = P.y(lb + lxLabel);
    lo << "<text class=\"roofl\" x=\"" << px(lx) << "\" y=\"" << px(ly - 5)
       << "\" transform=\"rotate(" << px(angle) << " " << px(lx) << " "
       << px(ly - 5) << ")\">" << esc(name) << " ("
       << esc(si(m.bytesPerS, "B/s")) << ")</text>\n";
  }
  std::vector<std::string> ridges;
  for (const ComputeRoof &c : croofs)
    for (const MemoryRoof &m : mroofs) {
      double ridge = c.opsPerS / m.bytesPerS;
      double lrx = std::log10(ridge), lry = std::log10(c.opsPerS);
      std::string what = roofName(c) + " / " +
                         (m.level.empty() ? "memory" : m.level) + ": " +
                         sig3(ridge) + " ops/byte";
      ridges.push_back(what);
      if (lrx < lx0 || lrx > lx1 || lry < ly0 || lry > ly1)
        continue;
      double x = P.x(lrx), y = P.y(lry);
      os << "<path class=\"ridge\" d=\"M" << px(x) << " " << px(y - 4) << "L"
         << px(x + 4) << " " << px(y) << "L" << px(x) << " " << px(y + 4) << "L"
         << px(x - 4) << " " << px(y) << "Z\"><title>ridge " << esc(what)
         << "</title></path>\n";
    }

  // Kernels: area proportional to the share of latency; the largest are
  // drawn first so small ones stay visible and hoverable on top.
  double maxShare = 0;
  for (const Point &p : points)
    maxShare = std::max(maxShare, p.k->share.value_or(0));
  std::vector<std::pair<double, const Point *>> order;
  for (const Point &p : points) {
    double s = p.k->share.value_or(0);
    double r = maxShare > 0 ? 22 * std::sqrt(std::max(0.0, s) / maxShare) : 4;
    // A floor keeps tiny kernels visible.
    order.push_back({std::max(r, 2.5), &p});
  }
  std::stable_sort(
      order.begin(), order.end(),
      [](const auto &a, const auto &b) { return a.first > b.first; });
  for (const auto &[r, p] : order) {
    const Kernel &k = *p->k;
    const char *color = boundColor(k.bound);
    os << "<circle class=\"pt\" cx=\"" << px(P.x(std::log10(p->intensity)))
       << "\" cy=\"" << px(P.y(std::log10(p->perf))) << "\" r=\"" << px(r)
       << "\" fill=\"" << color << "\" stroke=\"" << color << "\"><title>"
       << esc(k.label());
    if (!k.nodes.empty())
      os << "\nnodes: " << esc(nodesSummary(k));
    os << "\nlatency " << esc(timeIv(*k.latency)) << " ("
       << pct(k.share.value_or(0)) << ")\nbound: " << escOrDash(k.bound)
       << "\nintensity " << sig3(p->intensity) << " ops/byte, attained "
       << esc(si(p->perf, "ops/s")) << "</title></circle>\n";
  }
  os << labels;
  if (points.empty())
    os << "<text class=\"axis\" x=\"" << px(P.left + P.width / 2) << "\" y=\""
       << px(P.top + P.height / 2) << "\" text-anchor=\"middle\">no kernel "
       << "to place</text>\n";

  // Legend under the axis title.
  double lx = P.left, ly = svgH - 16;
  for (const char *b : {"compute", "memory", "overhead"}) {
    // A rounded square rather than a circle: every <circle> is a kernel.
    os << "<rect class=\"pt\" x=\"" << px(lx + 1) << "\" y=\"" << px(ly - 9)
       << "\" width=\"10.0\" height=\"10.0\" rx=\"5.0\" fill=\""
       << boundColor(b) << "\" stroke=\"" << boundColor(b) << "\"/>";
    os << "<text x=\"" << px(lx + 15) << "\" y=\"" << px(ly) << "\">" << b
       << "-bound</text>\n";
    lx += 110;
  }
  os << "<text class=\"tick\" x=\"" << px(lx + 10) << "\" y=\"" << px(ly)
     << "\">area \xe2\x88\x9d share of latency \xc2\xb7 \xe2\x97\x87 ridge "
     << "point</text>\n";
  os << "</svg></div>\n";

  if (!ridges.empty()) {
    os << "<p class=\"muted\">Ridge points: ";
    for (size_t i = 0; i < ridges.size(); ++i)
      os << (i ? "; " : "") << esc(ridges[i]);
    os << ".</p>\n";
  }
  if (!unplaced.empty()) {
    os << "<p class=\"muted\">" << unplaced.size()
       << (unplaced.size() == 1 ? " kernel is" : " kernels are")
       << " not on the chart (no arithmetic, no bytes moved or no latency, "
       << "so no place on a log axis): ";
    const size_t shown = 12;
    for (size_t i = 0; i < unplaced.size() && i < shown; ++i)
      os << (i ? ", " : "") << esc(unplaced[i]->label());
    if (unplaced.size() > shown)
      os << ", " << (unplaced.size() - shown) << " more";
    os << ".</p>\n";
  }
}

//===--- Latency breakdown ------------------------------------------------===//

struct Segment {
  std::string label;
  double value;
  std::string color;
};

/// Dark text on light segments, white on dark ones ("#rrggbb" only).
const char *labelColor(const std::string &hex) {
  if (hex.size() != 7 || hex[0] != '#')
    return "#ffffff";
  unsigned long rgb = std::strtoul(hex.c_str() + 1, nullptr, 16);
  double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) +
                0.114 * (rgb & 0xff);
  return luma > 150 ? "#1d1d1f" : "#ffffff";
}

void writeStackedBar(llvm::raw_ostream &os, StringRef title,
                     const std::vector<Segment> &segs) {
  double sum = 0;
  for (const Segment &s : segs)
    sum += std::max(0.0, s.value);
  os << "<h3>" << title << "</h3>\n";
  if (!(sum > 0)) {
    os << "<p class=\"muted\">No latency to break down.</p>\n";
    return;
  }
  const double w = 760, h = 30;
  os << "<div class=\"scroll\"><svg class=\"breakdown\" viewBox=\"0 0 " << px(w)
     << " " << px(h) << "\" width=\"" << px(w) << "\" height=\"" << px(h)
     << "\" role=\"img\" aria-label=\"" << esc(title) << "\">\n";
  double x = 0;
  for (const Segment &s : segs) {
    if (!(s.value > 0))
      continue;
    double sw = s.value / sum * w;
    os << "<rect class=\"seg\" x=\"" << px(x) << "\" y=\"0.0\" width=\""
       << px(sw) << "\" height=\"" << px(h) << "\" fill=\"" << s.color
       << "\"><title>" << esc(s.label) << ": " << esc(timeMs(s.value)) << " ("
       << pct(s.value / sum) << ")</title></rect>\n";
    // Only where the name fits (about 6.5 px a character).
    if (sw > 6.5 * s.label.size() + 10)
      os << "<text class=\"segl\" x=\"" << px(x + 5) << "\" y=\""
         << px(h / 2 + 4) << "\" style=\"fill:" << labelColor(s.color) << "\">"
         << esc(s.label) << "</text>\n";
    x += sw;
  }
  os << "</svg></div>\n<div class=\"legend\">";
  for (const Segment &s : segs)
    os << "<span><span class=\"swatch\" style=\"background:" << s.color
       << "\"></span>" << esc(s.label) << " " << esc(timeMs(s.value)) << " ("
       << pct(std::max(0.0, s.value) / sum) << ")</span>";
  os << "</div>\n";
}

void writeBreakdown(llvm::raw_ostream &os, const json::Object *t,
                    const std::vector<Kernel> &ks) {
  std::map<std::string, double> byKind;
  for (const Kernel &k : ks)
    if (k.latency && k.latency->value > 0)
      byKind[k.kind.empty() ? "(unnamed)" : k.kind] += k.latency->value;
  std::vector<std::pair<std::string, double>> kinds(byKind.begin(),
                                                    byKind.end());
  std::stable_sort(
      kinds.begin(), kinds.end(),
      [](const auto &a, const auto &b) { return a.second > b.second; });
  std::vector<Segment> segs;
  const size_t top = 8;
  double other = 0;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (i < top)
      segs.push_back({kinds[i].first, kinds[i].second, kPalette[i]});
    else
      other += kinds[i].second;
  }
  if (other > 0)
    segs.push_back({"other", other, kOtherColor});
  // The per-inference overhead is part of the total but of no kernel.
  if (std::optional<double> ov =
          getNumber(getObject(t, "total"), "inference_overhead_ms"))
    if (*ov > 0)
      segs.push_back({"per-inference overhead", *ov, "#d4d4d8"});
  writeStackedBar(os, "Latency by op kind", segs);

  std::vector<Segment> bounds;
  for (const auto &[name, v] : boundTimes(t, ks))
    bounds.push_back({name, v, boundColor(name)});
  writeStackedBar(os, "Latency by bound", bounds);
}

//===--- Tables -----------------------------------------------------------===//

void writeKernelTable(llvm::raw_ostream &os, const std::vector<Kernel> &ks) {
  os << "<h3>Kernels</h3>\n";
  if (ks.empty()) {
    os << "<p class=\"muted\">No kernels.</p>\n";
    return;
  }
  // The five largest shares get a rank badge and a highlighted row.
  std::vector<size_t> byShare(ks.size());
  for (size_t i = 0; i < ks.size(); ++i)
    byShare[i] = i;
  std::stable_sort(byShare.begin(), byShare.end(), [&](size_t a, size_t b) {
    return ks[a].share.value_or(0) > ks[b].share.value_or(0);
  });
  std::vector<int> rank(ks.size(), 0);
  for (size_t i = 0; i < byShare.size() && i < 5; ++i)
    if (ks[byShare[i]].share.value_or(0) > 0)
      rank[byShare[i]] = static_cast<int>(i + 1);

  // One unit per column, from its largest entry, so rows compare at a glance.
  double maxLat = 0, maxEnergy = 0;
  for (const Kernel &k : ks) {
    if (k.latency)
      maxLat = std::max(maxLat, std::fabs(k.latency->value));
    if (k.energy)
      maxEnergy = std::max(maxEnergy, std::fabs(k.energy->value));
  }
  Scale ts = timeScale(maxLat), es = energyScale(maxEnergy);

  os << "<p class=\"muted\">In execution order; the five largest shares of "
     << "latency are highlighted and ranked.</p>\n";
  os << "<div class=\"scroll\"><table class=\"kernels\">\n<thead><tr>"
     << "<th class=\"n\">#</th><th>kind</th><th>class</th><th>nodes</th>"
     << "<th>output shape</th><th>unit / precision</th><th class=\"n\">MACs"
     << "</th><th class=\"n\">bytes</th><th class=\"n\">ops/byte</th>"
     << "<th>bound</th><th class=\"n\">latency " << ts.unit << " [low"
     << kEnDash << "high]</th><th class=\"n\">energy " << es.unit << "</th>"
     << "<th class=\"n\">share</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < ks.size(); ++i) {
    const Kernel &k = ks[i];
    os << (rank[i] ? "<tr class=\"top\">" : "<tr>");
    os << "<td class=\"n\">";
    if (rank[i])
      os << "<span class=\"rank\" title=\"rank by share\">" << rank[i]
         << "</span>";
    os << fmt("%.0f", k.index) << "</td><td>" << escOrDash(k.kind)
       << "</td><td>" << escOrDash(k.cls) << "</td>";
    // All names in the cell's tooltip, the first in the cell.
    std::string all;
    for (size_t j = 0; j < k.nodes.size() && j < 50; ++j)
      all += (j ? "\n" : "") + k.nodes[j];
    os << "<td title=\"" << esc(all) << "\">" << escOrDash(nodesSummary(k))
       << "</td><td>";
    if (k.shapes.empty())
      os << kDash;
    else
      os << esc(k.shapes.front())
         << (k.shapes.size() > 1
                 ? " (+" + std::to_string(k.shapes.size() - 1) + ")"
                 : "");
    os << "</td><td>" << escOrDash(k.unit);
    if (!k.precision.empty())
      os << " / " << esc(k.precision);
    if (k.fallback)
      os << " <span class=\"tag\" title=\"the unit is a fallback\">"
            "fallback</span>";
    os << "</td><td class=\"n\">" << (k.macs ? esc(si(*k.macs, "")) : kDash)
       << "</td><td class=\"n\">" << (k.bytes ? esc(bytes(*k.bytes)) : kDash)
       << "</td><td class=\"n\">" << (k.intensity ? sig3(*k.intensity) : kDash)
       << "</td><td><span class=\"swatch\" style=\"background:"
       << boundColor(k.bound) << "\"></span>" << escOrDash(k.bound)
       << "</td><td class=\"n\">";
    if (k.latency)
      os << sig3(k.latency->value * ts.factor) << " ["
         << sig3(k.latency->low * ts.factor) << kEnDash
         << sig3(k.latency->high * ts.factor) << "]";
    else
      os << kDash;
    os << "</td><td class=\"n\">"
       << (k.energy ? sig3(k.energy->value * es.factor) : kDash)
       << "</td><td class=\"n\">" << (k.share ? pct(*k.share) : kDash)
       << "</td></tr>\n";
  }
  os << "</tbody></table></div>\n";
}

void writeMemory(llvm::raw_ostream &os, const json::Object *t) {
  const json::Array *levels = getArray(getObject(t, "memory"), "levels");
  if (!levels || levels->empty())
    return;
  os << "<h3>Memory</h3>\n<table>\n<thead><tr><th>level</th><th>holds</th>"
     << "<th class=\"n\">required</th><th class=\"n\">capacity</th>"
     << "<th>verdict</th></tr></thead>\n<tbody>\n";
  for (const json::Value &v : *levels) {
    const json::Object *o = v.getAsObject();
    if (!o)
      continue;
    std::optional<double> cap = getNumber(o, "capacity_bytes");
    std::optional<double> req = getNumber(o, "required_bytes");
    std::optional<double> margin = getNumber(o, "margin_bytes");
    if (!margin && cap && req)
      margin = *cap - *req;
    std::optional<bool> fits = getBool(o, "fits");
    if (!fits && margin)
      fits = *margin >= 0;
    os << "<tr><td>" << escOrDash(getString(o, "level")) << "</td><td>"
       << escOrDash(getString(o, "holds")) << "</td><td class=\"n\">"
       << (req ? bytes(*req) : kDash) << "</td><td class=\"n\">"
       << (cap ? bytes(*cap) : kDash) << "</td><td>";
    if (!fits)
      os << kDash;
    else if (*fits)
      os << "<span class=\"pass\">fits</span>"
         << (margin ? " (" + bytes(*margin) + " spare)" : "");
    else
      os << "<span class=\"fail\">short by "
         << (margin ? bytes(std::fabs(*margin)) : std::string(kDash))
         << "</span>";
    os << "</td></tr>\n";
  }
  os << "</tbody></table>\n";
}

/// A budget's limit or prediction, in the unit its key names.
std::string budgetValue(const json::Object *o, StringRef prefix) {
  if (std::optional<double> v = getNumber(o, (prefix + "_ms").str()))
    return timeMs(*v);
  if (std::optional<double> v = getNumber(o, (prefix + "_uj").str()))
    return energyUj(*v);
  if (std::optional<double> v = getNumber(o, (prefix + "_bytes").str()))
    return bytes(*v);
  return kDash;
}

void writeBudgets(llvm::raw_ostream &os, const json::Object *t) {
  const json::Array *budgets = getArray(t, "budgets");
  if (!budgets || budgets->empty())
    return;
  os << "<h3>Budgets</h3>\n<table>\n<thead><tr><th>budget</th>"
     << "<th class=\"n\">limit</th><th class=\"n\">predicted</th>"
     << "<th>result</th><th>binding term</th><th>to meet it</th></tr>"
     << "</thead>\n<tbody>\n";
  for (const json::Value &v : *budgets) {
    const json::Object *o = v.getAsObject();
    if (!o)
      continue;
    std::optional<bool> pass = getBool(o, "pass");
    os << "<tr><td>" << escOrDash(getString(o, "kind"))
       << "</td><td class=\"n\">" << esc(budgetValue(o, "limit"))
       << "</td><td class=\"n\">" << esc(budgetValue(o, "predicted"))
       << "</td><td>";
    if (!pass)
      os << kDash;
    else if (*pass)
      os << "<span class=\"pass\">pass</span>";
    else
      os << "<span class=\"fail\">fail</span>";
    os << "</td><td>" << escOrDash(getString(o, "binding_term")) << "</td><td>";
    const json::Array *reqs = getArray(o, "requirements");
    if (!reqs || reqs->empty()) {
      os << kDash;
    } else {
      for (const json::Value &rv : *reqs) {
        const json::Object *r = rv.getAsObject();
        if (!r)
          continue;
        std::optional<double> cur = getNumber(r, "current");
        std::optional<double> req = getNumber(r, "required");
        os << "<div><code>" << escOrDash(getString(r, "parameter"))
           << "</code>: " << (cur ? sig3(*cur) : kDash) << " \xe2\x86\x92 ";
        if (req && *req < 0)
          os << "unreachable by this parameter alone";
        else if (req) {
          os << sig3(*req);
          if (cur && *cur > 0)
            os << " (\xc3\x97" << sig3(*req / *cur) << ")";
        } else
          os << kDash;
        os << "</div>";
      }
    }
    os << "</td></tr>\n";
  }
  os << "</tbody></table>\n";
}

void writeSensitivities(llvm::raw_ostream &os, const json::Object *t) {
  struct S {
    std::string parameter;
    double elasticity;
  };
  std::vector<S> ss;
  if (const json::Array *a = getArray(t, "sensitivities"))
    for (const json::Value &v : *a) {
      const json::Object *o = v.getAsObject();
      if (std::optional<double> e = getNumber(o, "elasticity"))
        ss.push_back({getString(o, "parameter"), *e});
    }
  if (ss.empty())
    return;
  std::stable_sort(ss.begin(), ss.end(), [](const S &a, const S &b) {
    if (std::fabs(a.elasticity) != std::fabs(b.elasticity))
      return std::fabs(a.elasticity) > std::fabs(b.elasticity);
    return a.parameter < b.parameter;
  });
  const size_t shown = 10;
  os << "<h3>Sensitivities</h3>\n<p class=\"muted\">Elasticity of total "
     << "latency: the % change in latency for 1% more of the parameter"
     << (ss.size() > shown ? "; the " + std::to_string(shown) + " largest of " +
                                 std::to_string(ss.size())
                           : std::string())
     << ".</p>\n<table>\n<thead><tr><th>parameter</th><th class=\"n\">"
     << "elasticity</th><th></th></tr></thead>\n<tbody>\n";
  double maxAbs = std::fabs(ss.front().elasticity);
  for (size_t i = 0; i < ss.size() && i < shown; ++i) {
    double e = ss[i].elasticity;
    double w = maxAbs > 0 ? 120 * std::fabs(e) / maxAbs : 0;
    os << "<tr><td><code>" << escOrDash(ss[i].parameter)
       << "</code></td><td class=\"n\">" << fmt("%+.3f", e)
       << "</td><td><span class=\"bar\" style=\"width:" << px(w)
       << "px\"></span></td></tr>\n";
  }
  os << "</tbody></table>\n";
}

void writeFusion(llvm::raw_ostream &os, const json::Object *t) {
  const json::Object *f = getObject(t, "fusion");
  if (!f)
    return;
  auto change = [](std::optional<double> before, std::optional<double> after) {
    if (!before || !after || *before <= 0)
      return std::string();
    return fmt(" (%+.1f%%)", 100 * (*after / *before - 1));
  };
  std::optional<double> kb = getNumber(f, "kernels_before"),
                        ka = getNumber(f, "kernels_after"),
                        lb = getNumber(f, "latency_before_ms"),
                        la = getNumber(f, "latency_after_ms"),
                        ab = getNumber(f, "arena_before_bytes"),
                        aa = getNumber(f, "arena_after_bytes");
  os << "<h3>Fusion</h3>\n<p>" << (kb ? fmt("%.0f", *kb) : kDash) << " "
     << "\xe2\x86\x92 " << (ka ? fmt("%.0f", *ka) : kDash)
     << " kernels; latency " << (lb ? timeMs(*lb) : kDash) << " \xe2\x86\x92 "
     << (la ? timeMs(*la) : kDash) << change(lb, la) << "; arena "
     << (ab ? bytes(*ab) : kDash) << " \xe2\x86\x92 "
     << (aa ? bytes(*aa) : kDash) << change(ab, aa) << ".";
  std::vector<std::string> skipped = getStrings(f, "skipped");
  if (!skipped.empty()) {
    os << " Skipped:";
    for (const std::string &s : skipped)
      os << " <code>" << esc(s) << "</code>";
  }
  os << "</p>\n";
  const json::Array *fusions = getArray(f, "fusions");
  if (fusions && !fusions->empty()) {
    os << "<table>\n<thead><tr><th>kernel</th><th>onnx nodes</th>"
       << "<th>was</th><th class=\"n\">saved</th><th class=\"n\">"
       << "not stored</th></tr></thead>\n<tbody>\n";
    for (const json::Value &v : *fusions) {
      const json::Object *o = v.getAsObject();
      std::vector<std::string> nodes = getStrings(o, "nodes");
      std::string was;
      for (const std::string &k : getStrings(o, "kinds_before"))
        was += (was.empty() ? "" : " + ") + k;
      std::optional<double> saved = getNumber(o, "latency_saved_ms");
      std::optional<double> inter = getNumber(o, "intermediate_bytes");
      os << "<tr><td>" << escOrDash(getString(o, "kind")) << "</td><td>"
         << escOrDash(nodes.empty() ? "" : nodes.front());
      if (nodes.size() > 1)
        os << " <span class=\"muted\">+" << nodes.size() - 1 << "</span>";
      os << "</td><td>" << escOrDash(was) << "</td><td class=\"n\">"
         << (saved ? (*saved < 0 ? "-" + timeMs(-*saved) : timeMs(*saved))
                   : std::string(kDash))
         << "</td><td class=\"n\">" << (inter ? bytes(*inter) : kDash)
         << "</td></tr>\n";
    }
    os << "</tbody></table>\n";
  }
  if (const json::Array *removed = getArray(f, "removed"))
    if (!removed->empty())
      os << "<p class=\"muted\">" << removed->size()
         << " kernel(s) removed (folded into weights or cancelled).</p>\n";
}

//===--- Sections ---------------------------------------------------------===//

std::string targetName(const json::Object *t, size_t i) {
  std::string name = getString(getObject(t, "target"), "name");
  return name.empty() ? "target " + std::to_string(i + 1) : name;
}

void writeComparison(llvm::raw_ostream &os, const json::Array &targets) {
  os << "<section id=\"comparison\">\n<h2>Comparison</h2>\n";
  // Latency relative to the fastest target.
  double best = INFINITY;
  for (const json::Value &v : targets)
    if (std::optional<Iv> l =
            getInterval(getObject(v.getAsObject(), "total"), "latency_ms"))
      if (l->value > 0)
        best = std::min(best, l->value);
  os << "<table>\n<thead><tr><th>target</th><th>kind</th><th class=\"n\">"
     << "latency [low" << kEnDash << "high]</th><th class=\"n\">vs fastest"
     << "</th><th class=\"n\">energy [low" << kEnDash << "high]</th>"
     << "<th class=\"n\">throughput /s</th><th>fits</th><th>dominant bound"
     << "</th><th>budgets</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < targets.size(); ++i) {
    const json::Object *t = targets[i].getAsObject();
    const json::Object *total = getObject(t, "total");
    std::vector<Kernel> ks = readKernels(t);
    std::optional<Iv> lat = getInterval(total, "latency_ms");
    std::optional<double> tput =
        getNumber(total, "throughput_inferences_per_s");
    os << "<tr><td><a href=\"#target-" << i << "\">" << esc(targetName(t, i))
       << "</a></td><td>"
       << escOrDash(getString(getObject(t, "target"), "kind"))
       << "</td><td class=\"n\">" << esc(optTimeIv(lat))
       << "</td><td class=\"n\">"
       << (lat && lat->value > 0 && std::isfinite(best)
               ? sig3(lat->value / best) + "\xc3\x97"
               : std::string(kDash))
       << "</td><td class=\"n\">"
       << esc(optEnergyIv(getInterval(total, "energy_uj")))
       << "</td><td class=\"n\">" << (tput ? sig3(*tput) : kDash) << "</td><td>"
       << fitsSummary(t) << "</td><td>";
    std::string dom = dominantBound(t, ks);
    if (dom.empty())
      os << kDash;
    else
      os << "<span class=\"swatch\" style=\"background:" << boundColor(dom)
         << "\"></span>" << esc(dom);
    os << "</td><td>";
    const json::Array *budgets = getArray(t, "budgets");
    if (!budgets || budgets->empty()) {
      os << kDash;
    } else {
      size_t failed = 0;
      for (const json::Value &b : *budgets)
        if (!getBool(b.getAsObject(), "pass").value_or(true))
          ++failed;
      if (failed)
        os << "<span class=\"fail\">" << failed << " of " << budgets->size()
           << " missed</span>";
      else
        os << "<span class=\"pass\">all pass</span>";
    }
    os << "</td></tr>\n";
  }
  os << "</tbody></table>\n</section>\n";
}

void writeTarget(llvm::raw_ostream &os, const json::Object *t, size_t i,
                 const json::Object *options) {
  std::string name = targetName(t, i);
  std::vector<Kernel> ks = readKernels(t);
  os << "<section id=\"target-" << i << "\">\n<h2>" << esc(name) << "</h2>\n";
  writeHeader(os, t, options, ks);
  os << "<h3>Roofline</h3>\n";
  writeRoofline(os, t, ks, name);
  writeBreakdown(os, t, ks);
  writeKernelTable(os, ks);
  writeFusion(os, t);
  writeMemory(os, t);
  writeBudgets(os, t);
  writeSensitivities(os, t);
  os << "</section>\n";
}

} // namespace

void iron::writeHtmlReport(const json::Value &report, llvm::raw_ostream &os) {
  const json::Object *doc = report.getAsObject();
  const json::Array *targets = getArray(doc, "targets");
  std::string model = getString(getObject(doc, "model"), "path");
  writeHead(os, model.empty() ? "Iron report" : "Iron report: " + model);
  os << "<h1>Iron cost report" << (model.empty() ? "" : ": " + esc(model))
     << "</h1>\n";
  if (!targets || targets->empty()) {
    os << "<p>The report is empty: it lists no target.</p>\n</body>\n</html>\n";
    return;
  }

  const json::Object *options = getObject(doc, "options");
  os << "<p class=\"meta\">";
  std::string schema = getString(doc, "schema");
  std::string version = getString(doc, "schema_version");
  if (!schema.empty())
    os << "<span>schema <b>" << esc(schema) << " " << esc(version)
       << "</b></span>";
  if (std::optional<double> b = getNumber(options, "batch"))
    os << "<span>batch <b>" << fmt("%.0f", *b) << "</b></span>";
  os << "<span>" << targets->size()
     << (targets->size() == 1 ? " target" : " targets") << "</span></p>\n";
  // Minor versions only add keys; another major may mean other things.
  if (!version.empty() && !StringRef(version).starts_with("1."))
    os << "<ul class=\"notes\"><li>This page was written for schema 1.x; the "
       << "document says " << esc(version) << ", so fields may be missing or "
       << "mean something else.</li></ul>\n";

  if (targets->size() > 1)
    writeComparison(os, *targets);
  for (size_t i = 0; i < targets->size(); ++i)
    writeTarget(os, (*targets)[i].getAsObject(), i, options);
  os << "</body>\n</html>\n";
}
