# lit configuration for Iron's IR, import and tool tests.
import os
import sys
import lit.formats
from lit.llvm import llvm_config

config.name = "Iron"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.iron_obj_root, "test")
# Folders with inputs only, and suites that run under ctest on their own.
config.excludes = ["Inputs", "unittests", "conformance", "models", "lit.cfg.py"]

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
config.substitutions.append(("%iron_src", config.iron_src_root))
# The interpreter running lit: report checks need only its standard library.
config.substitutions.append(("%python", sys.executable))
llvm_config.add_tool_substitutions(
    ["ironc", "iron-opt", "iron-translate"], [config.iron_tools_dir])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.iron_tools_dir, append_path=True)
