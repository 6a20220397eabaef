//===- ExitCodes.h - The exit codes of Iron's tools ---------------*- C++ -*-===//
//
// Documented in docs/cli.md; scripts depend on them, so never renumber.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_SUPPORT_EXITCODES_H
#define IRON_SUPPORT_EXITCODES_H

namespace iron {
enum ExitCode : int {
  ExitSuccess = 0,
  /// Bad command line: unknown option, missing argument, malformed value.
  ExitUsage = 1,
  /// The input cannot be read or is not a valid ONNX model: missing file,
  /// truncated or non-ONNX bytes, ONNX checker failure, inconsistent shapes,
  /// refused external data.
  ExitBadInput = 2,
  /// The model is valid ONNX but uses something Iron does not support:
  /// operator types, domains, element types, opsets.
  ExitUnsupported = 3,
  /// Dimensions are still dynamic after import; pin them with --input-shape
  /// or --dim.
  ExitDynamicShape = 4,
  /// An output file could not be written.
  ExitOutput = 5,
  /// A kernel failed while the runtime executed a model (iron-run).
  ExitRuntime = 6,
  /// A target description cannot be read or is invalid (ironc analyze
  /// --target, ironc target ...): the message names the file, line and field.
  ExitBadTarget = 7,
  /// ironc analyze: the model does not fit a target's memory, or a
  /// --latency-budget/--energy-budget/--memory-budget is missed. The report is
  /// still complete and written.
  ExitBudget = 8,
  /// A bug in Iron (an IR verification failure after a transformation).
  ExitInternal = 70,
};
} // namespace iron

#endif // IRON_SUPPORT_EXITCODES_H
