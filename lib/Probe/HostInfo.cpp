//===- HostInfo.cpp - What the OS says about the host, and its bandwidth
//---===//

#include "iron/Probe/HostProbe.h"

// The ISA the runtime's optimized kernels picked (they choose at run time).
#include "runtime/kernels/optimized/Gemm.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <sched.h>
#include <time.h>
#include <unistd.h>

using namespace llvm;

namespace iron::probe {

namespace {

std::string readSmallFile(const std::string &path) {
  auto buffer = MemoryBuffer::getFileAsStream(path);
  if (!buffer)
    return {};
  return (*buffer)->getBuffer().trim().str();
}

/// "48K", "1024K", "32M" (sysfs cache sizes).
uint64_t parseSize(StringRef s) {
  s = s.trim();
  uint64_t scale = 1;
  if (s.consume_back("K"))
    scale = 1024;
  else if (s.consume_back("M"))
    scale = 1024 * 1024;
  else if (s.consume_back("G"))
    scale = 1024ull * 1024 * 1024;
  uint64_t v = 0;
  if (s.getAsInteger(10, v))
    return 0;
  return v * scale;
}

std::string cpuModelName() {
  std::string text = readSmallFile("/proc/cpuinfo");
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n');
  // x86 names the model; Arm kernels give "Hardware" or only part numbers.
  for (const char *key : {"model name", "Hardware", "cpu model", "Processor"})
    for (StringRef line : lines) {
      auto [k, v] = line.split(':');
      if (k.trim() == key && !v.trim().empty())
        return v.trim().str();
    }
  return "unknown CPU";
}

void detectCaches(HostInfo &info) {
  for (int i = 0; i < 16; ++i) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i);
    std::string level = readSmallFile(dir + "/level");
    if (level.empty())
      break;
    std::string type = readSmallFile(dir + "/type");
    if (type == "Instruction")
      continue;
    CacheInfo c;
    c.level = std::atoi(level.c_str());
    c.type = type;
    c.bytes = parseSize(readSmallFile(dir + "/size"));
    if (c.bytes)
      info.caches.push_back(c);
  }
  if (!info.caches.empty()) {
    info.cacheSource = "/sys/devices/system/cpu/cpu0/cache";
  } else {
#if defined(_SC_LEVEL1_DCACHE_SIZE)
    // Containers and VMs often hide sysfs; glibc reads CPUID instead.
    std::pair<int, const char *> levels[] = {
        {_SC_LEVEL1_DCACHE_SIZE, "Data"},
        {_SC_LEVEL2_CACHE_SIZE, "Unified"},
        {_SC_LEVEL3_CACHE_SIZE, "Unified"},
        {_SC_LEVEL4_CACHE_SIZE, "Unified"}};
    for (auto [i, entry] : llvm::enumerate(levels)) {
      long bytes = sysconf(entry.first);
      if (bytes > 0)
        info.caches.push_back({int(i) + 1, entry.second, uint64_t(bytes)});
    }
    if (!info.caches.empty())
      info.cacheSource =
          "sysconf (glibc, from CPUID; sysfs has no cache entries here)";
#endif
  }
  std::sort(
      info.caches.begin(), info.caches.end(),
      [](const CacheInfo &a, const CacheInfo &b) { return a.level < b.level; });
  // Sizes must grow level by level; a smaller outer level is an OS quirk.
  std::vector<CacheInfo> kept;
  for (const CacheInfo &c : info.caches)
    if (kept.empty() ||
        (c.level > kept.back().level && c.bytes > kept.back().bytes))
      kept.push_back(c);
  info.caches = std::move(kept);
}

uint64_t dramBytes() {
  std::string text = readSmallFile("/proc/meminfo");
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n');
  for (StringRef line : lines) {
    auto [k, v] = line.split(':');
    if (k.trim() != "MemTotal")
      continue;
    uint64_t kb = 0;
    StringRef num = v.trim();
    num.consume_back_insensitive("kB");
    if (!num.trim().getAsInteger(10, kb))
      return kb * 1024;
  }
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

//===----------------------------------------------------------------------===//
// Streaming copy
//===----------------------------------------------------------------------===//

// One clone per vector width, so the copy runs at the speed the hardware
// allows rather than at the baseline ISA's.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IRON_STREAM_CLONES                                                     \
  __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IRON_STREAM_CLONES
#endif

IRON_STREAM_CLONES __attribute__((noinline)) void
scaleCopy(float *__restrict y, const float *__restrict x, size_t n, float a) {
  for (size_t i = 0; i < n; ++i)
    y[i] = a * x[i];
}

} // namespace

