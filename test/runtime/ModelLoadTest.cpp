//===- ModelLoadTest.cpp - The loader's checks of the memory plan ---------===//
//
// A damaged plan must be rejected when the model loads, before a host tool
// tries to allocate the arena it names.
//
//===----------------------------------------------------------------------===//

#include "iron/runtime/Interpreter.h"
#include "iron_generated.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace iron::rt;
namespace fb = iron::fb;

namespace {

/// y = Relu(x) over 16 floats, both in the arena (x at 0, y at 64), with a
/// plan of `arenaBytes`.
std::vector<uint8_t> reluModel(uint64_t arenaBytes) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<int64_t> shape = {16};
  auto tensor = [&](const char *name, uint64_t offset) {
    return fb::CreateTensor(b, b.CreateString(name), fb::ElementType::f32,
                            b.CreateVector(shape), fb::TensorKind::activation,
                            0, offset, 64);
  };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {tensor("x", 0),
                                                          tensor("y", 64)};
  std::vector<int32_t> in = {0}, out = {1};
  auto op = fb::CreateOperator(b, b.CreateString("Relu"), b.CreateVector(in),
                               b.CreateVector(out));
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {op};
  auto plan = fb::CreateMemoryPlan(b, arenaBytes, 128);
  auto model = fb::CreateModel(b, kSchemaVersion, b.CreateString("test"), 0, 0,
                               b.CreateVector(tensors), b.CreateVector(ops),
                               b.CreateVector(in), b.CreateVector(out), 0, plan);
  b.Finish(model, fb::ModelIdentifier());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

TEST(ModelLoad, AcceptsAPlanThatHoldsItsTensors) {
  std::vector<uint8_t> bytes = reluModel(128);
  Model m;
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::Ok) << m.error();
}

// A bit flip in arena_bytes once asked iron-run for exabytes.
TEST(ModelLoad, RejectsAnArenaLargerThanAllItsTensors) {
  std::vector<uint8_t> bytes = reluModel(uint64_t(1) << 62);
  Model m;
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::InvalidModel);
  EXPECT_NE(std::string(m.error()).find("exceeds the 128 bytes of all its tensors"),
            std::string::npos)
      << m.error();
}

} // namespace
