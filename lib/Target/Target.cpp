//===- Target.cpp - Loading and checking target descriptions -------------===//
//
// The YAML is read with llvm/Support/YAMLParser.h into a small tree first
// (LLVM's nodes can be walked only once), then checked field by field. The
// first problem found is reported as "<file>:<line>:<col>: <field>: <what>".
// Nothing here knows a device number: the rules are about shape, units,
// signs, ranges and provenance.
//
//===----------------------------------------------------------------------===//

#include "iron/Target/Target.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#ifndef IRON_TARGETS_SOURCE_DIR
#define IRON_TARGETS_SOURCE_DIR ""
#endif

using namespace llvm;

namespace iron {

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

namespace {
const char *const kKindNames[] = {"gpu", "jetson", "npu", "mcu", "cpu"};
const char *const kClassNames[] = {"matrix", "vector", "general"};
const char *const kRoleNames[] = {"activations", "weights", "code"};
// The kernel classes of WorkCount.h that can be keys of `efficiency.classes`
// ("none" is not a kernel), plus the prefix covering every contraction.
const char *const kKernelClassNames[] = {"contraction",
                                         "contraction.gemm",
                                         "contraction.gemm.gemv",
                                         "contraction.gemm.gevm",
                                         "contraction.gemm.transposed",
                                         "contraction.conv",
                                         "contraction.conv.im2col",
                                         "contraction.conv_pointwise",
                                         "contraction.conv_pointwise.gemv",
                                         "contraction.depthwise",
                                         "contraction.depthwise.generic",
                                         "contraction.depthwise.strided",
                                         "contraction.depthwise.strided.generic",
                                         "contraction.recurrent",
                                         "elementwise",
                                         "pooling",
                                         "reduction",
                                         "normalization",
                                         "data_movement",
                                         "other"};

std::string joinNames(ArrayRef<const char *> names) {
  std::string out;
  for (const char *n : names) {
    if (!out.empty())
      out += ", ";
    out += n;
  }
  return out;
}

std::string precisionList() {
  std::string out;
  for (Precision p : allPrecisions()) {
    if (!out.empty())
      out += ", ";
    out += stringifyPrecision(p).str();
  }
  return out;
}
} // namespace

StringRef stringifyTargetKind(TargetKind k) {
  return kKindNames[static_cast<int>(k)];
}
StringRef stringifyUnitClass(UnitClass c) {
  return kClassNames[static_cast<int>(c)];
}
StringRef stringifyMemoryRole(MemoryRole r) {
  return kRoleNames[static_cast<int>(r)];
}

//===----------------------------------------------------------------------===//
// Small queries
//===----------------------------------------------------------------------===//

double EfficiencyCurve::evaluate(double ops, int corner,
                                 const Elements &elements) const {
  // eta grows with eta/eta_max and shrinks with half_ops.
  auto param = [&](const char *name, bool etaGrowsWithIt) {
    auto it = params.find(name);
    if (it == params.end())
      return 0.0;
    const Quantity &q = it->second;
    if (corner == 0 || !q.hasRange)
      return q.value;
    return (corner > 0) == etaGrowsWithIt ? q.high : q.low;
  };
  double eta = 1.0;
  switch (kind) {
  case Kind::Fixed:
    eta = param("eta", true);
    break;
  case Kind::Saturating: {
    double half = param("half_ops", false) +
                  param("weight_ops", false) * std::max(0.0, elements.weight) +
                  param("input_ops", false) * std::max(0.0, elements.input) +
                  param("output_ops", false) * std::max(0.0, elements.output);
    eta = ops <= 0 ? 0.0 : param("eta_max", true) * ops / (ops + half);
    break;
  }
  }
  if (range)
    eta = std::clamp(eta, range->first, range->second);
  return eta;
}

double EfficiencyCurve::stall(int corner) const {
  auto it = params.find("stall");
  if (it == params.end())
    return 0.0;
  const Quantity &q = it->second;
  if (corner == 0 || !q.hasRange)
    return q.value;
  return corner > 0 ? q.low : q.high;
}

double TilingModel::utilization(int64_t batch, int64_t m, int64_t n,
                                int64_t k, int64_t width) const {
  auto tile = [](const std::optional<Quantity> &q) -> int64_t {
    return q && q->value >= 1 ? static_cast<int64_t>(q->value) : 1;
  };
  auto ceilDiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  if (batch <= 0 || m <= 0 || n <= 0 || k <= 0)
    return 1.0;
  int64_t tm = tile(this->m), tn = tile(this->n), tk = tile(this->k);
  if (gemvUnpadded && (m == 1 || n == 1))
    tm = tn = 1;
  int64_t tilesM = ceilDiv(m, tm), tilesN = ceilDiv(n, tn);
  double padding = (double(m) / double(tilesM * tm)) *
                   (double(n) / double(tilesN * tn)) *
                   (double(k) / double(ceilDiv(k, tk) * tk));
  double waves = 1.0;
  if (parallel && parallel->value >= 1) {
    int64_t p = static_cast<int64_t>(parallel->value);
    int64_t tiles = batch * tilesM * tilesN;
    waves = double(tiles) / double(ceilDiv(tiles, p) * p);
  }
  if (w && width > 0) {
    int64_t tw = tile(w);
    padding *= double(width) / double(ceilDiv(width, tw) * tw);
  }
  return padding * waves;
}

const EfficiencyCurve &EfficiencyModel::forClass(StringRef kernelClass,
                                                 StringRef withParam) const {
  StringRef name = kernelClass;
  while (!name.empty()) {
    auto it = classes.find(name.str());
    if (it != classes.end() &&
        (withParam.empty() || it->second.params.count(withParam.str())))
      return it->second;
    size_t dot = name.rfind('.');
    if (dot == StringRef::npos)
      break;
    name = name.take_front(dot);
  }
  return *this;
}

const EfficiencyCurve *EfficiencyModel::forVariant(StringRef variant) const {
  if (variant.empty())
    return nullptr;
  if (auto it = kernels.find(variant.str()); it != kernels.end())
    return &it->second;
  // "Mul.broadcast" -> "Mul", "epilogue.SiLU" -> "epilogue".
  StringRef base = variant;
  while (true) {
    size_t dot = base.rfind('.');
    if (dot == StringRef::npos)
      return nullptr;
    base = base.take_front(dot);
    if (auto it = kernels.find(base.str()); it != kernels.end())
      return &it->second;
  }
}

const EfficiencyCurve &EfficiencyModel::forKernel(StringRef variant,
                                                  StringRef kernelClass) const {
  if (const EfficiencyCurve *c = forVariant(variant))
    return *c;
  return forClass(kernelClass);
}

bool OpSupport::supports(StringRef opType) const {
  return all || llvm::is_contained(native, opType);
}

const Quantity *ComputeUnit::peak(Precision p) const {
  auto it = peakOpsPerS.find(p);
  return it == peakOpsPerS.end() ? nullptr : &it->second;
}

bool MemoryLevel::holdsRole(MemoryRole r) const {
  return llvm::is_contained(holds, r);
}

double PowerMode::scaleFor(StringRef unit) const {
  auto it = unitClockScale.find(unit.str());
  if (it != unitClockScale.end())
    return it->second.value;
  return clockScale ? clockScale->value : 1.0;
}

const ComputeUnit *TargetDescription::findUnit(StringRef n) const {
  for (const ComputeUnit &u : compute)
    if (u.name == n)
      return &u;
  return nullptr;
}

const MemoryLevel *TargetDescription::findMemory(StringRef n) const {
  for (const MemoryLevel &m : memory)
    if (m.name == n)
      return &m;
  return nullptr;
}

const PowerMode *TargetDescription::findPowerMode(StringRef n) const {
  for (const PowerMode &m : powerModes)
    if (m.name == n)
      return &m;
  return nullptr;
}

std::vector<const Quantity *> TargetDescription::allQuantities() const {
  std::vector<const Quantity *> out;
  auto add = [&](const std::optional<Quantity> &q) {
    if (q)
      out.push_back(&*q);
  };
  for (const ComputeUnit &u : compute) {
    add(u.count);
    add(u.clockHz);
    for (const auto &kv : u.peakOpsPerS)
      out.push_back(&kv.second);
    add(u.sparsity24Speedup);
    add(u.vectorWidthBits);
    add(u.transcendentalOps);
    auto addCurve = [&](const EfficiencyCurve &c) {
      for (const auto &kv : c.params)
        out.push_back(&kv.second);
      if (c.tiling) {
        add(c.tiling->m);
        add(c.tiling->n);
        add(c.tiling->k);
        add(c.tiling->parallel);
        add(c.tiling->w);
      }
    };
    if (u.efficiency) {
      addCurve(*u.efficiency);
      for (const auto &kv : u.efficiency->classes)
        addCurve(kv.second);
      for (const auto &kv : u.efficiency->kernels)
        addCurve(kv.second);
    }
    if (u.ops.fallback) {
      out.push_back(&u.ops.fallback->transferBytesPerS);
      add(u.ops.fallback->overheadS);
    }
  }
  for (const MemoryLevel &m : memory) {
    out.push_back(&m.capacityBytes);
    add(m.bandwidthBytesPerS);
    add(m.energyPjPerByte);
    add(m.latencyS);
    add(m.waitStates);
  }
  out.push_back(&overhead.kernelLaunchS);
  add(overhead.inferenceS);
  add(overhead.delegateCallS);
  if (energy) {
    for (const auto &kv : energy->pjPerOp)
      out.push_back(&kv.second);
    add(energy->staticPowerW);
    add(energy->tdpW);
    add(energy->processNm);
  }
  for (const PowerMode &pm : powerModes) {
    add(pm.powerW);
    add(pm.clockScale);
    for (const auto &kv : pm.unitClockScale)
      out.push_back(&kv.second);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// A plain tree of the YAML document
//===----------------------------------------------------------------------===//

namespace {

struct YNode {
  enum Kind { Null, Scalar, Map, Seq } kind = Null;
  std::string scalar;
  bool quoted = false;
  std::vector<std::pair<std::string, YNode>> map;
  std::vector<unsigned> keyLines, keyCols;
  std::vector<YNode> seq;
  unsigned line = 0, col = 0;

  const YNode *get(StringRef key) const {
    for (const auto &kv : map)
      if (kv.first == key)
        return &kv.second;
    return nullptr;
  }
};

struct DiagCapture {
  bool has = false;
  unsigned line = 0, col = 0;
  std::string message;
};

void captureDiag(const SMDiagnostic &d, void *ctx) {
  auto *c = static_cast<DiagCapture *>(ctx);
  if (c->has)
    return;
  c->has = true;
  c->line = d.getLineNo();
  c->col = d.getColumnNo() + 1;
  c->message = d.getMessage().str();
}

/// Converts LLVM's lazily parsed nodes. Returns false after a problem, with
/// `problem` and its position filled in (unless the scanner reported one).
class TreeBuilder {
public:
  TreeBuilder(SourceMgr &sm) : sm(sm) {}
  std::string problem;
  unsigned problemLine = 0, problemCol = 0;

  bool build(yaml::Node *n, YNode &out) {
    if (!n)
      return false;
    position(n, out.line, out.col);
    if (auto *s = dyn_cast<yaml::ScalarNode>(n)) {
      SmallString<64> storage;
      out.kind = YNode::Scalar;
      out.scalar = s->getValue(storage).str();
      StringRef raw = s->getRawValue();
      out.quoted = raw.starts_with("'") || raw.starts_with("\"");
      return true;
    }
    if (auto *b = dyn_cast<yaml::BlockScalarNode>(n)) {
      out.kind = YNode::Scalar;
      out.scalar = b->getValue().str();
      out.quoted = true;
      return true;
    }
    if (isa<yaml::NullNode>(n)) {
      out.kind = YNode::Null;
      return true;
    }
    if (isa<yaml::AliasNode>(n))
      return fail(n,
                  "YAML aliases and anchors are not supported in target files");
    if (auto *m = dyn_cast<yaml::MappingNode>(n)) {
      out.kind = YNode::Map;
      for (yaml::KeyValueNode &kv : *m) {
        yaml::Node *k = kv.getKey();
        if (!k)
          return false;
        auto *ks = dyn_cast<yaml::ScalarNode>(k);
        if (!ks)
          return fail(k, "mapping keys must be plain strings");
        SmallString<32> storage;
        std::string key = ks->getValue(storage).str();
        unsigned kl, kc;
        position(k, kl, kc);
        for (const auto &existing : out.map)
          if (existing.first == key)
            return fail(k, "duplicate key '" + key + "'");
        YNode value;
        yaml::Node *v = kv.getValue();
        if (!v)
          return false;
        if (!build(v, value))
          return false;
        if (value.kind == YNode::Null && value.line == 0) {
          value.line = kl;
          value.col = kc;
        }
        out.map.emplace_back(std::move(key), std::move(value));
        out.keyLines.push_back(kl);
        out.keyCols.push_back(kc);
      }
      return true;
    }
    if (auto *s = dyn_cast<yaml::SequenceNode>(n)) {
      out.kind = YNode::Seq;
      for (yaml::Node &e : *s) {
        YNode child;
        if (!build(&e, child))
          return false;
        out.seq.push_back(std::move(child));
      }
      return true;
    }
    return fail(n, "unsupported YAML node");
  }

private:
  SourceMgr &sm;

  void position(yaml::Node *n, unsigned &line, unsigned &col) {
    line = col = 0;
    SMLoc loc = n->getSourceRange().Start;
    if (!loc.isValid())
      return;
    auto lc = sm.getLineAndColumn(loc);
    line = lc.first;
    col = lc.second;
  }

  bool fail(yaml::Node *n, const Twine &msg) {
    if (problem.empty()) {
      problem = msg.str();
      position(n, problemLine, problemCol);
    }
    return false;
  }
};

//===----------------------------------------------------------------------===//
// The checker
//===----------------------------------------------------------------------===//

enum class Constraint { Positive, NonNegative, Fraction, Any };

bool isKernelVariant(StringRef key);

class TargetParser {
public:
  TargetParser(StringRef file) : file(file.str()) {}

  bool failed = false;
  std::string message;

  void parse(const YNode &root, TargetDescription &t);

  void fail(unsigned line, unsigned col, const std::string &field,
            const Twine &msg) {
    if (failed)
      return;
    failed = true;
    std::string s;
    raw_string_ostream os(s);
    os << file << ":" << line << ":" << (col ? col : 1) << ": ";
    if (!field.empty())
      os << field << ": ";
    os << msg;
    message = os.str();
  }
  void fail(const YNode &n, const std::string &field, const Twine &msg) {
    fail(n.line, n.col, field, msg);
  }

private:
  std::string file;
  std::map<std::string, std::string> references;

  static std::string join(const std::string &prefix, StringRef key) {
    return prefix.empty() ? key.str() : prefix + "." + key.str();
  }
  static std::string index(const std::string &prefix, size_t i) {
    return prefix + "[" + std::to_string(i) + "]";
  }

  /// Every key of `map` must be in `allowed`.
  bool checkKeys(const YNode &map, const std::string &field,
                 ArrayRef<StringRef> allowed) {
    for (size_t i = 0; i < map.map.size(); ++i) {
      const std::string &key = map.map[i].first;
      if (!llvm::is_contained(allowed, StringRef(key))) {
        std::string list;
        for (StringRef a : allowed) {
          if (!list.empty())
            list += ", ";
          list += a.str();
        }
        fail(map.keyLines[i], map.keyCols[i], join(field, key),
             "unknown field '" + key + "' (expected one of: " + list + ")");
        return false;
      }
    }
    return true;
  }

  bool expectMap(const YNode &n, const std::string &field) {
    if (n.kind == YNode::Map)
      return true;
    fail(n, field, "expected a mapping");
    return false;
  }
  /// An optional `true`/`false` field of `map` into `out`; false (after an
  /// error) when it is something else.
  bool getBool(const YNode &map, StringRef key, const std::string &field,
               bool &out) {
    const YNode *b = map.get(key);
    if (!b)
      return true;
    if (b->kind != YNode::Scalar || b->quoted ||
        (b->scalar != "true" && b->scalar != "false")) {
      fail(*b, join(field, key), "expected true or false");
      return false;
    }
    out = b->scalar == "true";
    return true;
  }
  bool expectSeq(const YNode &n, const std::string &field) {
    if (n.kind == YNode::Seq)
      return true;
    fail(n, field, "expected a list");
    return false;
  }

  /// A required (or optional) string field.
  bool getString(const YNode &map, StringRef key, const std::string &prefix,
                 bool required, std::string &out) {
    const YNode *n = map.get(key);
    std::string field = join(prefix, key);
    if (!n) {
      if (required)
        fail(map, field, "missing required field '" + key.str() + "'");
      return !required;
    }
    if (n->kind != YNode::Scalar) {
      fail(*n, field, "expected a string");
      return false;
    }
    if (StringRef(n->scalar).trim().empty()) {
      fail(*n, field, "must not be empty");
      return false;
    }
    out = n->scalar;
    return true;
  }

  bool parseNumber(const YNode &n, const std::string &field, double &out) {
    if (n.kind != YNode::Scalar || n.quoted) {
      fail(n, field,
           n.kind == YNode::Scalar
               ? Twine("expected a number, got the string '") + n.scalar + "'"
               : Twine("expected a number"));
      return false;
    }
    StringRef text = StringRef(n.scalar).trim();
    double v;
    if (text.empty() || text.getAsDouble(v) || !std::isfinite(v)) {
      fail(n, field, "expected a number, got '" + n.scalar + "'");
      return false;
    }
    out = v;
    return true;
  }

  bool checkConstraint(const YNode &n, const std::string &field, double v,
                       Constraint c, StringRef what) {
    switch (c) {
    case Constraint::Positive:
      if (v > 0)
        return true;
      fail(n, field, what + Twine(" must be positive, got ") + formatNum(v));
      return false;
    case Constraint::NonNegative:
      if (v >= 0)
        return true;
      fail(n, field,
           what + Twine(" must not be negative, got ") + formatNum(v));
      return false;
    case Constraint::Fraction:
      if (v > 0 && v <= 1)
        return true;
      fail(n, field, what + Twine(" must be in (0, 1], got ") + formatNum(v));
      return false;
    case Constraint::Any:
      return true;
    }
    return true;
  }

  static std::string formatNum(double v) {
    char buf[32];
    snprintf(buf, sizeof(buf), "%g", v);
    return buf;
  }

  /// Every "[key]" in a source string must name a reference.
  bool checkCitations(const YNode &n, const std::string &field,
                      StringRef source) {
    size_t pos = 0;
    while ((pos = source.find('[', pos)) != StringRef::npos) {
      size_t end = source.find(']', pos);
      if (end == StringRef::npos)
        break;
      StringRef key = source.slice(pos + 1, end);
      bool looksLikeKey =
          !key.empty() && isAlnum(key.front()) && llvm::all_of(key, [](char c) {
            return isAlnum(c) || c == '-' || c == '_' || c == '.';
          });
      if (looksLikeKey && !references.count(key.str())) {
        fail(n, field,
             "source cites [" + key + "], which is not in 'references'");
        return false;
      }
      pos = end + 1;
    }
    return true;
  }

  /// The block's own `source`, or the inherited one.
  bool blockSource(const YNode &map, const std::string &prefix,
                   const std::string &inherited, std::string &out) {
    out = inherited;
    const YNode *s = map.get("source");
    if (!s)
      return true;
    if (!getString(map, "source", prefix, true, out))
      return false;
    return checkCitations(*s, join(prefix, "source"), out);
  }

  /// A number: a bare scalar, or {value, range, source, derivation, note}.
  bool parseQuantity(const YNode &n, const std::string &field,
                     const std::string &inheritedSource, Constraint c,
                     Quantity &q) {
    q = Quantity();
    q.field = field;
    q.line = n.line;
    if (n.kind == YNode::Scalar) {
      if (!parseNumber(n, field, q.value))
        return false;
      q.low = q.high = q.value;
      q.source = inheritedSource;
    } else if (n.kind == YNode::Map) {
      if (!checkKeys(n, field,
                     {"value", "range", "source", "derivation", "note"}))
        return false;
      const YNode *v = n.get("value");
      if (!v) {
        fail(n, field, "missing required field 'value'");
        return false;
      }
      if (!parseNumber(*v, join(field, "value"), q.value))
        return false;
      q.low = q.high = q.value;
      if (const YNode *r = n.get("range")) {
        std::string rf = join(field, "range");
        if (r->kind != YNode::Seq || r->seq.size() != 2) {
          fail(*r, rf, "expected a list of two numbers [low, high]");
          return false;
        }
        if (!parseNumber(r->seq[0], rf, q.low) ||
            !parseNumber(r->seq[1], rf, q.high))
          return false;
        if (q.low > q.high) {
          fail(*r, rf,
               "range low " + formatNum(q.low) + " is greater than high " +
                   formatNum(q.high));
          return false;
        }
        if (q.value < q.low || q.value > q.high) {
          fail(*v, join(field, "value"),
               "value " + formatNum(q.value) + " lies outside its range [" +
                   formatNum(q.low) + ", " + formatNum(q.high) + "]");
          return false;
        }
        q.hasRange = true;
        if (!checkConstraint(*r, rf, q.low, c, "range low"))
          return false;
      }
      q.source = inheritedSource;
      if (n.get("source")) {
        if (!getString(n, "source", field, true, q.source) ||
            !checkCitations(*n.get("source"), join(field, "source"), q.source))
          return false;
      }
      if (!getString(n, "derivation", field, false, q.derivation) ||
          !getString(n, "note", field, false, q.note))
        return false;
    } else {
      fail(n, field, "expected a number or a mapping with 'value'");
      return false;
    }
    if (!checkConstraint(n, field, q.value, c, "value"))
      return false;
    if (StringRef(q.source).trim().starts_with_insensitive("estimate") &&
        q.derivation.empty()) {
      fail(n, field,
           "an estimate needs a 'derivation' saying how it was reached");
      return false;
    }
    if (StringRef(q.source).trim().empty()) {
      fail(n, field,
           "number has no source: add 'source:' next to it or to the "
           "enclosing block");
      return false;
    }
    return true;
  }

  bool getQuantity(const YNode &map, StringRef key, const std::string &prefix,
                   const std::string &inherited, Constraint c,
                   std::optional<Quantity> &out, bool required) {
    const YNode *n = map.get(key);
    std::string field = join(prefix, key);
    if (!n) {
      if (required)
        fail(map, field, "missing required field '" + key.str() + "'");
      return !required;
    }
    Quantity q;
    if (!parseQuantity(*n, field, inherited, c, q))
      return false;
    out = std::move(q);
    return true;
  }

  bool getRequiredQuantity(const YNode &map, StringRef key,
                           const std::string &prefix,
                           const std::string &inherited, Constraint c,
                           Quantity &out) {
    std::optional<Quantity> q;
    if (!getQuantity(map, key, prefix, inherited, c, q, true))
      return false;
    out = std::move(*q);
    return true;
  }

  /// {precision: quantity, ...}
  bool parsePrecisionMap(const YNode &n, const std::string &field,
                         const std::string &inherited, Constraint c,
                         std::map<Precision, Quantity> &out) {
    if (!expectMap(n, field))
      return false;
    for (size_t i = 0; i < n.map.size(); ++i) {
      const auto &kv = n.map[i];
      std::string kf = join(field, kv.first);
      if (kv.first == "source" || kv.first == "note")
        continue;
      std::optional<Precision> p = parsePrecision(kv.first);
      if (!p) {
        fail(n.keyLines[i], n.keyCols[i], kf,
             "unknown precision '" + kv.first +
                 "' (expected one of: " + precisionList() + ")");
        return false;
      }
      Quantity q;
      if (!parseQuantity(kv.second, kf, inherited, c, q))
        return false;
      out[*p] = std::move(q);
    }
    return true;
  }

  template <typename Enum>
  bool parseEnum(const YNode &map, StringRef key, const std::string &prefix,
                 ArrayRef<const char *> names, Enum &out) {
    std::string s;
    if (!getString(map, key, prefix, true, s))
      return false;
    for (size_t i = 0; i < names.size(); ++i)
      if (s == names[i]) {
        out = static_cast<Enum>(i);
        return true;
      }
    fail(*map.get(key), join(prefix, key),
         "unknown " + key.str() + " '" + s +
             "' (expected one of: " + joinNames(names) + ")");
    return false;
  }

  void parseComputeUnit(const YNode &n, const std::string &field,
                        ComputeUnit &u);
  void parseTiling(const YNode &n, const std::string &field,
                   const std::string &inherited, TilingModel &t);
  void parseCurve(const YNode &n, const std::string &field,
                  const std::string &inherited, EfficiencyCurve &e,
                  bool isClass);
  /// The curves of map `key` under `n`; `badKey` says why a key is not
  /// allowed ("" when it is).
  void parseCurveMap(const YNode &n, const std::string &field,
                     const char *key, const std::string &inherited,
                     std::map<std::string, EfficiencyCurve> &out,
                     llvm::function_ref<std::string(llvm::StringRef)> badKey);
  void parseEfficiency(const YNode &n, const std::string &field,
                       const std::string &inherited, EfficiencyModel &e);
  void parseOps(const YNode &n, const std::string &field,
                const std::string &inherited, OpSupport &ops);
  void parseMemoryLevel(const YNode &n, const std::string &field,
                        MemoryLevel &m);
  void parseOverhead(const YNode &n, Overhead &o);
  void parseEnergy(const YNode &n, EnergyModel &e);
  void parsePowerMode(const YNode &n, const std::string &field, PowerMode &pm);
};

void TargetParser::parseTiling(const YNode &n, const std::string &field,
                               const std::string &inherited, TilingModel &t) {
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"m", "n", "k", "parallel", "w", "gemv_unpadded", "source",
                  "note"}))
    return;
  if (!getBool(n, "gemv_unpadded", field, t.gemvUnpadded))
    return;
  if (!blockSource(n, field, inherited, t.source))
    return;
  std::pair<StringRef, std::optional<Quantity> *> dims[] = {
      {"m", &t.m}, {"n", &t.n}, {"k", &t.k}, {"parallel", &t.parallel},
      {"w", &t.w}};
  for (auto &[key, out] : dims) {
    if (!getQuantity(n, key, field, t.source, Constraint::Positive, *out,
                     false))
      return;
    if (!*out)
      continue;
    // Tiles and tile slots are counted in whole elements and whole units;
    // utilization() truncates, so a fraction would be silently wrong.
    const Quantity &q = **out;
    for (double v : {q.value, q.low, q.high})
      if (v != std::floor(v)) {
        fail(*n.get(key), join(field, key),
             "must be a positive integer, got " + formatNum(v));
        return;
      }
  }
  if (!t.m && !t.n && !t.k && !t.parallel && !t.w)
    fail(n, field, "a tiling needs at least one of m, n, k, parallel, w");
}

void TargetParser::parseCurve(const YNode &n, const std::string &field,
                              const std::string &inherited, EfficiencyCurve &e,
                              bool isClass) {
  if (!expectMap(n, field))
    return;
  if (isClass) {
    for (const char *nested : {"classes", "kernels"})
      if (const YNode *c = n.get(nested)) {
        fail(*c, join(field, nested),
             std::string("a class or kernel curve cannot have '") + nested +
                 "' of its own");
        return;
      }
  }
  SmallVector<StringRef> keys = {"model",  "params", "range",
                                 "tiling", "source", "note"};
  if (!isClass) {
    keys.push_back("classes");
    keys.push_back("kernels");
  }
  if (!checkKeys(n, field, keys))
    return;
  std::string source;
  if (!blockSource(n, field, inherited, source))
    return;
  e.source = source;
  std::string model;
  if (!getString(n, "model", field, true, model))
    return;
  std::vector<std::pair<StringRef, Constraint>> required;
  if (model == "fixed") {
    e.kind = EfficiencyCurve::Kind::Fixed;
    required = {{"eta", Constraint::Fraction}};
  } else if (model == "saturating") {
    e.kind = EfficiencyCurve::Kind::Saturating;
    required = {{"eta_max", Constraint::Fraction},
                {"half_ops", Constraint::Positive}};
  } else {
    fail(*n.get("model"), join(field, "model"),
         "unknown efficiency model '" + model +
             "' (expected one of: fixed, saturating)");
    return;
  }
  const YNode *params = n.get("params");
  std::string pf = join(field, "params");
  if (!params) {
    fail(n, pf, "missing required field 'params'");
    return;
  }
  if (!expectMap(*params, pf))
    return;
  // Optional parameters, by curve model.
  SmallVector<std::pair<StringRef, Constraint>, 4> optional;
  if (e.kind == EfficiencyCurve::Kind::Saturating)
    optional.append({{"weight_ops", Constraint::Positive},
                     {"input_ops", Constraint::Positive},
                     {"output_ops", Constraint::Positive}});
  optional.push_back({"stall", Constraint::NonNegative});
  SmallVector<StringRef> allowed;
  for (auto &r : required)
    allowed.push_back(r.first);
  for (auto &o : optional)
    allowed.push_back(o.first);
  if (!checkKeys(*params, pf, allowed))
    return;
  auto read = [&](StringRef name, Constraint constraint, bool isRequired) {
    std::optional<Quantity> q;
    if (!getQuantity(*params, name, pf, source, constraint, q, isRequired))
      return false;
    if (q)
      e.params[name.str()] = std::move(*q);
    return true;
  };
  for (auto &[name, constraint] : required)
    if (!read(name, constraint, true))
      return;
  for (auto &[name, constraint] : optional)
    if (!read(name, constraint, false))
      return;
  if (const YNode *r = n.get("range")) {
    std::string rf = join(field, "range");
    if (r->kind != YNode::Seq || r->seq.size() != 2) {
      fail(*r, rf, "expected a list of two numbers [low, high]");
      return;
    }
    double lo, hi;
    if (!parseNumber(r->seq[0], rf, lo) || !parseNumber(r->seq[1], rf, hi))
      return;
    if (lo > hi) {
      fail(*r, rf,
           "range low " + formatNum(lo) + " is greater than high " +
               formatNum(hi));
      return;
    }
    if (!checkConstraint(*r, rf, lo, Constraint::Fraction, "range low") ||
        !checkConstraint(*r, rf, hi, Constraint::Fraction, "range high"))
      return;
    e.range = {lo, hi};
  }
  if (const YNode *t = n.get("tiling")) {
    TilingModel tiling;
    parseTiling(*t, join(field, "tiling"), source, tiling);
    if (failed)
      return;
    e.tiling = std::move(tiling);
  }
}

void TargetParser::parseEfficiency(const YNode &n, const std::string &field,
                                   const std::string &inherited,
                                   EfficiencyModel &e) {
  parseCurve(n, field, inherited, e, /*isClass=*/false);
  if (failed)
    return;
  // Class and kernel curves inherit the efficiency block's source, not its
  // tiling.
  parseCurveMap(n, field, "classes", e.source, e.classes,
                [](StringRef name) -> std::string {
                  if (llvm::is_contained(kKernelClassNames, name))
                    return "";
                  return "unknown kernel class '" + name.str() +
                         "' (expected one of: " +
                         joinNames(kKernelClassNames) + ")";
                });
  if (failed)
    return;
  parseCurveMap(n, field, "kernels", e.source, e.kernels,
                [](StringRef name) -> std::string {
                  if (isKernelVariant(name))
                    return "";
                  return "bad kernel variant '" + name.str() +
                         "' (expected dot-separated names such as MaxPool, "
                         "Mul.broadcast or epilogue.SiLU)";
                });
}

/// A key of `efficiency.kernels`: dot-separated names, each a letter then
/// letters, digits or '_' ("MaxPool", "Mul.broadcast", "Elementwise.Tanh",
/// "epilogue.SiLU"; targets/README.md lists the ones the cost model uses).
bool isKernelVariant(StringRef key) {
  SmallVector<StringRef> parts;
  key.split(parts, '.');
  return llvm::all_of(parts, [](StringRef k) {
    return !k.empty() && llvm::isAlpha(k.front()) &&
           llvm::all_of(k, [](char c) { return llvm::isAlnum(c) || c == '_'; });
  });
}

void TargetParser::parseCurveMap(
    const YNode &n, const std::string &field, const char *key,
    const std::string &inherited, std::map<std::string, EfficiencyCurve> &out,
    llvm::function_ref<std::string(StringRef)> badKey) {
  const YNode *m = n.get(key);
  if (!m)
    return;
  std::string mf = join(field, key);
  if (!expectMap(*m, mf))
    return;
  for (size_t i = 0; i < m->map.size(); ++i) {
    const auto &[name, node] = m->map[i];
    std::string f = join(mf, name);
    if (std::string why = badKey(name); !why.empty()) {
      fail(m->keyLines[i], m->keyCols[i], f, why);
      return;
    }
    // Reported at the key: such a curve shares nothing with the default
    // but its source, so it must say which model it is.
    if (node.kind == YNode::Map && !node.get("model")) {
      fail(m->keyLines[i], m->keyCols[i], join(f, "model"),
           "missing required field 'model'");
      return;
    }
    EfficiencyCurve curve;
    parseCurve(node, f, inherited, curve, /*isClass=*/true);
    if (failed)
      return;
    out[name] = std::move(curve);
  }
}

void TargetParser::parseOps(const YNode &n, const std::string &field,
                            const std::string &inherited, OpSupport &ops) {
  if (!expectMap(n, field) ||
      !checkKeys(n, field, {"native", "fallback", "source", "note"}))
    return;
  std::string source;
  if (!blockSource(n, field, inherited, source))
    return;
  const YNode *native = n.get("native");
  std::string nf = join(field, "native");
  if (!native) {
    fail(n, nf, "missing required field 'native'");
    return;
  }
  if (native->kind == YNode::Scalar && native->scalar == "all") {
    ops.all = true;
  } else if (native->kind == YNode::Seq) {
    ops.all = false;
    if (native->seq.empty()) {
      fail(*native, nf, "the list of native ops is empty");
      return;
    }
    for (size_t i = 0; i < native->seq.size(); ++i) {
      const YNode &op = native->seq[i];
      if (op.kind != YNode::Scalar || op.scalar.empty() ||
          !llvm::all_of(op.scalar,
                        [](char c) { return isAlnum(c) || c == '_'; })) {
        fail(op, index(nf, i), "expected an ONNX op type name");
        return;
      }
      ops.native.push_back(op.scalar);
    }
  } else {
    fail(*native, nf, "expected 'all' or a list of ONNX op types");
    return;
  }
  if (const YNode *fb = n.get("fallback")) {
    std::string ff = join(field, "fallback");
    if (!expectMap(*fb, ff) || !checkKeys(*fb, ff,
                                          {"unit", "transfer_bytes_per_s",
                                           "overhead_s", "source", "note"}))
      return;
    std::string fsource;
    if (!blockSource(*fb, ff, source, fsource))
      return;
    FallbackSpec spec;
    if (!getString(*fb, "unit", ff, true, spec.unit) ||
        !getRequiredQuantity(*fb, "transfer_bytes_per_s", ff, fsource,
                             Constraint::Positive, spec.transferBytesPerS) ||
        !getQuantity(*fb, "overhead_s", ff, fsource, Constraint::NonNegative,
                     spec.overheadS, false))
      return;
    ops.fallback = std::move(spec);
  } else if (!ops.all) {
    fail(n, join(field, "fallback"),
         "a unit that runs only some ops needs a 'fallback' for the rest");
  }
}

void TargetParser::parseComputeUnit(const YNode &n, const std::string &field,
                                    ComputeUnit &u) {
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"name", "class", "count", "clock_hz", "peak_ops_per_s",
                  "sparsity_2_4", "vector_width_bits", "transcendental_ops",
                  "efficiency", "ops", "source", "note"}))
    return;
  if (!blockSource(n, field, "", u.source) ||
      !getString(n, "name", field, true, u.name) ||
      !parseEnum(n, "class", field, kClassNames, u.unitClass) ||
      !getQuantity(n, "count", field, u.source, Constraint::Positive, u.count,
                   false) ||
      !getQuantity(n, "clock_hz", field, u.source, Constraint::Positive,
                   u.clockHz, false))
    return;
  const YNode *peaks = n.get("peak_ops_per_s");
  std::string pf = join(field, "peak_ops_per_s");
  if (!peaks) {
    fail(n, pf, "missing required field 'peak_ops_per_s'");
    return;
  }
  std::string peakSource;
  if (peaks->kind == YNode::Map &&
      !blockSource(*peaks, pf, u.source, peakSource))
    return;
  if (!parsePrecisionMap(*peaks, pf, peakSource, Constraint::Positive,
                         u.peakOpsPerS))
    return;
  if (u.peakOpsPerS.empty()) {
    fail(*peaks, pf, "at least one precision is required");
    return;
  }
  if (const YNode *sp = n.get("sparsity_2_4")) {
    std::string sf = join(field, "sparsity_2_4");
    if (sp->kind == YNode::Scalar && !sp->quoted && sp->scalar == "false") {
      // Unsupported: nothing to record.
    } else if (sp->kind == YNode::Map) {
      if (!checkKeys(*sp, sf, {"speedup", "source", "note"}))
        return;
      std::string ssource;
      std::optional<Quantity> speedup;
      if (!blockSource(*sp, sf, u.source, ssource) ||
          !getQuantity(*sp, "speedup", sf, ssource, Constraint::Positive,
                       speedup, true))
        return;
      u.sparsity24Speedup = std::move(speedup);
    } else {
      fail(*sp, sf, "expected 'false' or a mapping {speedup: ...}");
      return;
    }
  }
  if (!getQuantity(n, "vector_width_bits", field, u.source,
                   Constraint::Positive, u.vectorWidthBits, false) ||
      !getQuantity(n, "transcendental_ops", field, u.source,
                   Constraint::Positive, u.transcendentalOps, false))
    return;
  if (const YNode *e = n.get("efficiency")) {
    EfficiencyModel model;
    parseEfficiency(*e, join(field, "efficiency"), u.source, model);
    if (failed)
      return;
    u.efficiency = std::move(model);
  }
  if (const YNode *o = n.get("ops"))
    parseOps(*o, join(field, "ops"), u.source, u.ops);
}

