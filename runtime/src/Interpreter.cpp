//===- Interpreter.cpp - Loading and running a compiled model -------------===//

#include "iron/runtime/Interpreter.h"

#include "iron_generated.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace iron::rt {

namespace {
constexpr size_t kAlign = 64;
size_t alignUp(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }
} // namespace

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

Status Model::fail(Status s, const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(error_, sizeof error_, format, args);
  va_end(args);
  model_ = nullptr;
  return s;
}

Status Model::load(const void *data, size_t size) {
  model_ = nullptr;
  error_[0] = 0;
  if (!data || size < 8)
    return fail(Status::InvalidModel, "artifact is empty or truncated (%zu bytes)", size);
  if (!fb::ModelBufferHasIdentifier(data))
    return fail(Status::InvalidModel,
                "not an Iron artifact (file identifier is not '%s')",
                fb::ModelIdentifier());
  flatbuffers::Verifier verifier(static_cast<const uint8_t *>(data), size);
  if (!fb::VerifyModelBuffer(verifier))
    return fail(Status::InvalidModel,
                "artifact fails verification (truncated or corrupted)");
  const fb::Model *m = fb::GetModel(data);
  if (m->schema_version() / 1000 != kSchemaVersion / 1000)
    return fail(Status::VersionMismatch,
                "artifact schema version %u.%u; this runtime reads %u.x",
                m->schema_version() / 1000, m->schema_version() % 1000,
                kSchemaVersion / 1000);
  if (!m->tensors() || !m->operators() || !m->inputs() || !m->outputs() || !m->plan())
    return fail(Status::InvalidModel, "artifact lacks tensors, operators, inputs, outputs or plan");

  // Every index and size is checked here, once, so kernels can trust them.
  uint32_t numTensors = m->tensors()->size();
  uint32_t numBuffers = m->buffers() ? m->buffers()->size() : 0;
  uint64_t arena = m->plan()->arena_bytes();
  // No plan needs more than every arena tensor laid end to end.
  uint64_t endToEnd = 0;
  for (uint32_t i = 0; i < numTensors; ++i) {
    const fb::Tensor *t = m->tensors()->Get(i);
    auto dtype = DType(t->type());
    if (dtypeSize(dtype) == 0)
      return fail(Status::InvalidModel, "tensor %u has an invalid element type", i);
    uint32_t rank = t->shape() ? t->shape()->size() : 0;
    if (rank > kMaxRank)
      return fail(Status::InvalidModel, "tensor %u has rank %u > %d", i, rank, kMaxRank);
    uint64_t numel = 1;
    for (uint32_t d = 0; d < rank; ++d) {
      int64_t dim = t->shape()->Get(d);
      if (dim < 0 || dim > (int64_t(1) << 40))
        return fail(Status::InvalidModel, "tensor %u has dimension %lld", i, (long long)dim);
      numel *= uint64_t(dim);
    }
    if (t->bytes() != numel * dtypeSize(dtype))
      return fail(Status::InvalidModel, "tensor %u: %llu bytes recorded, shape needs %llu", i,
                  (unsigned long long)t->bytes(), (unsigned long long)(numel * dtypeSize(dtype)));
    if (t->kind() == fb::TensorKind::constant) {
      if (t->buffer() >= numBuffers || !m->buffers()->Get(t->buffer())->data() ||
          m->buffers()->Get(t->buffer())->data()->size() < t->bytes())
        return fail(Status::InvalidModel, "constant tensor %u has no buffer of %llu bytes", i,
                    (unsigned long long)t->bytes());
    } else if (t->arena_offset() % kAlign || t->arena_offset() + t->bytes() > arena) {
      return fail(Status::InvalidModel,
                  "tensor %u lies outside the %llu-byte arena or is misaligned", i,
                  (unsigned long long)arena);
    } else {
      endToEnd += (t->bytes() + kAlign - 1) / kAlign * kAlign;
    }
  }
  if (arena > endToEnd)
    return fail(Status::InvalidModel,
                "the plan's arena of %llu bytes exceeds the %llu bytes of all its tensors",
                (unsigned long long)arena, (unsigned long long)endToEnd);
  for (uint32_t o = 0; o < m->operators()->size(); ++o) {
    const fb::Operator *op = m->operators()->Get(o);
    if (!op->kind() || !op->outputs())
      return fail(Status::InvalidModel, "operator %u lacks a kind or outputs", o);
    if (op->inputs())
      for (int32_t idx : *op->inputs())
        if (idx < -1 || idx >= int32_t(numTensors))
          return fail(Status::InvalidModel, "operator %u reads tensor %d of %u", o, idx, numTensors);
    for (int32_t idx : *op->outputs())
      if (idx < -1 || idx >= int32_t(numTensors) ||
          (idx >= 0 && m->tensors()->Get(idx)->kind() == fb::TensorKind::constant))
        return fail(Status::InvalidModel, "operator %u writes tensor %d", o, idx);
    if (op->attributes())
      for (const fb::Attribute *a : *op->attributes())
        if (!a->name() || (a->kind() == fb::AttributeKind::tensor &&
                           (a->tensor() < 0 || a->tensor() >= int32_t(numTensors))))
          return fail(Status::InvalidModel, "operator %u has a malformed attribute", o);
  }
  for (const auto *list : {m->inputs(), m->outputs()})
    for (int32_t idx : *list)
      if (idx < 0 || idx >= int32_t(numTensors) ||
          m->tensors()->Get(idx)->kind() == fb::TensorKind::constant)
        return fail(Status::InvalidModel, "graph input/output refers to tensor %d", idx);
  model_ = m;
  return Status::Ok;
}

