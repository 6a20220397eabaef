//===- SmokeTest.cpp - The harness itself, on the exemplar kernels --------===//

#include "KernelTestUtil.h"

#include <gtest/gtest.h>

using namespace iron::rt;
using namespace iron::rt::test;

TEST(Harness, ReluClampsNegatives) {
  KernelRunner relu("Relu");
  auto x = OwnedTensor::f32({4}, {-1.5f, 0.0f, 2.0f, -0.0f});
  auto y = OwnedTensor::zeros(DType::F32, {4});
  ASSERT_EQ(relu.run({&x}, {&y}), Status::Ok) << relu.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{0.0f, 0.0f, 2.0f, 0.0f}));
}

TEST(Harness, GemmReadsAttributes) {
  // [1 2; 3 4] * [1 0; 0 1]^T * 2 + bias[10, 20] * 1
  KernelRunner gemm("Gemm", {real("alpha", 2.0f), integer("transB", 1)});
  auto a = OwnedTensor::f32({2, 2}, {1, 2, 3, 4});
  auto b = OwnedTensor::f32({2, 2}, {1, 0, 0, 1});
  auto c = OwnedTensor::f32({2}, {10, 20});
  auto y = OwnedTensor::zeros(DType::F32, {2, 2});
  ASSERT_EQ(gemm.run({&a, &b, &c}, {&y}), Status::Ok) << gemm.message();
  EXPECT_EQ(y.values<float>(), (std::vector<float>{12, 24, 16, 28}));
}

TEST(Harness, UnknownKindIsReported) {
  KernelRunner nope("NoSuchOp");
  auto x = OwnedTensor::f32({1}, {1});
  EXPECT_EQ(nope.run({&x}, {&x}), Status::UnsupportedKernel);
}
