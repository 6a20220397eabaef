//===- RuntimeHooksTest.cpp - Compiled models on the runtime, with hooks ---===//
//
// Compiles small ONNX models with the real pipeline (import, plan, emit) and
// runs them on the runtime: the observer sees every produced tensor with
// its values, the profiler sees every kernel with its ONNX node name, the
// loader rejects other schema versions, and arenas that are too small.
//
//===----------------------------------------------------------------------===//

#include "iron/Emit/Artifact.h"
#include "iron/Import/OnnxImporter.h"
#include "iron/runtime/Interpreter.h"

#include "iron_generated.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using iron::rt::Status;

/// y = Relu(x * 2 - 1), named nodes; x = [-1, 0, 1, 2].
const char *kModel = R"(<ir_version: 8, opset_import: ["" : 17]>
g (float[4] x) => (float[4] y) {
  two = Constant <value = float {2.0}> ()
  one = Constant <value = float {1.0}> ()
  m = Mul (x, two)
  s = Sub (m, one)
  y = Relu (s)
}
)";

std::vector<uint8_t> compile(const std::string &text) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("hooks", "onnxtxt", path);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << text;
  }
  mlir::DialectRegistry registry;
  iron::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  iron::ImportReport report;
  auto module = iron::importOnnxModel(context, path, {}, report);
  llvm::sys::fs::remove(path);
  if (!module) {
    std::string s;
    llvm::raw_string_ostream os(s);
    report.print(os);
    ADD_FAILURE() << s;
    return {};
  }
  auto artifact = iron::emitArtifact(*module, {});
  if (!artifact) {
    ADD_FAILURE() << llvm::toString(artifact.takeError());
    return {};
  }
  return artifact->bytes;
}

struct Observed {
  std::map<std::string, std::vector<float>> tensors;
  std::vector<std::string> kernels, nodes;
};

TEST(RuntimeHooks, ObserverAndProfilerSeeEveryKernel) {
  std::vector<uint8_t> bytes = compile(kModel);
  ASSERT_FALSE(bytes.empty());
  iron::rt::Model model;
  ASSERT_EQ(model.load(bytes.data(), bytes.size()), Status::Ok) << model.error();
  iron::rt::Interpreter interp(model);
  std::vector<uint8_t> arena(interp.requiredArenaBytes());
  ASSERT_EQ(interp.prepare(arena.data(), arena.size()), Status::Ok) << interp.error();

  Observed seen;
  interp.setObserver(
      [](void *user, int, const char *name, const iron::rt::TensorView &t) {
        auto *o = static_cast<Observed *>(user);
        o->tensors[name] = std::vector<float>(t.as<float>(), t.as<float>() + t.numel());
      },
      &seen);
  interp.setProfiler(
      [](void *user, const iron::rt::KernelProfile &p) {
        auto *o = static_cast<Observed *>(user);
        o->kernels.push_back(p.kind);
        o->nodes.push_back(p.node);
        EXPECT_GE(p.seconds, 0.0);
      },
      &seen);

  ASSERT_EQ(interp.numInputs(), 1);
  EXPECT_STREQ(interp.inputName(0), "x");
  float x[4] = {-1, 0, 1, 2};
  std::memcpy(interp.input(0).data, x, sizeof x);
  ASSERT_EQ(interp.invoke(), Status::Ok) << interp.error();

  // Hand-computed: m = 2x, s = 2x - 1, y = max(s, 0).
  EXPECT_EQ(seen.kernels, (std::vector<std::string>{"Mul", "Sub", "Relu"}));
  EXPECT_EQ(seen.nodes, (std::vector<std::string>{"Mul_2", "Sub_3", "Relu_4"}));
  EXPECT_EQ(seen.tensors["Mul_2"], (std::vector<float>{-2, 0, 2, 4}));
  EXPECT_EQ(seen.tensors["Sub_3"], (std::vector<float>{-3, -1, 1, 3}));
  EXPECT_EQ(seen.tensors["y"], (std::vector<float>{0, 0, 1, 3}));
  const iron::rt::TensorView &y = interp.output(0);
  EXPECT_EQ(std::vector<float>(y.as<float>(), y.as<float>() + 4),
            (std::vector<float>{0, 0, 1, 3}));

  // The input is intact after the run (the plan never writes over it), so a
  // second run computes the same.
  EXPECT_EQ(std::vector<float>(interp.input(0).as<float>(), interp.input(0).as<float>() + 4),
            (std::vector<float>{-1, 0, 1, 2}));
}

