// RUN: iron-opt %s -split-input-file -verify-diagnostics --iron-plan-memory | FileCheck %s

// Each tensor is 2x32xf32 = 256 bytes. The input stays intact (it is never
// overwritten), so Relu's result needs its own 256 bytes; Reshape aliases
// it; Neg writes in place over it (nothing reads it later), and so does Add
// (its first operand dies there): 512 bytes in all. Constants take no arena
// space.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: {iron.arena_offset = 0 : i64}
// CHECK-SAME: iron.arena_bytes = 512 : i64, iron.arena_lower_bound = 512 : i64
// CHECK: "iron.Constant"() <{{.*}}}> : () -> tensor<2xi64>
// CHECK: "iron.Relu"{{.*}}iron.arena_offsets = array<i64: 256>
// CHECK: "iron.Reshape"{{.*}}iron.arena_offsets = array<i64: 256>
// CHECK: "iron.Neg"{{.*}}iron.arena_offsets = array<i64: 256>
// CHECK: "iron.Add"{{.*}}iron.arena_offsets = array<i64: 256>
func.func @chain(%x: tensor<2x32xf32>) -> tensor<2x32xf32> {
  %s = "iron.Constant"() <{value = dense<[2, 32]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %0 = "iron.Relu"(%x) : (tensor<2x32xf32>) -> tensor<2x32xf32>
  %1 = "iron.Reshape"(%0, %s) <{allowzero = 0 : i64}> : (tensor<2x32xf32>, tensor<2xi64>) -> tensor<2x32xf32>
  %2 = "iron.Neg"(%1) : (tensor<2x32xf32>) -> tensor<2x32xf32>
  %3 = "iron.Add"(%2, %x) : (tensor<2x32xf32>, tensor<2x32xf32>) -> tensor<2x32xf32>
  return %3 : tensor<2x32xf32>
}

// -----

// No in place when the input is read again later: Relu's input %a is used
// by the Add, so Relu needs its own buffer; the Add then writes over %a.
// Live at the Add: the input, %a and %b (768 bytes).
// CHECK-LABEL: func.func @no_in_place_when_read_later
// CHECK-SAME: iron.arena_bytes = 768 : i64, iron.arena_lower_bound = 768 : i64
// CHECK: "iron.Neg"{{.*}}iron.arena_offsets = array<i64: [[A:[0-9]+]]>
// CHECK-NOT: array<i64: [[A]]>
// CHECK: "iron.Relu"
// CHECK: "iron.Add"{{.*}}iron.arena_offsets = array<i64: [[A]]>
func.func @no_in_place_when_read_later(%x: tensor<2x32xf32>) -> tensor<2x32xf32> {
  %a = "iron.Neg"(%x) : (tensor<2x32xf32>) -> tensor<2x32xf32>
  %b = "iron.Relu"(%a) : (tensor<2x32xf32>) -> tensor<2x32xf32>
  %c = "iron.Add"(%a, %b) : (tensor<2x32xf32>, tensor<2x32xf32>) -> tensor<2x32xf32>
  return %c : tensor<2x32xf32>
}

// -----

// Dead tensors' space is reused: Softmax is not run in place, so a chain of
// them over 1 KiB tensors alternates between two buffers beside the input.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: iron.arena_bytes = 3072 : i64, iron.arena_lower_bound = 3072 : i64
// CHECK: "iron.Exp"{{.*}}array<i64: [[P:[0-9]+]]>
// CHECK: "iron.Softmax"{{.*}}array<i64: [[Q:[0-9]+]]>
// CHECK: "iron.Softmax"{{.*}}array<i64: [[P]]>
// CHECK: "iron.Softmax"{{.*}}array<i64: [[Q]]>
func.func @reuse(%x: tensor<256xf32>) -> tensor<256xf32> {
  %0 = "iron.Exp"(%x) : (tensor<256xf32>) -> tensor<256xf32>
  %1 = "iron.Softmax"(%0) : (tensor<256xf32>) -> tensor<256xf32>
  %2 = "iron.Softmax"(%1) : (tensor<256xf32>) -> tensor<256xf32>
  %3 = "iron.Softmax"(%2) : (tensor<256xf32>) -> tensor<256xf32>
  return %3 : tensor<256xf32>
}

// -----

// expected-error @+1 {{memory planning needs static shapes; argument #0 is 'tensor<?x4xf32>'}}
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = "iron.Relu"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
