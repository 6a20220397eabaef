//===- ModelSummary.cpp - What an imported model contains -----------------===//

#include "iron/Analysis/ModelSummary.h"

#include "iron/Dialect/IronDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;

namespace iron {

int64_t countMACs(Operation *op) {
  // The ops count their own work; this is the MAC total of that count (0
  // for ops of other dialects and for dynamic shapes).
  if (auto w = dyn_cast<WorkCountOpInterface>(op))
    return static_cast<int64_t>(std::llround(w.countWork().totalMACs()));
  return 0;
}

static bool isParameterType(Type elt) {
  if (isa<FloatType>(elt))
    return true;
  if (auto i = dyn_cast<IntegerType>(elt))
    return i.getWidth() == 4 || i.getWidth() == 8 || i.getWidth() == 16 ||
           i.getWidth() == 32;
  return false;
}

ModelSummary summarizeModel(ModuleOp module) {
  ModelSummary s;
  if (auto src = module->getAttrOfType<StringAttr>("iron.source"))
    s.source = src.str();
  auto printType = [](Type t) {
    std::string str;
    llvm::raw_string_ostream os(str);
    os << t;
    return str;
  };
  for (auto func : module.getOps<func::FuncOp>()) {
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "iron.name");
      s.inputs.push_back({name ? name.str() : "arg" + std::to_string(i),
                          printType(arg.getType())});
    }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto name = func.getResultAttrOfType<StringAttr>(i, "iron.name");
      s.outputs.push_back({name ? name.str() : "result" + std::to_string(i),
                           printType(type)});
    }
    func.walk([&](Operation *op) {
      if (!isa<IronDialect>(op->getDialect()))
        return;
      if (auto c = dyn_cast<ConstantOp>(op)) {
        auto type = cast<ShapedType>(c.getResult().getType());
        // Scalars are hyperparameters (Clip bounds, epsilons), not weights.
        if (type.hasStaticShape() && type.getNumElements() > 1 &&
            isParameterType(type.getElementType())) {
          s.parameters += type.getNumElements();
          s.weightBytes += type.getNumElements() *
                           std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
        }
        return;
      }
      ++s.ops;
      ++s.opCounts[op->getName().stripDialect().str()];
      s.macs += countMACs(op);
    });
  }
  return s;
}

static std::string humanCount(int64_t n) {
  char buf[32];
  if (n >= 1000000000)
    snprintf(buf, sizeof buf, "%.2f G", n / 1e9);
  else if (n >= 1000000)
    snprintf(buf, sizeof buf, "%.2f M", n / 1e6);
  else if (n >= 1000)
    snprintf(buf, sizeof buf, "%.2f k", n / 1e3);
  else
    snprintf(buf, sizeof buf, "%lld", (long long)n);
  return buf;
}

void printSummary(const ModelSummary &s, llvm::raw_ostream &os) {
  os << "model: " << s.source << "\n";
  for (const auto &p : s.inputs)
    os << "  input  " << p.name << ": " << p.type << "\n";
  for (const auto &p : s.outputs)
    os << "  output " << p.name << ": " << p.type << "\n";
  os << "ops: " << s.ops << " (" << s.opCounts.size() << " types)\n";
  for (const auto &[name, count] : s.opCounts)
    os << "  " << llvm::left_justify(name, 24) << llvm::format_decimal(count, 6) << "\n";
  os << "parameters: " << s.parameters << " (" << humanCount(s.parameters)
     << "), weights: " << s.weightBytes << " bytes\n";
  os << "MACs: " << s.macs << " (" << humanCount(s.macs) << ")\n";
}

} // namespace iron
