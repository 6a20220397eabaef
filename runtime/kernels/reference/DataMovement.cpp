//===- DataMovement.cpp - Reference shape and data-movement kernels -------===//
//
// Most kernels here move elements by byte size, so they serve every element
// type; index inputs may be int32 or int64. Output shapes come planned by the
// compiler, so kernels read sizes from their outputs where ONNX would derive
// them (Split, Tile, Expand, ...) and check data-dependent operands (Slice
// starts, Pad pads, indices) at eval, where their values are known. Resize,
// GridSample and RoiAlign interpolate, in f32.
//
//===----------------------------------------------------------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/reference/DataMovementUtil.h"
#include "kernels/reference/Families.h"

#include <cmath>
#include <cstring>

namespace iron::rt::reference {
namespace {

inline long long ll(int64_t v) { return static_cast<long long>(v); }
template <typename T> T clampTo(T v, T lo, T hi) { return v < lo ? lo : v > hi ? hi : v; }

/// Fails unless the first nIn inputs and nOut outputs are present.
Status requireIO(const KernelContext &ctx, int nIn, int nOut) {
  for (int i = 0; i < nIn; ++i)
    if (!ctx.input(i))
      return ctx.fail("input %d is missing", i);
  for (int i = 0; i < nOut; ++i)
    if (!ctx.output(i))
      return ctx.fail("output %d is missing", i);
  return Status::Ok;
}

Status requireIndexType(const KernelContext &ctx, int input) {
  const TensorView *t = ctx.input(input);
  if (t && !isIndexType(t->dtype))
    return ctx.fail("input %d must be int32 or int64, got %s", input, dtypeName(t->dtype));
  return Status::Ok;
}

Status requireSameType(const KernelContext &ctx, const TensorView *a, const TensorView *b) {
  if (a->dtype != b->dtype)
    return ctx.fail("element types differ: %s and %s", dtypeName(a->dtype), dtypeName(b->dtype));
  return Status::Ok;
}

/// Reads a string attribute into *index, its position in the nullptr-ended
/// `choices`; fails for other values.
Status choose(const KernelContext &ctx, const char *name, const char *dflt,
              const char *const *choices, int *index) {
  *index = 0;
  size_t len = 0;
  const char *s = ctx.attrs.getString(name, dflt, &len);
  for (int i = 0; choices[i]; ++i)
    if (std::strlen(choices[i]) == len && std::strncmp(s, choices[i], len) == 0) {
      *index = i;
      return Status::Ok;
    }
  return ctx.fail("%s '%.*s' is not supported", name, int(len), s);
}

/// Normalizes ctx's `axis` attribute against `rank`.
Status axisAttr(const KernelContext &ctx, int64_t dflt, int rank, int *axis) {
  int64_t a = ctx.attrs.getInt("axis", dflt);
  *axis = 0;
  if (!normalizeAxis(a, rank))
    return ctx.fail("axis %lld is out of range for rank %d", ll(a), rank);
  *axis = int(a);
  return Status::Ok;
}

/// Normalizes a possibly negative index into [0, n), failing when outside.
Status checkIndex(const KernelContext &ctx, int64_t &i, int64_t n) {
  int64_t raw = i;
  if (i < 0)
    i += n;
  if (i < 0 || i >= n)
    return ctx.fail("index %lld is out of range for a dim of %lld", ll(raw), ll(n));
  return Status::Ok;
}

#define IRON_TRY(expr)                                                                             \
  do {                                                                                             \
    if (Status s_ = (expr); s_ != Status::Ok)                                                      \
      return s_;                                                                                   \
  } while (0)

//===----------------------------------------------------------------------===//
// Byte copies: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout
//===----------------------------------------------------------------------===//

/// The bytes stay, only the shape changes (the planner may give output and
/// input the same memory).
Status copyBytes(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (x->bytes() != y->bytes())
    return ctx.fail("input has %zu bytes, output %zu", x->bytes(), y->bytes());
  if (x->data != y->data && y->bytes())
    std::memmove(y->data, x->data, y->bytes());
  return Status::Ok;
}

Status dropoutPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  if (ctx.output(1) && ctx.output(1)->dtype != DType::Bool)
    return ctx.fail("the mask must be bool, got %s", dtypeName(ctx.output(1)->dtype));
  return Status::Ok;
}

/// Inference Dropout: the identity, and a mask of all true.
Status dropout(KernelContext &ctx) {
  if (const TensorView *training = ctx.input(2); training && loadDouble(*training, 0) != 0) {
    const TensorView *ratio = ctx.input(1);
    if (!ratio || loadDouble(*ratio, 0) != 0) // random masks cannot be reproduced
      return ctx.fail("training mode with a nonzero ratio is not supported");
  }
  IRON_TRY(copyBytes(ctx));
  if (TensorView *mask = ctx.output(1))
    fillElems(mask->data, "\1", 1, mask->numel()); // bool true
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Concat, Split
//===----------------------------------------------------------------------===//

/// Checks that `parts` stack up to `whole` along `axis`.
Status checkParts(const KernelContext &ctx, const TensorView *whole, const TensorView *const *parts,
                  int numParts, int axis) {
  int64_t total = 0;
  for (int i = 0; i < numParts; ++i) {
    const TensorView *p = parts[i];
    if (!p)
      return ctx.fail("part %d is missing", i);
    if (p->dtype != whole->dtype || p->rank != whole->rank)
      return ctx.fail("part %d is %s of rank %d, expected %s of rank %d", i, dtypeName(p->dtype),
                      p->rank, dtypeName(whole->dtype), whole->rank);
    for (int d = 0; d < whole->rank; ++d)
      if (d != axis && p->shape[d] != whole->shape[d])
        return ctx.fail("part %d has %lld in dim %d, expected %lld", i, ll(p->shape[d]), d,
                        ll(whole->shape[d]));
    total += p->shape[axis];
  }
  if (total != whole->shape[axis])
    return ctx.fail("parts add up to %lld along axis %d, expected %lld", ll(total), axis,
                    ll(whole->shape[axis]));
  return Status::Ok;
}

Status concatPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  int axis;
  IRON_TRY(axisAttr(ctx, 0, ctx.output(0)->rank, &axis));
  return checkParts(ctx, ctx.output(0), ctx.inputs, ctx.numInputs, axis);
}

/// Splits `whole` into `parts` (or joins them) along `axis`: per outer index,
/// each part is one contiguous run of both.
template <bool Join>
void moveParts(const TensorView *whole, const TensorView *const *parts, int numParts, int axis) {
  int64_t outer = product(whole->shape, 0, axis);
  size_t inner = size_t(product(whole->shape, axis + 1, whole->rank)) * dtypeSize(whole->dtype);
  char *w = bytesOf(whole);
  for (int64_t o = 0; o < outer; ++o)
    for (int i = 0; i < numParts; ++i) {
      size_t chunk = size_t(parts[i]->shape[axis]) * inner;
      char *p = bytesOf(parts[i]) + o * chunk;
      Join ? copyN(w, p, chunk) : copyN(p, w, chunk);
      w += chunk;
    }
}

Status concat(KernelContext &ctx) {
  int axis;
  IRON_TRY(axisAttr(ctx, 0, ctx.output(0)->rank, &axis));
  moveParts<true>(ctx.output(0), ctx.inputs, ctx.numInputs, axis);
  return Status::Ok;
}

Status splitPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  int axis;
  IRON_TRY(axisAttr(ctx, 0, ctx.input(0)->rank, &axis));
  return checkParts(ctx, ctx.input(0), ctx.outputs, ctx.numOutputs, axis);
}

/// The output sizes are the split; the `split` input, when given, must agree.
Status split(KernelContext &ctx) {
  int axis;
  IRON_TRY(axisAttr(ctx, 0, ctx.input(0)->rank, &axis));
  if (const TensorView *sizes = ctx.input(1); sizes && sizes->numel() > 0) {
    if (sizes->numel() != ctx.numOutputs)
      return ctx.fail("split has %lld sizes for %d outputs", ll(sizes->numel()), ctx.numOutputs);
    for (int i = 0; i < ctx.numOutputs; ++i)
      if (loadIndex(*sizes, i) != ctx.output(i)->shape[axis])
        return ctx.fail("split[%d] is %lld, output %d has %lld", i, ll(loadIndex(*sizes, i)), i,
                        ll(ctx.output(i)->shape[axis]));
  }
  moveParts<false>(ctx.input(0), ctx.outputs, ctx.numOutputs, axis);
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Strided views: Slice, Transpose, Tile, Expand, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

Status slicePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  for (int i = 1; i < 5; ++i)
    IRON_TRY(requireIndexType(ctx, i));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  if (x->rank != y->rank)
    return ctx.fail("input rank %d differs from output rank %d", x->rank, y->rank);
  int64_t n = ctx.input(1)->numel();
  for (int i = 2; i < 5; ++i)
    if (ctx.input(i) && ctx.input(i)->numel() != n)
      return ctx.fail("input %d has %lld values, starts has %lld", i, ll(ctx.input(i)->numel()),
                      ll(n));
  if (n > x->rank)
    return ctx.fail("%lld axes sliced of a rank %d input", ll(n), x->rank);
  return Status::Ok;
}

