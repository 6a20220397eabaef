//===- Pool.cpp - Optimized f32 pooling -----------------------------------===//
//
// 1-D and 2-D MaxPool and AveragePool (no Indices output, unit dilations)
// run separably: for each output row, the window's input rows are first
// combined column by column into one row of scratch (a max or a sum over
// the kernel height, unit-stride loops the compiler vectorizes), then each
// output column takes its window of that row. The per-window bounds are
// computed once per output row and column, not per tap.
//
// Global pools, and a window that covers the whole plane, reduce each plane
// with independent partial results, which vectorize without reassociating
// a single sum.
//
// Everything else (3-D windows, dilations, Indices, int8, LpPool) runs the
// reference kernel. Averages are summed in f32 (the reference sums in f64);
// divisors follow the reference: the taps inside the input, or with
// count_include_pad those inside the padded input.
//
//===----------------------------------------------------------------------===//

#include "kernels/optimized/Families.h"
#include "kernels/reference/NNUtil.h"

#include <cstring>
#include <limits>

namespace iron::rt::optimized {
namespace {

using namespace nn;

struct PoolShape {
  const TensorView *x;
  TensorView *y;
  int64_t planes;
  Geometry g;
};

/// True when `kind` runs here for these operands; fills `s`.
bool fastWindowed(const KernelContext &ctx, PoolShape &s) {
  s.x = ctx.input(0);
  s.y = ctx.output(0);
  if (!s.x || !s.y || ctx.output(1) || s.x->dtype != DType::F32 || s.y->dtype != DType::F32 ||
      s.x->rank < 3 || s.x->rank > 4 || s.y->rank != s.x->rank)
    return false;
  const int64_t *kernel;
  int rank = s.x->rank;
  if (ctx.attrs.getInts("kernel_shape", &kernel) != rank - 2)
    return false;
  if (readGeometry(ctx, Window::Pool, rank - 2, s.x->shape + 2, s.y->shape + 2, kernel, s.g) !=
      Status::Ok)
    return false;
  for (int j = 0; j < 3; ++j)
    if (s.g.dilation[j] != 1)
      return false;
  s.planes = s.x->shape[0] * s.x->shape[1];
  return true;
}

bool fastGlobal(const KernelContext &ctx, PoolShape &s) {
  s.x = ctx.input(0);
  s.y = ctx.output(0);
  if (!s.x || !s.y || ctx.output(1) || s.x->dtype != DType::F32 || s.y->dtype != DType::F32 ||
      s.x->rank < 3)
    return false;
  s.planes = s.x->shape[0] * s.x->shape[1];
  return true;
}

/// One output dim's windows: the taps [lo, hi) inside the input, where the
/// first one starts, and the average's divisor along this dim.
struct Span {
  int64_t first, taps, count;
};

void spans(const Geometry &g, int j, bool includePad, Span *out) {
  for (int64_t o = 0; o < g.out[j]; ++o) {
    int64_t start = o * g.stride[j] - g.padBegin[j], lo, hi, plo, phi;
    validRange(start, g.in[j], 1, g.kernel[j], lo, hi);
    validRange(o * g.stride[j], g.in[j] + g.padBegin[j] + g.padEnd[j], 1, g.kernel[j], plo, phi);
    out[o] = {start + lo, hi - lo, includePad ? phi - plo : hi - lo};
  }
}

/// max or sum of `size` floats, with independent partial results so the
/// loop vectorizes.
template <bool IsMax> float reducePlane(const float *x, int64_t size) {
  constexpr int kLanes = 16;
  float lane[kLanes];
  for (int l = 0; l < kLanes; ++l)
    lane[l] = IsMax ? x[0] : 0.0f;
  int64_t i = 0;
  for (; i + kLanes <= size; i += kLanes)
    for (int l = 0; l < kLanes; ++l)
      lane[l] = IsMax ? (x[i + l] > lane[l] ? x[i + l] : lane[l]) : lane[l] + x[i + l];
  float acc = lane[0];
  for (int l = 1; l < kLanes; ++l)
    acc = IsMax ? (lane[l] > acc ? lane[l] : acc) : acc + lane[l];
  for (; i < size; ++i)
    acc = IsMax ? (x[i] > acc ? x[i] : acc) : acc + x[i];
  return acc;
}

template <bool IsMax> void global(const PoolShape &s) {
  int64_t size = 1;
  for (int d = 2; d < s.x->rank; ++d)
    size *= s.x->shape[d];
  const float *x = s.x->as<float>();
  float *y = s.y->as<float>();
  for (int64_t plane = 0; plane < s.planes; ++plane, x += size) {
    if (size == 0)
      y[plane] = IsMax ? std::numeric_limits<float>::lowest() : 0.0f;
    else
      y[plane] = IsMax ? reducePlane<true>(x, size) : reducePlane<false>(x, size) / float(size);
  }
}

template <bool IsMax>
void windowed(const PoolShape &s, bool includePad, float *row, Span *rows, Span *cols) {
  const Geometry &g = s.g;
  int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  spans(g, 1, includePad, rows);
  spans(g, 2, includePad, cols);
  const float *x = s.x->as<float>();
  float *y = s.y->as<float>();
  // One window over the whole plane (a classifier's final pool): a plane
  // reduction, as a global pool.
  if (OH == 1 && OW == 1 && rows[0].first == 0 && rows[0].taps == H && cols[0].first == 0 &&
      cols[0].taps == W) {
    int64_t count = rows[0].count * cols[0].count;
    for (int64_t plane = 0; plane < s.planes; ++plane, x += H * W)
      y[plane] = IsMax ? reducePlane<true>(x, H * W)
                       : count ? reducePlane<false>(x, H * W) / float(count) : 0.0f;
    return;
  }
  for (int64_t plane = 0; plane < s.planes; ++plane, x += H * W) {
    for (int64_t oh = 0; oh < OH; ++oh, y += OW) {
      const Span &r = rows[oh];
      if (r.taps <= 0) { // a ceil_mode window wholly in the pads
        for (int64_t ow = 0; ow < OW; ++ow)
          y[ow] = IsMax ? std::numeric_limits<float>::lowest() : 0.0f;
        continue;
      }
      const float *in = x + r.first * W;
      std::memcpy(row, in, size_t(W) * sizeof(float));
      for (int64_t kh = 1; kh < r.taps; ++kh) {
        const float *next = in + kh * W;
        for (int64_t iw = 0; iw < W; ++iw)
          if (IsMax)
            row[iw] = next[iw] > row[iw] ? next[iw] : row[iw];
          else
            row[iw] += next[iw];
      }
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Span &c = cols[ow];
        if (c.taps <= 0) {
          y[ow] = IsMax ? std::numeric_limits<float>::lowest() : 0.0f;
          continue;
        }
        const float *w = row + c.first;
        float acc = w[0];
        for (int64_t kw = 1; kw < c.taps; ++kw)
          acc = IsMax ? (w[kw] > acc ? w[kw] : acc) : acc + w[kw];
        if (IsMax)
          y[ow] = acc;
        else
          y[ow] = r.count && c.count ? acc / float(r.count * c.count) : 0.0f;
      }
    }
  }
}

/// Scratch of the windowed path: one combined row and the spans.
size_t windowedScratch(const PoolShape &s) {
  return size_t(s.g.in[2]) * sizeof(float) + size_t(s.g.out[1] + s.g.out[2]) * sizeof(Span);
}

Status referencePrepare(KernelContext &ctx, size_t *scratchBytes) {
  const KernelDef *ref = findReferenceKernel(ctx.kind);
  if (!ref)
    return ctx.fail("has no reference kernel");
  *scratchBytes = 0;
  return ref->prepare ? ref->prepare(ctx, scratchBytes) : Status::Ok;
}

Status referenceEval(KernelContext &ctx) {
  const KernelDef *ref = findReferenceKernel(ctx.kind);
  return ref ? ref->eval(ctx) : ctx.fail("has no reference kernel");
}

} // namespace

