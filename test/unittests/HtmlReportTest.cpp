//===- HtmlReportTest.cpp - The HTML page of a report ---------------------===//
//
// Unit tests of iron::writeHtmlReport. The report below is written by hand
// in the JSON form of docs/report.md: two targets, a compute-bound kernel, a
// memory-bound one whose node name needs escaping, and two data-movement
// kernels with no arithmetic that a log axis cannot place. The page is
// checked as text: self-contained, one roofline per target, one circle per
// placeable kernel, kernels placed in intensity order.
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace iron;
using llvm::StringRef;

namespace {

const char *const kRawNode = "/blk<1>/a&b\"c";
const char *const kEscapedNode = "/blk&lt;1&gt;/a&amp;b&quot;c";

// Kernel 0 sits at 200 ops/byte, kernel 1 at 5; kernels 2 and 3 move data
// only (no ops; kernel 3 not even bytes).
const char *const kReport = R"json({
  "schema": "iron-report", "schema_version": "1.0",
  "model": {"path": "tiny.onnx"},
  "options": {"batch": 1, "assume_precision": null, "power_mode": null},
  "targets": [
    {
      "target": {"name": "gpu-a", "kind": "gpu", "path": "gpu-a.yaml",
                 "software_stack": "vendor kernels", "power_mode": null},
      "energy_model": "actions+static",
      "roofs": {
        "compute": [
          {"unit": "tensor-cores", "precision": "fp16", "peak_ops_per_s": 1e15},
          {"unit": "cuda-cores", "precision": "fp32", "peak_ops_per_s": 6e13}],
        "memory": [{"level": "hbm3", "bandwidth_bytes_per_s": 3e12}]
      },
      "total": {
        "batch": 1,
        "latency_ms": {"value": 0.008, "low": 0.006, "high": 0.011},
        "latency_batch1_ms": {"value": 0.008, "low": 0.006, "high": 0.011},
        "energy_uj": {"value": 2500, "low": 2000, "high": 3100},
        "throughput_inferences_per_s": 125000,
        "macs": 1.01e9, "arithmetic_ops": 2.02e9, "bytes_moved": 2.2e7,
        "kernels": 4, "inference_overhead_ms": 0,
        "bound_ms": {"compute": 0.004, "memory": 0.0035, "overhead": 0.0005}
      },
      "memory": {
        "weights_bytes": 3000000, "arena_bytes": 8000000,
        "levels": [
          {"level": "hbm3", "holds": "weights+activations",
           "capacity_bytes": 8.0e10, "required_bytes": 1.1e7, "fits": true,
           "margin_bytes": 7.9989e10},
          {"level": "smem", "holds": "activations",
           "capacity_bytes": 2.0e5, "required_bytes": 8.0e6, "fits": false,
           "margin_bytes": -7.8e6}]
      },
      "kernels": [
        {"index": 0, "kind": "Conv", "class": "contraction.conv",
         "nodes": ["/conv1/Conv"], "output_shapes": ["1x64x56x56xf16"],
         "unit": "tensor-cores", "precision": "fp16", "fallback": false,
         "macs": 1e9, "arithmetic_ops": 2e9, "transcendentals": 0,
         "bytes_moved": 1e7, "bytes_by_level": {"hbm3": 1e7},
         "arithmetic_intensity_ops_per_byte": 200, "efficiency": 0.5,
         "compute_ms": 0.004, "memory_ms": 0.0033, "overhead_ms": 0.0001,
         "bound": "compute",
         "latency_ms": {"value": 0.004, "low": 0.003, "high": 0.0055},
         "energy_uj": {"value": 1500, "low": 1200, "high": 1900},
         "share": 0.5},
        {"index": 1, "kind": "MatMul", "class": "contraction.matmul",
         "nodes": ["/blk<1>/a&b\"c", "/blk<1>/add"],
         "output_shapes": ["1x1000xf16"],
         "unit": "tensor-cores", "precision": "fp16", "fallback": false,
         "macs": 1e7, "arithmetic_ops": 2e7, "transcendentals": 0,
         "bytes_moved": 4e6, "bytes_by_level": {"hbm3": 4e6},
         "arithmetic_intensity_ops_per_byte": 5, "efficiency": 0.4,
         "compute_ms": 0.0001, "memory_ms": 0.0015, "overhead_ms": 0.0001,
         "bound": "memory",
         "latency_ms": {"value": 0.0015, "low": 0.0012, "high": 0.002},
         "energy_uj": {"value": 500, "low": 400, "high": 600},
         "share": 0.1875},
        {"index": 2, "kind": "Transpose", "class": "data-movement",
         "nodes": ["/t"], "output_shapes": ["1x56x56x64xf16"],
         "unit": "cuda-cores", "precision": "fp16", "fallback": false,
         "macs": 0, "arithmetic_ops": 0, "transcendentals": 0,
         "bytes_moved": 8e6, "bytes_by_level": {"hbm3": 8e6},
         "arithmetic_intensity_ops_per_byte": 0, "efficiency": 1,
         "compute_ms": 0, "memory_ms": 0.002, "overhead_ms": 0.0001,
         "bound": "memory",
         "latency_ms": {"value": 0.002, "low": 0.0015, "high": 0.003},
         "energy_uj": {"value": 400, "low": 300, "high": 500},
         "share": 0.25},
        {"index": 3, "kind": "Reshape", "class": "data-movement",
         "nodes": ["/r"], "output_shapes": ["1x200704xf16"],
         "unit": "cuda-cores", "precision": "fp16", "fallback": false,
         "macs": 0, "arithmetic_ops": 0, "transcendentals": 0,
         "bytes_moved": 0, "bytes_by_level": {},
         "arithmetic_intensity_ops_per_byte": 0, "efficiency": 1,
         "compute_ms": 0, "memory_ms": 0, "overhead_ms": 0.0005,
         "bound": "overhead",
         "latency_ms": {"value": 0.0005, "low": 0.0004, "high": 0.0006},
         "energy_uj": {"value": 100, "low": 100, "high": 100},
         "share": 0.0625}
      ],
      "budgets": [
        {"kind": "latency", "limit_ms": 0.005, "predicted_ms": 0.008,
         "pass": false, "binding_term": "compute",
         "requirements": [{"parameter": "compute[0].peak_ops_per_s",
                           "current": 1e15, "required": 2e15},
                          {"parameter": "memory[0].bandwidth_bytes_per_s",
                           "current": 3e12, "required": -1}]}
      ],
      "sensitivities": [
        {"parameter": "compute[0].peak_ops_per_s", "elasticity": -0.5},
        {"parameter": "memory[0].bandwidth_bytes_per_s", "elasticity": -0.44}
      ],
      "notes": ["static power assumed"]
    },
    {
      "target": {"name": "cpu-b", "kind": "cpu", "path": "cpu-b.yaml",
                 "software_stack": "hand-written loops", "power_mode": null},
      "energy_model": "none",
      "roofs": {
        "compute": [{"unit": "simd", "precision": "fp32",
                     "peak_ops_per_s": 2e12}],
        "memory": [{"level": "ddr5", "bandwidth_bytes_per_s": 1e11}]
      },
      "total": {
        "batch": 1,
        "latency_ms": {"value": 1.5, "low": 1.2, "high": 2.0},
        "energy_uj": null,
        "throughput_inferences_per_s": 666.7,
        "kernels": 2,
        "bound_ms": {"compute": 1.2, "memory": 0.3, "overhead": 0}
      },
      "memory": {"weights_bytes": 3000000, "arena_bytes": 8000000,
                 "levels": []},
      "kernels": [
        {"index": 0, "kind": "Conv", "nodes": ["/conv1/Conv"],
         "arithmetic_ops": 2e9, "bytes_moved": 1e7,
         "arithmetic_intensity_ops_per_byte": 200, "bound": "compute",
         "latency_ms": {"value": 1.2, "low": 1.0, "high": 1.6},
         "energy_uj": null, "share": 0.8},
        {"index": 1, "kind": "Transpose", "nodes": ["/t"],
         "arithmetic_ops": 0, "bytes_moved": 8e6,
         "arithmetic_intensity_ops_per_byte": 0, "bound": "memory",
         "latency_ms": {"value": 0.3, "low": 0.2, "high": 0.4},
         "energy_uj": null, "share": 0.2}
      ],
      "budgets": [],
      "sensitivities": [],
      "notes": []
    }
  ]
})json";

