//===- FuseElementwise.cpp - Elementwise chains as one loop ---------------===//
//
// Each elementwise op reads and writes a whole tensor; a chain of them is
// memory-bound many times over. iron.Elementwise evaluates the chain once
// per element from a small register program. Groups grow from a root (the
// last op) towards its producers while a producer's result is used only
// by the group, so a group is an expression tree over its inputs.
// Every intermediate has the root's shape (a smaller one would be
// recomputed for each element it broadcasts to) and every input broadcasts
// to it without changing it.
//
//===----------------------------------------------------------------------===//

#include "FusionUtils.h"

#include "iron/Passes/Passes.h"

#include "llvm/ADT/StringSwitch.h"

namespace iron {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {
namespace {

using fusion::formatImmediate;
using fusion::isOp;
using fusion::opName;

/// Operands an op reads as tensors (Clip's bounds are immediates).
unsigned tensorOperands(Operation *op) {
  return isa<ClipOp>(op) ? 1 : op->getNumOperands();
}

/// Whether the Elementwise program can express `op`.
bool isSupported(Operation *op) {
  if (!op || op->getNumResults() != 1 || !fusion::isF32(op->getResult(0)))
    return false;
  if (isa<ElementwiseOp>(op))
    return true;
  StringRef name = opName(op);
  bool binary = llvm::is_contained(
      {"Add", "Sub", "Mul", "Div", "Min", "Max", "Pow"}, name);
  bool unary = llvm::is_contained(
      {"Neg", "Abs", "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf",
       "Reciprocal", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish"},
      name);
  if (binary && op->getNumOperands() != 2)
    return false;
  if (unary && op->getNumOperands() < 1)
    return false;
  if (!binary && !unary)
    return false;
  if (auto clip = dyn_cast<ClipOp>(op)) {
    for (Value bound : {clip.getMin(), clip.getMax()})
      if (bound && !fusion::readScalar(bound))
        return false;
  } else if (unary && op->getNumOperands() != 1) {
    return false;
  }
  for (unsigned k = 0; k < tensorOperands(op); ++k)
    if (!fusion::isF32(op->getOperand(k)))
      return false;
  return true;
}

/// Builds the register program of a group.
class ProgramBuilder {
public:
  explicit ProgramBuilder(const llvm::SmallPtrSetImpl<Operation *> &group)
      : group(group) {}

  /// Emits the instructions computing `v`; returns its register.
  std::string emit(Value v) {
    Operation *op = v.getDefiningOp();
    if (!op || !group.contains(op))
      return input(v);
    if (auto it = regs.find(v); it != regs.end())
      return it->second;
    std::string reg;
    if (auto ew = dyn_cast<ElementwiseOp>(op)) {
      reg = inlineProgram(ew);
    } else {
      SmallVector<std::string> src;
      for (unsigned k = 0; k < tensorOperands(op); ++k)
        src.push_back(emit(op->getOperand(k)));
      reg = temp();
      std::string text = opName(op).str() + " " + reg;
      for (const std::string &s : src)
        text += " " + s;
      for (double imm : immediates(op))
        text += " " + formatImmediate(imm);
      program.push_back(text);
    }
    regs[v] = reg;
    return reg;
  }

  SmallVector<Value> inputs;
  SmallVector<std::string> program;

private:
  std::string input(Value v) {
    for (auto [k, in] : llvm::enumerate(inputs))
      if (in == v)
        return "i" + std::to_string(k);
    inputs.push_back(v);
    return "i" + std::to_string(inputs.size() - 1);
  }
  std::string temp() { return "t" + std::to_string(temps++); }

  SmallVector<double> immediates(Operation *op) {
    if (auto clip = dyn_cast<ClipOp>(op)) {
      double lo = -INFINITY, hi = INFINITY;
      if (clip.getMin())
        lo = *fusion::readScalar(clip.getMin());
      if (clip.getMax())
        hi = *fusion::readScalar(clip.getMax());
      return {lo, hi};
    }
    if (isOp(op, "LeakyRelu"))
      return {fusion::getF64(op, "alpha", 0.01)};
    if (isOp(op, "HardSigmoid"))
      return {fusion::getF64(op, "alpha", 0.2),
              fusion::getF64(op, "beta", 0.5)};
    return {};
  }

  /// Copies an existing program with its registers renamed.
  std::string inlineProgram(ElementwiseOp ew) {
    SmallVector<std::string> in;
    for (Value v : ew.getInputs())
      in.push_back(emit(v));
    llvm::StringMap<std::string> renamed;
    std::string last;
    for (Attribute a : ew.getProgram()) {
      SmallVector<StringRef> tokens;
      cast<StringAttr>(a).getValue().split(tokens, ' ', -1, false);
      if (tokens.size() < 2)
        continue;
      std::string text = tokens[0].str();
      for (StringRef tok : ArrayRef<StringRef>(tokens).drop_front()) {
        unsigned idx;
        std::string out = tok.str();
        if (tok.size() > 1 && tok[0] == 'i' &&
            !tok.drop_front().getAsInteger(10, idx) && idx < in.size()) {
          out = in[idx];
        } else if (tok.size() > 1 && tok[0] == 't' &&
                   !tok.drop_front().getAsInteger(10, idx)) {
          auto it = renamed.find(tok);
          if (it == renamed.end())
            it = renamed.insert({tok, temp()}).first;
          out = it->second;
        }
        text += " " + out;
      }
      program.push_back(text);
      last = renamed.lookup(tokens[1]);
    }
    return last;
  }

  const llvm::SmallPtrSetImpl<Operation *> &group;
  llvm::DenseMap<Value, std::string> regs;
  unsigned temps = 0;
};

/// The activation an Elementwise program of one input computes, if it is
/// exactly one.
std::optional<std::pair<std::string, SmallVector<float>>>
programActivation(ElementwiseOp ew) {
  if (ew.getInputs().size() != 1)
    return std::nullopt;
  SmallVector<SmallVector<StringRef>> ins;
  for (Attribute a : ew.getProgram()) {
    SmallVector<StringRef> tokens;
    cast<StringAttr>(a).getValue().split(tokens, ' ', -1, false);
    ins.push_back(tokens);
  }
  auto floats = [](ArrayRef<StringRef> toks) {
    SmallVector<float> v;
    for (StringRef t : toks) {
      double d;
      if (t == "inf" || t == "-inf")
        d = t == "inf" ? INFINITY : -INFINITY;
      else if (t.getAsDouble(d))
        return SmallVector<float>{NAN};
      v.push_back(float(d));
    }
    return v;
  };
  if (ins.size() == 1 && ins[0].size() >= 3 && ins[0][2] == "i0") {
    StringRef op = ins[0][0];
    SmallVector<float> imm = floats(ArrayRef<StringRef>(ins[0]).drop_front(3));
    size_t want = llvm::StringSwitch<size_t>(op)
                      .Cases("Relu", "Sigmoid", "Tanh", "HardSwish", 0)
                      .Case("LeakyRelu", 1)
                      .Cases("Clip", "HardSigmoid", 2)
                      .Default(99);
    if (want == imm.size() &&
        llvm::none_of(imm, [](float f) { return std::isnan(f); }))
      return std::make_pair(op.str(), imm);
  }
  if (ins.size() == 2 && ins[0].size() == 3 && ins[1].size() == 4 &&
      ins[0][0] == "Sigmoid" && ins[0][2] == "i0" && ins[1][0] == "Mul") {
    StringRef t = ins[0][1];
    if ((ins[1][2] == "i0" && ins[1][3] == t) ||
        (ins[1][2] == t && ins[1][3] == "i0"))
      return std::make_pair(std::string("SiLU"), SmallVector<float>());
  }
  return std::nullopt;
}

struct FuseElementwisePass : impl::FuseElementwiseBase<FuseElementwisePass> {
  using FuseElementwiseBase::FuseElementwiseBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    return gate.init(target, precision, ctx);
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    // Roots from the last op up: a consumer groups its producers first.
    Operation *op = body.empty() ? nullptr : body.getTerminator();
    while (op) {
      Operation *prev = op->getPrevNode();
      if (isSupported(op))
        if (Operation *fused = fuseGroup(op))
          prev = fused->getPrevNode();
      op = prev;
    }
    // Activations left after a fused kernel without one.
    SmallVector<Operation *> candidates;
    for (Operation &o : body)
      if (isa<FusedConvOp, FusedMatMulOp>(o))
        candidates.push_back(&o);
    for (Operation *kernel : candidates)
      absorbActivation(kernel);
    fusion::eraseDeadOps(body);
  }

  /// Grows a group from `root`; returns the Elementwise made of it.
  Operation *fuseGroup(Operation *root) {
    auto outType = fusion::staticType(root->getResult(0));
    if (!outType)
      return nullptr;
    llvm::SmallPtrSet<Operation *, 16> group;
    SmallVector<Operation *> order;
    SmallVector<Operation *> work = {root};
    group.insert(root);
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      order.push_back(op);
      for (unsigned k = 0; k < tensorOperands(op); ++k) {
        Value v = op->getOperand(k);
        Operation *p = v.getDefiningOp();
        // A smaller intermediate would be recomputed for every element it
        // broadcasts to: it stays an input.
        if (!p || group.contains(p) || p->getBlock() != root->getBlock() ||
            !isSupported(p) || v.getType() != outType)
          continue;
        // Every use of the producer must be inside the group.
        if (!llvm::all_of(v.getUsers(),
                          [&](Operation *u) { return group.contains(u); }))
          continue;
        group.insert(p);
        work.push_back(p);
      }
    }
    if (group.size() < 2)
      return nullptr;
    ProgramBuilder pb(group);
    std::string out = pb.emit(root->getResult(0));
    for (Value in : pb.inputs) {
      auto t = fusion::staticType(in);
      if (!t || !fusion::broadcastsTo(t.getShape(), outType.getShape()))
        return nullptr;
    }
    llvm::sort(order, [](Operation *l, Operation *r) {
      return l->isBeforeInBlock(r);
    });
    OpBuilder b(root);
    SmallVector<StringRef> program(pb.program.begin(), pb.program.end());
    auto ew = b.create<ElementwiseOp>(fusion::fusedLoc(order), outType,
                                      pb.inputs, b.getStrArrayAttr(program));
    if (!gate.accept(order, {ew.getOperation()})) {
      ew->erase();
      return nullptr;
    }
    root->getResult(0).replaceAllUsesWith(ew.getResult());
    for (Operation *op : llvm::reverse(order))
      op->erase();
    return ew;
  }