//===----------------------------------------------------------------------===//
// Interpreter
//===----------------------------------------------------------------------===//

struct Interpreter::Op {
  const fb::Operator *def;
  const KernelDef *kernel;
  const TensorView **inputs;
  int numInputs;
  TensorView **outputs;
  int numOutputs;
  const char *node;
};

Status Interpreter::fail(Status s, const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(error_, sizeof error_, format, args);
  va_end(args);
  return s;
}

Interpreter::Interpreter(const Model &model) : model_(model) {
  const fb::Model *m = model.get();
  if (!m)
    return;
  uint32_t n = m->tensors()->size();
  tensors_ = new TensorView[n];
  for (uint32_t i = 0; i < n; ++i) {
    const fb::Tensor *t = m->tensors()->Get(i);
    TensorView &v = tensors_[i];
    v.dtype = DType(t->type());
    v.rank = t->shape() ? int(t->shape()->size()) : 0;
    for (int d = 0; d < v.rank; ++d)
      v.shape[d] = t->shape()->Get(d);
    if (t->kind() == fb::TensorKind::constant)
      v.data = const_cast<uint8_t *>(m->buffers()->Get(t->buffer())->data()->data());
  }
  uint32_t numOps = m->operators()->size();
  ops_ = new Op[numOps];
  size_t totalIn = 0, totalOut = 0;
  for (const fb::Operator *op : *m->operators()) {
    totalIn += op->inputs() ? op->inputs()->size() : 0;
    totalOut += op->outputs()->size();
  }
  inputPtrs_ = new const TensorView *[totalIn + 1];
  outputPtrs_ = new TensorView *[totalOut + 1];
  size_t in = 0, out = 0;
  for (uint32_t o = 0; o < numOps; ++o) {
    const fb::Operator *def = m->operators()->Get(o);
    Op &op = ops_[o];
    op.def = def;
    op.kernel = nullptr;
    op.inputs = inputPtrs_ + in;
    op.numInputs = def->inputs() ? int(def->inputs()->size()) : 0;
    for (int i = 0; i < op.numInputs; ++i) {
      int32_t idx = def->inputs()->Get(i);
      inputPtrs_[in++] = idx < 0 ? nullptr : &tensors_[idx];
    }
    op.outputs = outputPtrs_ + out;
    op.numOutputs = int(def->outputs()->size());
    for (int i = 0; i < op.numOutputs; ++i) {
      int32_t idx = def->outputs()->Get(i);
      outputPtrs_[out++] = idx < 0 ? nullptr : &tensors_[idx];
    }
    op.node = def->onnx_nodes() && def->onnx_nodes()->size()
                  ? def->onnx_nodes()->Get(0)->c_str()
                  : "";
  }
}

KernelContext Interpreter::contextFor(const Op &op) {
  KernelContext ctx;
  ctx.kind = op.def->kind()->c_str();
  ctx.node = op.node;
  ctx.inputs = op.inputs;
  ctx.numInputs = op.numInputs;
  ctx.outputs = op.outputs;
  ctx.numOutputs = op.numOutputs;
  ctx.attrs = Attributes(op.def);
  ctx.tensors = tensors_;
  ctx.numTensors = int(model_.get()->tensors()->size());
  ctx.message = error_;
  ctx.messageSize = sizeof error_;
  return ctx;
}