void TargetParser::parseMemoryLevel(const YNode &n, const std::string &field,
                                    MemoryLevel &m) {
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"name", "capacity_bytes", "bandwidth_bytes_per_s",
                  "energy_pj_per_byte", "latency_s", "wait_states", "holds",
                  "cache", "source", "note"}))
    return;
  if (!blockSource(n, field, "", m.source) ||
      !getString(n, "name", field, true, m.name) ||
      !getRequiredQuantity(n, "capacity_bytes", field, m.source,
                           Constraint::Positive, m.capacityBytes) ||
      !getQuantity(n, "bandwidth_bytes_per_s", field, m.source,
                   Constraint::Positive, m.bandwidthBytesPerS, false) ||
      !getQuantity(n, "energy_pj_per_byte", field, m.source,
                   Constraint::Positive, m.energyPjPerByte, false) ||
      !getQuantity(n, "latency_s", field, m.source, Constraint::NonNegative,
                   m.latencyS, false) ||
      !getQuantity(n, "wait_states", field, m.source, Constraint::NonNegative,
                   m.waitStates, false))
    return;
  if (!getBool(n, "cache", field, m.cache))
    return;
  if (const YNode *h = n.get("holds")) {
    std::string hf = join(field, "holds");
    if (!expectSeq(*h, hf))
      return;
    for (size_t i = 0; i < h->seq.size(); ++i) {
      const YNode &r = h->seq[i];
      auto it = llvm::find_if(kRoleNames, [&](const char *name) {
        return r.kind == YNode::Scalar && r.scalar == name;
      });
      if (it == std::end(kRoleNames)) {
        fail(r, index(hf, i),
             "unknown role '" + r.scalar +
                 "' (expected one of: " + joinNames(kRoleNames) + ")");
        return;
      }
      m.holds.push_back(static_cast<MemoryRole>(it - std::begin(kRoleNames)));
    }
  }
}

