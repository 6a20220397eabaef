//===- Conv.cpp - Optimized f32 convolution -------------------------------===//
//
// Per batch item and group, Y_g [Mg x OH*OW] = W_g [Mg x K] * B + bias with
// K = Cg * kernel taps, on the packed SGEMM (Gemm.h). How B is formed picks
// one of four paths:
//
//  - Pointwise (1x1 kernel, unit strides, no pads): B is X_g itself.
//  - Wide (1-D/2-D): X_g is copied once into a zero-padded buffer split into
//    stride phases (phase (a, b) holds padded rows a, a+s, ... and columns
//    b, b+s, ...). Every kernel tap then reads a phase at a constant offset
//    with unit stride, so B's row for (c, kh, kw) is just a pointer into
//    that buffer and packing B is a straight copy. The GEMM computes OH
//    rows of Wq = ceil(Wp / s) columns; the Wq - OW extra columns are
//    dropped when copying bands of rows out (or there are none).
//  - Im2col: when the wide rows would waste too much (small feature maps,
//    large pads) and for 3-D, bands of output columns are expanded into an
//    explicit im2col matrix in scratch.
//  - Depthwise (one input channel per group): a direct kernel per output
//    plane, vectorized across the width, reading X with masked loads
//    (Depthwise.h); without a vector path for the stride, over the padded
//    phase buffer instead.
//
// Bias is added in the GEMM's epilogue. A fused kernel's epilogue
// (Epilogue.h: residual, activation) runs on each block of Y as soon as it
// is final: on each GEMM panel (Gemm.h's epilogue hook), on each row a wide
// band copies out, on each depthwise output plane. All buffers are scratch
// sized by prepare; eval allocates nothing.
//
//===----------------------------------------------------------------------===//

#include "iron/runtime/ConvPath.h"
#include "kernels/optimized/Depthwise.h"
#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"
#include "kernels/optimized/Gemm.h"
#include "kernels/reference/NNUtil.h"

#include <cstring>

