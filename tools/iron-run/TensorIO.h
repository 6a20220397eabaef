//===- TensorIO.h - .npy and ONNX TensorProto (.pb) tensors ----------------===//
//
// Reading and writing tensors for iron-run and the conformance runner,
// without protobuf: ONNX's TensorProto is parsed from its wire format.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_TOOLS_TENSORIO_H
#define IRON_TOOLS_TENSORIO_H

#include "iron/runtime/Tensor.h"

#include <string>
#include <vector>

namespace iron::io {

/// A tensor read from a file: its element type, shape and raw bytes.
struct HostTensor {
  rt::DType dtype = rt::DType::Undefined;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  std::string name;
  int64_t numel() const;
};

/// Reads a .npy (format 1.0-3.0, little-endian, C order) or, for any other
/// extension, an ONNX TensorProto. Returns false with `error` set.
bool readTensorFile(const std::string &path, HostTensor &out, std::string &error);
bool readNpy(const std::string &path, HostTensor &out, std::string &error);
bool readTensorProto(const std::string &path, HostTensor &out, std::string &error);
/// Parses a TensorProto from bytes in memory.
bool parseTensorProto(const uint8_t *data, size_t size, HostTensor &out, std::string &error);

/// Writes a .npy atomically (temporary file, then rename).
bool writeNpy(const std::string &path, const rt::TensorView &t, std::string &error);

/// Copies `src` into `dst` when element type and shape match exactly.
bool copyInto(const HostTensor &src, rt::TensorView &dst, std::string &error);

/// "1x3x224x224" style shape text.
std::string shapeString(const int64_t *shape, int rank);

} // namespace iron::io

#endif
