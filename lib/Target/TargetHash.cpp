//===- TargetHash.cpp - Which target file a prediction used ---------------===//

#include "iron/Target/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"

namespace iron {

std::string hashTargetFile(const TargetDescription &target) {
  auto buffer = llvm::MemoryBuffer::getFile(target.path);
  if (!buffer)
    return {};
  std::array<uint8_t, 32> digest =
      llvm::SHA256::hash(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
  return "sha256:" + llvm::toHex(digest, /*LowerCase=*/true);
}

} // namespace iron