TEST(RuntimeHooks, ArenaTooSmallIsRefused) {
  std::vector<uint8_t> bytes = compile(kModel);
  iron::rt::Model model;
  ASSERT_EQ(model.load(bytes.data(), bytes.size()), Status::Ok);
  iron::rt::Interpreter interp(model);
  size_t need = interp.requiredArenaBytes();
  std::vector<uint8_t> arena(need);
  EXPECT_EQ(interp.prepare(arena.data(), need - 1), Status::ArenaTooSmall);
  EXPECT_NE(std::string(interp.error()).find("needed"), std::string::npos) << interp.error();
  EXPECT_EQ(interp.invoke(), Status::BadArgument);
}

TEST(RuntimeHooks, OtherSchemaMajorIsRefused) {
  // A minimal but well-formed artifact of schema 2.0.
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<iron::fb::Tensor>> tensors;
  std::vector<flatbuffers::Offset<iron::fb::Operator>> ops;
  std::vector<int32_t> none;
  auto m = iron::fb::CreateModel(fbb, 2000, 0, 0, 0, fbb.CreateVector(tensors),
                                 fbb.CreateVector(ops), fbb.CreateVector(none),
                                 fbb.CreateVector(none), 0,
                                 iron::fb::CreateMemoryPlan(fbb, 0, 0, 64));
  iron::fb::FinishModelBuffer(fbb, m);
  iron::rt::Model model;
  EXPECT_EQ(model.load(fbb.GetBufferPointer(), fbb.GetSize()), Status::VersionMismatch);
  EXPECT_STREQ(model.error(), "artifact schema version 2.0; this runtime reads 1.x");

  // The same at version 1.7 (a newer minor) loads.
  flatbuffers::FlatBufferBuilder ok;
  auto m2 = iron::fb::CreateModel(ok, 1007, 0, 0, 0, ok.CreateVector(tensors),
                                  ok.CreateVector(ops), ok.CreateVector(none),
                                  ok.CreateVector(none), 0,
                                  iron::fb::CreateMemoryPlan(ok, 0, 0, 64));
  iron::fb::FinishModelBuffer(ok, m2);
  EXPECT_EQ(model.load(ok.GetBufferPointer(), ok.GetSize()), Status::Ok) << model.error();
}

TEST(RuntimeHooks, OutputThatFoldedToAConstantIsCopied) {
  // Shape of a static input folds to a constant graph output; the artifact
  // must still produce it (an Identity kernel copies it into the arena).
  std::vector<uint8_t> bytes = compile(R"(<ir_version: 8, opset_import: ["" : 17]>
g (float[2,5,3] x) => (int64[3] s) {
  s = Shape (x)
}
)");
  iron::rt::Model model;
  ASSERT_EQ(model.load(bytes.data(), bytes.size()), Status::Ok) << model.error();
  iron::rt::Interpreter interp(model);
  std::vector<uint8_t> arena(interp.requiredArenaBytes());
  ASSERT_EQ(interp.prepare(arena.data(), arena.size()), Status::Ok) << interp.error();
  ASSERT_EQ(interp.invoke(), Status::Ok) << interp.error();
  const auto &s = interp.output(0);
  EXPECT_EQ(std::vector<int64_t>(s.as<int64_t>(), s.as<int64_t>() + 3),
            (std::vector<int64_t>{2, 5, 3}));
}

} // namespace
