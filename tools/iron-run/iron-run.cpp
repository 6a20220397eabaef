//===- iron-run.cpp - Run a compiled Iron model on the host ---------------===//
//
//   iron-run MODEL.iron [--input NAME=FILE]... [--output-dir DIR] [--seed N]
//            [--bench N] [--profile] [--print]
//
// Inputs come from .npy or ONNX TensorProto (.pb) files; inputs not given
// are filled with seeded random values (floats uniform in [-1, 1), integers
// in [0, 10), booleans fair). Outputs are written as DIR/NAME.npy.
// Exit codes: see docs/cli.md.
//
//===----------------------------------------------------------------------===//

#include "TensorIO.h"

#include "iron/runtime/HostBuffer.h"
#include "iron/runtime/Interpreter.h"
#include "iron_generated.h"

#include <algorithm>
#include <cstdint>
#include <new>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace iron;

namespace {
// Mirrors include/iron/Support/ExitCodes.h (this tool does not link the
// compiler's libraries).
enum : int { kOk = 0, kUsage = 1, kBadInput = 2, kUnsupported = 3, kOutput = 5, kRuntime = 6 };

int fail(int code, const std::string &message) {
  std::fprintf(stderr, "iron-run: error: %s\n", message.c_str());
  return code;
}

void usage() {
  std::fprintf(stderr,
               "usage: iron-run MODEL.iron [--input NAME=FILE.npy|FILE.pb]... "
               "[--output-dir DIR]\n"
               "                [--seed N] [--bench N] [--profile] [--print]\n");
}

/// 64-byte aligned storage, so weight buffers keep their alignment.
/// 64-byte aligned memory; large buffers on huge pages (HostBuffer.h), so
/// timings do not depend on where this process's pages fell.
struct AlignedBytes {
  rt::HostBuffer buffer;
  uint8_t *data = nullptr;
  size_t size = 0;
  /// False when the memory cannot be had (the caller reports it).
  bool resize(size_t n) {
    if (!buffer.allocate(n))
      return false;
    data = buffer.data();
    size = n;
    return true;
  }
};

void fillRandom(rt::TensorView &t, std::mt19937 &rng) {
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case rt::DType::F32: t.as<float>()[i] = float(real(rng)); break;
    case rt::DType::F64: t.as<double>()[i] = real(rng); break;
    case rt::DType::I64: t.as<int64_t>()[i] = small(rng); break;
    case rt::DType::I32: t.as<int32_t>()[i] = small(rng); break;
    case rt::DType::I16: t.as<int16_t>()[i] = int16_t(small(rng)); break;
    case rt::DType::I8: t.as<int8_t>()[i] = int8_t(small(rng)); break;
    case rt::DType::U8: t.as<uint8_t>()[i] = uint8_t(small(rng)); break;
    case rt::DType::Bool: t.as<uint8_t>()[i] = uint8_t(small(rng) & 1); break;
    default: std::memset(t.data, 0, t.bytes()); return;
    }
  }
}

/// Every timed run's time of every kernel: the report gives the median (a
/// run during which the process lost its core shifts the mean, not the
/// median) and the mean (which adds up to the average invocation).
struct Profile {
  std::vector<std::vector<double>> seconds; // [kernel][run]
  std::vector<std::string> kinds, nodes;