void TargetParser::parseOverhead(const YNode &n, Overhead &o) {
  std::string field = "overhead";
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"kernel_launch_s", "inference_s", "delegate_call_s", "source",
                  "note"}))
    return;
  if (!blockSource(n, field, "", o.source) ||
      !getRequiredQuantity(n, "kernel_launch_s", field, o.source,
                           Constraint::NonNegative, o.kernelLaunchS) ||
      !getQuantity(n, "inference_s", field, o.source, Constraint::NonNegative,
                   o.inferenceS, false) ||
      !getQuantity(n, "delegate_call_s", field, o.source,
                   Constraint::NonNegative, o.delegateCallS, false))
    return;
}

void TargetParser::parseEnergy(const YNode &n, EnergyModel &e) {
  std::string field = "energy";
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"model", "pj_per_op", "static_power_w", "tdp_w", "process_nm",
                  "source", "note"}))
    return;
  if (!blockSource(n, field, "", e.source) ||
      !getString(n, "model", field, true, e.model))
    return;
  if (e.model != "actions+static") {
    fail(*n.get("model"), "energy.model",
         "unknown energy model '" + e.model + "' (expected: actions+static)");
    return;
  }
  if (const YNode *p = n.get("pj_per_op")) {
    std::string pf = "energy.pj_per_op";
    std::string psource;
    if (p->kind == YNode::Map && !blockSource(*p, pf, e.source, psource))
      return;
    if (!parsePrecisionMap(*p, pf, psource, Constraint::Positive, e.pjPerOp))
      return;
  }
  if (!getQuantity(n, "static_power_w", field, e.source, Constraint::Positive,
                   e.staticPowerW, false) ||
      !getQuantity(n, "tdp_w", field, e.source, Constraint::Positive, e.tdpW,
                   false) ||
      !getQuantity(n, "process_nm", field, e.source, Constraint::Positive,
                   e.processNm, false))
    return;
}