Status slice(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *starts = ctx.input(1), *ends = ctx.input(2);
  const TensorView *axes = ctx.input(3), *steps = ctx.input(4);
  TensorView *y = ctx.output(0);
  int64_t start[kMaxRank], step[kMaxRank], count[kMaxRank];
  bool seen[kMaxRank] = {};
  for (int d = 0; d < x->rank; ++d) {
    start[d] = 0;
    step[d] = 1;
    count[d] = x->shape[d];
  }
  for (int64_t j = 0; j < starts->numel(); ++j) {
    int64_t axis = axes ? loadIndex(*axes, j) : j, raw = axis;
    if (!normalizeAxis(axis, x->rank) || seen[axis])
      return ctx.fail("axes[%lld] = %lld is out of range or repeated", ll(j), ll(raw));
    seen[axis] = true;
    int64_t n = x->shape[axis], st = steps ? loadIndex(*steps, j) : 1;
    int64_t s = loadIndex(*starts, j), e = loadIndex(*ends, j);
    if (st == 0)
      return ctx.fail("steps[%lld] is 0", ll(j));
    s += s < 0 ? n : 0;
    e += e < 0 ? n : 0;
    // ONNX clamps: to [0, n] going forward, to [-1, n-1] going backward.
    if (st > 0) {
      s = clampTo<int64_t>(s, 0, n);
      e = clampTo<int64_t>(e, 0, n);
      count[axis] = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = clampTo<int64_t>(s, -1, n - 1);
      e = clampTo<int64_t>(e, -1, n - 1);
      count[axis] = s > e ? (s - e - st - 1) / -st : 0;
    }
    start[axis] = s;
    step[axis] = st;
  }
  for (int d = 0; d < x->rank; ++d)
    if (count[d] != y->shape[d])
      return ctx.fail("the slice has %lld elements along axis %d, the output %lld", ll(count[d]), d,
                      ll(y->shape[d]));
  if (y->numel() == 0)
    return Status::Ok;
  int64_t xs[kMaxRank], strides[kMaxRank], base = 0;
  stridesOf(*x, xs);
  for (int d = 0; d < x->rank; ++d) {
    base += start[d] * xs[d];
    strides[d] = step[d] * xs[d];
  }
  size_t es = dtypeSize(x->dtype);
  copyStrided(y->data, bytesOf(x) + base * int64_t(es), y->rank, y->shape, strides, es);
  return Status::Ok;
}

/// Transpose's permutation: the `perm` attribute, or the dims reversed.
Status transposePerm(const KernelContext &ctx, int rank, int *perm) {
  const int64_t *p;
  int n = ctx.attrs.getInts("perm", &p);
  if (n == 0) {
    for (int i = 0; i < rank; ++i)
      perm[i] = rank - 1 - i;
    return Status::Ok;
  }
  if (n != rank)
    return ctx.fail("perm has %d entries for rank %d", n, rank);
  bool seen[kMaxRank] = {};
  for (int i = 0; i < n; ++i) {
    if (p[i] < 0 || p[i] >= rank || seen[p[i]])
      return ctx.fail("perm is not a permutation of 0..%d", rank - 1);
    seen[p[i]] = true;
    perm[i] = int(p[i]);
  }
  return Status::Ok;
}

Status transposePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int perm[kMaxRank];
  if (x->rank != y->rank)
    return ctx.fail("input rank %d differs from output rank %d", x->rank, y->rank);
  IRON_TRY(transposePerm(ctx, x->rank, perm));
  for (int d = 0; d < y->rank; ++d)
    if (y->shape[d] != x->shape[perm[d]])
      return ctx.fail("output dim %d is %lld, expected %lld", d, ll(y->shape[d]),
                      ll(x->shape[perm[d]]));
  return Status::Ok;
}

Status transpose(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  int perm[kMaxRank];
  IRON_TRY(transposePerm(ctx, x->rank, perm));
  int64_t xs[kMaxRank], strides[kMaxRank];
  stridesOf(*x, xs);
  for (int d = 0; d < y->rank; ++d)
    strides[d] = xs[perm[d]];
  copyStrided(y->data, x->data, y->rank, y->shape, strides, dtypeSize(x->dtype));
  return Status::Ok;
}

Status tilePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  if (x->rank != y->rank)
    return ctx.fail("input rank %d differs from output rank %d", x->rank, y->rank);
  for (int d = 0; d < x->rank; ++d)
    if (x->shape[d] == 0 ? y->shape[d] != 0 : y->shape[d] % x->shape[d] != 0)
      return ctx.fail("output dim %d (%lld) is not a multiple of the input's (%lld)", d,
                      ll(y->shape[d]), ll(x->shape[d]));
  return Status::Ok;
}

/// The output seen as [repeats0, dim0, repeats1, dim1, ...]: the repeat dims
/// have stride 0, so each input row moves with one memcpy.
Status tile(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (const TensorView *repeats = ctx.input(1))
    for (int d = 0; d < x->rank && d < repeats->numel(); ++d)
      if (x->shape[d] * loadIndex(*repeats, d) != y->shape[d])
        return ctx.fail("repeats[%d] = %lld does not give the output dim %lld", d,
                        ll(loadIndex(*repeats, d)), ll(y->shape[d]));
  if (y->numel() == 0)
    return Status::Ok;
  int64_t xs[kMaxRank], shape[kMaxViewRank], strides[kMaxViewRank];
  stridesOf(*x, xs);
  for (int d = 0; d < x->rank; ++d) {
    shape[2 * d] = y->shape[d] / x->shape[d];
    strides[2 * d] = 0;
    shape[2 * d + 1] = x->shape[d];
    strides[2 * d + 1] = xs[d];
  }
  copyStrided(y->data, x->data, 2 * x->rank, shape, strides, dtypeSize(x->dtype));
  return Status::Ok;
}

Status expandPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  if (x->rank > y->rank)
    return ctx.fail("input rank %d exceeds output rank %d", x->rank, y->rank);
  for (int d = 0; d < x->rank; ++d) {
    int64_t in = x->shape[d], out = y->shape[y->rank - x->rank + d];
    if (in != out && in != 1)
      return ctx.fail("input dim %d (%lld) does not broadcast to %lld", d, ll(in), ll(out));
  }
  return Status::Ok;
}

/// Broadcast dims have stride 0 in the strided copy.
Status expand(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  int64_t xs[kMaxRank], strides[kMaxRank];
  stridesOf(*x, xs);
  int offset = y->rank - x->rank;
  for (int d = 0; d < y->rank; ++d) {
    int id = d - offset;
    strides[d] = id < 0 || x->shape[id] != y->shape[d] ? 0 : xs[id];
  }
  copyStrided(y->data, x->data, y->rank, y->shape, strides, dtypeSize(x->dtype));
  return Status::Ok;
}

