//===- ModelSummary.cpp - What an imported model contains -----------------===//

#include "iron/Analysis/ModelSummary.h"

#include "iron/Dialect/IronDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace iron {

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

static ShapedType staticType(Value v) {
  auto t = dyn_cast<ShapedType>(v.getType());
  return t && t.hasStaticShape() ? t : ShapedType();
}

int64_t countMACs(Operation *op) {
  StringRef name = op->getName().stripDialect();
  if (!isa<IronDialect>(op->getDialect()) || op->getNumResults() == 0)
    return 0;
  ShapedType out = staticType(op->getResult(0));
  if (!out)
    return 0;
  if (name == "Conv" || name == "ConvInteger" || name == "QLinearConv") {
    // Every output element sums over (C / group) x kernel inputs; W holds
    // exactly that many values per output channel. QLinearConv's operands
    // are (x, x_scale, x_zero_point, w, ...).
    ShapedType w = staticType(op->getOperand(name == "QLinearConv" ? 3 : 1));
    if (!w)
      return 0;
    return out.getNumElements() * product(w.getShape().drop_front());
  }
  if (name == "ConvTranspose") {
    // Every input element is scattered through (M / group) x kernel weights.
    ShapedType x = staticType(op->getOperand(0));
    ShapedType w = staticType(op->getOperand(1));
    if (!x || !w)
      return 0;
    return x.getNumElements() * product(w.getShape().drop_front());
  }
  if (name == "Gemm") {
    ShapedType a = staticType(op->getOperand(0));
    if (!a)
      return 0;
    auto transA = op->getAttrOfType<IntegerAttr>("transA");
    int64_t k = a.getDimSize(transA && transA.getInt() ? 0 : 1);
    return out.getNumElements() * k;
  }
  if (name == "MatMul" || name == "MatMulInteger" || name == "QLinearMatMul") {
    ShapedType a = staticType(op->getOperand(0));
    if (!a)
      return 0;
    return out.getNumElements() * a.getDimSize(a.getRank() - 1);
  }
  if (name == "LSTM" || name == "GRU" || name == "RNN") {
    // X: [seq, batch, input], W: [dirs, gates*hidden, input],
    // R: [dirs, gates*hidden, hidden]; one W and one R product per step.
    ShapedType x = staticType(op->getOperand(0));
    ShapedType w = staticType(op->getOperand(1));
    ShapedType r = staticType(op->getOperand(2));
    if (!x || !w || !r)
      return 0;
    int64_t steps = x.getDimSize(0) * x.getDimSize(1);
    return steps * (w.getNumElements() + r.getNumElements());
  }
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