llvm::json::Value parseReport(const char *text) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError());
    return llvm::json::Value(nullptr);
  }
  return std::move(*v);
}

std::string render(const llvm::json::Value &report) {
  std::string html;
  llvm::raw_string_ostream os(html);
  writeHtmlReport(report, os);
  os.flush();
  return html;
}

size_t occurrences(StringRef haystack, StringRef needle) {
  return haystack.count(needle);
}

/// The text of target `i`'s section.
StringRef section(StringRef html, unsigned i) {
  std::string open = "<section id=\"target-" + std::to_string(i) + "\"";
  size_t begin = html.find(open);
  if (begin == StringRef::npos)
    return {};
  size_t end = html.find("</section>", begin);
  return html.slice(begin, end);
}

/// The roofline SVG of a section.
StringRef roofline(StringRef sec) {
  size_t begin = sec.find("<svg class=\"roofline\"");
  if (begin == StringRef::npos)
    return {};
  return sec.slice(begin, sec.find("</svg>", begin));
}

/// The cx and cy of the circle whose tooltip starts with `title`.
bool circleAt(StringRef svg, StringRef title, double &cx, double &cy) {
  size_t t = svg.find("<title>" + title.str());
  if (t == StringRef::npos)
    return false;
  size_t c = svg.take_front(t).rfind("<circle");
  if (c == StringRef::npos)
    return false;
  StringRef circle = svg.slice(c, t);
  auto attr = [&](StringRef name, double &out) {
    size_t a = circle.find(" " + name.str() + "=\"");
    if (a == StringRef::npos)
      return false;
    out = std::strtod(circle.data() + a + name.size() + 3, nullptr);
    return true;
  };
  return attr("cx", cx) && attr("cy", cy);
}