void TargetParser::parsePowerMode(const YNode &n, const std::string &field,
                                  PowerMode &pm) {
  if (!expectMap(n, field) ||
      !checkKeys(n, field,
                 {"name", "power_w", "clock_scale", "unit_clock_scale",
                  "source", "note"}))
    return;
  if (!blockSource(n, field, "", pm.source) ||
      !getString(n, "name", field, true, pm.name) ||
      !getQuantity(n, "power_w", field, pm.source, Constraint::Positive,
                   pm.powerW, false) ||
      !getQuantity(n, "clock_scale", field, pm.source, Constraint::Positive,
                   pm.clockScale, false))
    return;
  if (const YNode *u = n.get("unit_clock_scale")) {
    std::string uf = join(field, "unit_clock_scale");
    if (!expectMap(*u, uf))
      return;
    std::string usource;
    if (!blockSource(*u, uf, pm.source, usource))
      return;
    for (const auto &kv : u->map) {
      if (kv.first == "source" || kv.first == "note")
        continue;
      Quantity q;
      if (!parseQuantity(kv.second, join(uf, kv.first), usource,
                         Constraint::Positive, q))
        return;
      pm.unitClockScale[kv.first] = std::move(q);
    }
  }
  if (!pm.clockScale && pm.unitClockScale.empty())
    fail(n, join(field, "clock_scale"),
         "a power mode needs 'clock_scale' or 'unit_clock_scale'");
}