Interpreter::~Interpreter() {
  delete[] tensors_;
  delete[] ops_;
  delete[] inputPtrs_;
  delete[] outputPtrs_;
}

Status Interpreter::computeScratch() {
  if (scratchKnown_)
    return Status::Ok;
  const fb::Model *m = model_.get();
  if (!m)
    return fail(Status::InvalidModel, "the model did not load: %s", model_.error());
  scratchBytes_ = 0;
  for (uint32_t o = 0; o < m->operators()->size(); ++o) {
    Op &op = ops_[o];
    const char *kind = op.def->kind()->c_str();
    op.kernel = findKernel(kind);
    if (!op.kernel)
      return fail(Status::UnsupportedKernel, "no kernel for '%s' (node '%s')", kind, op.node);
    if (!op.kernel->prepare)
      continue;
    KernelContext ctx = contextFor(op);
    size_t bytes = 0;
    Status s = op.kernel->prepare(ctx, &bytes);
    if (s != Status::Ok)
      return s;
    if (bytes > scratchBytes_)
      scratchBytes_ = bytes;
  }
  scratchKnown_ = true;
  return Status::Ok;
}

size_t Interpreter::requiredArenaBytes() {
  if (computeScratch() != Status::Ok)
    return 0;
  // Slack for aligning whatever pointer the caller passes.
  return alignUp(model_.get()->plan()->arena_bytes()) + alignUp(scratchBytes_) + kAlign;
}

Status Interpreter::prepare(void *arena, size_t arenaBytes) {
  prepared_ = false;
  if (Status s = computeScratch(); s != Status::Ok)
    return s;
  size_t need = requiredArenaBytes();
  if (!arena || arenaBytes < need)
    return fail(Status::ArenaTooSmall, "arena of %zu bytes given, %zu needed", arenaBytes, need);
  auto base = reinterpret_cast<uintptr_t>(arena);
  auto *aligned = reinterpret_cast<uint8_t *>((base + kAlign - 1) / kAlign * kAlign);
  const fb::Model *m = model_.get();
  for (uint32_t i = 0; i < m->tensors()->size(); ++i) {
    const fb::Tensor *t = m->tensors()->Get(i);
    if (t->kind() != fb::TensorKind::constant)
      tensors_[i].data = aligned + t->arena_offset();
  }
  scratch_ = aligned + alignUp(m->plan()->arena_bytes());
  prepared_ = true;
  return Status::Ok;
}

Status Interpreter::invoke() {
  if (!prepared_)
    return fail(Status::BadArgument, "invoke() before a successful prepare()");
  const fb::Model *m = model_.get();
  for (uint32_t o = 0; o < m->operators()->size(); ++o) {
    Op &op = ops_[o];
    KernelContext ctx = contextFor(op);
    ctx.scratch = scratch_;
    ctx.scratchBytes = scratchBytes_;
    std::chrono::steady_clock::time_point start;
    if (profiler_)
      start = std::chrono::steady_clock::now();
    Status s = op.kernel->eval(ctx);
    if (s != Status::Ok) {
      if (s != Status::KernelError)
        fail(s, "%s '%s': %s", ctx.kind, op.node, statusName(s));
      return s;
    }
    if (profiler_) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      profiler_(profilerUser_, KernelProfile{int(o), ctx.kind, op.node, secs});
    }
    if (observer_)
      for (int i = 0; i < op.numOutputs; ++i) {
        int32_t idx = op.def->outputs()->Get(i);
        if (idx < 0)
          continue;
        observer_(observerUser_, idx, m->tensors()->Get(idx)->name()
                                          ? m->tensors()->Get(idx)->name()->c_str()
                                          : "",
                  *op.outputs[i]);
      }
  }
  return Status::Ok;
}

int Interpreter::numInputs() const { return model_.get() ? int(model_.get()->inputs()->size()) : 0; }
int Interpreter::numOutputs() const { return model_.get() ? int(model_.get()->outputs()->size()) : 0; }
TensorView &Interpreter::input(int i) { return tensors_[model_.get()->inputs()->Get(i)]; }
const TensorView &Interpreter::output(int i) const { return tensors_[model_.get()->outputs()->Get(i)]; }
const char *Interpreter::inputName(int i) const {
  auto *t = model_.get()->tensors()->Get(model_.get()->inputs()->Get(i));
  return t->name() ? t->name()->c_str() : "";
}
const char *Interpreter::outputName(int i) const {
  auto *t = model_.get()->tensors()->Get(model_.get()->outputs()->Get(i));
  return t->name() ? t->name()->c_str() : "";
}

} // namespace iron::rt