TEST(HtmlReport, SelfContainedPage) {
  std::string html = render(parseReport(kReport));
  EXPECT_TRUE(StringRef(html).starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(StringRef(html).ends_with("</html>\n"));
  EXPECT_EQ(occurrences(html, "<script src"), 0u);
  EXPECT_EQ(occurrences(html, "http://"), 0u);
  EXPECT_EQ(occurrences(html, "https://"), 0u);
  EXPECT_EQ(occurrences(html, "<link"), 0u);
  EXPECT_EQ(occurrences(html, "<img"), 0u);
  EXPECT_EQ(occurrences(html, "url("), 0u);
  EXPECT_EQ(occurrences(html, "@import"), 0u);
}

TEST(HtmlReport, OneRooflinePerTargetAndCirclePerPlaceableKernel) {
  std::string html = render(parseReport(kReport));
  EXPECT_EQ(occurrences(html, "<svg class=\"roofline\""), 2u);

  // gpu-a: Conv and MatMul have ops and bytes; Transpose and Reshape not.
  StringRef a = roofline(section(html, 0));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(occurrences(a, "<circle"), 2u);
  EXPECT_NE(a.find("<title>#0 Conv"), StringRef::npos);
  EXPECT_NE(a.find("<title>#1 MatMul"), StringRef::npos);
  EXPECT_EQ(a.find("<title>#2 Transpose"), StringRef::npos);
  // The ones left off are counted under the chart.
  EXPECT_NE(section(html, 0).find("2 kernels are not on the chart"),
            StringRef::npos);

  StringRef b = roofline(section(html, 1));
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(occurrences(b, "<circle"), 1u);
  EXPECT_NE(section(html, 1).find("1 kernel is not on the chart"),
            StringRef::npos);
}

TEST(HtmlReport, EscapesNames) {
  std::string html = render(parseReport(kReport));
  EXPECT_NE(html.find(kEscapedNode), std::string::npos);
  EXPECT_EQ(html.find(kRawNode), std::string::npos);
  EXPECT_EQ(html.find("<1>"), std::string::npos);
}

TEST(HtmlReport, LabelsRoofs) {
  std::string html = render(parseReport(kReport));
  StringRef a = roofline(section(html, 0));
  EXPECT_NE(a.find(">tensor-cores fp16 ("), StringRef::npos);
  EXPECT_NE(a.find(">cuda-cores fp32 ("), StringRef::npos);
  EXPECT_NE(a.find(">hbm3 ("), StringRef::npos);
  EXPECT_EQ(occurrences(a, "class=\"croof\""), 2u);
  EXPECT_EQ(occurrences(a, "class=\"mroof\""), 1u);
  // One ridge per compute roof against the one memory level.
  EXPECT_EQ(occurrences(a, "class=\"ridge\""), 2u);
  StringRef b = roofline(section(html, 1));
  EXPECT_NE(b.find(">simd fp32 ("), StringRef::npos);
  EXPECT_NE(b.find(">ddr5 ("), StringRef::npos);
}

TEST(HtmlReport, PlacesKernelsByIntensityAndAttainedRate) {
  std::string html = render(parseReport(kReport));
  StringRef a = roofline(section(html, 0));
  double convX = 0, convY = 0, mmX = 0, mmY = 0;
  ASSERT_TRUE(circleAt(a, "#0 Conv", convX, convY));
  ASSERT_TRUE(circleAt(a, "#1 MatMul", mmX, mmY));
  // 200 ops/byte is right of 5 ops/byte; 5e14 ops/s is above 1.3e13.
  EXPECT_GT(convX, mmX);
  EXPECT_LT(convY, mmY);
}

TEST(HtmlReport, ComparisonOnlyForSeveralTargets) {
  llvm::json::Value report = parseReport(kReport);
  std::string two = render(report);
  EXPECT_NE(two.find("id=\"comparison\""), std::string::npos);
  // It comes before the targets, with a row per target.
  EXPECT_LT(two.find("id=\"comparison\""), two.find("id=\"target-0\""));
  EXPECT_NE(two.find("href=\"#target-1\""), std::string::npos);

  report.getAsObject()->getArray("targets")->pop_back();
  std::string one = render(report);
  EXPECT_EQ(one.find("id=\"comparison\""), std::string::npos);
  EXPECT_EQ(occurrences(one, "<svg class=\"roofline\""), 1u);
}

TEST(HtmlReport, VerdictsBudgetsAndTopKernels) {
  std::string html = render(parseReport(kReport));
  StringRef a = section(html, 0);
  EXPECT_NE(a.find("short by"), StringRef::npos);
  EXPECT_NE(a.find(">fail<"), StringRef::npos);
  EXPECT_NE(a.find("unreachable by this parameter alone"), StringRef::npos);
  // Four kernels, all with a share: all four are in the top five.
  EXPECT_EQ(occurrences(a, "<tr class=\"top\">"), 4u);
}

TEST(HtmlReport, EmptyAndPartialDocuments) {
  for (llvm::json::Value doc :
       {llvm::json::Value(nullptr), llvm::json::Value(42),
        llvm::json::Value(llvm::json::Object{}),
        llvm::json::Value(llvm::json::Object{{"targets", llvm::json::Array{}}}),
        llvm::json::Value(llvm::json::Object{{"targets", "none"}})}) {
    std::string html = render(doc);
    EXPECT_TRUE(StringRef(html).starts_with("<!DOCTYPE html>"));
    EXPECT_NE(html.find("report is empty"), std::string::npos);
  }
  // Targets with nothing in them, or not even objects, still give a page.
  llvm::json::Object odd{{"kernels", llvm::json::Array{llvm::json::Object{
                                         {"kind", nullptr},
                                         {"latency_ms", nullptr},
                                         {"nodes", llvm::json::Array{1, 2}}}}},
                         {"budgets", nullptr},
                         {"roofs", llvm::json::Object{{"compute", 3}}}};
  llvm::json::Value sparse = llvm::json::Object{
      {"targets",
       llvm::json::Array{llvm::json::Object{}, nullptr, std::move(odd)}}};
  std::string html = render(sparse);
  EXPECT_EQ(occurrences(html, "<svg class=\"roofline\""), 3u);
  EXPECT_EQ(occurrences(html, "<circle"), 0u);
}

TEST(HtmlReport, Deterministic) {
  llvm::json::Value report = parseReport(kReport);
  EXPECT_EQ(render(report), render(parseReport(kReport)));
}

} // namespace