HostInfo detectHost() {
  HostInfo info;
  info.cpuModel = cpuModelName();
  detectCaches(info);
  info.dramBytes = dramBytes();
  using namespace iron::rt::optimized;
  Isa isa = activeIsa();
  info.isa = isaName(isa);
  // The micro-kernel shapes of runtime/kernels/optimized/Gemm.cpp.
  switch (isa) {
  case Isa::Avx512:
    info.microRows = 12, info.microCols = 32, info.vectorBits = 512;
    break;
  case Isa::Avx2:
    info.microRows = 6, info.microCols = 16, info.vectorBits = 256;
    break;
  default:
    info.microRows = 4, info.microCols = 8, info.vectorBits = 128;
    break;
  }
  return info;
}

StreamBuffers::StreamBuffers(uint64_t maxWorkingSetBytes) {
  capacity = std::max<size_t>(256, maxWorkingSetBytes / 2 / sizeof(float));
  capacity = (capacity + 15) / 16 * 16;
  storage = new (std::nothrow) float[2 * capacity + 16];
  if (!storage)
    return;
  auto p = reinterpret_cast<uintptr_t>(storage);
  x = reinterpret_cast<float *>((p + 63) / 64 * 64);
  y = x + capacity;
  // Touch every page now, not inside a measurement.
  std::memset(x, 0, 2 * capacity * sizeof(float));
}

StreamBuffers::~StreamBuffers() { delete[] storage; }

bool StreamBuffers::get(size_t floats, float *&xOut, float *&yOut) {
  if (!storage || floats > capacity)
    return false;
  xOut = x, yOut = y;
  return true;
}

Rate streamBandwidth(uint64_t workingSetBytes, int repeats,
                     StreamBuffers *buffers) {
  size_t n = std::max<size_t>(256, workingSetBytes / 2 / sizeof(float));
  std::unique_ptr<StreamBuffers> own;
  float *x, *y;
  if (!buffers || !buffers->get(n, x, y)) {
    own = std::make_unique<StreamBuffers>(2 * n * sizeof(float));
    if (!own->get(n, x, y))
      return {};
  }
  for (size_t i = 0; i < n; ++i)
    x[i] = float(i & 1023) * 0.5f;
  // Each timed sample runs enough passes to last about 0.2 ms, so the clock
  // and the loop setup do not count.
  double bytesPerPass = 2.0 * double(n) * sizeof(float);
  // Thread CPU time, not wall time: on a shared machine the copy may lose
  // the core, and that time says nothing about the memory.
  auto cpuNow = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  };
  auto pass = [&](int passes) {
    double t0 = cpuNow();
    for (int p = 0; p < passes; ++p)
      scaleCopy(y, x, n, 1.0001f + float(p & 1) * 1e-4f);
    return cpuNow() - t0;
  };
  pass(2); // warm the level and the page tables
  double once = std::max(pass(1), 1e-9);
  int passes = std::clamp(int(2e-4 / once), 1, 1 << 16);
  std::vector<double> rates;
  for (int r = 0; r < std::max(repeats, 1); ++r)
    rates.push_back(bytesPerPass * passes / std::max(pass(passes), 1e-12));
  // Keep the result observable.
  volatile float sink = y[n / 2];
  (void)sink;
  std::sort(rates.begin(), rates.end());
  auto at = [&](double q) {
    return rates[size_t(q * double(rates.size() - 1) + 0.5)];
  };
  return {at(0.5), at(0.1), at(0.9)};
}

#ifdef __linux__
namespace {
bool setCpus(const std::vector<int> &cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus)
    if (c >= 0 && c < CPU_SETSIZE)
      CPU_SET(c, &set);
  return sched_setaffinity(0, sizeof(set), &set) == 0;
}
} // namespace

std::vector<int> allowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0)
    return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      cpus.push_back(c);
  return cpus;
}

CpuPin::CpuPin(int cpu) : previous(allowedCpus()) {
  ok = !previous.empty() && setCpus({cpu});
}

CpuPin::~CpuPin() {
  if (ok)
    setCpus(previous);
}
#else
std::vector<int> allowedCpus() { return {}; }
CpuPin::CpuPin(int) {}
CpuPin::~CpuPin() {}
#endif

} // namespace iron::probe
