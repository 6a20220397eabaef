//===- Grid.cpp - The synthetic graphs the probe times --------------------===//
//
// Shapes span what CNNs (stems, 3x3 bodies, 1x1 projections, depthwise
// blocks, classifiers) and transformers (projections, attention products,
// softmax, layer norm, GELU) run, from kernels of a few thousand operations
// to about a billion, so that the fitted curves cover small and large
// kernels alike. The grid is fixed: no user model is ever looked at.
//
//===----------------------------------------------------------------------===//

#include "Microbench.h"

#include "iron/runtime/ConvPath.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>

namespace iron::probe {

namespace {

std::string dims(std::initializer_list<int64_t> d) {
  std::string s = "[";
  bool first = true;
  for (int64_t v : d) {
    s += (first ? "" : ",") + std::to_string(v);
    first = false;
  }
  return s + "]";
}

std::string anyDims(int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i)
    s += i ? ",?" : "?";
  return s + "]";
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Keeps `count` of `items`, spread evenly over their order by `key` (the
/// work of each), so the subset spans the whole range.
std::vector<GraphSpec>
spread(std::vector<GraphSpec> items, size_t count,
       const std::function<double(const GraphSpec &)> &key) {
  std::stable_sort(
      items.begin(), items.end(),
      [&](const GraphSpec &a, const GraphSpec &b) { return key(a) < key(b); });
  if (items.size() <= count)
    return items;
  std::vector<GraphSpec> out;
  for (size_t i = 0; i < count; ++i) {
    size_t j = count == 1
                   ? items.size() / 2
                   : size_t(std::llround(double(i) * double(items.size() - 1) /
                                         double(count - 1)));
    out.push_back(items[j]);
  }
  return out;
}

GraphSpec conv(int64_t c, int64_t hw, int64_t m, int64_t k, int64_t s,
               int64_t group, const std::string &group_) {
  int64_t pad = k / 2;
  int64_t out = (hw + 2 * pad - k) / s + 1;
  GraphSpec g;
  g.group = group_;
  g.label = "Conv " + std::to_string(k) + "x" + std::to_string(k) + "/" +
            std::to_string(s) + (group > 1 ? " dw" : "") + " " +
            std::to_string(c) + "->" + std::to_string(m) + " @" +
            std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x",
              "float" + dims({m, c / group, k, k}) + " W",
              "float" + dims({m}) + " B"};
  g.weights = {"W", "B"};
  g.nodes = {"y = Conv <kernel_shape = " + dims({k, k}) + ", strides = " +
             dims({s, s}) + ", pads = " + dims({pad, pad, pad, pad}) +
             ", group = " + std::to_string(group) + "> (x, W, B)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  g.macs = double(m) * double(out * out) * double(c / group) * double(k * k);
  return g;
}

/// A convolution of an h x w map with a kh x kw window ("same" padding
/// halves, rounded down), stride s in both dimensions.
GraphSpec convRect(int64_t c, int64_t h, int64_t w, int64_t m, int64_t kh,
                   int64_t kw, int64_t s) {
  int64_t ph = kh / 2, pw = kw / 2;
  int64_t oh = (h + 2 * ph - kh) / s + 1, ow = (w + 2 * pw - kw) / s + 1;
  GraphSpec g;
  g.group = c == 1 ? "contraction.depthwise" : "contraction.conv";
  g.label = "Conv " + std::to_string(kh) + "x" + std::to_string(kw) + "/" +
            std::to_string(s) + " " + std::to_string(c) + "->" +
            std::to_string(m) + " @" + std::to_string(h) + "x" +
            std::to_string(w);
  g.inputs = {"float" + dims({1, c, h, w}) + " x",
              "float" + dims({m, c, kh, kw}) + " W",
              "float" + dims({m}) + " B"};
  g.weights = {"W", "B"};
  g.nodes = {"y = Conv <kernel_shape = " + dims({kh, kw}) + ", strides = " +
             dims({s, s}) + ", pads = " + dims({ph, pw, ph, pw}) + "> (x, W, B)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  g.macs = double(m) * double(oh * ow) * double(c) * double(kh * kw);
  return g;
}

GraphSpec matmul(int64_t m, int64_t k, int64_t n) {
  GraphSpec g;
  g.group = "contraction.gemm";
  g.label = "MatMul " + std::to_string(m) + "x" + std::to_string(k) + " * " +
            std::to_string(k) + "x" + std::to_string(n);
  g.inputs = {"float" + dims({m, k}) + " x", "float" + dims({k, n}) + " W"};
  g.weights = {"W"};
  g.nodes = {"y = MatMul (x, W)"};
  g.outputs = {"float" + anyDims(2) + " y"};
  g.macs = double(m) * double(k) * double(n);
  return g;
}

/// Products of two activations (attention scores and context).
GraphSpec batchedMatmul(int64_t b, int64_t m, int64_t k, int64_t n) {
  GraphSpec g;
  g.group = "contraction.gemm";
  g.label = "MatMul " + std::to_string(b) + "x" + std::to_string(m) + "x" +
            std::to_string(k) + " * " + std::to_string(k) + "x" +
            std::to_string(n);
  g.inputs = {"float" + dims({b, m, k}) + " a",
              "float" + dims({b, k, n}) + " c"};
  g.nodes = {"y = MatMul (a, c)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  g.macs = double(b) * double(m) * double(k) * double(n);
  return g;
}

/// A classifier or projection: Y = X W^T + b.
GraphSpec gemm(int64_t m, int64_t k, int64_t n) {
  GraphSpec g;
  g.group = "contraction.gemm";
  g.label = "Gemm " + std::to_string(m) + "x" + std::to_string(k) + " -> " +
            std::to_string(n);
  g.inputs = {"float" + dims({m, k}) + " x", "float" + dims({n, k}) + " W",
              "float" + dims({n}) + " B"};
  g.weights = {"W", "B"};
  g.nodes = {"y = Gemm <transB = 1> (x, W, B)"};
  g.outputs = {"float" + anyDims(2) + " y"};
  g.macs = double(m) * double(k) * double(n);
  return g;
}

GraphSpec matmulInteger(int64_t m, int64_t k, int64_t n) {
  GraphSpec g;
  g.group = "peak.int8";
  g.label = "MatMulInteger " + std::to_string(m) + "x" + std::to_string(k) +
            " * " + std::to_string(k) + "x" + std::to_string(n);
  g.inputs = {"uint8" + dims({m, k}) + " x", "uint8" + dims({k, n}) + " W"};
  g.weights = {"W"};
  g.nodes = {"y = MatMulInteger (x, W)"};
  g.outputs = {"int32" + anyDims(2) + " y"};
  g.macs = double(m) * double(k) * double(n);
  return g;
}

GraphSpec unary(const std::string &op, int64_t n,
                const std::string &attrs = "") {
  GraphSpec g;
  g.group = "elementwise";
  g.label = op + " " + fmt(double(n));
  g.inputs = {"float" + dims({n}) + " x"};
  g.nodes = {"y = " + op + (attrs.empty() ? "" : " <" + attrs + ">") + " (x)"};
  g.outputs = {"float" + anyDims(1) + " y"};
  return g;
}

GraphSpec binary(const std::string &op, int64_t n) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = op + " " + fmt(double(n));
  g.inputs = {"float" + dims({n}) + " a", "float" + dims({n}) + " b"};
  g.nodes = {"y = " + op + " (a, b)"};
  g.outputs = {"float" + anyDims(1) + " y"};
  return g;
}

GraphSpec clip(int64_t n) {
  GraphSpec g = unary("Clip", n);
  g.initializers = {"float lo = {0.0}", "float hi = {6.0}"};
  g.nodes = {"y = Clip (x, lo, hi)"};
  return g;
}

GraphSpec powSquare(int64_t n) {
  GraphSpec g = unary("Pow", n);
  g.initializers = {"float two = {2.0}"};
  g.nodes = {"y = Pow (x, two)"};
  return g;
}

/// Per-channel scale of an NCHW tensor (a broadcast binary op).
/// `scaleFirst`: Mul (s, x), as squeeze-and-excitation blocks write it; the
/// runtime's broadcasting loop runs the two orders at different speeds.
GraphSpec channelMul(int64_t c, int64_t hw, bool scaleFirst = false) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = "Mul [1," + std::to_string(c) + "," + std::to_string(hw) + "," +
            std::to_string(hw) + "] by channel" +
            (scaleFirst ? " (scale first)" : "");
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x",
              "float" + dims({1, c, 1, 1}) + " s"};
  g.weights = {"s"};
  g.nodes = {scaleFirst ? "y = Mul (s, x)" : "y = Mul (x, s)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

/// A bias added along the last axis, as after a projection.
GraphSpec biasAdd(int64_t rows, int64_t cols) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = "Add [1," + std::to_string(rows) + "," + std::to_string(cols) +
            "] + bias";
  g.inputs = {"float" + dims({1, rows, cols}) + " x",
              "float" + dims({cols}) + " b"};
  g.weights = {"b"};
  g.nodes = {"y = Add (x, b)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  return g;
}

/// An attention mask added to every head's scores.
GraphSpec maskAdd(int64_t heads, int64_t seq) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = "Add [1," + std::to_string(heads) + "," + std::to_string(seq) +
            "," + std::to_string(seq) + "] + mask";
  g.inputs = {"float" + dims({1, heads, seq, seq}) + " x",
              "float" + dims({1, 1, 1, seq}) + " m"};
  g.nodes = {"y = Add (x, m)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec scalarMul(int64_t heads, int64_t seq) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = "Mul [" + std::to_string(heads) + "," + std::to_string(seq) + "," +
            std::to_string(seq) + "] by a scalar";
  g.inputs = {"float" + dims({heads, seq, seq}) + " x"};
  g.initializers = {"float s = {0.125}"};
  g.nodes = {"y = Mul (x, s)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  return g;
}

GraphSpec pool(const std::string &op, int64_t c, int64_t hw, int64_t k,
               int64_t s, int64_t pad) {
  GraphSpec g;
  g.group = "pooling";
  g.label = op + " " + std::to_string(k) + "x" + std::to_string(k) + "/" +
            std::to_string(s) + " " + std::to_string(c) + "@" +
            std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.nodes = {"y = " + op + " <kernel_shape = " + dims({k, k}) + ", strides = " +
             dims({s, s}) + ", pads = " + dims({pad, pad, pad, pad}) + "> (x)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec globalPool(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "pooling";
  g.label = "GlobalAveragePool " + std::to_string(c) + "@" + std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.nodes = {"y = GlobalAveragePool (x)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec reduceLast(const std::string &op, int64_t rows, int64_t cols) {
  GraphSpec g;
  g.group = "reduction";
  g.label = op + " " + std::to_string(rows) + "x" + std::to_string(cols) +
            " over the last axis";
  g.inputs = {"float" + dims({rows, cols}) + " x"};
  if (op == "ReduceSum") {
    g.initializers = {"int64[1] axes = {-1}"};
    g.nodes = {"y = ReduceSum <keepdims = 1> (x, axes)"};
  } else {
    g.nodes = {"y = " + op + " <axes = [-1], keepdims = 1> (x)"};
  }
  g.outputs = {"float" + anyDims(2) + " y"};
  return g;
}

GraphSpec reduceSpatial(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "reduction";
  g.label = "ReduceMean " + std::to_string(c) + "@" + std::to_string(hw) +
            " over H, W";
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.nodes = {"y = ReduceMean <axes = [2, 3], keepdims = 1> (x)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec softmax(int64_t b, int64_t rows, int64_t cols) {
  GraphSpec g;
  g.group = "reduction";
  g.label = "Softmax " + std::to_string(b) + "x" + std::to_string(rows) + "x" +
            std::to_string(cols);
  g.inputs = {"float" + dims({b, rows, cols}) + " x"};
  g.nodes = {"y = Softmax <axis = -1> (x)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  return g;
}

GraphSpec batchNorm(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "normalization";
  g.label =
      "BatchNormalization " + std::to_string(c) + "@" + std::to_string(hw);
  std::string v = "float" + dims({c});
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x", v + " s", v + " b",
              v + " mu", v + " var"};
  g.weights = {"s", "b", "mu", "var"};
  g.nodes = {"y = BatchNormalization (x, s, b, mu, var)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec layerNorm(int64_t rows, int64_t cols) {
  GraphSpec g;
  g.group = "normalization";
  g.label =
      "LayerNormalization " + std::to_string(rows) + "x" + std::to_string(cols);
  g.inputs = {"float" + dims({1, rows, cols}) + " x",
              "float" + dims({cols}) + " s", "float" + dims({cols}) + " b"};
  g.weights = {"s", "b"};
  g.nodes = {"y = LayerNormalization <axis = -1> (x, s, b)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  return g;
}

GraphSpec instanceNorm(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "normalization";
  g.label =
      "InstanceNormalization " + std::to_string(c) + "@" + std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x", "float" + dims({c}) + " s",
              "float" + dims({c}) + " b"};
  g.weights = {"s", "b"};
  g.nodes = {"y = InstanceNormalization (x, s, b)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec transpose(std::initializer_list<int64_t> shape,
                    std::initializer_list<int64_t> perm) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Transpose " + dims(shape) + " perm " + dims(perm);
  g.inputs = {"float" + dims(shape) + " x"};
  g.nodes = {"y = Transpose <perm = " + dims(perm) + "> (x)"};
  g.outputs = {"float" + anyDims(int(shape.size())) + " y"};
  return g;
}

GraphSpec concat(int64_t c, int64_t hw, int parts) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Concat " + std::to_string(parts) + " x " + std::to_string(c) +
            "@" + std::to_string(hw);
  std::string args;
  for (int i = 0; i < parts; ++i) {
    std::string name = "x" + std::to_string(i);
    g.inputs.push_back("float" + dims({1, c, hw, hw}) + " " + name);
    args += (i ? ", " : "") + name;
  }
  g.nodes = {"y = Concat <axis = 1> (" + args + ")"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec sliceChannels(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Slice half the channels of " + std::to_string(c) + "@" +
            std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.initializers = {"int64[1] starts = {0}",
                    "int64[1] ends = {" + std::to_string(c / 2) + "}",
                    "int64[1] axes = {1}"};
  g.nodes = {"y = Slice (x, starts, ends, axes)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec gather(int64_t rows, int64_t cols, int64_t count) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Gather " + std::to_string(count) + " rows of " +
            std::to_string(rows) + "x" + std::to_string(cols);
  g.inputs = {"float" + dims({rows, cols}) + " table",
              "int64" + dims({1, count}) + " ids"};
  g.weights = {"table"};
  g.nodes = {"y = Gather <axis = 0> (table, ids)"};
  g.outputs = {"float" + anyDims(3) + " y"};
  return g;
}

GraphSpec pad(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Pad 1 around " + std::to_string(c) + "@" + std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.initializers = {"int64[8] pads = {0, 0, 1, 1, 0, 0, 1, 1}"};
  g.nodes = {"y = Pad (x, pads)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec resize(int64_t c, int64_t hw) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Resize nearest x2 " + std::to_string(c) + "@" + std::to_string(hw);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  g.initializers = {"float[4] scales = {1.0, 1.0, 2.0, 2.0}"};
  g.nodes = {"y = Resize <mode = \"nearest\"> (x, , scales)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

/// Nodes computing `y` = act(`t`) the way exporters write each activation
/// the fusion passes take into an epilogue; constants go to `g`.
void activationNodes(GraphSpec &g, const std::string &act,
                     const std::string &t) {
  if (act == "Relu" || act == "Sigmoid" || act == "Tanh") {
    g.nodes.push_back("y = " + act + " (" + t + ")");
  } else if (act == "Clip") {
    g.initializers.push_back("float lo = {0.0}");
    g.initializers.push_back("float hi = {6.0}");
    g.nodes.push_back("y = Clip (" + t + ", lo, hi)");
  } else if (act == "SiLU") {
    g.nodes.push_back("sg = Sigmoid (" + t + ")");
    g.nodes.push_back("y = Mul (" + t + ", sg)");
  } else if (act == "HardSwish") {
    g.nodes.push_back("y = HardSwish (" + t + ")");
  } else if (act == "Gelu") {
    g.initializers.push_back("float rs2 = {0.70710678}");
    g.initializers.push_back("float one = {1.0}");
    g.initializers.push_back("float half = {0.5}");
    g.nodes.push_back("ga = Mul (" + t + ", rs2)");
    g.nodes.push_back("gb = Erf (ga)");
    g.nodes.push_back("gc = Add (gb, one)");
    g.nodes.push_back("gd = Mul (" + t + ", gc)");
    g.nodes.push_back("y = Mul (gd, half)");
  } else if (act == "GeluTanh") {
    g.initializers.push_back("float k3 = {0.044715}");
    g.initializers.push_back("float s2p = {0.7978845608}");
    g.initializers.push_back("float one = {1.0}");
    g.initializers.push_back("float half = {0.5}");
    g.nodes.push_back("ga = Mul (" + t + ", " + t + ")");
    g.nodes.push_back("gb = Mul (ga, " + t + ")");
    g.nodes.push_back("gc = Mul (gb, k3)");
    g.nodes.push_back("gd = Add (" + t + ", gc)");
    g.nodes.push_back("ge = Mul (gd, s2p)");
    g.nodes.push_back("gf = Tanh (ge)");
    g.nodes.push_back("gg = Add (gf, one)");
    g.nodes.push_back("gh = Mul (" + t + ", gg)");
    g.nodes.push_back("y = Mul (gh, half)");
  } else { // "none": the result as it is
    g.nodes.push_back("y = Identity (" + t + ")");
  }
}

/// Conv + bias (+ a residual input) + activation: one iron.FusedConv.
GraphSpec fusedConv(int64_t c, int64_t hw, int64_t m, int64_t k, int64_t s,
                    bool depthwise, const std::string &act, bool residual) {
  GraphSpec g = conv(c, hw, m, k, s, depthwise ? c : 1, "fused");
  int64_t out = (hw + 2 * (k / 2) - k) / s + 1;
  g.fuse = true;
  g.label = "Fused" + g.label + (residual ? " + residual" : "") + " + " + act;
  g.nodes.front().replace(0, 1, "cv");
  std::string t = "cv";
  if (residual) {
    g.inputs.push_back("float" + dims({1, m, out, out}) + " r");
    g.nodes.push_back("rs = Add (cv, r)");
    t = "rs";
  }
  activationNodes(g, act, t);
  return g;
}

/// MatMul + bias + activation: one iron.FusedMatMul.
GraphSpec fusedMatmul(int64_t m, int64_t k, int64_t n, const std::string &act) {
  GraphSpec g = matmul(m, k, n);
  g.group = "fused";
  g.fuse = true;
  g.label = "Fused" + g.label + " + bias + " + act;
  g.inputs.push_back("float" + dims({n}) + " B");
  g.weights.push_back("B");
  g.nodes = {"mm = MatMul (x, W)", "mb = Add (mm, B)"};
  activationNodes(g, act, "mb");
  return g;
}

/// A chain of same-shape elementwise ops: one iron.Elementwise program.
GraphSpec elementwiseChain(int64_t n, int ops, bool broadcast) {
  GraphSpec g;
  g.group = "fused";
  g.fuse = true;
  g.label = "Elementwise chain of " + std::to_string(ops) + " on " +
            fmt(double(n)) + (broadcast ? " with a broadcast input" : "");
  int64_t rows = n / 64;
  g.inputs = {"float" + dims({rows, 64}) + " a",
              "float" + (broadcast ? dims({64}) : dims({rows, 64})) + " b"};
  std::string prev = "a";
  const char *kinds[] = {"Add", "Mul", "Sub", "Max"};
  for (int i = 0; i < ops; ++i) {
    std::string next = i + 1 == ops ? "e" : "c" + std::to_string(i);
    g.nodes.push_back(next + " = " + kinds[i % 4] + " (" + prev + ", b)");
    prev = next;
  }
  g.nodes.push_back("y = Relu (e)");
  g.outputs = {"float" + anyDims(2) + " y"};
  return g;
}

/// x * f(x) + x with f a transcendental function: one iron.Elementwise
/// program whose time that function sets.
GraphSpec transcendentalChain(const std::string &fn, int64_t n) {
  GraphSpec g;
  g.group = "fused";
  g.fuse = true;
  g.label = "Elementwise chain with " + fn + " on " + fmt(double(n));
  g.inputs = {"float" + dims({n / 64, 64}) + " a",
              "float" + dims({n / 64, 64}) + " b"};
  g.nodes = {"c = Mul (a, b)", "d = " + fn + " (c)", "e = Mul (d, a)",
             "y = Add (e, b)"};
  g.outputs = {"float" + anyDims(2) + " y"};
  g.positiveInputs = fn == "Sqrt" || fn == "Log";
  return g;
}

/// GELU on its own (no product before it): one iron.Gelu.
GraphSpec geluAlone(int64_t rows, int64_t cols, bool tanhForm) {
  GraphSpec g;
  g.group = "fused";
  g.fuse = true;
  g.label = std::string(tanhForm ? "GeluTanh " : "Gelu ") +
            std::to_string(rows) + "x" + std::to_string(cols);
  g.inputs = {"float" + dims({rows, cols}) + " x"};
  activationNodes(g, tanhForm ? "GeluTanh" : "Gelu", "x");
  g.outputs = {"float" + anyDims(2) + " y"};
  return g;
}

/// Scaled dot-product attention as exporters write it: one iron.Attention.
GraphSpec attention(int64_t heads, int64_t seq, int64_t d) {
  GraphSpec g;
  g.group = "fused";
  g.fuse = true;
  g.label = "Attention " + std::to_string(heads) + " heads x " +
            std::to_string(seq) + " x " + std::to_string(d);
  g.inputs = {"float" + dims({1, heads, seq, d}) + " q",
              "float" + dims({1, heads, d, seq}) + " kt",
              "float" + dims({1, heads, seq, d}) + " v",
              "float" + dims({1, 1, 1, seq}) + " mask"};
  g.initializers = {"float scale = {" + fmt(std::sqrt(double(d))) + "}"};
  g.nodes = {"s0 = MatMul (q, kt)", "s1 = Div (s0, scale)",
             "s2 = Add (s1, mask)", "p = Softmax <axis = -1> (s2)",
             "y = MatMul (p, v)"};
  g.outputs = {"float" + anyDims(4) + " y"};
  return g;
}

GraphSpec split(int64_t c, int64_t hw, int parts) {
  GraphSpec g;
  g.group = "data_movement";
  g.label = "Split " + std::to_string(c) + "@" + std::to_string(hw) +
            " into " + std::to_string(parts);
  g.inputs = {"float" + dims({1, c, hw, hw}) + " x"};
  std::string outs;
  for (int i = 0; i < parts; ++i) {
    outs += (i ? ", " : "") + std::string("y") + std::to_string(i);
    g.outputs.push_back("float" + anyDims(4) + " y" + std::to_string(i));
  }
  g.initializers = {"int64[" + std::to_string(parts) + "] sizes = {"};
  for (int i = 0; i < parts; ++i)
    g.initializers[0] += (i ? ", " : "") + std::to_string(c / parts);
  g.initializers[0] += "}";
  g.nodes = {outs + " = Split <axis = 1> (x, sizes)"};
  return g;
}

GraphSpec cast(int64_t n) {
  GraphSpec g;
  g.group = "elementwise";
  g.label = "Cast to int64 " + fmt(double(n));
  g.inputs = {"float" + dims({n}) + " x"};
  g.nodes = {"y = Cast <to = 7> (x)"};
  g.outputs = {"int64" + anyDims(1) + " y"};
  return g;
}

double macsKey(const GraphSpec &g) { return g.macs; }

} // namespace

GraphSpec launchChain(int length) {
  GraphSpec g;
  g.group = "overhead";
  g.label = "Relu chain of " + std::to_string(length) + " on one element";
  g.inputs = {"float[1] x"};
  std::string prev = "x";
  for (int i = 0; i < length; ++i) {
    std::string next = i + 1 == length ? "y" : "r" + std::to_string(i);
    g.nodes.push_back(next + " = Relu (" + prev + ")");
    prev = next;
  }
  g.outputs = {"float[?] y"};
  g.timeInvoke = true;
  return g;
}

GraphSpec evicted(GraphSpec g, uint64_t evictBytes) {
  int64_t n = std::max<int64_t>(16, int64_t(evictBytes / 4 / 1024));
  g.label += " (caches evicted)";
  g.inputs.push_back("float" + dims({1, 1024}) + " evict_x");
  g.inputs.push_back("float" + dims({1024, n}) + " evict_W");
  g.weights.push_back("evict_W");
  g.nodes.push_back("evict_y = MatMul (evict_x, evict_W)");
  g.outputs.push_back("float" + anyDims(2) + " evict_y");
  return g;
}

GraphSpec cacheReachKernel(double &footprintBytes) {
  int64_t c = 16, hw = 112, m = 96;
  footprintBytes = 4.0 * double((c + m) * hw * hw + c * m + m);
  return conv(c, hw, m, 1, 1, 1, "contraction.conv_pointwise");
}

std::vector<GraphSpec> buildStallGrid(bool quick) {
  std::vector<GraphSpec> v = {
      conv(16, 112, 96, 1, 1, 1, "contraction.conv_pointwise"),
      conv(3, 224, 32, 3, 2, 1, "contraction.conv"),
      conv(96, 112, 96, 3, 1, 96, "contraction.depthwise"),
  };
  if (quick)
    return v;
  for (GraphSpec g : {
           conv(32, 112, 16, 1, 1, 1, "contraction.conv_pointwise"),
           conv(96, 56, 24, 1, 1, 1, "contraction.conv_pointwise"),
           conv(64, 56, 256, 1, 1, 1, "contraction.conv_pointwise"),
           conv(32, 112, 32, 3, 1, 1, "contraction.conv"),
           conv(64, 56, 64, 3, 1, 1, "contraction.conv"),
           conv(144, 112, 144, 3, 2, 144, "contraction.depthwise"),
           conv(32, 112, 32, 3, 1, 32, "contraction.depthwise"),
           matmul(128, 768, 3072),
           gemm(1, 1280, 1000),
           matmul(128, 1024, 256),
           unary("Relu", 1 << 20),
           binary("Add", 1 << 20),
           pool("MaxPool", 64, 112, 3, 2, 1),
       })
    v.push_back(std::move(g));
  return v;
}

std::vector<GraphSpec> buildGrid(bool quick) {
  std::vector<GraphSpec> all;
  auto add = [&](std::vector<GraphSpec> v) {
    all.insert(all.end(), v.begin(), v.end());
  };

  // Convolutions with a window (stems, 3x3/5x5/7x7 bodies, strided 1x1).
  {
    std::vector<GraphSpec> v;
    for (int64_t c : {3, 16, 64, 256})
      for (int64_t m : {16, 64, 256})
        for (int64_t hw : {7, 14, 28, 56, 112, 224})
          for (int64_t k : {3, 5, 7})
            for (int64_t s : {1, 2}) {
              // Stems see the image; deep layers see small maps.
              if (k > hw || (c == 3 && hw < 112) || (c != 3 && hw > 112) ||
                  (c >= 64 && hw > 56) || (k == 7 && c != 3))
                continue;
              GraphSpec g = conv(c, hw, m, k, s, 1, "contraction.conv");
              if (g.macs < 2e5 || g.macs > 1.2e9)
                continue;
              v.push_back(g);
            }
    add(spread(v, quick ? 4 : 22, macsKey));
    if (!quick)
      for (auto [c, hw, m, k, s] :
           std::vector<std::array<int64_t, 5>>{{64, 56, 64, 3, 1},
                                               {128, 28, 128, 3, 1},
                                               {512, 7, 512, 3, 1},
                                               {3, 224, 64, 7, 2},
                                               // 3x3/2 stems of mobile
                                               // networks: short K, few
                                               // output channels.
                                               {3, 224, 32, 3, 2},
                                               {3, 224, 16, 3, 2},
                                               {3, 128, 24, 3, 2},
                                               {32, 112, 32, 3, 1},
                                               {64, 56, 128, 3, 2},
                                               {256, 56, 512, 1, 2},
                                               {1024, 14, 2048, 1, 2}})
        all.push_back(conv(c, hw, m, k, s, 1, "contraction.conv"));
  }
  // Windowed convolutions the runtime runs through an explicit im2col
  // (small maps, wide pads), a class of their own.
  {
    std::vector<GraphSpec> v;
    for (int64_t c : {1, 3, 16, 64, 256})
      for (int64_t m : {16, 64, 256})
        for (int64_t hw : {4, 5, 7, 10, 14})
          for (int64_t k : {3, 5, 7})
            for (int64_t s : {1, 2}) {
              int64_t pad = k / 2, out = (hw + 2 * pad - k) / s + 1;
              int64_t wq = (hw + 2 * pad + s - 1) / s;
              if (k > hw + 2 * pad ||
                  rt::chooseConvPath(false, true, c, k * k, out, out, wq) !=
                      rt::ConvPath::Im2col)
                continue;
              GraphSpec g = conv(c, hw, m, k, s, 1, "contraction.conv.im2col");
              if (g.macs < 1e4 || g.macs > 2e8)
                continue;
              v.push_back(g);
            }
    add(spread(v, quick ? 2 : 12, macsKey));
  }
  // 1x1 convolutions, spread by MACs within each map size: the SGEMM pads
  // the pixels (its N) to whole panels, which costs a 7x7 map a quarter of
  // its time and a 56x56 map nothing, so every map size needs samples for
  // the fit to see the padding.
  {
    for (int64_t hw : {7, 14, 28, 56, 112}) {
      std::vector<GraphSpec> v;
      for (int64_t c : {16, 32, 64, 128, 256, 512, 1024, 2048})
        for (int64_t m : {16, 64, 256, 1024}) {
          GraphSpec g = conv(c, hw, m, 1, 1, 1, "contraction.conv_pointwise");
          if (g.macs < 5e4 || g.macs > 1.2e9 || (c >= 1024 && hw > 28))
            continue;
          v.push_back(g);
        }
      add(spread(v, quick ? 1 : 5, macsKey));
    }
    // Short K: squeeze-and-excitation products on a 1x1 map (a few hundred
    // MACs, where each output's fixed cost shows) and 1x1 convolutions over
    // few channels.
    if (!quick)
      for (auto [c, hw, m] : std::vector<std::array<int64_t, 3>>{
               {8, 1, 32}, {4, 1, 96}, {96, 1, 4}, {16, 1, 240}, {240, 1, 16},
               {8, 56, 48}, {8, 112, 16}})
        all.push_back(conv(c, hw, m, 1, 1, 1, "contraction.conv_pointwise"));
  }
  // Depthwise convolutions, spread by MACs within each map size: each
  // output row is padded to whole vectors and each plane has a fixed cost,
  // which weigh most on small maps with many channels.
  {
    for (int64_t hw : {7, 14, 28, 56, 112}) {
      std::vector<GraphSpec> v;
      for (int64_t c : {16, 32, 96, 144, 192, 384, 576, 960})
        for (int64_t k : {3, 5})
          for (int64_t s : {1, 2}) {
            if (double(c) * double(hw * hw) > 2.5e6 ||
                double(c) * double(hw * hw) < 5e3)
              continue;
            v.push_back(conv(c, hw, c, k, s, c, "contraction.depthwise"));
          }
      add(spread(v, quick ? 1 : 5, macsKey));
    }
    // Windows without a register-blocked kernel run the runtime's generic
    // per-tap loop (contraction.depthwise.generic and .strided.generic):
    // 7x7 depthwise convolutions, and convolutions over one input channel
    // (a spectrogram or grayscale stem; the depthwise kernel once per
    // output channel) with rectangular windows.
    if (!quick) {
      for (auto [c, hw] : std::vector<std::array<int64_t, 2>>{
               {32, 56}, {96, 28}, {192, 14}, {576, 7}})
        for (int64_t s : {1, 2})
          all.push_back(conv(c, hw, c, 7, s, c, "contraction.depthwise"));
      all.push_back(convRect(1, 40, 32, 32, 8, 4, 2));
      all.push_back(convRect(1, 64, 16, 16, 4, 8, 2));
      all.push_back(convRect(1, 32, 32, 64, 7, 3, 1));
      all.push_back(convRect(1, 48, 20, 24, 9, 5, 1));
    }
  }
  // Matrix products: projections, classifiers, attention.
  {
    std::vector<GraphSpec> v;
    for (int64_t m : {1, 8, 64, 256, 1024})
      for (int64_t k : {64, 256, 768, 1024, 3072})
        for (int64_t n : {64, 256, 768, 1024, 3072}) {
          GraphSpec g = matmul(m, k, n);
          if (g.macs > 1.2e9)
            continue;
          v.push_back(g);
        }
    add(spread(v, quick ? 4 : 26, macsKey));
    if (!quick) {
      all.push_back(gemm(1, 2048, 1000));
      all.push_back(gemm(1, 1280, 1000));
      all.push_back(gemm(128, 768, 768));
      // Vocabulary-sized projections: weights far beyond the caches.
      all.push_back(gemm(128, 256, 16384));
      all.push_back(gemm(32, 512, 32768));
      all.push_back(gemm(1, 768, 32768));
      // More products with a transposed B (contraction.gemm.transposed).
      all.push_back(gemm(64, 1024, 4096));
      all.push_back(gemm(256, 512, 2048));
      all.push_back(batchedMatmul(12, 128, 64, 128));
      all.push_back(batchedMatmul(12, 128, 128, 64));
      all.push_back(batchedMatmul(12, 384, 64, 384));
      all.push_back(batchedMatmul(4, 49, 32, 49));
    } else {
      all.push_back(batchedMatmul(12, 128, 64, 128));
    }
  }
  // int8 products (the reference integer kernels).
  if (quick) {
    all.push_back(matmulInteger(64, 256, 256));
  } else {
    all.push_back(matmulInteger(64, 256, 256));
    all.push_back(matmulInteger(256, 768, 768));
    all.push_back(matmulInteger(1, 1024, 1024));
  }
  // Elementwise: cheap arithmetic and transcendentals, cache- to DRAM-sized.
  {
    std::vector<int64_t> sizes =
        quick ? std::vector<int64_t>{1000, 100000, 1000000}
              : std::vector<int64_t>{1000, 10000, 100000, 1000000, 10000000};
    std::vector<std::function<GraphSpec(int64_t)>> ops = {
        [](int64_t n) { return binary("Add", n); },
        [](int64_t n) { return unary("Relu", n); },
        [](int64_t n) { return unary("Sigmoid", n); },
        [](int64_t n) { return unary("Exp", n); }};
    if (!quick) {
      ops.push_back([](int64_t n) { return binary("Mul", n); });
      ops.push_back([](int64_t n) { return binary("Sub", n); });
      ops.push_back([](int64_t n) { return binary("Div", n); });
      ops.push_back([](int64_t n) { return clip(n); });
      ops.push_back([](int64_t n) { return unary("Tanh", n); });
      ops.push_back([](int64_t n) { return unary("Erf", n); });
      ops.push_back([](int64_t n) {
        GraphSpec g = unary("Sqrt", n);
        g.positiveInputs = true;
        return g;
      });
      ops.push_back([](int64_t n) {
        GraphSpec g = powSquare(n);
        g.positiveInputs = true;
        return g;
      });
      ops.push_back([](int64_t n) { return unary("HardSigmoid", n); });
    }
    for (auto &op : ops)
      for (int64_t n : sizes) {
        GraphSpec g = op(n);
        // Slow transcendentals at DRAM size add time, not information.
        bool cheap = g.label.rfind("Add", 0) == 0 ||
                     g.label.rfind("Relu", 0) == 0 ||
                     g.label.rfind("Mul", 0) == 0;
        if (n >= 10000000 && !cheap)
          continue;
        all.push_back(g);
      }
    // Broadcasts: per channel (CNNs), per feature and by mask (transformers),
    // by a scalar.
    all.push_back(channelMul(64, 56));
    all.push_back(channelMul(64, 56, true));
    all.push_back(biasAdd(128, 768));
    if (!quick) {
      all.push_back(channelMul(256, 14));
      all.push_back(channelMul(32, 112));
      all.push_back(biasAdd(128, 3072));
      all.push_back(biasAdd(49, 512));
      all.push_back(maskAdd(12, 128));
      all.push_back(scalarMul(12, 128));
    }
  }
  if (!quick) {
    all.push_back(channelMul(96, 112));
    all.push_back(channelMul(576, 7));
    all.push_back(channelMul(144, 56));
    all.push_back(channelMul(576, 7, true));
    all.push_back(channelMul(96, 56, true));
    all.push_back(channelMul(240, 14, true));
    all.push_back(channelMul(32, 112, true));
    all.push_back(channelMul(128, 28, true));
    all.push_back(cast(1000));
    all.push_back(cast(100000));
  }
  // Pooling.
  all.push_back(pool("MaxPool", 64, 112, 3, 2, 1));
  all.push_back(globalPool(2048, 7));
  all.push_back(pool("AveragePool", 256, 14, 3, 1, 1));
  if (!quick) {
    all.push_back(pool("MaxPool", 64, 56, 2, 2, 0));
    all.push_back(pool("MaxPool", 256, 28, 2, 2, 0));
    all.push_back(pool("MaxPool", 192, 28, 3, 1, 1));
    all.push_back(pool("AveragePool", 128, 56, 2, 2, 0));
    all.push_back(globalPool(1280, 7));
    all.push_back(pool("MaxPool", 128, 56, 3, 2, 1));
    all.push_back(pool("AveragePool", 64, 28, 3, 1, 1));
    all.push_back(pool("MaxPool", 24, 112, 3, 2, 1));
    all.push_back(globalPool(96, 56));
    all.push_back(globalPool(240, 28));
    all.push_back(globalPool(576, 7));
    // Few channels over large maps to many over small ones: the per-channel
    // cost (output_ops) against the per-element one.
    all.push_back(globalPool(32, 112));
    all.push_back(globalPool(128, 28));
    all.push_back(globalPool(512, 14));
    all.push_back(globalPool(64, 7));
    // Small maps at the end of small networks (a few thousand elements):
    // the per-plane and per-kernel costs show here.
    all.push_back(globalPool(256, 3));
    all.push_back(pool("AveragePool", 64, 8, 8, 1, 0));
  }
  // Reductions and softmax.
  all.push_back(reduceLast("ReduceMean", 128, 768));
  all.push_back(softmax(12, 128, 128));
  if (!quick) {
    all.push_back(reduceLast("ReduceMean", 384, 768));
    all.push_back(reduceLast("ReduceSum", 1024, 1024));
    all.push_back(reduceLast("ReduceMax", 128, 768));
    all.push_back(reduceSpatial(256, 56));
    all.push_back(softmax(12, 384, 384));
    all.push_back(softmax(1, 1, 1000));
    all.push_back(softmax(4, 49, 49));
  }
  // Normalization.
  all.push_back(batchNorm(64, 56));
  all.push_back(layerNorm(128, 768));
  if (!quick) {
    all.push_back(batchNorm(64, 112));
    all.push_back(batchNorm(256, 28));
    all.push_back(batchNorm(512, 14));
    all.push_back(batchNorm(1024, 7));
    all.push_back(layerNorm(384, 768));
    all.push_back(layerNorm(49, 512));
    all.push_back(instanceNorm(64, 56));
    all.push_back(instanceNorm(128, 28));
  }
  // Data movement.
  all.push_back(transpose({1, 128, 12, 64}, {0, 2, 1, 3}));
  all.push_back(concat(64, 56, 2));
  if (!quick) {
    all.push_back(transpose({1, 12, 128, 64}, {0, 2, 1, 3}));
    all.push_back(transpose({1, 64, 56, 56}, {0, 2, 3, 1}));
    all.push_back(transpose({768, 768}, {1, 0}));
    all.push_back(transpose({1, 2, 64, 28, 28}, {0, 2, 1, 3, 4}));
    all.push_back(transpose({1, 4, 32, 14, 14}, {0, 2, 1, 3, 4}));
    all.push_back(transpose({1, 256, 64}, {0, 2, 1}));
    all.push_back(concat(128, 28, 2));
    all.push_back(concat(32, 14, 4));
    all.push_back(sliceChannels(256, 56));
    all.push_back(sliceChannels(64, 28));
    all.push_back(gather(4096, 768, 128));
    all.push_back(pad(64, 56));
    all.push_back(pad(256, 14));
    all.push_back(resize(256, 14));
    all.push_back(resize(64, 56));
    all.push_back(split(116, 28, 2));
    all.push_back(split(48, 56, 2));
    all.push_back(split(2304, 1, 3));
  }
  // Iron's fused kernels (compiled through the fusion pipeline): FusedConv
  // and FusedMatMul with each epilogue exporters produce, elementwise
  // programs, GELU and attention.
  {
    struct C {
      int64_t c, hw, m, k, s;
      bool dw;
    };
    const C convs[] = {{64, 56, 64, 3, 1, false},  {128, 28, 128, 1, 1, false},
                       {32, 112, 32, 3, 1, true},  {144, 56, 144, 3, 2, true},
                       {256, 14, 64, 1, 1, false}, {3, 224, 32, 3, 2, false}};
    const char *acts[] = {"Relu", "Clip", "SiLU", "Sigmoid", "HardSwish",
                          "Tanh"};
    int n = 0;
    for (const char *act : acts)
      for (const C &c : convs) {
        // Each activation on two or three shapes, spread over the list.
        if ((n++ % 2) && !quick)
          continue;
        if (quick && n % 5)
          continue;
        all.push_back(fusedConv(c.c, c.hw, c.m, c.k, c.s, c.dw, act, false));
      }
    if (!quick) {
      all.push_back(fusedConv(64, 56, 64, 3, 1, false, "Relu", true));
      all.push_back(fusedConv(256, 14, 256, 1, 1, false, "Relu", true));
      all.push_back(fusedConv(128, 28, 128, 1, 1, false, "none", true));
      all.push_back(fusedConv(40, 28, 40, 1, 1, false, "none", true));
      for (const char *act : {"Gelu", "GeluTanh", "Relu"}) {
        all.push_back(fusedMatmul(128, 768, 3072, act));
        all.push_back(fusedMatmul(64, 256, 1024, act));
        all.push_back(fusedMatmul(1, 1024, 256, act));
      }
      for (int64_t n : {4096, 65536, 1048576})
        for (int ops : {2, 4}) {
          all.push_back(elementwiseChain(n, ops, false));
          all.push_back(elementwiseChain(n, ops, true));
        }
      for (const char *fn : {"Tanh", "Erf", "Exp", "Sigmoid", "Sqrt"})
        for (int64_t n : {16384, 524288})
          all.push_back(transcendentalChain(fn, n));
      all.push_back(geluAlone(128, 3072, false));
      all.push_back(geluAlone(128, 3072, true));
      all.push_back(geluAlone(16, 512, false));
      all.push_back(geluAlone(16, 512, true));
      all.push_back(attention(12, 128, 64));
      all.push_back(attention(12, 64, 64));
      all.push_back(attention(4, 256, 32));
    } else {
      all.push_back(fusedMatmul(64, 256, 1024, "Gelu"));
      all.push_back(elementwiseChain(65536, 2, true));
      all.push_back(elementwiseChain(4096, 4, false));
      all.push_back(attention(4, 64, 32));
    }
  }
  return all;
}

} // namespace iron::probe