void TargetParser::parse(const YNode &root, TargetDescription &t) {
  if (root.kind != YNode::Map) {
    fail(root, "", "a target file must be a YAML mapping");
    return;
  }
  if (!checkKeys(root, "",
                 {"schema_version", "name", "kind", "description", "references",
                  "software_stack", "compute", "memory", "overhead", "energy",
                  "power_modes", "notes"}))
    return;

  // References first: sources anywhere may cite them.
  if (const YNode *r = root.get("references")) {
    if (!expectMap(*r, "references"))
      return;
    for (const auto &kv : r->map) {
      std::string f = join("references", kv.first);
      if (kv.second.kind != YNode::Scalar || kv.second.scalar.empty()) {
        fail(kv.second, f, "expected a citation string");
        return;
      }
      references[kv.first] = kv.second.scalar;
    }
    t.references = references;
  }

  const YNode *version = root.get("schema_version");
  if (!version) {
    fail(root, "schema_version", "missing required field 'schema_version'");
    return;
  }
  double v;
  if (!parseNumber(*version, "schema_version", v))
    return;
  if (v != 1) {
    fail(*version, "schema_version",
         "unsupported schema version " + formatNum(v) + " (expected 1)");
    return;
  }
  t.schemaVersion = 1;

  if (!getString(root, "name", "", true, t.name) ||
      !parseEnum(root, "kind", "", kKindNames, t.kind) ||
      !getString(root, "description", "", true, t.description) ||
      !getString(root, "notes", "", false, t.notes))
    return;

  const YNode *sw = root.get("software_stack");
  if (!sw) {
    fail(root, "software_stack", "missing required field 'software_stack'");
    return;
  }
  if (!expectMap(*sw, "software_stack") ||
      !checkKeys(*sw, "software_stack", {"name", "source", "note"}) ||
      !getString(*sw, "name", "software_stack", true, t.softwareStack.name) ||
      !getString(*sw, "source", "software_stack", true,
                 t.softwareStack.source) ||
      !checkCitations(*sw->get("source"), "software_stack.source",
                      t.softwareStack.source))
    return;

  // Compute units.
  const YNode *compute = root.get("compute");
  if (!compute) {
    fail(root, "compute", "missing required field 'compute'");
    return;
  }
  if (!expectSeq(*compute, "compute"))
    return;
  if (compute->seq.empty()) {
    fail(*compute, "compute", "the list of compute units is empty");
    return;
  }
  StringSet<> unitNames;
  for (size_t i = 0; i < compute->seq.size(); ++i) {
    ComputeUnit u;
    std::string f = index("compute", i);
    parseComputeUnit(compute->seq[i], f, u);
    if (failed)
      return;
    if (!unitNames.insert(u.name).second) {
      fail(compute->seq[i], join(f, "name"),
           "duplicate compute unit name '" + u.name + "'");
      return;
    }
    t.compute.push_back(std::move(u));
  }
  for (size_t i = 0; i < t.compute.size(); ++i) {
    const ComputeUnit &u = t.compute[i];
    if (!u.ops.fallback)
      continue;
    const YNode &un = compute->seq[i];
    const YNode *fb = un.get("ops")->get("fallback");
    std::string f = index("compute", i) + ".ops.fallback.unit";
    if (u.ops.fallback->unit == u.name) {
      fail(*fb->get("unit"), f, "a unit cannot fall back to itself");
      return;
    }
    const ComputeUnit *target = t.findUnit(u.ops.fallback->unit);
    if (!target) {
      fail(*fb->get("unit"), f,
           "unknown compute unit '" + u.ops.fallback->unit + "'");
      return;
    }
    if (!target->ops.all) {
      fail(*fb->get("unit"), f,
           "fallback unit '" + target->name + "' must run every op");
      return;
    }
  }

  // Memory levels.
  const YNode *memory = root.get("memory");
  if (!memory) {
    fail(root, "memory", "missing required field 'memory'");
    return;
  }
  if (!expectSeq(*memory, "memory"))
    return;
  if (memory->seq.empty()) {
    fail(*memory, "memory", "the list of memory levels is empty");
    return;
  }
  StringSet<> memNames;
  for (size_t i = 0; i < memory->seq.size(); ++i) {
    MemoryLevel m;
    std::string f = index("memory", i);
    parseMemoryLevel(memory->seq[i], f, m);
    if (failed)
      return;
    if (!memNames.insert(m.name).second) {
      fail(memory->seq[i], join(f, "name"),
           "duplicate memory level name '" + m.name + "'");
      return;
    }
    t.memory.push_back(std::move(m));
  }
  if (!t.memory.back().bandwidthBytesPerS) {
    const YNode &last = memory->seq.back();
    fail(last, index("memory", t.memory.size() - 1) + ".bandwidth_bytes_per_s",
         "the slowest memory level must give its bandwidth");
    return;
  }

  const YNode *overhead = root.get("overhead");
  if (!overhead) {
    fail(root, "overhead", "missing required field 'overhead'");
    return;
  }
  parseOverhead(*overhead, t.overhead);
  if (failed)
    return;

  if (const YNode *e = root.get("energy")) {
    EnergyModel em;
    parseEnergy(*e, em);
    if (failed)
      return;
    t.energy = std::move(em);
  }

  if (const YNode *pms = root.get("power_modes")) {
    if (!expectSeq(*pms, "power_modes"))
      return;
    StringSet<> modeNames;
    for (size_t i = 0; i < pms->seq.size(); ++i) {
      PowerMode pm;
      std::string f = index("power_modes", i);
      parsePowerMode(pms->seq[i], f, pm);
      if (failed)
        return;
      if (!modeNames.insert(pm.name).second) {
        fail(pms->seq[i], join(f, "name"),
             "duplicate power mode name '" + pm.name + "'");
        return;
      }
      for (const auto &kv : pm.unitClockScale)
        if (!t.findUnit(kv.first)) {
          fail(pms->seq[i], join(f, "unit_clock_scale." + kv.first),
               "unknown compute unit '" + kv.first + "'");
          return;
        }
      t.powerModes.push_back(std::move(pm));
    }
  }
}

