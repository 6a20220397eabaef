//===- HostBuffer.h - Artifact and arena memory on a hosted system -*- C++ -*-===//
//
// The runtime never allocates: its caller hands it the artifact's bytes and
// the arena. On a hosted POSIX system (iron-run, the host probe) this buffer
// provides them: 64-byte aligned, and from 1 MiB up as whole 2 MiB pages
// the kernel is asked to back with transparent huge pages (madvise). With
// 4 KiB pages where a tensor lands in the physically indexed caches, and
// how many TLB entries it takes, change from one process to the next, and
// the same kernel's time with them (by a third, seen on a 3x3 stem
// convolution); huge pages make that placement the same in every run.
//
//===----------------------------------------------------------------------===//
#ifndef IRON_RUNTIME_HOSTBUFFER_H
#define IRON_RUNTIME_HOSTBUFFER_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define IRON_HOSTBUFFER_MMAP 1
#endif

namespace iron::rt {

class HostBuffer {
public:
  HostBuffer() = default;
  explicit HostBuffer(size_t n) { allocate(n); }
  HostBuffer(const HostBuffer &) = delete;
  HostBuffer &operator=(const HostBuffer &) = delete;
  ~HostBuffer() { release(); }

  /// False when the memory cannot be had (the caller reports it).
  bool allocate(size_t n) {
    release();
    size_ = n;
#ifdef IRON_HOSTBUFFER_MMAP
    constexpr size_t kHuge = size_t(2) << 20;
    if (n >= (size_t(1) << 20) && n <= SIZE_MAX - 2 * kHuge) {
      size_t whole = (n + kHuge - 1) / kHuge * kHuge;
      void *p = mmap(nullptr, whole + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
      if (p != MAP_FAILED) {
        mapped_ = p;
        mappedBytes_ = whole + kHuge;
        auto at = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) / kHuge * kHuge;
        data_ = reinterpret_cast<uint8_t *>(at);
#ifdef MADV_HUGEPAGE
        madvise(data_, whole, MADV_HUGEPAGE); // a hint: without it, 4 KiB pages
#endif
        return true;
      }
    }
#endif
    if (n > SIZE_MAX - 64)
      return false;
    heap_ = std::malloc(n + 64);
    if (!heap_)
      return false;
    data_ = reinterpret_cast<uint8_t *>((reinterpret_cast<uintptr_t>(heap_) + 63) / 64 * 64);
    return true;
  }

  uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  void release() {
#ifdef IRON_HOSTBUFFER_MMAP
    if (mapped_)
      munmap(mapped_, mappedBytes_);
#endif
    std::free(heap_);
    mapped_ = heap_ = nullptr;
    mappedBytes_ = size_ = 0;
    data_ = nullptr;
  }

  void *mapped_ = nullptr, *heap_ = nullptr;
  size_t mappedBytes_ = 0, size_ = 0;
  uint8_t *data_ = nullptr;
};

} // namespace iron::rt

#endif // IRON_RUNTIME_HOSTBUFFER_H
