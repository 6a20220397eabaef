//===- Registry.cpp - Finding a kernel by kind ----------------------------===//
//
// Each kernel family contributes a constant table; the registry searches
// them. No registration at static-initialization time, so a firmware image
// links exactly the tables it references.
//
//===----------------------------------------------------------------------===//

#include "iron/runtime/Kernel.h"
#include "kernels/optimized/Families.h"
#include "kernels/reference/Families.h"

#include <cstring>

namespace iron::rt {
namespace {
struct Family {
  const KernelDef *defs;
  const int *count;
};
const Family kReference[] = {
    {reference::kElementwiseKernels, &reference::kNumElementwiseKernels},
    {reference::kNNKernels, &reference::kNumNNKernels},
    {reference::kReduceKernels, &reference::kNumReduceKernels},
    {reference::kDataMovementKernels, &reference::kNumDataMovementKernels},
};
} // namespace

const KernelDef *findReferenceKernel(const char *kind) {
  for (const Family &f : kReference)
    for (int i = 0; i < *f.count; ++i)
      if (std::strcmp(f.defs[i].kind, kind) == 0)
        return &f.defs[i];
  return nullptr;
}

const KernelDef *findKernel(const char *kind) {
  // Optimized kernels take precedence; the reference ones cover the rest.
  for (int i = 0; i < optimized::kNumOptimizedKernels; ++i)
    if (std::strcmp(optimized::kOptimizedKernels[i].kind, kind) == 0)
      return &optimized::kOptimizedKernels[i];
  return findReferenceKernel(kind);
}

int numReferenceKernels() {
  int n = 0;
  for (const Family &f : kReference)
    n += *f.count;
  return n;
}

const KernelDef &referenceKernel(int i) {
  for (const Family &f : kReference) {
    if (i < *f.count)
      return f.defs[i];
    i -= *f.count;
  }
  return kReference[0].defs[0];
}

} // namespace iron::rt
