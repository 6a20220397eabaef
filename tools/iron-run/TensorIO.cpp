//===- TensorIO.cpp - .npy and ONNX TensorProto (.pb) tensors --------------===//

#include "TensorIO.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace iron::io {
using rt::DType;

int64_t HostTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeString(const int64_t *shape, int rank) {
  if (rank == 0)
    return "scalar";
  std::string s;
  for (int i = 0; i < rank; ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

static bool readFile(const std::string &path, std::vector<uint8_t> &bytes, std::string &error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = path + ": cannot open";
    return false;
  }
  bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

namespace {
struct NpyType {
  const char *descr;
  DType dtype;
};
const NpyType kNpyTypes[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"<f2", DType::F16},
    {"|i1", DType::I8},  {"<i2", DType::I16}, {"<i4", DType::I32},
    {"<i8", DType::I64}, {"|u1", DType::U8},  {"<u2", DType::U16},
    {"<u4", DType::U32}, {"<u8", DType::U64}, {"|b1", DType::Bool},
};

std::string between(const std::string &s, const std::string &key, char open, char close) {
  size_t k = s.find(key);
  if (k == std::string::npos)
    return "";
  size_t a = s.find(open, k + key.size());
  size_t b = s.find(close, a + 1);
  if (a == std::string::npos || b == std::string::npos)
    return "";
  return s.substr(a + 1, b - a - 1);
}
} // namespace

bool readNpy(const std::string &path, HostTensor &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) {
    error = path + ": not a .npy file";
    return false;
  }
  int major = bytes[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else if ((major == 2 || major == 3) && bytes.size() >= 12) {
    headerLen = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (size_t(bytes[11]) << 24);
    start = 12;
  } else {
    error = path + ": unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (start + headerLen > bytes.size()) {
    error = path + ": truncated .npy header";
    return false;
  }
  std::string header(bytes.begin() + start, bytes.begin() + start + headerLen);
  std::string descr = between(header, "'descr'", '\'', '\'');
  out.dtype = DType::Undefined;
  for (const NpyType &t : kNpyTypes)
    if (descr == t.descr || (descr.size() == 3 && descr[0] == '=' &&
                             descr.substr(1) == std::string(t.descr).substr(1)))
      out.dtype = t.dtype;
  if (out.dtype == DType::Undefined) {
    error = path + ": unsupported .npy dtype '" + descr + "'";
    return false;
  }
  if (header.find("'fortran_order': True") != std::string::npos) {
    error = path + ": Fortran-ordered arrays are not supported";
    return false;
  }
  std::string dims = between(header, "'shape'", '(', ')');
  out.shape.clear();
  std::stringstream ss(dims);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(" "), b = item.find_last_not_of(" ");
    if (a == std::string::npos)
      continue;
    out.shape.push_back(std::stoll(item.substr(a, b - a + 1)));
  }
  size_t need = size_t(out.numel()) * rt::dtypeSize(out.dtype);
  size_t dataStart = start + headerLen;
  if (bytes.size() - dataStart < need) {
    error = path + ": holds " + std::to_string(bytes.size() - dataStart) +
            " bytes of data, shape needs " + std::to_string(need);
    return false;
  }
  out.bytes.assign(bytes.begin() + dataStart, bytes.begin() + dataStart + need);
  return true;
}

bool writeNpy(const std::string &path, const rt::TensorView &t, std::string &error) {
  const char *descr = nullptr;
  for (const NpyType &n : kNpyTypes)
    if (n.dtype == t.dtype)
      descr = n.descr;
  if (!descr) {
    error = path + ": cannot write element type " + rt::dtypeName(t.dtype) + " as .npy";
    return false;
  }
  std::string shape;
  for (int i = 0; i < t.rank; ++i)
    shape += std::to_string(t.shape[i]) + (t.rank == 1 ? "," : (i + 1 < t.rank ? ", " : ""));
  std::string header = "{'descr': '" + std::string(descr) +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f.write("\x93NUMPY\x01\x00", 8);
    uint16_t len = uint16_t(header.size());
    f.put(char(len & 0xFF));
    f.put(char(len >> 8));
    f << header;
    f.write(static_cast<const char *>(t.data), std::streamsize(t.bytes()));
    if (!f) {
      error = path + ": cannot write";
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot write";
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// TensorProto wire format
//===----------------------------------------------------------------------===//

namespace {
struct Reader {
  const uint8_t *p, *end;
  bool ok = true;
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80))
        return v;
    }
    ok = false;
    return 0;
  }
  const uint8_t *take(uint64_t n) {
    if (uint64_t(end - p) < n) {
      ok = false;
      return nullptr;
    }
    const uint8_t *q = p;
    p += n;
    return q;
  }
};

DType dtypeFromOnnx(uint64_t t) {
  switch (t) {
  case 1: return DType::F32;  case 2: return DType::U8;   case 3: return DType::I8;
  case 4: return DType::U16;  case 5: return DType::I16;  case 6: return DType::I32;
  case 7: return DType::I64;  case 9: return DType::Bool; case 10: return DType::F16;
  case 11: return DType::F64; case 12: return DType::U32; case 13: return DType::U64;
  case 16: return DType::BF16;
  default: return DType::Undefined;
  }
}