Expected<TargetDescription> parseTargetImpl(StringRef text, StringRef fileName,
                                            StringRef expectedName) {
  SourceMgr sm;
  DiagCapture diag;
  sm.setDiagHandler(captureDiag, &diag);
  yaml::Stream stream(text, sm, /*ShowColors=*/false);

  auto yamlError = [&](unsigned line, unsigned col, const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             fileName + ":" + Twine(line) + ":" + Twine(col) +
                                 ": malformed YAML: " + msg);
  };

  YNode root;
  bool haveRoot = false;
  TreeBuilder builder(sm);
  for (yaml::Document &doc : stream) {
    if (haveRoot) {
      // A second document: refuse rather than silently ignore it.
      yaml::Node *n = doc.getRoot();
      unsigned line = 0;
      if (n && n->getSourceRange().Start.isValid())
        line = sm.getLineAndColumn(n->getSourceRange().Start).first;
      if (diag.has)
        break;
      return yamlError(line, 1, "a target file holds exactly one document");
    }
    bool ok = builder.build(doc.getRoot(), root);
    haveRoot = true;
    if (!ok || diag.has)
      break;
  }
  if (diag.has)
    return yamlError(diag.line, diag.col, diag.message);
  if (!builder.problem.empty())
    return yamlError(builder.problemLine, builder.problemCol, builder.problem);
  if (!haveRoot || root.kind == YNode::Null)
    return createStringError(inconvertibleErrorCode(),
                             fileName + ":1:1: the target file is empty");

  TargetDescription t;
  TargetParser parser(fileName);
  parser.parse(root, t);
  if (!parser.failed && !expectedName.empty() && t.name != expectedName) {
    const YNode *n = root.get("name");
    parser.fail(*n, "name",
                "'" + t.name + "' does not match the file name '" +
                    expectedName + "'");
  }
  if (parser.failed)
    return createStringError(inconvertibleErrorCode(), parser.message);
  t.path = fileName.str();
  return t;
}

