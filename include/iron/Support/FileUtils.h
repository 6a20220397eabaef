//===- FileUtils.h - Writing output files safely ------------------*- C++ -*-===//
#ifndef IRON_SUPPORT_FILEUTILS_H
#define IRON_SUPPORT_FILEUTILS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace iron {
/// Writes `path` atomically: the content goes to a temporary file in the same
/// folder, which is renamed over `path` only when `write` succeeded. On any
/// failure no file (partial or temporary) is left behind. "-" is stdout.
llvm::Error writeFileAtomically(llvm::StringRef path,
                                llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);
} // namespace iron

#endif // IRON_SUPPORT_FILEUTILS_H