  double median(size_t k) const {
    std::vector<double> v = seconds[k];
    if (v.empty())
      return 0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  double sum(size_t k) const {
    double s = 0;
    for (double t : seconds[k])
      s += t;
    return s;
  }
};

void onKernel(void *user, const rt::KernelProfile &p) {
  auto *profile = static_cast<Profile *>(user);
  if (size_t(p.index) >= profile->seconds.size()) {
    profile->seconds.resize(p.index + 1);
    profile->kinds.resize(p.index + 1);
    profile->nodes.resize(p.index + 1);
  }
  profile->seconds[p.index].push_back(p.seconds);
  profile->kinds[p.index] = p.kind;
  profile->nodes[p.index] = p.node;
}

std::string safeFileName(std::string name) {
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      c = '_';
  return name.empty() ? "output" : name;
}

void printTensor(const char *name, const rt::TensorView &t) {
  std::printf("%s: %s %s", name, rt::dtypeName(t.dtype), io::shapeString(t.shape, t.rank).c_str());
  int64_t n = std::min<int64_t>(t.numel(), 8);
  std::printf(" [");
  for (int64_t i = 0; i < n; ++i) {
    double v = t.dtype == rt::DType::F32   ? t.as<float>()[i]
               : t.dtype == rt::DType::I64 ? double(t.as<int64_t>()[i])
               : t.dtype == rt::DType::I32 ? double(t.as<int32_t>()[i])
                                           : double(t.as<uint8_t>()[i]);
    std::printf("%s%g", i ? ", " : "", v);
  }
  std::printf("%s]\n", t.numel() > n ? ", ..." : "");
}
} // namespace

