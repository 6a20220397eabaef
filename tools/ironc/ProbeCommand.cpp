//===- ProbeCommand.cpp - ironc target probe ------------------------------===//
//
//   ironc target probe -o host.yaml [--name NAME] [--quick] [--repeats N] [-v]
//
// Measures this machine with Iron's own runtime kernels and writes a target
// description (lib/Probe/HostProbe.cpp; docs/cli.md).
//
//===----------------------------------------------------------------------===//

#include "iron/Probe/HostProbe.h"
#include "iron/Support/ExitCodes.h"
#include "iron/Support/FileUtils.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace llvm;

namespace iron {

namespace {

const char *const kUsage =
    "usage: ironc target probe -o FILE [--name NAME] [--quick] [--repeats N] "
    "[-v]\n"
    "  -o FILE      the target description to write (\"-\": stdout)\n"
    "  --name NAME  the target's name (default: host)\n"
    "  --quick      a small grid with short timings (seconds, not a minute)\n"
    "  --repeats N  timed runs per microbenchmark (default: from a time "
    "budget)\n"
    "  -v           log every microbenchmark's result to stderr\n";

int fail(const Twine &message, int code) {
  WithColor::error(errs(), "ironc") << message << "\n";
  return code;
}

/// Checks up front that `path` can be written, the way writeFileAtomically
/// will write it, so a long probe does not end in an unwritable path.
Error checkWritable(StringRef path) {
  if (path == "-")
    return Error::success();
  if (sys::fs::is_directory(path))
    return createStringError(std::make_error_code(std::errc::is_a_directory),
                             "cannot write '" + path + "': Is a directory");
  SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  int fd;
  SmallString<256> tmp;
  if (std::error_code ec = sys::fs::createUniqueFile(model, fd, tmp))
    return createStringError(ec,
                             "cannot write '" + path + "': " + ec.message());
  sys::Process::SafelyCloseFileDescriptor(fd);
  sys::fs::remove(tmp);
  return Error::success();
}

} // namespace

int runTargetProbe(int argc, char **argv) {
  probe::ProbeOptions options;
  std::string output;
  bool verbose = false;
  int i = 1;
  // Accept the subcommand words when the caller passes them on.
  if (i < argc && StringRef(argv[i]) == "target")
    ++i;
  if (i < argc && StringRef(argv[i]) == "probe")
    ++i;
  for (; i < argc; ++i) {
    StringRef arg = argv[i];
    auto value = [&](StringRef flag, std::string &out) -> bool {
      if (arg.consume_front(flag.str() + "=")) {
        out = arg.str();
        return true;
      }
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    if (arg == "-o" || arg.starts_with("-o=") || arg == "--output" ||
        arg.starts_with("--output=")) {
      if (!value(arg.starts_with("--") ? "--output" : "-o", output))
        return fail(arg + " needs a file", ExitUsage);
    } else if (arg == "--name" || arg.starts_with("--name=")) {
      if (!value("--name", options.name) || options.name.empty())
        return fail("--name needs a value", ExitUsage);
    } else if (arg == "--repeats" || arg.starts_with("--repeats=")) {
      std::string text;
      if (!value("--repeats", text) ||
          StringRef(text).getAsInteger(10, options.repeats) ||
          options.repeats < 1)
        return fail("--repeats expects a positive number, got '" + text + "'",
                    ExitUsage);
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else if (arg == "-h" || arg == "--help") {
      outs() << kUsage;
      return ExitSuccess;
    } else {
      errs() << kUsage;
      return fail("unknown argument '" + arg + "'", ExitUsage);
    }
  }
  if (output.empty()) {
    errs() << kUsage;
    return fail("give the file to write with -o", ExitUsage);
  }
  if (Error e = checkWritable(output))
    return fail(toString(std::move(e)), ExitOutput);
  if (verbose)
    options.log = &errs();

  auto yaml = probe::probeHost(options);
  if (!yaml)
    return fail(toString(yaml.takeError()), ExitInternal);
  if (Error e = writeFileAtomically(output, [&](raw_ostream &os) {
        os << *yaml;
        return Error::success();
      }))
    return fail(toString(std::move(e)), ExitOutput);
  if (output != "-")
    errs() << "ironc: wrote " << output << "\n";
  return ExitSuccess;
}

} // namespace iron
