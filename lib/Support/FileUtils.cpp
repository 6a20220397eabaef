//===- FileUtils.cpp - Writing output files safely ------------------------===//

#include "iron/Support/FileUtils.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace iron {

llvm::Error writeFileAtomically(
    llvm::StringRef path,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write) {
  if (path == "-") {
    if (llvm::Error e = write(llvm::outs()))
      return e;
    llvm::outs().flush();
    return llvm::Error::success();
  }
  llvm::SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  int fd;
  llvm::SmallString<256> tmp;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, tmp))
    return llvm::createStringError(ec, "cannot write '" + path + "': " + ec.message());
  llvm::Error result = llvm::Error::success();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    result = write(os);
    os.close();
    if (os.has_error()) {
      // A stream destroyed with an error set aborts the process: always
      // take it, and report it unless the callback already failed.
      if (!result)
        result = llvm::createStringError(os.error(), "cannot write '" + path +
                                                         "': " + os.error().message());
      os.clear_error();
    }
  }
  if (!result) {
    if (std::error_code ec = llvm::sys::fs::rename(tmp, path))
      result = llvm::createStringError(ec, "cannot write '" + path + "': " +
                                               ec.message());
  }
  if (result)
    llvm::sys::fs::remove(tmp);
  return result;
}

} // namespace iron