  /// Makes the single-activation user of a fused kernel its activation.
  void absorbActivation(Operation *kernel) {
    Value y = kernel->getResult(0);
    StringRef current =
        kernel->getAttrOfType<StringAttr>("activation")
            ? kernel->getAttrOfType<StringAttr>("activation").getValue()
            : "";
    if (!current.empty() || !y.hasOneUse())
      return;
    Operation *user = *y.getUsers().begin();
    std::string name;
    SmallVector<float> params;
    SmallVector<Operation *> ops = {user};
    Value result = user->getResult(0);
    if (auto ew = dyn_cast<ElementwiseOp>(user)) {
      auto act = programActivation(ew);
      if (!act)
        return;
      std::tie(name, params) = *act;
    } else if (auto act = fusion::matchActivationOf(y)) {
      name = act->name;
      params = act->params;
      ops = act->ops;
      result = act->result;
    } else {
      return;
    }
    if (result.getType() != y.getType())
      return;
    OpBuilder b(result.getDefiningOp());
    Operation *fused = b.clone(*kernel);
    SmallVector<Operation *> unfused = {kernel};
    unfused.append(ops.begin(), ops.end());
    fused->setLoc(fusion::fusedLoc(unfused));
    fused->setAttr("activation", b.getStringAttr(name));
    if (params.empty())
      fused->removeAttr("activation_params");
    else
      fused->setAttr("activation_params", b.getF32ArrayAttr(params));
    if (!gate.accept(unfused, {fused})) {
      fused->erase();
      return;
    }
    result.replaceAllUsesWith(fused->getResult(0));
    for (Operation *op : llvm::reverse(unfused))
      op->erase();
  }

  fusion::CostGate gate;
};

} // namespace
} // namespace iron
