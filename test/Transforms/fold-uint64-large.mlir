// RUN: iron-opt %s --canonicalize | FileCheck %s
//
// The folder evaluates integers as int64; a uint64 value of 2^63 or more
// does not fit, so ops on such constants are left unfolded rather than
// folded to a wrong value (UINT64_MAX > 1 must never become false).

// CHECK-LABEL: func.func @uint64_large
// CHECK: "iron.Greater"
// CHECK: "iron.Max"
// CHECK-NOT: dense<false>
func.func @uint64_large() -> (tensor<1xi1>, tensor<1xui64>) {
  %a = "iron.Constant"() <{value = dense<[18446744073709551615]> : tensor<1xui64>}> : () -> tensor<1xui64>
  %b = "iron.Constant"() <{value = dense<[1]> : tensor<1xui64>}> : () -> tensor<1xui64>
  %0 = "iron.Greater"(%a, %b) : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xi1>
  %1 = "iron.Max"(%a, %b) : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xui64>
  return %0, %1 : tensor<1xi1>, tensor<1xui64>
}

// Values below 2^63 still fold.
// CHECK-LABEL: func.func @uint64_small
// CHECK: dense<true> : tensor<1xi1>
// CHECK-NOT: "iron.Greater"
func.func @uint64_small() -> tensor<1xi1> {
  %a = "iron.Constant"() <{value = dense<[9223372036854775807]> : tensor<1xui64>}> : () -> tensor<1xui64>
  %b = "iron.Constant"() <{value = dense<[1]> : tensor<1xui64>}> : () -> tensor<1xui64>
  %0 = "iron.Greater"(%a, %b) : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xi1>
  return %0 : tensor<1xi1>
}
