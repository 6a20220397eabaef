//===- ElementwiseProgram.cpp - The Elementwise and Gelu kernels ----------===//
//
// Elementwise evaluates a small register program ("OP DST SRC1 [SRC2]
// [IMM...]", IronOps.td) over blocks of kBlock result elements: each
// instruction is one tight loop over the block, so arithmetic vectorizes
// and every temporary stays in L1. Inputs of the result's shape are read in
// place; broadcast inputs are gathered into a block buffer along
// precomputed (coalesced) strides, and single-element inputs are filled
// once. The last instruction writes straight into Y, after every other
// read of the block, so Y may even overwrite input 0.
//
// The loops are compiled per instruction set (portable, AVX2, AVX-512),
// with exp and sigmoid inlined (Epilogue.h's expOf), and picked at run time.
// prepare parses and checks the program and sizes the scratch; eval parses
// it again into scratch (a few microseconds) and allocates nothing.
//
//===----------------------------------------------------------------------===//

#include "kernels/KernelUtil.h"
#include "kernels/optimized/Epilogue.h"
#include "kernels/optimized/Families.h"
#include "kernels/optimized/Gemm.h"

#include <cstdlib>
#include <cstring>

namespace iron::rt::optimized {
namespace {

constexpr int64_t kBlock = 256;
constexpr int kMaxInstructions = 128;
constexpr int kMaxTemporaries = 64;
constexpr int kMaxInputs = 64;

enum class Op : uint8_t {
  Add, Sub, Mul, Div, Min, Max, Pow,
  Neg, Abs, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Erf, Reciprocal, HardSwish, Mov,
  Clip, LeakyRelu, HardSigmoid,
};

struct OpInfo {
  const char *name;
  Op op;
  int sources, immediates;
};

const OpInfo kOps[] = {
    {"Add", Op::Add, 2, 0},         {"Sub", Op::Sub, 2, 0},
    {"Mul", Op::Mul, 2, 0},         {"Div", Op::Div, 2, 0},
    {"Min", Op::Min, 2, 0},         {"Max", Op::Max, 2, 0},
    {"Pow", Op::Pow, 2, 0},         {"Neg", Op::Neg, 1, 0},
    {"Abs", Op::Abs, 1, 0},         {"Relu", Op::Relu, 1, 0},
    {"Sigmoid", Op::Sigmoid, 1, 0}, {"Tanh", Op::Tanh, 1, 0},
    {"Exp", Op::Exp, 1, 0},         {"Log", Op::Log, 1, 0},
    {"Sqrt", Op::Sqrt, 1, 0},       {"Erf", Op::Erf, 1, 0},
    {"Reciprocal", Op::Reciprocal, 1, 0}, {"HardSwish", Op::HardSwish, 1, 0},
    {"Mov", Op::Mov, 1, 0},         {"Clip", Op::Clip, 1, 2},
    {"LeakyRelu", Op::LeakyRelu, 1, 1}, {"HardSigmoid", Op::HardSigmoid, 1, 2},
};

/// Registers are slots: inputs first (slot i = input i), then temporaries
/// in the order the program first writes them.
struct Instr {
  Op op;
  uint16_t dst, src[2];
  float imm[2];
};

struct Program {
  int numInstructions = 0, numTemporaries = 0;
  Instr code[kMaxInstructions];
};

/// The next space-separated token of s at *pos: [begin, end).
bool nextToken(const char *s, size_t *pos, size_t *begin, size_t *end) {
  size_t p = *pos;
  while (s[p] == ' ')
    ++p;
  if (!s[p])
    return false;
  *begin = p;
  while (s[p] && s[p] != ' ')
    ++p;
  *end = p;
  *pos = p;
  return true;
}

/// "i12" or "t3": the kind ('i' or 't') and the number.
bool parseRegister(const char *s, size_t begin, size_t end, char *kind, long *index) {
  if (end - begin < 2 || (s[begin] != 'i' && s[begin] != 't'))
    return false;
  long v = 0;
  for (size_t p = begin + 1; p < end; ++p) {
    if (s[p] < '0' || s[p] > '9' || v > 1000000)
      return false;
    v = v * 10 + (s[p] - '0');
  }
  *kind = s[begin];
  *index = v;
  return true;
}

/// Parses and checks the program of `ctx` into *out (or only checks it,
/// with out null). Temporaries get slots numInputs, numInputs + 1, ...
Status parseProgram(const KernelContext &ctx, int numInputs, Program *out) {
  const char *text[kMaxInstructions];
  int n = ctx.attrs.getStrings("program", text, kMaxInstructions);
  if (n <= 0)
    return ctx.fail("needs a program of at least one instruction");
  if (n > kMaxInstructions)
    return ctx.fail("program has %d instructions, at most %d supported", n, kMaxInstructions);
  long temporaries[kMaxTemporaries]; // the t<N> of each slot
  int numTemporaries = 0;
  auto slotOf = [&](long t) {
    for (int i = 0; i < numTemporaries; ++i)
      if (temporaries[i] == t)
        return i;
    return -1;
  };
  for (int k = 0; k < n; ++k) {
    const char *s = text[k];
    size_t pos = 0, b = 0, e = 0;
    if (!nextToken(s, &pos, &b, &e))
      return ctx.fail("instruction %d is empty", k);
    const OpInfo *info = nullptr;
    for (const OpInfo &o : kOps)
      if (std::strlen(o.name) == e - b && std::memcmp(o.name, s + b, e - b) == 0)
        info = &o;
    if (!info)
      return ctx.fail("instruction %d '%s': unknown OP", k, s);
    Instr in{info->op, 0, {0, 0}, {0.0f, 0.0f}};
    char kind;
    long index;
    if (!nextToken(s, &pos, &b, &e) || !parseRegister(s, b, e, &kind, &index) || kind != 't')
      return ctx.fail("instruction %d '%s': DST must be a temporary t<N>", k, s);
    long dst = index;
    for (int i = 0; i < info->sources; ++i) {
      if (!nextToken(s, &pos, &b, &e) || !parseRegister(s, b, e, &kind, &index))
        return ctx.fail("instruction %d '%s': needs %d source registers", k, s, info->sources);
      if (kind == 'i') {
        if (index >= numInputs)
          return ctx.fail("instruction %d '%s': reads input %ld of %d", k, s, index, numInputs);
        in.src[i] = uint16_t(index);
      } else {
        int slot = slotOf(index);
        if (slot < 0)
          return ctx.fail("instruction %d '%s': t%ld is read before it is written", k, s, index);
        in.src[i] = uint16_t(numInputs + slot);
      }
    }
    for (int i = 0; i < info->immediates; ++i) {
      if (!nextToken(s, &pos, &b, &e))
        return ctx.fail("instruction %d '%s': needs %d immediates", k, s, info->immediates);
      char number[64];
      size_t len = e - b < sizeof number - 1 ? e - b : sizeof number - 1;
      std::memcpy(number, s + b, len);
      number[len] = 0;
      char *stop = nullptr;
      in.imm[i] = std::strtof(number, &stop);
      if (stop != number + len || len == 0)
        return ctx.fail("instruction %d '%s': immediate '%s' is not a number", k, s, number);
    }
    if (nextToken(s, &pos, &b, &e))
      return ctx.fail("instruction %d '%s': too many operands", k, s);
    int slot = slotOf(dst);
    if (slot < 0) {
      if (numTemporaries == kMaxTemporaries)
        return ctx.fail("program uses more than %d temporaries", kMaxTemporaries);
      temporaries[numTemporaries] = dst;
      slot = numTemporaries++;
    }
    in.dst = uint16_t(numInputs + slot);
    if (out)
      out->code[k] = in;
  }
  if (out) {
    out->numInstructions = n;
    out->numTemporaries = numTemporaries;
  }
  return Status::Ok;
}

/// How one input is read for a block of result elements.
struct InputWalk {
  enum Kind : uint8_t { Direct, Constant, Gather } kind = Direct;
  int rank = 0; // of the coalesced dims
  int64_t shape[kMaxRank], stride[kMaxRank];
};

/// Right-aligns `in` to `out`, gives broadcast dims stride 0 and merges
/// dims the input walks as one (both broadcast, or contiguous).
void makeWalk(const TensorView &in, const TensorView &out, InputWalk &w) {
  if (sameShape(in, out)) {
    w.kind = InputWalk::Direct;
    return;
  }
  if (in.numel() == 1) {
    w.kind = InputWalk::Constant;
    return;
  }
  w.kind = InputWalk::Gather;
  int64_t inStrides[kMaxRank];
  stridesOf(in, inStrides);
  int offset = out.rank - in.rank;
  w.rank = 0;
  for (int d = 0; d < out.rank; ++d) {
    int id = d - offset;
    int64_t size = out.shape[d];
    int64_t stride = (id < 0 || in.shape[id] == 1) ? 0 : inStrides[id];
    if (size == 1)
      continue;
    if (w.rank > 0 && w.stride[w.rank - 1] == stride * size) {
      w.shape[w.rank - 1] *= size;
      w.stride[w.rank - 1] = stride;
      continue;
    }
    w.shape[w.rank] = size;
    w.stride[w.rank] = stride;
    ++w.rank;
  }
  if (w.rank == 0) {
    w.rank = 1;
    w.shape[0] = 1;
    w.stride[0] = 0;
  }
}

/// dst[0, n) = the input's elements for result elements [e0, e0 + n).
void gather(const InputWalk &w, const float *in, int64_t e0, int64_t n, float *dst) {
  int64_t idx[kMaxRank], off = 0, rem = e0;
  for (int d = w.rank - 1; d >= 0; --d) {
    idx[d] = rem % w.shape[d];
    rem /= w.shape[d];
    off += idx[d] * w.stride[d];
  }
  const int last = w.rank - 1;
  const int64_t inner = w.shape[last], stride = w.stride[last];
  while (n > 0) {
    int64_t len = inner - idx[last] < n ? inner - idx[last] : n;
    if (stride == 0) {
      float v = in[off];
      for (int64_t j = 0; j < len; ++j)
        dst[j] = v;
    } else if (stride == 1) {
      std::memcpy(dst, in + off, size_t(len) * sizeof(float));
    } else {
      for (int64_t j = 0; j < len; ++j)
        dst[j] = in[off + j * stride];
    }
    dst += len;
    n -= len;
    off += len * stride;
    idx[last] += len;
    for (int d = last; d > 0 && idx[d] == w.shape[d]; --d) {
      off -= w.shape[d] * w.stride[d];
      idx[d] = 0;
      ++idx[d - 1];
      off += w.stride[d - 1];
    }
  }
}

/// One instruction over n elements. Each operation matches the reference
/// kernel of its ONNX operator.
IRON_ALWAYS_INLINE void runBody(const Instr &in, const float *a, const float *b, float *y,
                                int64_t n) {
  switch (in.op) {
  case Op::Add: for (int64_t j = 0; j < n; ++j) y[j] = a[j] + b[j]; return;
  case Op::Sub: for (int64_t j = 0; j < n; ++j) y[j] = a[j] - b[j]; return;
  case Op::Mul: for (int64_t j = 0; j < n; ++j) y[j] = a[j] * b[j]; return;
  case Op::Div: for (int64_t j = 0; j < n; ++j) y[j] = a[j] / b[j]; return;
  // NaN propagates, as numpy's minimum and maximum.
  case Op::Min:
    for (int64_t j = 0; j < n; ++j)
      y[j] = (b[j] != b[j] || b[j] < a[j]) ? b[j] : a[j];
    return;
  case Op::Max:
    for (int64_t j = 0; j < n; ++j)
      y[j] = (b[j] != b[j] || b[j] > a[j]) ? b[j] : a[j];
    return;
  case Op::Pow: for (int64_t j = 0; j < n; ++j) y[j] = std::pow(a[j], b[j]); return;
  case Op::Neg: for (int64_t j = 0; j < n; ++j) y[j] = -a[j]; return;
  case Op::Abs: for (int64_t j = 0; j < n; ++j) y[j] = std::fabs(a[j]); return;
  case Op::Relu: for (int64_t j = 0; j < n; ++j) y[j] = a[j] < 0.0f ? 0.0f : a[j]; return;
  case Op::Sigmoid: for (int64_t j = 0; j < n; ++j) y[j] = sigmoidOf(a[j]); return;
  case Op::Tanh: for (int64_t j = 0; j < n; ++j) y[j] = tanhOf(a[j]); return;
  case Op::Exp: for (int64_t j = 0; j < n; ++j) y[j] = expOf(a[j]); return;
  case Op::Log: for (int64_t j = 0; j < n; ++j) y[j] = std::log(a[j]); return;
  case Op::Sqrt: for (int64_t j = 0; j < n; ++j) y[j] = std::sqrt(a[j]); return;
  case Op::Erf: for (int64_t j = 0; j < n; ++j) y[j] = erfOf(a[j]); return;
  case Op::Reciprocal: for (int64_t j = 0; j < n; ++j) y[j] = 1.0f / a[j]; return;
  case Op::HardSwish: for (int64_t j = 0; j < n; ++j) y[j] = hardSwishOf(a[j]); return;
  case Op::Mov:
    if (y != a)
      std::memcpy(y, a, size_t(n) * sizeof(float));
    return;
  case Op::Clip: {
    const float lo = in.imm[0], hi = in.imm[1];
    for (int64_t j = 0; j < n; ++j)
      y[j] = clipOf(a[j], lo, hi);
    return;
  }
  case Op::LeakyRelu: {
    const float alpha = in.imm[0];
    for (int64_t j = 0; j < n; ++j)
      y[j] = a[j] < 0.0f ? alpha * a[j] : a[j];
    return;
  }
  case Op::HardSigmoid: {
    const float alpha = in.imm[0], beta = in.imm[1];
    for (int64_t j = 0; j < n; ++j)
      y[j] = hardSigmoidOf(a[j], alpha, beta);
    return;
  }
  }
}

// One copy of the loops per instruction set (see Epilogue.h).
void runGeneric(const Instr &in, const float *a, const float *b, float *y, int64_t n) {
  runBody(in, a, b, y, n);
}
#if IRON_VECTOR_X86
IRON_VECTOR_AVX2 void runAvx2(const Instr &in, const float *a, const float *b, float *y,
                              int64_t n) {
  runBody(in, a, b, y, n);
}
IRON_VECTOR_AVX512 void runAvx512(const Instr &in, const float *a, const float *b, float *y,
                                  int64_t n) {
  runBody(in, a, b, y, n);
}
#endif

using RunFn = void (*)(const Instr &, const float *, const float *, float *, int64_t);
RunFn runFor(Isa isa) {
#if IRON_VECTOR_X86
  if (isa == Isa::Avx512)
    return runAvx512;
  if (isa == Isa::Avx2)
    return runAvx2;
#endif
  (void)isa;
  return runGeneric;
}

/// Inputs present, f32, broadcasting to Y without changing it.
Status checkOperands(const KernelContext &ctx) {
  const TensorView *y = ctx.output(0);
  if (!y || y->dtype != DType::F32)
    return ctx.fail("needs an f32 output");
  if (ctx.numInputs < 1 || ctx.numInputs > kMaxInputs)
    return ctx.fail("needs 1 to %d inputs, got %d", kMaxInputs, ctx.numInputs);
  for (int i = 0; i < ctx.numInputs; ++i) {
    const TensorView *x = ctx.input(i);
    if (!x || x->dtype != DType::F32)
      return ctx.fail("input %d must be present and f32", i);
    bool ok = x->rank <= y->rank;
    for (int d = 1; ok && d <= x->rank; ++d)
      ok = x->shape[x->rank - d] == 1 || x->shape[x->rank - d] == y->shape[y->rank - d];
    if (!ok)
      return ctx.fail("input %d does not broadcast to Y's shape", i);
  }
  return Status::Ok;
}

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

/// Scratch: the program, one walk per input, then a block buffer per
/// input and per temporary.
struct Layout {
  size_t walks, registers, total;
};
Layout layoutFor(int numInputs, int numTemporaries) {
  Layout l;
  l.walks = align64(sizeof(Program));
  l.registers = l.walks + align64(sizeof(InputWalk) * size_t(numInputs));
  l.total = l.registers + size_t(numInputs + numTemporaries) * kBlock * sizeof(float) + 64;
  return l;
}

} // namespace

Status elementwisePrepare(KernelContext &ctx, size_t *scratchBytes) {
  if (Status st = checkOperands(ctx); st != Status::Ok)
    return st;
  // Only checking: eval parses the program into scratch.
  if (Status st = parseProgram(ctx, ctx.numInputs, nullptr); st != Status::Ok)
    return st;
  // At most one temporary per instruction.
  const char *text[1];
  int n = ctx.attrs.getStrings("program", text, 1);
  int temporaries = n < kMaxTemporaries ? n : kMaxTemporaries;
  *scratchBytes = layoutFor(ctx.numInputs, temporaries).total;
  return Status::Ok;
}

Status elementwiseEval(KernelContext &ctx) {
  if (Status st = checkOperands(ctx); st != Status::Ok)
    return st;
  auto base = reinterpret_cast<uintptr_t>(ctx.scratch);
  auto *scratch = reinterpret_cast<uint8_t *>((base + 63) / 64 * 64);
  const int numInputs = ctx.numInputs;
  Layout minimal = layoutFor(numInputs, 0);
  if (!ctx.scratch || ctx.scratchBytes < minimal.total)
    return ctx.fail("scratch of %zu bytes, at least %zu needed", ctx.scratchBytes, minimal.total);
  auto *program = reinterpret_cast<Program *>(scratch);
  if (Status st = parseProgram(ctx, numInputs, program); st != Status::Ok)
    return st;
  Layout l = layoutFor(numInputs, program->numTemporaries);
  if (ctx.scratchBytes < l.total)
    return ctx.fail("scratch of %zu bytes, %zu needed", ctx.scratchBytes, l.total);
  auto *walks = reinterpret_cast<InputWalk *>(scratch + l.walks);
  auto *buffers = reinterpret_cast<float *>(scratch + l.registers);
  TensorView &y = *ctx.output(0);
  const int64_t total = y.numel();
  float *out = y.as<float>();

  // Register slot r reads regs[r] for the current block.
  const float *regs[kMaxInputs + kMaxTemporaries];
  float *bufferOf[kMaxInputs + kMaxTemporaries];
  const int slots = numInputs + program->numTemporaries;
  for (int r = 0; r < slots; ++r)
    bufferOf[r] = buffers + int64_t(r) * kBlock;
  for (int i = 0; i < numInputs; ++i) {
    makeWalk(*ctx.input(i), y, walks[i]);
    if (walks[i].kind == InputWalk::Constant) { // filled once for all blocks
      float v = ctx.input(i)->as<float>()[0];
      for (int64_t j = 0; j < kBlock; ++j)
        bufferOf[i][j] = v;
    }
  }
  const Instr *code = program->code;
  const int last = program->numInstructions - 1;
  const RunFn run = runFor(activeIsa());
  for (int64_t e0 = 0; e0 < total; e0 += kBlock) {
    const int64_t n = total - e0 < kBlock ? total - e0 : kBlock;
    for (int i = 0; i < numInputs; ++i) {
      const float *x = ctx.input(i)->as<float>();
      switch (walks[i].kind) {
      case InputWalk::Direct: regs[i] = x + e0; break;
      case InputWalk::Constant: regs[i] = bufferOf[i]; break;
      case InputWalk::Gather:
        gather(walks[i], x, e0, n, bufferOf[i]);
        regs[i] = bufferOf[i];
        break;
      }
    }
    for (int k = 0; k <= last; ++k) {
      const Instr &in = code[k];
      float *dst = k == last ? out + e0 : bufferOf[in.dst];
      run(in, regs[in.src[0]], regs[in.src[1]], dst, n);
      regs[in.dst] = dst;
    }
  }
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

namespace {
Status geluActivation(const KernelContext &ctx, Activation *act) {
  size_t length = 0;
  const char *a = ctx.attrs.getString("approximate", "none", &length);
  if (length == 4 && std::memcmp(a, "none", 4) == 0)
    *act = Activation::Gelu;
  else if (length == 4 && std::memcmp(a, "tanh", 4) == 0)
    *act = Activation::GeluTanh;
  else
    return ctx.fail("approximate must be \"none\" or \"tanh\", got \"%.*s\"", int(length), a);
  const TensorView *x = ctx.input(0), *y = ctx.output(0);
  if (!x || !y || x->dtype != DType::F32 || y->dtype != DType::F32 || x->numel() != y->numel())
    return ctx.fail("needs f32 X and Y of one size");
  return Status::Ok;
}
} // namespace

Status geluPrepare(KernelContext &ctx, size_t *scratchBytes) {
  *scratchBytes = 0;
  Activation act = Activation::Gelu;
  return geluActivation(ctx, &act);
}

Status geluEval(KernelContext &ctx) {
  Activation act = Activation::Gelu;
  if (Status st = geluActivation(ctx, &act); st != Status::Ok)
    return st;
  applyActivation(act, 0.0f, 0.0f, ctx.input(0)->as<float>(), ctx.output(0)->as<float>(),
                  ctx.output(0)->numel());
  return Status::Ok;
}

} // namespace iron::rt::optimized