namespace iron::rt::optimized {
namespace {

using namespace nn;

struct ConvShape {
  const TensorView *x, *w, *bias;
  TensorView *y;
  int64_t batch, C, M, group, Cg, Mg, taps, K, inSize, outSize;
  Geometry g;
};

/// Reads the shapes and geometry (the reference prepare has checked them).
Status readConv(const KernelContext &ctx, ConvShape &s) {
  s.x = ctx.input(0);
  s.w = ctx.input(1);
  s.bias = ctx.input(2);
  s.y = ctx.output(0);
  if (!s.x || !s.w || !s.y || s.x->rank < 3 || s.w->rank != s.x->rank || s.y->rank != s.x->rank)
    return ctx.fail("needs X, W and Y of one rank >= 3");
  s.group = ctx.attrs.getInt("group", 1);
  s.batch = s.x->shape[0];
  s.C = s.x->shape[1];
  s.M = s.w->shape[0];
  if (s.group < 1 || s.C % s.group || s.M % s.group || s.y->shape[1] != s.M)
    return ctx.fail("bad group %lld", ll(s.group));
  s.Cg = s.C / s.group;
  s.Mg = s.M / s.group;
  if (Status st = readGeometry(ctx, Window::Conv, s.x->rank - 2, s.x->shape + 2, s.y->shape + 2,
                               s.w->shape + 2, s.g);
      st != Status::Ok)
    return st;
  s.taps = s.g.kernelSize();
  s.K = s.Cg * s.taps;
  s.inSize = s.g.inSize();
  s.outSize = s.g.outSize();
  return Status::Ok;
}

using Path = ConvPath;

/// Output columns a wide band aims for, and floats an im2col band aims for.
constexpr int64_t kWideBandCols = 2048;
constexpr int64_t kIm2colBandFloats = int64_t(1) << 17;

struct Plan {
  Path path;
  // Wide and Depthwise: the padded, phase-split input.
  int64_t sh = 1, sw = 1, Hq = 0, Wq = 0, phases = 0, plane = 0, padFloats = 0;
  // Wide: output rows per band through the band buffer (0: straight into Y).
  int64_t bandRows = 0;
  // Im2col: output columns per band.
  int64_t bandCols = 0;
  // Scratch layout (byte offsets, 64-aligned): tapOff holds each kernel
  // tap's offset into one channel's phase buffer, usedOff a flag per phase.
  size_t tapOff = 0, usedOff = 0, padOff = 0, rowsOff = 0, outOff = 0, colOff = 0, gemmOff = 0,
         total = 0;
};

size_t align64(size_t n) { return (n + 63) / 64 * 64; }
int64_t minI(int64_t a, int64_t b) { return a < b ? a : b; }
int64_t maxI(int64_t a, int64_t b) { return a > b ? a : b; }

Plan makePlan(const ConvShape &s) {
  const Geometry &g = s.g;
  Plan p;
  bool unit = s.taps == 1;
  for (int d = 0; d < 3; ++d)
    unit = unit && g.stride[d] == 1 && g.padBegin[d] == 0 && g.padEnd[d] == 0;
  bool flat = g.in[0] == 1 && g.out[0] == 1 && g.kernel[0] == 1 && g.padBegin[0] == 0 &&
              g.padEnd[0] == 0;
  int64_t OH = g.out[1], OW = g.out[2];
  if (flat) {
    p.sh = g.stride[1];
    p.sw = g.stride[2];
    int64_t Hp = g.in[1] + g.padBegin[1] + g.padEnd[1], Wp = g.in[2] + g.padBegin[2] + g.padEnd[2];
    p.Hq = (Hp + p.sh - 1) / p.sh;
    p.Wq = (Wp + p.sw - 1) / p.sw;
    p.phases = p.sh * p.sw;
    p.plane = p.Hq * p.Wq;
  }
  size_t off = 0;
  if (flat && !unit) {
    p.tapOff = off;
    off += align64(size_t(s.taps) * sizeof(int64_t));
    p.usedOff = off;
    off += align64(size_t(p.phases));
  }
  p.path = chooseConvPath(unit, flat, s.Cg, s.taps, OH, OW, p.Wq);
  if (p.path == Path::Pointwise) {
    p.gemmOff = off;
    off += sgemmScratchBytes(s.Mg, s.outSize, s.K);
  } else if (p.path == Path::Depthwise) {
    p.padFloats = p.phases * p.plane + p.Wq + 64;
    p.padOff = off;
    off += align64(size_t(p.padFloats) * sizeof(float));
  } else if (p.path == Path::Wide) {
    p.padFloats = s.Cg * p.phases * p.plane + p.Wq + 64;
    p.padOff = off;
    off += align64(size_t(p.padFloats) * sizeof(float));
    p.rowsOff = off;
    off += align64(size_t(s.K) * sizeof(float *));
    int64_t cols = OH * p.Wq;
    if (p.Wq != OW) {
      p.bandRows = minI(OH, maxI(1, (kWideBandCols + p.Wq - 1) / p.Wq));
      cols = p.bandRows * p.Wq;
      p.outOff = off;
      off += align64(size_t(s.Mg * cols) * sizeof(float));
    }
    p.gemmOff = off;
    off += sgemmScratchBytes(s.Mg, cols, s.K);
  } else {
    p.bandCols = minI(s.outSize, maxI(64, kIm2colBandFloats / maxI(s.K, 1) / 32 * 32));
    p.colOff = off;
    off += align64(size_t(s.K * p.bandCols) * sizeof(float));
    p.gemmOff = off;
    off += sgemmScratchBytes(s.Mg, p.bandCols, s.K);
  }
  p.total = off + 64; // slack to align the scratch base
  return p;
}

// Short row copies and fills, inline: pads are a few floats and rows a few
// dozen, where a memcpy/memset call would cost more than the work.
void zero(float *d, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    std::memset(d + i, 0, 8 * sizeof(float));
  switch (n - i) {
  case 7: d[i + 6] = 0.0f; [[fallthrough]];
  case 6: d[i + 5] = 0.0f; [[fallthrough]];
  case 5: d[i + 4] = 0.0f; [[fallthrough]];
  case 4: d[i + 3] = 0.0f; [[fallthrough]];
  case 3: d[i + 2] = 0.0f; [[fallthrough]];
  case 2: d[i + 1] = 0.0f; [[fallthrough]];
  case 1: d[i] = 0.0f; [[fallthrough]];
  default: break;
  }
}

void copy(float *d, const float *s, int64_t n) {
  if (n >= 8) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
      std::memcpy(d + i, s + i, 8 * sizeof(float));
    if (i < n) // the last 8, overlapping
      std::memcpy(d + n - 8, s + n - 8, 8 * sizeof(float));
    return;
  }
  switch (n) {
  case 7: d[6] = s[6]; [[fallthrough]];
  case 6: d[5] = s[5]; [[fallthrough]];
  case 5: d[4] = s[4]; [[fallthrough]];
  case 4: d[3] = s[3]; [[fallthrough]];
  case 3: d[2] = s[2]; [[fallthrough]];
  case 2: d[1] = s[1]; [[fallthrough]];
  case 1: d[0] = s[0]; [[fallthrough]];
  default: break;
  }
}

/// Fills the tables buildPadded and the tap pointers use: each tap's
/// offset into a channel's phase buffer (tap (kh, kw) reads phase
/// (kh*dh % sh, kw*dw % sw) at row kh*dh / sh, column kw*dw / sw), and which
/// phases any tap reads.
void prepareTaps(const ConvShape &s, const Plan &p, uint8_t *scratch) {
  int64_t *tapOff = reinterpret_cast<int64_t *>(scratch + p.tapOff);
  uint8_t *used = scratch + p.usedOff;
  std::memset(used, 0, size_t(p.phases));
  for (int64_t kh = 0, t = 0; kh < s.g.kernel[1]; ++kh)
    for (int64_t kw = 0; kw < s.g.kernel[2]; ++kw, ++t) {
      int64_t dh = kh * s.g.dilation[1], dw = kw * s.g.dilation[2];
      int64_t phase = (dh % p.sh) * p.sw + dw % p.sw;
      used[phase] = 1;
      tapOff[t] = phase * p.plane + (dh / p.sh) * p.Wq + dw / p.sw;
    }
}

/// Copies `channels` input planes into the padded, phase-split layout:
/// phase (a, b) of channel c at pad + (c * phases + a * sw + b) * plane,
/// element [i][j] = padded X[i * sh + a][j * sw + b]. Only phases some
/// kernel tap reads are filled; the slack after the last plane is zeroed.
void buildPadded(const float *x, int64_t channels, const ConvShape &s, const Plan &p,
                 const uint8_t *used, float *pad) {
  const Geometry &g = s.g;
  int64_t H = g.in[1], W = g.in[2], pt = g.padBegin[1], pl = g.padBegin[2];
  for (int64_t a = 0; a < p.sh; ++a)
    for (int64_t b = 0; b < p.sw; ++b) {
      if (!used[a * p.sw + b])
        continue;
      int64_t lo, hi; // the columns of this phase inside the input
      validRange(b - pl, W, p.sw, p.Wq, lo, hi);
      for (int64_t c = 0; c < channels; ++c) {
        const float *src = x + c * H * W;
        float *dst = pad + (c * p.phases + a * p.sw + b) * p.plane;
        for (int64_t i = 0; i < p.Hq; ++i) {
          int64_t ih = i * p.sh + a - pt;
          float *row = dst + i * p.Wq;
          if (ih < 0 || ih >= H) {
            zero(row, p.Wq);
            continue;
          }
          const float *in = src + ih * W + b - pl;
          zero(row, lo);
          if (p.sw == 1)
            copy(row + lo, in + lo, hi - lo);
          else
            copyStrided(row + lo, in + lo * p.sw, hi - lo, p.sw);
          zero(row + hi, p.Wq - hi);
        }
      }
    }
  zero(pad + channels * p.phases * p.plane, p.padFloats - channels * p.phases * p.plane);
}

/// Columns [j0, j0 + nb) of the im2col matrix of X_g (rows c * taps + tap)
/// into col, row stride nb.
void im2col(const float *x, const ConvShape &s, int64_t j0, int64_t nb, float *col) {
  const Geometry &g = s.g;
  const int64_t D = g.in[0], H = g.in[1], W = g.in[2];
  const int64_t OH = g.out[1], OW = g.out[2];
  int64_t p = 0;
  for (int64_t c = 0; c < s.Cg; ++c) {
    const float *xc = x + c * s.inSize;
    for (int64_t kd = 0; kd < g.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < g.kernel[2]; ++kw, ++p) {
          float *dst = col + p * nb;
          int64_t offD = kd * g.dilation[0] - g.padBegin[0];
          int64_t offH = kh * g.dilation[1] - g.padBegin[1];
          int64_t offW = kw * g.dilation[2] - g.padBegin[2];
          int64_t wlo, whi, sw = g.stride[2];
          validRange(offW, W, sw, OW, wlo, whi);
          int64_t j = j0, ow = j0 % OW, oh = (j0 / OW) % OH, od = j0 / (OW * OH);
          while (j < j0 + nb) {
            int64_t run = minI(OW - ow, j0 + nb - j);
            float *d = dst + (j - j0) - ow; // d[o] for o in [ow, ow + run)
            int64_t id = od * g.stride[0] + offD, ih = oh * g.stride[1] + offH;
            if (id < 0 || id >= D || ih < 0 || ih >= H) {
              zero(d + ow, run);
            } else {
              const float *src = xc + (id * H + ih) * W + offW;
              int64_t a = maxI(ow, wlo), b = minI(ow + run, whi);
              if (b < a)
                b = a;
              zero(d + ow, a - ow);
              if (sw == 1)
                copy(d + a, src + a, b - a);
              else
                for (int64_t o = a; o < b; ++o)
                  d[o] = src[o * sw];
              zero(d + b, ow + run - b);
            }
            j += run;
            ow = 0;
            if (++oh == OH) {
              oh = 0;
              ++od;
            }
          }
        }
  }
}

/// One batch item and group: x at its first input channel, y at its first
/// output channel, w at its first filter, bias at its first value (or null);
/// ep (or null) runs on every part of y once it is final.
void convGroup(const ConvShape &s, const Plan &p, const float *x, const float *w,
               const float *bias, float *y, uint8_t *scratch, const Epilogue *ep) {
  const int64_t *tapOff = reinterpret_cast<const int64_t *>(scratch + p.tapOff);
  const uint8_t *used = scratch + p.usedOff;
  const int64_t OH = s.g.out[1], OW = s.g.out[2];
  GemmArgs ga;
  ga.m = s.Mg;
  ga.k = s.K;
  ga.a = w;
  ga.lda = s.K;
  ga.rowBias = bias;
  if (ep) {
    ga.epilogue = gemmEpilogue;
    ga.epilogueUser = ep;
  }
  switch (p.path) {
  case Path::Pointwise: {
    ga.n = s.outSize;
    ga.b.kind = BKind::RowMajor;
    ga.b.data = x;
    ga.b.ld = s.inSize;
    ga.c = y;
    ga.ldc = s.outSize;
    sgemm(ga, scratch + p.gemmOff);
    return;
  }
  case Path::Depthwise: {
    if (depthwiseDirectSupported(p.sw, s.g.kernel[2])) { // straight from X, no padded copy
      DepthwisePlane d;
      d.x = x;
      d.H = s.g.in[1];
      d.W = s.g.in[2];
      d.KH = s.g.kernel[1];
      d.KW = s.g.kernel[2];
      d.strideH = p.sh;
      d.strideW = p.sw;
      d.dilationH = s.g.dilation[1];
      d.dilationW = s.g.dilation[2];
      d.padTop = s.g.padBegin[1];
      d.padLeft = s.g.padBegin[2];
      d.OH = OH;
      d.OW = OW;
      for (int64_t m = 0; m < s.Mg; ++m) {
        d.w = w + m * s.taps;
        d.bias = bias ? bias[m] : 0.0f;
        d.y = y + m * s.outSize;
        depthwiseDirect(d);
        if (ep) // one output plane: still in L1/L2
          applyEpilogue(*ep, d.y, s.outSize, nullptr, 0);
      }
      return;
    }
    float *pad = reinterpret_cast<float *>(scratch + p.padOff);
    buildPadded(x, 1, s, p, used, pad);
    const float *taps[kMaxDepthwiseTaps];
    for (int64_t t = 0; t < s.taps; ++t)
      taps[t] = pad + tapOff[t];
    for (int64_t m = 0; m < s.Mg; ++m) {
      depthwisePlane(taps, w + m * s.taps, int(s.taps), bias ? bias[m] : 0.0f, y + m * s.outSize,
                     OH, OW, p.Wq);
      if (ep)
        applyEpilogue(*ep, y + m * s.outSize, s.outSize, nullptr, 0);
    }
    return;
  }
  case Path::Wide: {
    float *pad = reinterpret_cast<float *>(scratch + p.padOff);
    const float **rows = reinterpret_cast<const float **>(scratch + p.rowsOff);
    buildPadded(x, s.Cg, s, p, used, pad);
    for (int64_t c = 0, r = 0; c < s.Cg; ++c)
      for (int64_t t = 0; t < s.taps; ++t, ++r)
        rows[r] = pad + c * p.phases * p.plane + tapOff[t];
    ga.b.kind = BKind::RowPointers;
    ga.b.rows = rows;
    if (p.bandRows == 0) { // Wq == OW: the wide rows are Y's rows
      ga.n = OH * OW;
      ga.c = y;
      ga.ldc = s.outSize;
      sgemm(ga, scratch + p.gemmOff);
      return;
    }
    float *band = reinterpret_cast<float *>(scratch + p.outOff);
    for (int64_t oh0 = 0; oh0 < OH; oh0 += p.bandRows) {
      int64_t nr = minI(p.bandRows, OH - oh0);
      if (oh0 > 0)
        for (int64_t r = 0; r < s.K; ++r)
          rows[r] += p.bandRows * p.Wq;
      ga.n = (nr - 1) * p.Wq + OW; // the last row's extra columns are not needed
      ga.c = band;
      ga.ldc = nr * p.Wq;
      ga.epilogue = nullptr; // the band is not Y: the rows get it once copied
      sgemm(ga, scratch + p.gemmOff);
      for (int64_t m = 0; m < s.Mg; ++m)
        for (int64_t r = 0; r < nr; ++r) {
          float *row = y + m * s.outSize + (oh0 + r) * OW;
          copy(row, band + m * ga.ldc + r * p.Wq, OW);
          if (ep)
            applyEpilogue(*ep, row, OW, nullptr, 0);
        }
    }
    return;
  }
  case Path::Im2col: {
    float *col = reinterpret_cast<float *>(scratch + p.colOff);
    for (int64_t j0 = 0; j0 < s.outSize; j0 += p.bandCols) {
      int64_t nb = minI(p.bandCols, s.outSize - j0);
      im2col(x, s, j0, nb, col);
      ga.n = nb;
      ga.b.kind = BKind::RowMajor;
      ga.b.data = col;
      ga.b.ld = nb;
      ga.c = y + j0;
      ga.ldc = s.outSize;
      sgemm(ga, scratch + p.gemmOff);
    }
    return;
  }
  }
}

} // namespace