bool isBundledName(StringRef s) {
  return !s.contains('/') && !s.contains('\\') && !s.ends_with(".yaml") &&
         !s.ends_with(".yml");
}

} // namespace

Expected<TargetDescription> parseTarget(StringRef text, StringRef fileName) {
  return parseTargetImpl(text, fileName, "");
}

std::string defaultTargetsDir() {
  if (std::optional<std::string> env = sys::Process::GetEnv("IRON_TARGETS_DIR"))
    if (!env->empty())
      return *env;
  return IRON_TARGETS_SOURCE_DIR;
}

std::vector<std::string> listBundledTargets(StringRef targetsDir) {
  std::string dir = targetsDir.empty() ? defaultTargetsDir() : targetsDir.str();
  std::vector<std::string> names;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef path = it->path();
    if (sys::path::extension(path) != ".yaml")
      continue;
    names.push_back(sys::path::stem(path).str());
  }
  llvm::sort(names);
  return names;
}

Expected<TargetDescription> loadTarget(StringRef nameOrPath,
                                       StringRef targetsDir) {
  if (nameOrPath.empty())
    return createStringError(inconvertibleErrorCode(),
                             "no target given (a bundled name or a path)");
  std::string path;
  std::string expectedName;
  if (isBundledName(nameOrPath)) {
    std::string dir =
        targetsDir.empty() ? defaultTargetsDir() : targetsDir.str();
    SmallString<256> p(dir);
    sys::path::append(p, nameOrPath + ".yaml");
    path = p.str().str();
    expectedName = nameOrPath.str();
    if (!sys::fs::exists(path)) {
      std::string known;
      for (const std::string &n : listBundledTargets(dir))
        known += (known.empty() ? "" : ", ") + n;
      return createStringError(
          inconvertibleErrorCode(),
          "unknown target '" + nameOrPath + "': no " + path +
              (known.empty() ? std::string(" (no bundled targets found)")
                             : " (bundled targets: " + known + ")"));
    }
  } else {
    path = nameOrPath.str();
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(),
                             "cannot read target file '" + path +
                                 "': " + buffer.getError().message());
  return parseTargetImpl((*buffer)->getBuffer(), path, expectedName);
}

} // namespace iron