/// DepthToSpace and SpaceToDepth: checks [N, C, H, W] against the output.
Status blockPrepare(KernelContext &ctx, bool toSpace) {
  IRON_TRY(requireIO(ctx, 1, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int64_t b = ctx.attrs.getInt("blocksize", 0);
  if (x->rank != 4 || y->rank != 4 || b < 1)
    return ctx.fail("needs 4-D input and output and a blocksize >= 1");
  const TensorView *deep = toSpace ? x : y, *wide = toSpace ? y : x;
  if (deep->shape[0] != wide->shape[0] || deep->shape[1] != wide->shape[1] * b * b ||
      wide->shape[2] != deep->shape[2] * b || wide->shape[3] != deep->shape[3] * b)
    return ctx.fail("shapes do not match blocksize %lld", ll(b));
  if (toSpace) {
    static const char *const modes[] = {"DCR", "CRD", nullptr};
    int mode;
    IRON_TRY(choose(ctx, "mode", "DCR", modes, &mode));
  }
  return Status::Ok;
}

Status depthToSpacePrepare(KernelContext &ctx, size_t *) { return blockPrepare(ctx, true); }
Status spaceToDepthPrepare(KernelContext &ctx, size_t *) { return blockPrepare(ctx, false); }

/// Both are a reshape to 6-D, a transpose and a reshape back: one strided
/// copy of the input viewed as the transposed 6-D tensor.
Status depthToSpace(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  static const char *const modes[] = {"DCR", "CRD", nullptr};
  int mode;
  IRON_TRY(choose(ctx, "mode", "DCR", modes, &mode));
  int64_t b = ctx.attrs.getInt("blocksize", 0);
  int64_t c = y->shape[1], h = x->shape[2], w = x->shape[3];
  int64_t hw = h * w;
  // Input as DCR [N, b1, b2, C, H, W] or CRD [N, C, b1, b2, H, W];
  // output as [N, C, H, b1, W, b2].
  int64_t sb1 = mode == 0 ? b * c * hw : b * hw, sb2 = mode == 0 ? c * hw : hw;
  int64_t sc = mode == 0 ? hw : b * b * hw;
  int64_t shape[6] = {y->shape[0], c, h, b, w, b};
  int64_t strides[6] = {x->shape[1] * hw, sc, w, sb1, 1, sb2};
  copyStrided(y->data, x->data, 6, shape, strides, dtypeSize(x->dtype));
  return Status::Ok;
}

Status spaceToDepth(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  int64_t b = ctx.attrs.getInt("blocksize", 0);
  int64_t c = x->shape[1], h = x->shape[2], w = x->shape[3];
  // Input as [N, C, H/b, b1, W/b, b2]; output as [N, b1, b2, C, H/b, W/b].
  int64_t shape[6] = {x->shape[0], b, b, c, y->shape[2], y->shape[3]};
  int64_t strides[6] = {c * h * w, w, 1, h * w, b * w, b};
  copyStrided(y->data, x->data, 6, shape, strides, dtypeSize(x->dtype));
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements, GatherND
//===----------------------------------------------------------------------===//

Status gatherPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int axis;
  IRON_TRY(axisAttr(ctx, 0, x->rank, &axis));
  if (y->rank != x->rank + idx->rank - 1)
    return ctx.fail("output rank %d, expected %d", y->rank, x->rank + idx->rank - 1);
  return Status::Ok;
}

/// Per outer index and index value, one contiguous run of the inner dims.
Status gather(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *idx = ctx.input(1);
  int axis;
  IRON_TRY(axisAttr(ctx, 0, x->rank, &axis));
  int64_t outer = product(x->shape, 0, axis), n = x->shape[axis], count = idx->numel();
  size_t inner = size_t(product(x->shape, axis + 1, x->rank)) * dtypeSize(x->dtype);
  char *q = bytesOf(ctx.output(0));
  for (int64_t o = 0; o < outer; ++o) {
    const char *base = bytesOf(x) + o * n * inner;
    for (int64_t j = 0; j < count; ++j, q += inner) {
      int64_t i = loadIndex(*idx, j);
      IRON_TRY(checkIndex(ctx, i, n));
      copyN(q, base + i * inner, inner);
    }
  }
  return Status::Ok;
}

/// GatherElements and ScatterElements: indices of the data's rank, no larger
/// than the data outside `axis`.
Status elementsPrepare(KernelContext &ctx, const TensorView *data, const TensorView *idx,
                       int *axis) {
  IRON_TRY(requireIndexType(ctx, 1));
  IRON_TRY(axisAttr(ctx, 0, data->rank, axis));
  if (idx->rank != data->rank)
    return ctx.fail("indices rank %d differs from data rank %d", idx->rank, data->rank);
  for (int d = 0; d < data->rank; ++d)
    if (d != *axis && idx->shape[d] > data->shape[d])
      return ctx.fail("indices dim %d (%lld) exceeds the data's (%lld)", d, ll(idx->shape[d]),
                      ll(data->shape[d]));
  return Status::Ok;
}

/// Walks `idx` in row-major order and calls fn(i, offset) with each index's
/// element offset into `data` (the index itself replacing the axis coord).
template <typename Fn>
Status forEachElement(const KernelContext &ctx, const TensorView *data, const TensorView *idx,
                      int axis, Fn &&fn) {
  int64_t ds[kMaxRank], count[kMaxRank] = {}, offset = 0, n = data->shape[axis];
  stridesOf(*data, ds);
  int64_t axisStride = ds[axis];
  ds[axis] = 0; // the running offset leaves the axis out
  int64_t total = idx->numel();
  for (int64_t e = 0; e < total; ++e) {
    int64_t i = loadIndex(*idx, e);
    IRON_TRY(checkIndex(ctx, i, n));
    fn(e, offset + i * axisStride);
    for (int d = idx->rank - 1; d >= 0; --d) {
      offset += ds[d];
      if (++count[d] < idx->shape[d])
        break;
      offset -= ds[d] * idx->shape[d];
      count[d] = 0;
    }
  }
  return Status::Ok;
}

Status gatherElementsPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int axis;
  IRON_TRY(elementsPrepare(ctx, x, idx, &axis));
  if (!sameShape(*idx, *y))
    return ctx.fail("output shape differs from the indices' shape");
  return Status::Ok;
}

Status gatherElements(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *idx = ctx.input(1);
  int axis;
  IRON_TRY(axisAttr(ctx, 0, x->rank, &axis));
  size_t es = dtypeSize(x->dtype);
  char *q = bytesOf(ctx.output(0));
  const char *p = bytesOf(x);
  return forEachElement(ctx, x, idx, axis, [&](int64_t e, int64_t offset) {
    copyElem(q + e * es, p + offset * es, es);
  });
}

/// GatherND and ScatterND: adds the element offset that index tuple `t` (a
/// row of the indices' last dim) selects in the data dims after the batch
/// dims; `ds` holds the data's strides.
Status tupleOffset(const KernelContext &ctx, const TensorView *data, const int64_t *ds,
                   const TensorView *idx, int batchDims, int64_t t, int64_t *offset) {
  int64_t k = idx->shape[idx->rank - 1];
  for (int64_t j = 0; j < k; ++j) {
    int64_t i = loadIndex(*idx, t * k + j);
    IRON_TRY(checkIndex(ctx, i, data->shape[batchDims + j]));
    *offset += i * ds[batchDims + j];
  }
  return Status::Ok;
}

Status gatherNDPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int64_t b = ctx.attrs.getInt("batch_dims", 0);
  if (idx->rank < 1 || b < 0 || b >= idx->rank || b >= x->rank)
    return ctx.fail("batch_dims %lld does not fit data rank %d, indices rank %d", ll(b), x->rank,
                    idx->rank);
  int64_t k = idx->shape[idx->rank - 1];
  if (k < 1 || k > x->rank - b)
    return ctx.fail("index tuples of %lld for %lld indexable dims", ll(k), ll(x->rank - b));
  for (int d = 0; d < b; ++d)
    if (x->shape[d] != idx->shape[d])
      return ctx.fail("batch dim %d differs: %lld vs %lld", d, ll(x->shape[d]), ll(idx->shape[d]));
  int64_t expected = idx->numel() / k * product(x->shape, int(b + k), x->rank);
  if (y->rank != idx->rank - 1 + x->rank - int(b + k) || y->numel() != expected)
    return ctx.fail("output shape does not match data and indices");
  return Status::Ok;
}

/// Per index tuple, one contiguous run of the trailing data dims.
Status gatherND(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *idx = ctx.input(1);
  int b = int(ctx.attrs.getInt("batch_dims", 0));
  int64_t k = idx->shape[idx->rank - 1];
  int64_t batches = product(x->shape, 0, b), batchSize = product(x->shape, b, x->rank);
  int64_t tuples = product(idx->shape, b, idx->rank - 1);
  size_t es = dtypeSize(x->dtype), chunk = size_t(product(x->shape, int(b + k), x->rank)) * es;
  int64_t xs[kMaxRank];
  stridesOf(*x, xs);
  char *q = bytesOf(ctx.output(0));
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t t = 0; t < tuples; ++t, q += chunk) {
      int64_t offset = bi * batchSize;
      IRON_TRY(tupleOffset(ctx, x, xs, idx, b, bi * tuples + t, &offset));
      copyN(q, bytesOf(x) + offset * int64_t(es), chunk);
    }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// ScatterElements, ScatterND
//===----------------------------------------------------------------------===//

enum class Reduction { None, Add, Mul, Max, Min };

template <typename T> void reduceRun(T *dst, const T *src, int64_t n, Reduction r) {
  for (int64_t i = 0; i < n; ++i) {
    T a = dst[i], b = src[i];
    switch (r) {
    case Reduction::Add: dst[i] = T(a + b); break;
    case Reduction::Mul: dst[i] = T(a * b); break;
    case Reduction::Max: dst[i] = a < b ? b : a; break;
    case Reduction::Min: dst[i] = b < a ? b : a; break;
    case Reduction::None: dst[i] = b; break;
    }
  }
}