int main(int argc, char **argv) {
  std::string modelPath, outputDir;
  std::map<std::string, std::string> inputFiles;
  unsigned seed = 0;
  int bench = 0;
  bool profile = false, print = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "iron-run: %s needs a value\n", flag);
        std::exit(kUsage);
      }
      return argv[++i];
    };
    if (arg == "--input") {
      std::string spec = value("--input");
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0)
        return fail(kUsage, "--input expects NAME=FILE, got '" + spec + "'");
      inputFiles[spec.substr(0, eq)] = spec.substr(eq + 1);
    } else if (arg == "--output-dir") {
      outputDir = value("--output-dir");
    } else if (arg == "--seed") {
      seed = unsigned(std::strtoul(value("--seed"), nullptr, 10));
    } else if (arg == "--bench") {
      bench = std::atoi(value("--bench"));
      if (bench < 1)
        return fail(kUsage, "--bench expects a positive number of runs");
    } else if (arg == "--profile") {
      profile = true;
    } else if (arg == "--print") {
      print = true;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return kOk;
    } else if (!arg.empty() && arg[0] == '-') {
      usage();
      return fail(kUsage, "unknown option '" + arg + "'");
    } else if (modelPath.empty()) {
      modelPath = arg;
    } else {
      return fail(kUsage, "more than one model given");
    }
  }
  if (modelPath.empty()) {
    usage();
    return kUsage;
  }

  std::ifstream file(modelPath, std::ios::binary | std::ios::ate);
  if (!file)
    return fail(kBadInput, modelPath + ": cannot open");
  AlignedBytes bytes;
  if (!bytes.resize(size_t(file.tellg())))
    return fail(kBadInput, modelPath + ": cannot allocate memory to read it");
  file.seekg(0);
  file.read(reinterpret_cast<char *>(bytes.data), std::streamsize(bytes.size));
  rt::Model model;
  if (rt::Status s = model.load(bytes.data, bytes.size); s != rt::Status::Ok)
    return fail(kBadInput, modelPath + ": " + model.error());

  rt::Interpreter interp(model);
  size_t arenaBytes = interp.requiredArenaBytes();
  if (arenaBytes == 0)
    return fail(kUnsupported, modelPath + ": " + interp.error());
  AlignedBytes arena;
  if (!arena.resize(arenaBytes))
    return fail(kBadInput, modelPath + ": cannot allocate its " + std::to_string(arenaBytes) +
                               "-byte arena");
  if (rt::Status s = interp.prepare(arena.data, arena.size); s != rt::Status::Ok)
    return fail(s == rt::Status::UnsupportedKernel ? kUnsupported : kBadInput,
                modelPath + ": " + interp.error());

  std::mt19937 rng(seed);
  for (int i = 0; i < interp.numInputs(); ++i) {
    rt::TensorView &t = interp.input(i);
    auto it = inputFiles.find(interp.inputName(i));
    if (it == inputFiles.end()) {
      fillRandom(t, rng);
      continue;
    }
    io::HostTensor host;
    std::string error;
    if (!io::readTensorFile(it->second, host, error))
      return fail(kBadInput, error);
    if (!io::copyInto(host, t, error))
      return fail(kBadInput, "input '" + it->first + "' from " + it->second + ": " + error);
    inputFiles.erase(it);
  }
  if (!inputFiles.empty())
    return fail(kUsage, "--input names '" + inputFiles.begin()->first +
                            "', which is not an input of the model");

  Profile prof;
  if (profile)
    interp.setProfiler(onKernel, &prof);
  std::printf("model: %s (%zu bytes), arena %zu bytes\n", modelPath.c_str(), bytes.size,
              arenaBytes);
  // Inputs stay intact across runs (the plan keeps them live), so repeated
  // invocations compute the same outputs.
  int runs = bench > 0 ? bench : 1;
  int warmup = bench > 0 ? std::max(1, bench / 10) : 0;
  std::vector<double> times;
  for (int r = 0; r < warmup + runs; ++r) {
    if (r == warmup && profile) // profile only the timed runs
      prof = Profile();
    auto start = std::chrono::steady_clock::now();
    if (interp.invoke() != rt::Status::Ok)
      return fail(kRuntime, interp.error());
    if (r >= warmup)
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (bench > 0) {
    std::sort(times.begin(), times.end());
    double median = times[times.size() / 2];
    double p90 = times[std::min(times.size() - 1, size_t(0.9 * double(times.size())))];
    std::printf("latency over %d runs (after %d warm-up): median %.4f ms, p90 %.4f ms\n", runs,
                warmup, median * 1e3, p90 * 1e3);
  }
  if (profile) {
    size_t kernels = prof.seconds.size();
    double total = 0, totalMedian = 0;
    std::vector<double> medians(kernels), means(kernels);
    for (size_t i = 0; i < kernels; ++i) {
      medians[i] = prof.median(i);
      means[i] = prof.sum(i) / runs;
      total += means[i];
      totalMedian += medians[i];
    }
    std::vector<size_t> order(kernels);
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return means[a] > means[b]; });
    // Artifacts compiled with `ironc compile --target` carry each kernel's
    // predicted latency: show it beside the measurement.
    const auto *ops = model.get()->operators();
    const auto *target = model.get()->target();
    bool predicted = false;
    for (size_t i = 0; ops && i < ops->size(); ++i)
      predicted |= ops->Get(i)->predicted() != nullptr;
    auto predictedMs = [&](size_t i) -> double {
      const auto *c = ops && i < ops->size() ? ops->Get(i)->predicted() : nullptr;
      return c ? c->latency_ms() : -1.0;
    };
    if (predicted)
      std::printf("predicted for target %s\n",
                  target && target->name() ? target->name()->c_str() : "?");
    std::printf("%5s  %-24s %-32s %10s %10s %7s%s\n", "#", "kernel", "onnx node", "median ms",
                "mean ms", "share", predicted ? "  predicted ms" : "");
    for (size_t i : order) {
      std::printf("%5zu  %-24s %-32s %10.4f %10.4f %6.1f%%", i, prof.kinds[i].c_str(),
                  prof.nodes[i].c_str(), medians[i] * 1e3, means[i] * 1e3,
                  total > 0 ? 100.0 * means[i] / total : 0.0);
      if (predicted && predictedMs(i) >= 0)
        std::printf("  %12.4f", predictedMs(i));
      std::printf("\n");
    }
    std::printf("%5s  %-24s %-32s %10.4f %10.4f %6.1f%%", "", "total", "", totalMedian * 1e3,
                total * 1e3, 100.0);
    if (predicted && model.get()->predicted())
      std::printf("  %12.4f", model.get()->predicted()->latency_ms());
    std::printf("\n");
  }
  for (int i = 0; i < interp.numOutputs(); ++i) {
    const rt::TensorView &t = interp.output(i);
    if (print || outputDir.empty())
      printTensor(interp.outputName(i), t);
    if (!outputDir.empty()) {
      std::string path = outputDir + "/" + safeFileName(interp.outputName(i)) + ".npy";
      std::string error;
      if (!io::writeNpy(path, t, error))
        return fail(kOutput, error);
    }
  }
  return kOk;
}
