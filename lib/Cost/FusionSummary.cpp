//===- FusionSummary.cpp - What fusion did, kernel by kernel --------------===//
//
// The fusion passes give every kernel they make a fused location of the
// ONNX nodes it replaces, so the kernels of the unfused and the fused
// analysis of one model match by node name: a fused kernel claims each
// unfused kernel one of its nodes named. A kernel that claims more than one,
// or one of another kind, is a fusion; an unfused kernel nobody claims was
// removed (folded into weights, a cancelled round trip).
//
//===----------------------------------------------------------------------===//

#include "iron/Cost/CostModel.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>

namespace iron {

FusionSummary summarizeFusion(const ModelCost &unfused,
                              const ModelCost &fused) {
  FusionSummary s;
  s.kernelsBefore = unsigned(unfused.kernels.size());
  s.kernelsAfter = unsigned(fused.kernels.size());
  s.latencyBeforeS = unfused.latencyS.value;
  s.latencyAfterS = fused.latencyS.value;
  s.arenaBytesBefore = unfused.arenaBytes;
  s.arenaBytesAfter = fused.arenaBytes;

  // Node name -> the unfused kernel that ran it.
  llvm::StringMap<size_t> byNode;
  for (size_t i = 0; i < unfused.kernels.size(); ++i)
    for (const std::string &n : unfused.kernels[i].nodes)
      if (!n.empty())
        byNode.try_emplace(n, i);

  std::vector<bool> claimed(unfused.kernels.size(), false);
  for (const KernelCost &k : fused.kernels) {
    std::vector<size_t> parts;
    for (const std::string &n : k.nodes) {
      auto it = byNode.find(n);
      if (it == byNode.end() || claimed[it->second])
        continue;
      claimed[it->second] = true;
      parts.push_back(it->second);
    }
    if (parts.empty())
      continue;
    std::sort(parts.begin(), parts.end());
    if (parts.size() == 1 && unfused.kernels[parts.front()].kind == k.kind)
      continue; // the same kernel, not fused
    FusionRecord r;
    r.kind = k.kind;
    r.nodes = k.nodes;
    double producedBytes = 0;
    for (size_t i : parts) {
      const KernelCost &u = unfused.kernels[i];
      r.kindsBefore.push_back(u.kind);
      r.beforeS += u.latencyS.value;
      producedBytes += u.outputBytes;
    }
    r.afterS = k.latencyS.value;
    r.intermediateBytes = std::max(0.0, producedBytes - k.outputBytes);
    s.fusions.push_back(std::move(r));
  }
  for (size_t i = 0; i < unfused.kernels.size(); ++i) {
    if (claimed[i])
      continue;
    const KernelCost &u = unfused.kernels[i];
    s.removed.push_back({u.kind, u.nodes.empty() ? "" : u.nodes.front(),
                         u.latencyS.value});
  }
  return s;
}

} // namespace iron
