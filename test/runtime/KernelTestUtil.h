//===- KernelTestUtil.h - Running one runtime kernel in a test ------------===//
//
//   KernelRunner conv("Conv", {ints("strides", {2, 2}), integer("group", 1)});
//   OwnedTensor x = OwnedTensor::f32({1, 3, 8, 8}, values);
//   OwnedTensor y = OwnedTensor::zeros(DType::F32, {1, 4, 3, 3});
//   ASSERT_EQ(conv.run({&x, &w, nullptr}, {&y}), Status::Ok) << conv.message();
//
// The operator (kind and attributes) is built as a real artifact Operator
// with FlatBuffers, so kernels read attributes exactly as they do at run
// time; prepare() runs first and its scratch request is honoured.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_TEST_RUNTIME_KERNELTESTUTIL_H
#define IRON_TEST_RUNTIME_KERNELTESTUTIL_H

#include "iron/runtime/Kernel.h"
#include "iron_generated.h"

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace iron::rt::test {

struct AttrSpec {
  std::string name;
  fb::AttributeKind kind;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  const struct OwnedTensor *tensor = nullptr;
};
inline AttrSpec integer(std::string n, int64_t v) { return {n, fb::AttributeKind::int_, v}; }
inline AttrSpec real(std::string n, float v) { return {n, fb::AttributeKind::float_, 0, v}; }
inline AttrSpec str(std::string n, std::string v) {
  AttrSpec a{n, fb::AttributeKind::string_};
  a.s = v;
  return a;
}
inline AttrSpec ints(std::string n, std::vector<int64_t> v) {
  AttrSpec a{n, fb::AttributeKind::ints};
  a.ints = v;
  return a;
}
inline AttrSpec floats(std::string n, std::vector<float> v) {
  AttrSpec a{n, fb::AttributeKind::floats};
  a.floats = v;
  return a;
}
inline AttrSpec strings(std::string n, std::vector<std::string> v) {
  AttrSpec a{n, fb::AttributeKind::strings};
  a.strings = v;
  return a;
}

struct OwnedTensor;
/// A tensor-valued attribute (e.g. ConstantOfShape's `value`).
inline AttrSpec tensor(std::string n, const OwnedTensor *t) {
  AttrSpec a{n, fb::AttributeKind::tensor};
  a.tensor = t;
  return a;
}

/// A tensor that owns its (64-byte aligned) storage.
struct OwnedTensor {
  std::vector<uint8_t> storage;
  TensorView view;

  OwnedTensor(DType t, std::vector<int64_t> shape) {
    view.dtype = t;
    view.rank = int(shape.size());
    for (size_t i = 0; i < shape.size(); ++i)
      view.shape[i] = shape[i];
    storage.assign(view.bytes() + 64, 0);
    auto p = reinterpret_cast<uintptr_t>(storage.data());
    view.data = reinterpret_cast<void *>((p + 63) / 64 * 64);
  }
  static OwnedTensor zeros(DType t, std::vector<int64_t> shape) { return OwnedTensor(t, shape); }
  template <typename T>
  static OwnedTensor of(DType t, std::vector<int64_t> shape, const std::vector<T> &values) {
    OwnedTensor o(t, shape);
    if (!values.empty())
      std::memcpy(o.view.data, values.data(), std::min(o.view.bytes(), values.size() * sizeof(T)));
    return o;
  }
  static OwnedTensor f32(std::vector<int64_t> shape, const std::vector<float> &v) {
    return of(DType::F32, shape, v);
  }
  static OwnedTensor i64(std::vector<int64_t> shape, const std::vector<int64_t> &v) {
    return of(DType::I64, shape, v);
  }
  template <typename T> std::vector<T> values() const {
    const T *p = view.as<T>();
    return std::vector<T>(p, p + view.numel());
  }
  OwnedTensor(OwnedTensor &&o) noexcept : storage(std::move(o.storage)), view(o.view) {}
};

class KernelRunner {
public:
  KernelRunner(const char *kind, std::vector<AttrSpec> attrs = {}) : kind_(kind) {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<fb::Attribute>> list;
    for (const AttrSpec &a : attrs) {
      int tensorIndex = -1;
      if (a.tensor) {
        tensorIndex = int(attrTensors_.size());
        attrTensors_.push_back(a.tensor);
      }
      list.push_back(fb::CreateAttribute(
          fbb, fbb.CreateString(a.name), a.kind, a.i, a.f,
          a.kind == fb::AttributeKind::string_ ? fbb.CreateString(a.s) : 0,
          a.kind == fb::AttributeKind::ints ? fbb.CreateVector(a.ints) : 0,
          a.kind == fb::AttributeKind::floats ? fbb.CreateVector(a.floats) : 0,
          a.kind == fb::AttributeKind::strings ? fbb.CreateVectorOfStrings(a.strings) : 0,
          tensorIndex));
    }
    auto op = fb::CreateOperator(fbb, fbb.CreateString(kind), 0, 0,
                                 fbb.CreateVectorOfSortedTables(&list));
    fbb.Finish(op);
    buffer_.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  }

  /// Runs prepare (if any) and eval of the kernel findKernel picks; nullptr
  /// inputs are absent optionals.
  Status run(std::vector<const OwnedTensor *> inputs, std::vector<OwnedTensor *> outputs) {
    return run(findKernel(kind_.c_str()), std::move(inputs), std::move(outputs));
  }

  /// The same with a given kernel (e.g. the reference one, to compare).
  Status run(const KernelDef *def, std::vector<const OwnedTensor *> inputs,
             std::vector<OwnedTensor *> outputs) {
    if (!def) {
      message_ = "no kernel for " + kind_;
      return Status::UnsupportedKernel;
    }
    std::vector<const TensorView *> in;
    for (auto *t : inputs)
      in.push_back(t ? &t->view : nullptr);
    std::vector<TensorView *> out;
    for (auto *t : outputs)
      out.push_back(&t->view);
    char message[512] = "";
    KernelContext ctx;
    ctx.kind = kind_.c_str();
    ctx.node = "test";
    ctx.inputs = in.data();
    ctx.numInputs = int(in.size());
    ctx.outputs = out.data();
    ctx.numOutputs = int(out.size());
    ctx.attrs = Attributes(flatbuffers::GetRoot<fb::Operator>(buffer_.data()));
    std::vector<TensorView> tensors;
    for (const OwnedTensor *t : attrTensors_)
      tensors.push_back(t->view);
    ctx.tensors = tensors.data();
    ctx.numTensors = int(tensors.size());
    ctx.message = message;
    ctx.messageSize = sizeof message;
    size_t scratch = 0;
    Status s = Status::Ok;
    if (def->prepare)
      s = def->prepare(ctx, &scratch);
    if (s == Status::Ok) {
      scratch_.assign(scratch + 64, 0xFF); // NaN garbage: kernels must initialize
      auto p = reinterpret_cast<uintptr_t>(scratch_.data());
      ctx.scratch = reinterpret_cast<void *>((p + 63) / 64 * 64);
      ctx.scratchBytes = scratch;
      s = def->eval(ctx);
    }
    message_ = message;
    return s;
  }
  const std::string &message() const { return message_; }

private:
  std::string kind_, message_;
  std::vector<uint8_t> buffer_, scratch_;
  std::vector<const OwnedTensor *> attrTensors_;
};

} // namespace iron::rt::test

#endif