Status poolPrepare(KernelContext &ctx, size_t *scratchBytes) {
  size_t refBytes = 0;
  if (Status st = referencePrepare(ctx, &refBytes); st != Status::Ok)
    return st;
  PoolShape s;
  size_t mine = fastWindowed(ctx, s) ? windowedScratch(s) : 0;
  *scratchBytes = mine > refBytes ? mine : refBytes;
  return Status::Ok;
}

Status poolEval(KernelContext &ctx) {
  bool isMax = !std::strcmp(ctx.kind, "MaxPool");
  PoolShape s;
  if (!fastWindowed(ctx, s) || (!isMax && std::strcmp(ctx.kind, "AveragePool")))
    return referenceEval(ctx);
  size_t need = windowedScratch(s);
  if (!ctx.scratch || ctx.scratchBytes < need)
    return referenceEval(ctx);
  // The spans first: the row after them keeps the scratch's alignment.
  auto *rows = static_cast<Span *>(ctx.scratch);
  Span *cols = rows + s.g.out[1];
  auto *row = reinterpret_cast<float *>(cols + s.g.out[2]);
  bool includePad = ctx.attrs.getInt("count_include_pad", 0) != 0;
  if (isMax)
    windowed<true>(s, includePad, row, rows, cols);
  else
    windowed<false>(s, includePad, row, rows, cols);
  return Status::Ok;
}

Status globalPoolPrepare(KernelContext &ctx, size_t *scratchBytes) {
  return referencePrepare(ctx, scratchBytes);
}

Status globalPoolEval(KernelContext &ctx) {
  PoolShape s;
  if (!fastGlobal(ctx, s))
    return referenceEval(ctx);
  if (!std::strcmp(ctx.kind, "GlobalMaxPool"))
    global<true>(s);
  else if (!std::strcmp(ctx.kind, "GlobalAveragePool"))
    global<false>(s);
  else
    return referenceEval(ctx);
  return Status::Ok;
}

} // namespace iron::rt::optimized