/// dst[i] = dst[i] (op) src[i] for n elements of type t.
void reduceInto(DType t, void *dst, const void *src, int64_t n, Reduction r) {
  if (r == Reduction::None) {
    copyN(dst, src, size_t(n) * dtypeSize(t));
    return;
  }
  if (t == DType::F16 || t == DType::BF16) { // in f32, rounded back
    auto *d = static_cast<uint16_t *>(dst);
    auto *s = static_cast<const uint16_t *>(src);
    bool half = t == DType::F16;
    for (int64_t i = 0; i < n; ++i) {
      float a = half ? halfToFloat(d[i]) : bf16ToFloat(d[i]);
      float b = half ? halfToFloat(s[i]) : bf16ToFloat(s[i]);
      reduceRun(&a, &b, 1, r);
      d[i] = half ? floatToHalf(a) : floatToBf16(a);
    }
    return;
  }
  dispatchNumeric(t, [&](auto tag) {
    using T = decltype(tag);
    reduceRun(static_cast<T *>(dst), static_cast<const T *>(src), n, r);
    return Status::Ok;
  });
}

Status reductionAttr(const KernelContext &ctx, Reduction *r) {
  static const char *const names[] = {"none", "add", "mul", "max", "min", nullptr};
  int i;
  IRON_TRY(choose(ctx, "reduction", "none", names, &i));
  *r = Reduction(i);
  DType t = ctx.input(0)->dtype;
  if (*r != Reduction::None && t != DType::F16 && t != DType::BF16 &&
      dispatchNumeric(t, [](auto) { return Status::Ok; }) != Status::Ok)
    return ctx.fail("reduction on %s is not supported", dtypeName(t));
  return Status::Ok;
}

/// Scatter kernels start from a copy of the data (in place when the planner
/// shares the memory).
void copyData(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  if (x->data != y->data && y->bytes())
    std::memmove(y->data, x->data, y->bytes());
}

Status scatterElementsPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *upd = ctx.input(2), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  IRON_TRY(requireSameType(ctx, x, upd));
  int axis;
  IRON_TRY(elementsPrepare(ctx, x, idx, &axis));
  Reduction r;
  IRON_TRY(reductionAttr(ctx, &r));
  if (!sameShape(*idx, *upd) || !sameShape(*x, *y))
    return ctx.fail("updates must match the indices, output the data");
  return Status::Ok;
}

Status scatterElements(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *upd = ctx.input(2);
  int axis;
  IRON_TRY(axisAttr(ctx, 0, x->rank, &axis));
  Reduction r;
  IRON_TRY(reductionAttr(ctx, &r));
  copyData(ctx);
  size_t es = dtypeSize(x->dtype);
  char *q = bytesOf(ctx.output(0));
  const char *u = bytesOf(upd);
  return forEachElement(ctx, x, idx, axis, [&](int64_t e, int64_t offset) {
    if (r == Reduction::None)
      copyElem(q + offset * es, u + e * es, es);
    else
      reduceInto(x->dtype, q + offset * es, u + e * es, 1, r);
  });
}

Status scatterNDPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *upd = ctx.input(2), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  IRON_TRY(requireSameType(ctx, x, upd));
  Reduction r;
  IRON_TRY(reductionAttr(ctx, &r));
  int64_t k = idx->rank ? idx->shape[idx->rank - 1] : 0;
  if (k < 1 || k > x->rank || !sameShape(*x, *y))
    return ctx.fail("index tuples of %lld for data of rank %d", ll(k), x->rank);
  // updates = indices.shape[:-1] + data.shape[k:]
  bool ok = upd->rank == idx->rank - 1 + x->rank - int(k);
  for (int d = 0; ok && d < upd->rank; ++d)
    ok = upd->shape[d] == (d < idx->rank - 1 ? idx->shape[d] : x->shape[d - (idx->rank - 1) + k]);
  if (!ok)
    return ctx.fail("updates shape does not match data and indices");
  return Status::Ok;
}

Status scatterND(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *idx = ctx.input(1), *upd = ctx.input(2);
  Reduction r;
  IRON_TRY(reductionAttr(ctx, &r));
  copyData(ctx);
  int64_t k = idx->shape[idx->rank - 1], tuples = idx->numel() / k;
  int64_t chunk = product(x->shape, int(k), x->rank), es = int64_t(dtypeSize(x->dtype));
  int64_t xs[kMaxRank];
  stridesOf(*x, xs);
  char *q = bytesOf(ctx.output(0));
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = 0;
    IRON_TRY(tupleOffset(ctx, x, xs, idx, 0, t, &offset));
    reduceInto(x->dtype, q + offset * es, bytesOf(upd) + t * chunk * es, chunk, r);
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

enum PadMode { kConstant, kReflect, kEdge };
const char *const kPadModes[] = {"constant", "reflect", "edge", nullptr};

/// The source index of padded position i along a dim of n, or -1 for the
/// constant.
int64_t padSource(int64_t i, int64_t n, int mode) {
  if (i >= 0 && i < n)
    return i;
  switch (mode) {
  case kEdge: return i < 0 ? 0 : n - 1;
  case kReflect: { // numpy 'reflect': periodic with period 2(n-1)
    if (n == 1)
      return 0;
    int64_t period = 2 * (n - 1), m = i % period;
    m += m < 0 ? period : 0;
    return m < n ? m : period - m;
  }
  default: return -1;
  }
}

Status padPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  IRON_TRY(requireIndexType(ctx, 3));
  const TensorView *x = ctx.input(0), *value = ctx.input(2), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  if (value)
    IRON_TRY(requireSameType(ctx, x, value));
  if (x->rank != y->rank)
    return ctx.fail("input rank %d differs from output rank %d", x->rank, y->rank);
  int mode;
  return choose(ctx, "mode", "constant", kPadModes, &mode);
}

/// Per output row: the outer coords map to a source row (or the constant);
/// along the row, the part inside the input moves with one memcpy.
Status pad(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *pads = ctx.input(1), *value = ctx.input(2);
  const TensorView *axes = ctx.input(3);
  TensorView *y = ctx.output(0);
  int mode, rank = x->rank;
  IRON_TRY(choose(ctx, "mode", "constant", kPadModes, &mode));
  int64_t before[kMaxRank] = {}, after[kMaxRank] = {};
  int64_t numAxes = axes ? axes->numel() : rank;
  if (pads->numel() != 2 * numAxes)
    return ctx.fail("pads has %lld values for %lld axes", ll(pads->numel()), ll(numAxes));
  for (int64_t j = 0; j < numAxes; ++j) {
    int64_t axis = axes ? loadIndex(*axes, j) : j;
    if (!normalizeAxis(axis, rank))
      return ctx.fail("axes[%lld] is out of range", ll(j));
    before[axis] = loadIndex(*pads, j);
    after[axis] = loadIndex(*pads, j + numAxes);
  }
  for (int d = 0; d < rank; ++d) {
    if (x->shape[d] + before[d] + after[d] != y->shape[d])
      return ctx.fail("pads give %lld along axis %d, the output has %lld",
                      ll(x->shape[d] + before[d] + after[d]), d, ll(y->shape[d]));
    if (mode != kConstant && x->shape[d] == 0 && y->shape[d] > 0)
      return ctx.fail("cannot %s-pad the empty axis %d", kPadModes[mode], d);
  }
  size_t es = dtypeSize(x->dtype);
  uint64_t constant = 0;
  if (value && value->numel() > 0)
    std::memcpy(&constant, value->data, es);
  if (y->numel() == 0)
    return Status::Ok;
  if (rank == 0) {
    copyElem(y->data, x->data, es);
    return Status::Ok;
  }
  int last = rank - 1;
  int64_t xs[kMaxRank], count[kMaxRank] = {};
  stridesOf(*x, xs);
  int64_t width = y->shape[last], n = x->shape[last], p = before[last];
  int64_t lo = clampTo<int64_t>(p, 0, width), hi = clampTo<int64_t>(p + n, 0, width);
  int64_t rows = y->numel() / width;
  char *q = bytesOf(y);
  for (int64_t row = 0; row < rows; ++row, q += width * int64_t(es)) {
    int64_t src = 0;
    for (int d = 0; d < last && src >= 0; ++d) {
      int64_t s = padSource(count[d] - before[d], x->shape[d], mode);
      src = s < 0 ? -1 : src + s * xs[d];
    }
    if (src < 0) {
      fillElems(q, &constant, es, width);
    } else {
      const char *in = bytesOf(x) + src * int64_t(es);
      auto padAt = [&](int64_t o) {
        int64_t s = padSource(o - p, n, mode);
        copyElem(q + o * es, s < 0 ? reinterpret_cast<const char *>(&constant) : in + s * es, es);
      };
      for (int64_t o = 0; o < lo; ++o)
        padAt(o);
      copyN(q + lo * es, in + (lo - p) * int64_t(es), size_t(hi - lo) * es);
      for (int64_t o = hi; o < width; ++o)
        padAt(o);
    }
    for (int d = last - 1; d >= 0; --d) {
      if (++count[d] < y->shape[d])
        break;
      count[d] = 0;
    }
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Shape, Size, ConstantOfShape, Range, EyeLike, OneHot
//===----------------------------------------------------------------------===//

Status shapePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  TensorView *y = ctx.output(0);
  if (y->dtype != DType::I64 || y->rank > 1)
    return ctx.fail("the output must be int64 of rank 0 or 1");
  return Status::Ok;
}

Status shape(KernelContext &ctx) {
  const TensorView *x = ctx.input(0);
  TensorView *y = ctx.output(0);
  int64_t start = ctx.attrs.getInt("start", 0), end = ctx.attrs.getInt("end", x->rank);
  start = clampTo<int64_t>(start < 0 ? start + x->rank : start, 0, x->rank);
  end = clampTo<int64_t>(end < 0 ? end + x->rank : end, 0, x->rank);
  int64_t n = end > start ? end - start : 0;
  if (n != y->numel())
    return ctx.fail("%lld dims selected, the output has %lld", ll(n), ll(y->numel()));
  for (int64_t i = 0; i < n; ++i)
    y->as<int64_t>()[i] = x->shape[start + i];
  return Status::Ok;
}

Status size(KernelContext &ctx) {
  TensorView *y = ctx.output(0);
  if (y->numel() != 1)
    return ctx.fail("the output must hold one int64");
  y->as<int64_t>()[0] = ctx.input(0)->numel();
  return Status::Ok;
}

Status constantOfShapePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 0, 1));
  const TensorView *value = ctx.attrTensor("value");
  if (value && (value->numel() != 1 || value->dtype != ctx.output(0)->dtype))
    return ctx.fail("value must be one %s", dtypeName(ctx.output(0)->dtype));
  return Status::Ok;
}