template <typename T> void appendValue(std::vector<uint8_t> &out, T v) {
  const uint8_t *b = reinterpret_cast<const uint8_t *>(&v);
  out.insert(out.end(), b, b + sizeof(T));
}
} // namespace

bool parseTensorProto(const uint8_t *data, size_t size, HostTensor &out, std::string &error) {
  Reader r{data, data + size};
  std::vector<uint64_t> ints; // int32_data/int64_data/uint64_data as read
  std::vector<float> floats;
  std::vector<double> doubles;
  const uint8_t *raw = nullptr;
  uint64_t rawSize = 0, dataType = 0;
  bool hasRaw = false;
  out.shape.clear();
  while (r.ok && r.p < r.end) {
    uint64_t key = r.varint();
    uint64_t field = key >> 3, wire = key & 7;
    auto packedOrSingle = [&](auto readOne) {
      if (wire == 2) {
        uint64_t len = r.varint();
        const uint8_t *start = r.take(len);
        if (!start)
          return;
        Reader sub{start, start + len};
        while (sub.ok && sub.p < sub.end)
          readOne(sub);
        r.ok &= sub.ok;
      } else {
        readOne(r);
      }
    };
    switch (field) {
    case 1: packedOrSingle([&](Reader &s) { out.shape.push_back(int64_t(s.varint())); }); break;
    case 2: dataType = r.varint(); break;
    case 4: packedOrSingle([&](Reader &s) {
        const uint8_t *b = s.take(4);
        float f = 0;
        if (b) std::memcpy(&f, b, 4);
        floats.push_back(f);
      });
      break;
    case 5: case 7: case 11:
      packedOrSingle([&](Reader &s) { ints.push_back(s.varint()); });
      break;
    case 10: packedOrSingle([&](Reader &s) {
        const uint8_t *b = s.take(8);
        double d = 0;
        if (b) std::memcpy(&d, b, 8);
        doubles.push_back(d);
      });
      break;
    case 9: rawSize = r.varint(); raw = r.take(rawSize); hasRaw = true; break;
    case 8: { uint64_t n = r.varint(); const uint8_t *s = r.take(n);
        if (s) out.name.assign(reinterpret_cast<const char *>(s), n); break; }
    default: // skip unknown fields
      if (wire == 0) r.varint();
      else if (wire == 1) r.take(8);
      else if (wire == 5) r.take(4);
      else if (wire == 2) r.take(r.varint());
      else r.ok = false;
    }
  }
  if (!r.ok) {
    error = "malformed TensorProto (truncated or corrupted)";
    return false;
  }
  out.dtype = dtypeFromOnnx(dataType);
  if (out.dtype == DType::Undefined) {
    error = "TensorProto has unsupported data type " + std::to_string(dataType);
    return false;
  }
  size_t need = size_t(out.numel()) * rt::dtypeSize(out.dtype);
  out.bytes.clear();
  if (hasRaw) {
    out.bytes.assign(raw, raw + rawSize);
  } else {
    for (float f : floats) appendValue(out.bytes, f);
    for (double d : doubles) appendValue(out.bytes, d);
    for (uint64_t v : ints) {
      switch (out.dtype) {
      case DType::I64: case DType::U64: appendValue(out.bytes, v); break;
      case DType::I32: case DType::U32: appendValue(out.bytes, uint32_t(v)); break;
      case DType::I16: case DType::U16: case DType::F16: case DType::BF16:
        appendValue(out.bytes, uint16_t(v)); break;
      default: appendValue(out.bytes, uint8_t(v));
      }
    }
  }
  if (out.bytes.size() != need) {
    error = "TensorProto holds " + std::to_string(out.bytes.size()) +
            " bytes, its shape needs " + std::to_string(need);
    return false;
  }
  return true;
}

bool readTensorProto(const std::string &path, HostTensor &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  if (!parseTensorProto(bytes.data(), bytes.size(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

bool readTensorFile(const std::string &path, HostTensor &out, std::string &error) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0)
    return readNpy(path, out, error);
  return readTensorProto(path, out, error);
}

bool copyInto(const HostTensor &src, rt::TensorView &dst, std::string &error) {
  if (src.dtype != dst.dtype) {
    error = std::string("element type ") + rt::dtypeName(src.dtype) + ", expected " +
            rt::dtypeName(dst.dtype);
    return false;
  }
  bool same = int(src.shape.size()) == dst.rank;
  for (int i = 0; same && i < dst.rank; ++i)
    same = src.shape[i] == dst.shape[i];
  if (!same) {
    error = "shape " + shapeString(src.shape.data(), int(src.shape.size())) + ", expected " +
            shapeString(dst.shape, dst.rank);
    return false;
  }
  std::memcpy(dst.data, src.bytes.data(), dst.bytes());
  return true;
}

} // namespace iron::io