Status convPrepare(KernelContext &ctx, size_t *scratchBytes) {
  const KernelDef *ref = findReferenceKernel("Conv");
  size_t refBytes = 0;
  if (ref && ref->prepare)
    if (Status st = ref->prepare(ctx, &refBytes); st != Status::Ok)
      return st;
  ConvShape s;
  if (Status st = readConv(ctx, s); st != Status::Ok)
    return st;
  Plan p = makePlan(s);
  *scratchBytes = p.total > refBytes ? p.total : refBytes;
  return Status::Ok;
}

Status convEval(KernelContext &ctx) { return convRun(ctx, nullptr); }

Status convRun(KernelContext &ctx, const Epilogue *ep) {
  ConvShape s;
  if (Status st = readConv(ctx, s); st != Status::Ok)
    return st;
  if (s.y->numel() == 0)
    return Status::Ok;
  if (s.x->dtype != DType::F32 || s.w->dtype != DType::F32 || s.y->dtype != DType::F32 ||
      (s.bias && s.bias->dtype != DType::F32))
    return ctx.fail("supports f32, got %s", dtypeName(s.x->dtype));
  Plan p = makePlan(s);
  if (!ctx.scratch || ctx.scratchBytes < p.total) {
    const KernelDef *ref = findReferenceKernel("Conv");
    if (!ref)
      return ctx.fail("scratch of %zu bytes, %zu needed", ctx.scratchBytes, p.total);
    Status st = ref->eval(ctx);
    if (st == Status::Ok && ep)
      applyEpilogue(*ep, s.y->as<float>(), s.y->numel(), nullptr, 0);
    return st;
  }
  auto base = reinterpret_cast<uintptr_t>(ctx.scratch);
  auto *scratch = reinterpret_cast<uint8_t *>((base + 63) / 64 * 64);
  const float *x = s.x->as<float>(), *w = s.w->as<float>();
  const float *bias = s.bias ? s.bias->as<float>() : nullptr;
  float *y = s.y->as<float>();
  if (p.path == Path::Wide || p.path == Path::Depthwise)
    prepareTaps(s, p, scratch);
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t gi = 0; gi < s.group; ++gi)
      convGroup(s, p, x + (n * s.C + gi * s.Cg) * s.inSize, w + gi * s.Mg * s.K,
                bias ? bias + gi * s.Mg : nullptr, y + (n * s.M + gi * s.Mg) * s.outSize, scratch,
                ep);
  return Status::Ok;
}

} // namespace iron::rt::optimized