/// The output holds `value` everywhere (0 when absent: zero bytes are 0 in
/// every type).
Status constantOfShape(KernelContext &ctx) {
  TensorView *y = ctx.output(0);
  const TensorView *value = ctx.attrTensor("value");
  uint64_t zero = 0;
  fillElems(y->data, value ? value->data : &zero, dtypeSize(y->dtype), y->numel());
  return Status::Ok;
}

Status rangePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  TensorView *y = ctx.output(0);
  for (int i = 0; i < 3; ++i) {
    IRON_TRY(requireSameType(ctx, ctx.input(i), y));
    if (ctx.input(i)->numel() != 1)
      return ctx.fail("input %d must be a scalar", i);
  }
  if (y->rank != 1 || y->dtype == DType::Bool ||
      dispatchNumeric(y->dtype, [](auto) { return Status::Ok; }) != Status::Ok)
    return ctx.fail("needs a 1-D numeric output, got %s", dtypeName(y->dtype));
  return Status::Ok;
}

/// output[i] = start + i * delta, computed in the element type as ONNX does.
Status range(KernelContext &ctx) {
  TensorView *y = ctx.output(0);
  int64_t n = y->numel();
  return dispatchNumeric(y->dtype, [&](auto tag) {
    using T = decltype(tag);
    T start = *ctx.input(0)->as<T>(), limit = *ctx.input(1)->as<T>(),
      delta = *ctx.input(2)->as<T>();
    if (delta == T(0))
      return ctx.fail("delta is 0");
    if (!isFloat(y->dtype)) { // integer counts are exact: check the planned one
      double want = std::ceil((double(limit) - double(start)) / double(delta));
      if ((want > 0 ? int64_t(want) : 0) != n)
        return ctx.fail("the range has %lld elements, the output %lld",
                        ll(want > 0 ? int64_t(want) : 0), ll(n));
    }
    T *out = y->as<T>();
    for (int64_t i = 0; i < n; ++i)
      out[i] = T(start + T(i) * delta);
    return Status::Ok;
  });
}

Status eyeLikePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (x->rank != 2 || !sameShape(*x, *y))
    return ctx.fail("needs 2-D input and output of the same shape");
  if (dtypeSize(y->dtype) == 0)
    return ctx.fail("unsupported output type %s", dtypeName(y->dtype));
  return Status::Ok;
}

Status eyeLike(KernelContext &ctx) {
  TensorView *y = ctx.output(0);
  int64_t rows = y->shape[0], cols = y->shape[1];
  int64_t k = clampTo<int64_t>(ctx.attrs.getInt("k", 0), -rows, cols); // no overflow
  size_t es = dtypeSize(y->dtype);
  if (y->bytes())
    std::memset(y->data, 0, y->bytes());
  char one[8];
  storeDouble(y->dtype, one, 1.0);
  for (int64_t i = k < 0 ? -k : 0; i < rows && i + k < cols; ++i)
    copyElem(bytesOf(y) + (i * cols + i + k) * int64_t(es), one, es);
  return Status::Ok;
}

Status oneHotPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  const TensorView *idx = ctx.input(0), *values = ctx.input(2), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, values, y));
  if (values->numel() != 2 || y->rank != idx->rank + 1)
    return ctx.fail("needs 2 values and an output one rank above the indices");
  int axis;
  IRON_TRY(axisAttr(ctx, -1, y->rank, &axis));
  for (int d = 0; d < idx->rank; ++d)
    if (idx->shape[d] != y->shape[d < axis ? d : d + 1])
      return ctx.fail("output shape does not match the indices");
  return Status::Ok;
}

/// Fills `off`, then writes `on` at each index (negative ones count from
/// depth; others outside [0, depth) leave their row off).
Status oneHot(KernelContext &ctx) {
  const TensorView *idx = ctx.input(0), *values = ctx.input(2);
  TensorView *y = ctx.output(0);
  int axis;
  IRON_TRY(axisAttr(ctx, -1, y->rank, &axis));
  int64_t depth = y->shape[axis];
  if (loadDouble(*ctx.input(1), 0) != double(depth))
    return ctx.fail("depth %g differs from the output's %lld", loadDouble(*ctx.input(1), 0),
                    ll(depth));
  size_t es = dtypeSize(y->dtype);
  const char *off = bytesOf(values), *on = off + es;
  fillElems(y->data, off, es, y->numel());
  int64_t inner = product(y->shape, axis + 1, y->rank), outer = product(y->shape, 0, axis);
  for (int64_t o = 0, e = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i, ++e) {
      double v = std::trunc(loadDouble(*idx, e)); // indices may be of any numeric type
      v += v < 0 ? double(depth) : 0;
      if (v >= 0 && v < double(depth))
        copyElem(bytesOf(y) + ((o * depth + int64_t(v)) * inner + i) * int64_t(es), on, es);
    }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// ReverseSequence, Trilu
//===----------------------------------------------------------------------===//

Status reverseSequencePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  int64_t t = ctx.attrs.getInt("time_axis", 0), b = ctx.attrs.getInt("batch_axis", 1);
  if (x->rank < 2 || !sameShape(*x, *y) || t < 0 || t > 1 || b < 0 || b > 1 || t == b)
    return ctx.fail("needs rank >= 2, equal shapes, and time/batch axes 0 and 1");
  if (ctx.input(1)->numel() != x->shape[b])
    return ctx.fail("sequence_lens has %lld values for a batch of %lld", ll(ctx.input(1)->numel()),
                    ll(x->shape[b]));
  return Status::Ok;
}

/// Each (time, batch) pair owns one contiguous run of the trailing dims.
Status reverseSequence(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *lens = ctx.input(1);
  TensorView *y = ctx.output(0);
  int ta = int(ctx.attrs.getInt("time_axis", 0)), ba = 1 - ta;
  int64_t xs[kMaxRank];
  stridesOf(*x, xs);
  int64_t steps = x->shape[ta], es = int64_t(dtypeSize(x->dtype));
  size_t run = size_t(product(x->shape, 2, x->rank) * es);
  for (int64_t b = 0; b < x->shape[ba]; ++b) {
    int64_t len = loadIndex(*lens, b);
    if (len < 0 || len > steps)
      return ctx.fail("sequence_lens[%lld] = %lld is outside [0, %lld]", ll(b), ll(len), ll(steps));
    for (int64_t t = 0; t < steps; ++t) {
      int64_t src = t < len ? len - 1 - t : t;
      copyN(bytesOf(y) + (t * xs[ta] + b * xs[ba]) * es,
            bytesOf(x) + (src * xs[ta] + b * xs[ba]) * es, run);
    }
  }
  return Status::Ok;
}

Status triluPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 1, 1));
  IRON_TRY(requireIndexType(ctx, 1));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  IRON_TRY(requireSameType(ctx, x, y));
  if (x->rank < 2 || !sameShape(*x, *y))
    return ctx.fail("needs rank >= 2 and equal shapes");
  return Status::Ok;
}

/// Per row, the kept columns are one contiguous run; the rest is zeroed.
Status trilu(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *kt = ctx.input(1);
  TensorView *y = ctx.output(0);
  bool upper = ctx.attrs.getInt("upper", 1) != 0;
  int64_t rows = x->dim(-2), cols = x->dim(-1), es = int64_t(dtypeSize(x->dtype));
  // Clamped so that i + k cannot overflow; beyond it nothing changes.
  int64_t k = kt && kt->numel() ? clampTo<int64_t>(loadIndex(*kt, 0), -rows - 1, cols + 1) : 0;
  int64_t count = rows > 0 && cols > 0 ? x->numel() / cols : 0;
  for (int64_t r = 0, i = 0; r < count; ++r, i = i + 1 < rows ? i + 1 : 0) {
    // upper keeps j >= i + k, lower keeps j <= i + k
    int64_t lo = upper ? clampTo<int64_t>(i + k, 0, cols) : 0;
    int64_t hi = upper ? cols : clampTo<int64_t>(i + k + 1, 0, cols);
    char *q = bytesOf(y) + r * cols * es;
    const char *p = bytesOf(x) + r * cols * es;
    if (lo > 0)
      std::memset(q, 0, size_t(lo * es));
    copyN(q + lo * es, p + lo * es, size_t((hi - lo) * es));
    if (hi < cols)
      std::memset(q + hi * es, 0, size_t((cols - hi) * es));
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

const char *const kResizeModes[] = {"nearest", "linear", "cubic", nullptr};
const char *const kCoordModes[] = {
    "half_pixel",         "asymmetric",           "align_corners", "pytorch_half_pixel",
    "tf_crop_and_resize", "tf_half_pixel_for_nn", nullptr};
const char *const kNearestModes[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil",
                                     nullptr};

struct ResizeParams {
  enum { kNearest, kLinear, kCubic } mode;
  enum { kHalfPixel, kAsymmetric, kAlignCorners, kPytorchHalfPixel, kTfCrop, kTfHalfPixelNN } coord;
  enum { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil } nearest;
  double cubicA;
  bool excludeOutside;
  int taps; // per output coord and axis: 1, 2 or 4

  Status read(const KernelContext &ctx) {
    int m = 0, c = 0, n = 0;
    IRON_TRY(choose(ctx, "mode", "nearest", kResizeModes, &m));
    IRON_TRY(choose(ctx, "coordinate_transformation_mode", "half_pixel", kCoordModes, &c));
    IRON_TRY(choose(ctx, "nearest_mode", "round_prefer_floor", kNearestModes, &n));
    mode = decltype(mode)(m);
    coord = decltype(coord)(c);
    nearest = decltype(nearest)(n);
    cubicA = ctx.attrs.getFloat("cubic_coeff_a", -0.75f);
    excludeOutside = ctx.attrs.getInt("exclude_outside", 0) != 0;
    taps = mode == kNearest ? 1 : mode == kLinear ? 2 : 4;
    return Status::Ok;
  }
};

/// One interpolation tap along one axis: the input element offset it adds
/// and its weight. A first tap with offset -1 marks an extrapolated coord.
struct Tap {
  int64_t offset;
  double weight;
};

/// Keys' cubic convolution weights of the 4 taps around a point `r` in
/// [0, 1) past the second one.
template <typename T> void cubicCoeffs(T r, T a, T *c) {
  T s = r + 1, t = 1 - r, u = 2 - r;
  c[0] = ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
  c[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
  c[2] = ((a + 2) * t - (a + 3)) * t * t + 1;
  c[3] = ((a * u - 5 * a) * u + 8 * a) * u - 4 * a;
}

Status resizePrepare(KernelContext &ctx, size_t *scratchBytes) {
  IRON_TRY(requireIO(ctx, 1, 1));
  IRON_TRY(requireIndexType(ctx, 3));
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (x->dtype != DType::F32 || y->dtype != DType::F32 || x->rank != y->rank || x->rank < 1)
    return ctx.fail("supports f32 of equal ranks, got %s", dtypeName(x->dtype));
  ResizeParams params;
  IRON_TRY(params.read(ctx));
  if (ctx.attrs.getInt("antialias", 0) != 0)
    return ctx.fail("antialias is not supported");
  static const char *const policies[] = {"stretch", nullptr};
  int policy;
  IRON_TRY(choose(ctx, "keep_aspect_ratio_policy", "stretch", policies, &policy));
  size_t taps = 0;
  for (int d = 0; d < x->rank; ++d) {
    if (x->shape[d] == 0 && y->shape[d] != 0)
      return ctx.fail("cannot resize the empty axis %d", d);
    taps += size_t(y->shape[d]) * size_t(params.taps);
  }
  *scratchBytes = taps * sizeof(Tap);
  return Status::Ok;
}

/// The input coordinate of output coordinate `o` along an axis of n resized
/// by `scale`: ONNX's formulas, where `width` is scale * n, unrounded.
double resizeCoord(const ResizeParams &p, int64_t o, int64_t n, double scale, double lo,
                   double hi) {
  double width = scale * double(n), x = double(o);
  switch (p.coord) {
  case ResizeParams::kAsymmetric: return x / scale;
  case ResizeParams::kAlignCorners: return width == 1 ? 0 : x * double(n - 1) / (width - 1);
  case ResizeParams::kPytorchHalfPixel:
    // 0 for one output, as the spec and onnxruntime say (ONNX's numpy
    // reference, contradicting the spec, says -0.5).
    return width > 1 ? (x + 0.5) / scale - 0.5 : 0;
  case ResizeParams::kTfHalfPixelNN: return (x + 0.5) / scale;
  case ResizeParams::kTfCrop:
    return width == 1 ? 0.5 * (lo + hi) * double(n - 1)
                      : lo * double(n - 1) + x * (hi - lo) * double(n - 1) / (width - 1);
  default: return (x + 0.5) / scale - 0.5;
  }
}

/// Fills the taps of one axis (p.taps per output coord) and returns how many
/// count: 1 when every coord just copies one input element.
int resizeAxis(const ResizeParams &p, Tap *tab, int64_t n, int64_t m, int64_t stride, double scale,
               double lo, double hi) {
  bool unit = true;
  for (int64_t o = 0; o < m; ++o) {
    Tap *t = tab + o * p.taps;
    double x = resizeCoord(p, o, n, scale, lo, hi);
    if (p.coord == ResizeParams::kTfCrop && (x < 0 || x > double(n - 1))) {
      for (int j = 0; j < p.taps; ++j)
        t[j] = {j ? 0 : -1, 0};
      unit = false;
      continue;
    }
    // Far outside, all taps clamp to the edge anyway; NaN (degenerate
    // scales) lands on it too.
    x = x > -4 ? (x < double(n) + 4 ? x : double(n) + 4) : -4;
    double f = std::floor(x), r = x - f, w[4] = {1, 0, 0, 0};
    int64_t first = int64_t(f);
    if (p.mode == ResizeParams::kNearest) {
      bool up = r > 0 && (p.nearest == ResizeParams::kCeil ||
                          (p.nearest == ResizeParams::kRoundPreferFloor && r > 0.5) ||
                          (p.nearest == ResizeParams::kRoundPreferCeil && r >= 0.5));
      first += up;
    } else if (p.mode == ResizeParams::kLinear) {
      w[0] = 1 - r;
      w[1] = r;
    } else {
      cubicCoeffs(r, p.cubicA, w);
      first -= 1;
    }
    if (p.excludeOutside) { // taps outside the input lose their weight
      double sum = 0;
      for (int j = 0; j < p.taps; ++j) {
        if (first + j < 0 || first + j >= n)
          w[j] = 0;
        sum += w[j];
      }
      for (int j = 0; sum != 0 && j < p.taps; ++j)
        w[j] /= sum;
    }
    int weighted = 0;
    for (int j = 0; j < p.taps; ++j) {
      t[j] = {clampTo<int64_t>(first + j, 0, n - 1) * stride, w[j]};
      weighted += w[j] != 0;
      unit = unit && (w[j] == 0 || w[j] == 1);
    }
    unit = unit && weighted == 1;
  }
  if (!unit)
    return p.taps;
  for (int64_t o = 0; o < m; ++o) { // move the weighted tap first
    Tap *t = tab + o * p.taps;
    for (int j = 1; j < p.taps; ++j)
      if (t[j].weight != 0)
        t[0] = t[j];
  }
  return 1;
}

/// Every output element sums the weighted products of its taps over the
/// axes that interpolate, in double: ONNX's separable reference, expanded.
Status resize(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *roi = ctx.input(1), *scales = ctx.input(2);
  const TensorView *sizes = ctx.input(3);
  TensorView *y = ctx.output(0);
  ResizeParams p;
  IRON_TRY(p.read(ctx));
  int rank = x->rank;
  // scales, sizes and roi may name a subset of the axes (opset 18's `axes`).
  const int64_t *axesAttr;
  int numAxes = ctx.attrs.getInts("axes", &axesAttr), axes[kMaxRank];
  numAxes = numAxes ? numAxes : rank;
  for (int j = 0; j < numAxes; ++j) {
    int64_t a = axesAttr ? axesAttr[j] : j;
    if (!normalizeAxis(a, rank))
      return ctx.fail("axes[%d] is out of range", j);
    axes[j] = int(a);
  }
  double scale[kMaxRank], lo[kMaxRank], hi[kMaxRank];
  for (int d = 0; d < rank; ++d) {
    // Without scales, ONNX's reference takes output / input.
    scale[d] = double(y->shape[d]) / double(x->shape[d]);
    lo[d] = 0;
    hi[d] = 1;
  }
  if (scales && scales->numel() > 0) {
    if (scales->numel() != numAxes)
      return ctx.fail("scales has %lld values for %d axes", ll(scales->numel()), numAxes);
    for (int j = 0; j < numAxes; ++j)
      if (!((scale[axes[j]] = loadDouble(*scales, j)) > 0))
        return ctx.fail("scales[%d] = %g is not positive", j, scale[axes[j]]);
  } else if (sizes && sizes->numel() > 0) {
    if (sizes->numel() != numAxes)
      return ctx.fail("sizes has %lld values for %d axes", ll(sizes->numel()), numAxes);
    for (int j = 0; j < numAxes; ++j)
      if (loadIndex(*sizes, j) != y->shape[axes[j]])
        return ctx.fail("sizes[%d] = %lld differs from the output's %lld", j,
                        ll(loadIndex(*sizes, j)), ll(y->shape[axes[j]]));
  }
  if (p.coord == ResizeParams::kTfCrop) {
    if (!roi || roi->numel() != 2 * numAxes)
      return ctx.fail("tf_crop_and_resize needs a roi of %d values", 2 * numAxes);
    for (int j = 0; j < numAxes; ++j) {
      lo[axes[j]] = loadDouble(*roi, j);
      hi[axes[j]] = loadDouble(*roi, j + numAxes);
    }
  }
  if (y->numel() == 0)
    return Status::Ok;
  size_t need = 0;
  for (int d = 0; d < rank; ++d)
    need += size_t(y->shape[d]) * size_t(p.taps) * sizeof(Tap);
  if (ctx.scratchBytes < need)
    return ctx.fail("needs %zu bytes of scratch, has %zu", need, ctx.scratchBytes);
  int taps[kMaxRank], active[kMaxRank], numActive = 0;
  Tap *tab[kMaxRank], *next = static_cast<Tap *>(ctx.scratch);
  int64_t xs[kMaxRank];
  stridesOf(*x, xs);
  for (int d = 0; d < rank; ++d) {
    tab[d] = next;
    next += y->shape[d] * p.taps;
    taps[d] = resizeAxis(p, tab[d], x->shape[d], y->shape[d], xs[d], scale[d], lo[d], hi[d]);
    if (taps[d] > 1)
      active[numActive++] = d;
  }
  float extrapolation = ctx.attrs.getFloat("extrapolation_value", 0.0f);
  const float *in = x->as<float>();
  float *out = y->as<float>();
  int64_t count[kMaxRank] = {}, total = y->numel();
  for (int64_t e = 0; e < total; ++e) {
    int64_t base = 0;
    bool outside = false;
    for (int d = 0; d < rank; ++d) {
      const Tap &t = tab[d][count[d] * p.taps];
      outside = outside || t.offset < 0;
      base += taps[d] == 1 ? t.offset : 0;
    }
    if (outside) {
      out[e] = extrapolation;
    } else if (numActive == 0) {
      out[e] = in[base];
    } else { // an odometer over the taps of the interpolating axes
      int digit[kMaxRank] = {};
      double acc = 0;
      for (int a = 0; a >= 0;) {
        int64_t offset = base;
        double w = 1;
        for (a = 0; a < numActive; ++a) {
          const Tap &t = tab[active[a]][count[active[a]] * p.taps + digit[a]];
          offset += t.offset;
          w *= t.weight;
        }
        acc += w * double(in[offset]);
        for (a = numActive - 1; a >= 0 && ++digit[a] == taps[active[a]]; --a)
          digit[a] = 0;
      }
      out[e] = float(acc);
    }
    for (int d = rank - 1; d >= 0; --d) {
      if (++count[d] < y->shape[d])
        break;
      count[d] = 0;
    }
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

enum GridMode { kGridBilinear, kGridNearest, kGridBicubic, kGridLinear, kGridCubic };
const char *const kGridModes[] = {"bilinear", "nearest", "bicubic", "linear", "cubic", nullptr};
enum GridPadding { kPadZeros, kPadBorder, kPadReflection };
const char *const kGridPaddings[] = {"zeros", "border", "reflection", nullptr};

Status gridSamplePrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 2, 1));
  const TensorView *x = ctx.input(0), *grid = ctx.input(1), *y = ctx.output(0);
  if (x->dtype != DType::F32 || grid->dtype != DType::F32 || y->dtype != DType::F32)
    return ctx.fail("supports f32");
  if (x->rank != 4 || grid->rank != 4 || y->rank != 4 || grid->shape[3] != 2 ||
      grid->shape[0] != x->shape[0] || y->shape[0] != x->shape[0] || y->shape[1] != x->shape[1] ||
      y->shape[2] != grid->shape[1] || y->shape[3] != grid->shape[2] || x->shape[2] < 1 ||
      x->shape[3] < 1)
    return ctx.fail("needs X [N,C,H,W] with H, W >= 1, grid [N,Ho,Wo,2], Y [N,C,Ho,Wo]");
  int mode, padding;
  IRON_TRY(choose(ctx, "mode", "bilinear", kGridModes, &mode));
  return choose(ctx, "padding_mode", "zeros", kGridPaddings, &padding);
}

/// Reflects x into [lo, hi] by its borders, as often as it takes.
float reflect(float x, float lo, float hi) {
  float range = hi - lo;
  if (range <= 0)
    return lo;
  float d = x < lo ? lo - x : x - hi, flips = std::floor(d / range), r = d - flips * range;
  bool even = std::fmod(flips, 2.0f) == 0;
  return x < lo ? (even ? lo + r : hi - r) : (even ? hi - r : lo + r);
}

/// The taps of one grid coordinate along an axis of n pixels: pixel indices
/// (-1: a zero from padding) and weights. Follows ONNX's GridSample (as
/// onnxruntime implements it): denormalize, round for nearest, bring
/// out-of-range coords back for border/reflection, then interpolate with
/// each tap padded on its own.
int gridTaps(float g, int64_t n, int mode, int padding, bool align, int64_t *pix, float *w) {
  float x = align ? (g + 1) / 2 * float(n - 1) : ((g + 1) * float(n) - 1) / 2;
  float lo = align ? 0 : -0.5f, hi = align ? float(n - 1) : float(n) - 0.5f;
  if (mode == kGridNearest)
    x = std::nearbyint(x);
  if (x < lo || x > hi) {
    if (padding == kPadBorder)
      x = clampTo(x, 0.0f, float(n - 1));
    else if (padding == kPadReflection)
      x = reflect(x, lo, hi);
  }
  x = clampTo(x, -float(n) - 4, 2 * float(n) + 4); // far outside only zeros remain
  if (!(x == x))
    x = 0;
  int taps = 1;
  float f = std::floor(x);
  if (mode == kGridNearest) {
    f = std::nearbyint(x);
    w[0] = 1;
  } else if (mode == kGridBilinear || mode == kGridLinear) {
    taps = 2;
    w[0] = f + 1 - x;
    w[1] = x - f;
  } else {
    taps = 4;
    cubicCoeffs(x - f, -0.75f, w);
    f -= 1;
  }
  for (int j = 0; j < taps; ++j) {
    int64_t i = int64_t(f) + j;
    if (i < 0 || i >= n) {
      if (padding == kPadZeros)
        i = -1;
      else if (padding == kPadBorder)
        i = clampTo<int64_t>(i, 0, n - 1);
      else
        i = clampTo<int64_t>(int64_t(reflect(float(i), lo, hi)), 0, n - 1);
    }
    pix[j] = i;
  }
  return taps;
}

Status gridSample(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *grid = ctx.input(1);
  TensorView *y = ctx.output(0);
  int mode, padding;
  IRON_TRY(choose(ctx, "mode", "bilinear", kGridModes, &mode));
  IRON_TRY(choose(ctx, "padding_mode", "zeros", kGridPaddings, &padding));
  bool align = ctx.attrs.getInt("align_corners", 0) != 0;
  int64_t batch = x->shape[0], channels = x->shape[1], h = x->shape[2], w = x->shape[3];
  int64_t outH = y->shape[2], outW = y->shape[3], plane = outH * outW;
  const float *g = grid->as<float>();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t p = 0; p < plane; ++p, g += 2) {
      int64_t px[4], py[4];
      float wx[4], wy[4];
      int tx = gridTaps(g[0], w, mode, padding, align, px, wx);
      int ty = gridTaps(g[1], h, mode, padding, align, py, wy);
      for (int64_t c = 0; c < channels; ++c) {
        const float *img = x->as<float>() + (n * channels + c) * h * w;
        float acc = 0; // rows first, as the bicubic reference nests them
        for (int i = 0; i < ty; ++i) {
          float row = 0;
          for (int j = 0; j < tx; ++j)
            row += wx[j] * (py[i] < 0 || px[j] < 0 ? 0.0f : img[py[i] * w + px[j]]);
          acc += wy[i] * row;
        }
        y->as<float>()[(n * channels + c) * plane + p] = acc;
      }
    }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

Status roiAlignPrepare(KernelContext &ctx, size_t *) {
  IRON_TRY(requireIO(ctx, 3, 1));
  IRON_TRY(requireIndexType(ctx, 2));
  const TensorView *x = ctx.input(0), *rois = ctx.input(1), *idx = ctx.input(2);
  const TensorView *y = ctx.output(0);
  if (x->dtype != DType::F32 || rois->dtype != DType::F32 || y->dtype != DType::F32)
    return ctx.fail("supports f32");
  int64_t r = rois->shape[0];
  if (x->rank != 4 || rois->rank != 2 || rois->shape[1] != 4 || idx->numel() != r || y->rank != 4 ||
      y->shape[0] != r || y->shape[1] != x->shape[1] ||
      y->shape[2] != ctx.attrs.getInt("output_height", 1) ||
      y->shape[3] != ctx.attrs.getInt("output_width", 1) || x->shape[2] < 1 || x->shape[3] < 1)
    return ctx.fail("needs X [N,C,H,W] with H, W >= 1, rois [R,4], batch_indices [R], "
                    "Y [R,C,oh,ow]");
  static const char *const modes[] = {"avg", "max", nullptr};
  static const char *const coords[] = {"half_pixel", "output_half_pixel", nullptr};
  int mode, coord;
  IRON_TRY(choose(ctx, "mode", "avg", modes, &mode));
  return choose(ctx, "coordinate_transformation_mode", "half_pixel", coords, &coord);
}

/// Follows onnxruntime's RoiAlign, the ONNX reference: each bin averages (or
/// takes the max of) a grid of bilinear samples; max mode takes the max of
/// the weighted corners.
Status roiAlign(KernelContext &ctx) {
  const TensorView *x = ctx.input(0), *rois = ctx.input(1), *idx = ctx.input(2);
  TensorView *y = ctx.output(0);
  static const char *const modes[] = {"avg", "max", nullptr};
  static const char *const coords[] = {"half_pixel", "output_half_pixel", nullptr};
  int mode, coord;
  IRON_TRY(choose(ctx, "mode", "avg", modes, &mode));
  IRON_TRY(choose(ctx, "coordinate_transformation_mode", "half_pixel", coords, &coord));
  bool isMax = mode == 1, halfPixel = coord == 0;
  float scale = ctx.attrs.getFloat("spatial_scale", 1.0f);
  int64_t ratio = ctx.attrs.getInt("sampling_ratio", 0);
  int64_t batch = x->shape[0], channels = x->shape[1], h = x->shape[2], w = x->shape[3];
  int64_t outH = y->shape[2], outW = y->shape[3], plane = outH * outW;
  float offset = halfPixel ? 0.5f : 0.0f;
  for (int64_t r = 0; r < rois->shape[0]; ++r) {
    int64_t b = loadIndex(*idx, r);
    if (b < 0 || b >= batch)
      return ctx.fail("batch_indices[%lld] = %lld is out of range for a batch of %lld", ll(r),
                      ll(b), ll(batch));
    const float *box = rois->as<float>() + r * 4;
    float x0 = box[0] * scale - offset, y0 = box[1] * scale - offset;
    float roiW = box[2] * scale - offset - x0, roiH = box[3] * scale - offset - y0;
    if (!halfPixel) { // the legacy mode forces rois to at least 1x1
      roiW = roiW > 1 ? roiW : 1;
      roiH = roiH > 1 ? roiH : 1;
    }
    float binH = roiH / float(outH), binW = roiW / float(outW);
    int64_t gridH = ratio > 0 ? ratio : int64_t(std::ceil(roiH / float(outH)));
    int64_t gridW = ratio > 0 ? ratio : int64_t(std::ceil(roiW / float(outW)));
    float count = float(gridH * gridW > 1 ? gridH * gridW : 1);
    const float *img = x->as<float>() + b * channels * h * w;
    float *out = y->as<float>() + r * channels * plane;
    for (int64_t p = 0; p < plane; ++p) {
      int64_t ph = p / outW, pw = p % outW; // per bin, not per element
      for (int64_t c = 0; c < channels; ++c)
        out[c * plane + p] = 0;
      bool first = true;
      for (int64_t iy = 0; iy < gridH; ++iy)
        for (int64_t ix = 0; ix < gridW; ++ix) {
          float sy = y0 + float(ph) * binH + (float(iy) + 0.5f) * binH / float(gridH);
          float sx = x0 + float(pw) * binW + (float(ix) + 0.5f) * binW / float(gridW);
          int64_t pos[4] = {0, 0, 0, 0};
          float wt[4] = {0, 0, 0, 0};
          if (!(sy < -1.0f || sy > float(h) || sx < -1.0f || sx > float(w))) {
            sy = sy > 0 ? sy : 0;
            sx = sx > 0 ? sx : 0;
            int64_t yl = int64_t(sy), xl = int64_t(sx), yh = yl + 1, xh = xl + 1;
            if (yl >= h - 1) {
              yl = yh = h - 1;
              sy = float(yl);
            }
            if (xl >= w - 1) {
              xl = xh = w - 1;
              sx = float(xl);
            }
            float ly = sy - float(yl), lx = sx - float(xl), hy = 1 - ly, hx = 1 - lx;
            int64_t p4[4] = {yl * w + xl, yl * w + xh, yh * w + xl, yh * w + xh};
            float w4[4] = {hy * hx, hy * lx, ly * hx, ly * lx};
            for (int k = 0; k < 4; ++k) {
              pos[k] = p4[k];
              wt[k] = w4[k];
            }
          }
          for (int64_t c = 0; c < channels; ++c) {
            const float *v = img + c * h * w;
            float &o = out[c * plane + p];
            if (isMax) {
              float m = wt[0] * v[pos[0]];
              for (int k = 1; k < 4; ++k)
                m = std::fmax(m, wt[k] * v[pos[k]]);
              o = first ? m : std::fmax(o, m);
            } else {
              o += wt[0] * v[pos[0]] + wt[1] * v[pos[1]] + wt[2] * v[pos[2]] + wt[3] * v[pos[3]];
            }
          }
          first = false;
        }
      if (!isMax)
        for (int64_t c = 0; c < channels; ++c)
          out[c * plane + p] /= count;
    }
  }
  return Status::Ok;
}

} // namespace

const KernelDef kDataMovementKernels[] = {
    {"Reshape", nullptr, copyBytes},
    {"Flatten", nullptr, copyBytes},
    {"Squeeze", nullptr, copyBytes},
    {"Unsqueeze", nullptr, copyBytes},
    {"Identity", nullptr, copyBytes},
    {"Dropout", dropoutPrepare, dropout},
    {"Concat", concatPrepare, concat},
    {"Split", splitPrepare, split},
    {"Slice", slicePrepare, slice},
    {"Transpose", transposePrepare, transpose},
    {"Tile", tilePrepare, tile},
    {"Expand", expandPrepare, expand},
    {"DepthToSpace", depthToSpacePrepare, depthToSpace},
    {"SpaceToDepth", spaceToDepthPrepare, spaceToDepth},
    {"Gather", gatherPrepare, gather},
    {"GatherElements", gatherElementsPrepare, gatherElements},
    {"GatherND", gatherNDPrepare, gatherND},
    {"ScatterElements", scatterElementsPrepare, scatterElements},
    {"ScatterND", scatterNDPrepare, scatterND},
    {"Pad", padPrepare, pad},
    {"Shape", shapePrepare, shape},
    {"Size", shapePrepare, size},
    {"ConstantOfShape", constantOfShapePrepare, constantOfShape},
    {"Range", rangePrepare, range},
    {"EyeLike", eyeLikePrepare, eyeLike},
    {"OneHot", oneHotPrepare, oneHot},
    {"ReverseSequence", reverseSequencePrepare, reverseSequence},
    {"Trilu", triluPrepare, trilu},
    {"Resize", resizePrepare, resize},
    {"GridSample", gridSamplePrepare, gridSample},
    {"RoiAlign", roiAlignPrepare, roiAlign},
};
const int kNumDataMovementKernels = sizeof(kDataMovementKernels) / sizeof(kDataMovementKernels[0]);

} // namespace iron::rt::reference
