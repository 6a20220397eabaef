//===- PlanMemory.cpp - Placing every tensor in one arena -----------------===//
//
// Tensor lifetimes follow the function's op order. Tensors that may share
// storage are grouped first (a Reshape's result is its input's bytes; an
// elementwise op can write over an input that dies there), then groups are
// placed greedily, largest first, at the lowest offset that no group live at
// the same time occupies: the classic greedy-by-size heuristic, which stays
// close to the lower bound on feed-forward networks.
//
//===----------------------------------------------------------------------===//

#include "iron/Passes/MemoryPlan.h"
#include "iron/Passes/Passes.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/StringSet.h"

namespace iron {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace iron

using namespace mlir;

namespace iron {

uint64_t tensorBytes(ShapedType type) {
  uint64_t eltBytes = (type.getElementTypeBitWidth() + 7) / 8;
  return uint64_t(type.getNumElements()) * eltBytes;
}

static uint64_t alignUp(uint64_t n) {
  return (n + MemoryPlan::kAlignment - 1) / MemoryPlan::kAlignment *
         MemoryPlan::kAlignment;
}

/// Ops whose result is exactly their first operand's bytes.
static bool isView(Operation *op) {
  static const llvm::StringSet<> views = {"Reshape", "Flatten", "Squeeze",
                                          "Unsqueeze", "Identity", "Dropout"};
  return views.contains(op->getName().stripDialect());
}

/// Ops computing output[i] from input0[i] (and broadcast other operands), so
/// the output may overwrite input 0.
static bool isInPlaceElementwise(Operation *op) {
  static const llvm::StringSet<> ops = {
      "Abs", "Acos", "Acosh", "Add", "Asin", "Asinh", "Atan", "Atanh", "Cast",
      "Ceil", "Celu", "Clip", "Cos", "Cosh", "Div", "Elu", "Erf", "Exp",
      "Floor", "HardSigmoid", "HardSwish", "LeakyRelu", "Log", "Max", "Min",
      "Mul", "Neg", "Pow", "PRelu", "Reciprocal", "Relu", "Round", "Selu",
      "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Sub",
      "Sum", "Tan", "Tanh", "ThresholdedRelu", "Mean", "Shrink"};
  return ops.contains(op->getName().stripDialect());
}

FailureOr<MemoryPlan> planMemory(func::FuncOp func) {
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError("memory planning needs a single-block function");
  Block &body = func.getBody().front();

  // Values that need arena space, with their definition time.
  SmallVector<Value> values;
  DenseMap<Value, int64_t> defTime, lastUse;
  DenseMap<Value, uint64_t> size;
  auto add = [&](Value v, int64_t t) -> LogicalResult {
    auto type = dyn_cast<ShapedType>(v.getType());
    if (!type || !type.hasStaticShape()) {
      if (auto arg = dyn_cast<BlockArgument>(v))
        return func.emitError("memory planning needs static shapes; argument #")
               << arg.getArgNumber() << " is " << v.getType();
      return v.getDefiningOp()->emitError("memory planning needs static shapes; result is ")
             << v.getType();
    }
    values.push_back(v);
    defTime[v] = t;
    lastUse[v] = t;
    size[v] = tensorBytes(type);
    return success();
  };
  int64_t time = 0;
  for (BlockArgument arg : body.getArguments())
    if (failed(add(arg, 0)))
      return failure();
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator()) {
    if (isa<ConstantOp>(op))
      continue; // weights live in the artifact, not the arena
    ++time;
    ops.push_back(&op);
    for (Value operand : op.getOperands())
      if (lastUse.count(operand))
        lastUse[operand] = time;
    for (Value result : op.getResults())
      if (failed(add(result, time)))
        return failure();
  }
  int64_t end = time + 1;
  // Inputs stay intact for the caller; outputs live until the caller reads.
  for (BlockArgument arg : body.getArguments())
    lastUse[arg] = end;
  for (Value v : body.getTerminator()->getOperands())
    if (lastUse.count(v))
      lastUse[v] = end;

  // Group values that share storage (by index into `values`).
  DenseMap<Value, unsigned> indexOf;
  for (auto [i, v] : llvm::enumerate(values))
    indexOf[v] = i;
  llvm::EquivalenceClasses<unsigned> groups;
  for (unsigned i = 0; i < values.size(); ++i)
    groups.insert(i);
  auto groupLastUse = [&](Value v) {
    int64_t last = 0;
    for (auto it = groups.findLeader(indexOf[v]); it != groups.member_end(); ++it)
      last = std::max(last, lastUse[values[*it]]);
    return last;
  };
  unsigned shared = 0;
  for (auto [index, op] : llvm::enumerate(ops)) {
    if (op->getNumOperands() == 0 || op->getNumResults() == 0)
      continue;
    Value in = op->getOperand(0), out = op->getResult(0);
    if (!size.count(in) || !size.count(out) || size[in] != size[out])
      continue;
    bool alias = false;
    if (isView(op)) {
      alias = true; // tensors are never written after they are produced
    } else if (isInPlaceElementwise(op) && isa<ShapedType>(in.getType()) &&
               cast<ShapedType>(in.getType()).getShape() ==
                   cast<ShapedType>(out.getType()).getShape() &&
               !isa<BlockArgument>(in) &&
               groupLastUse(in) == int64_t(index) + 1) {
      // Overwrite input 0 only if no one reads it (or its views) later.
      alias = true;
    }
    if (alias) {
      groups.unionSets(indexOf[in], indexOf[out]);
      ++shared;
    }
  }

  struct Group {
    unsigned leader;
    uint64_t bytes;
    int64_t first, last;
    uint64_t offset = 0;
  };
  SmallVector<Group> list;
  for (auto it = groups.begin(); it != groups.end(); ++it) {
    if (!it->isLeader())
      continue;
    Group g{it->getData(), 0, INT64_MAX, 0};
    for (auto m = groups.member_begin(it); m != groups.member_end(); ++m) {
      Value v = values[*m];
      g.bytes = std::max(g.bytes, alignUp(size[v]));
      g.first = std::min(g.first, defTime[v]);
      g.last = std::max(g.last, lastUse[v]);
    }
    list.push_back(g);
  }

  MemoryPlan plan;
  plan.shared = shared;
  for (int64_t t = 0; t <= end; ++t) {
    uint64_t live = 0;
    for (const Group &g : list)
      if (g.first <= t && t <= g.last)
        live += g.bytes;
    plan.lowerBound = std::max(plan.lowerBound, live);
  }

  // Largest first; ties by first use, then leader order, so the plan is
  // deterministic.
  SmallVector<unsigned> order(list.size());
  for (unsigned i = 0; i < list.size(); ++i)
    order[i] = i;
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    if (list[a].bytes != list[b].bytes)
      return list[a].bytes > list[b].bytes;
    return list[a].first < list[b].first;
  });
  SmallVector<unsigned> placed;
  for (unsigned i : order) {
    Group &g = list[i];
    // Occupied ranges of groups live at the same time, by offset.
    SmallVector<std::pair<uint64_t, uint64_t>> busy;
    for (unsigned j : placed)
      if (list[j].first <= g.last && g.first <= list[j].last)
        busy.push_back({list[j].offset, list[j].offset + list[j].bytes});
    llvm::sort(busy);
    uint64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + g.bytes <= lo)
        break;
      offset = std::max(offset, hi);
    }
    g.offset = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + g.bytes);
    placed.push_back(i);
  }
  for (const Group &g : list)
    for (auto m = groups.findLeader(g.leader); m != groups.member_end(); ++m)
      plan.offsets[values[*m]] = g.offset;
  return plan;
}

namespace {
struct PlanMemoryPass : impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FailureOr<MemoryPlan> plan = planMemory(func);
    if (failed(plan))
      return signalPassFailure();
    Builder b(&getContext());
    func->setAttr("iron.arena_bytes", b.getI64IntegerAttr(plan->arenaBytes));
    func->setAttr("iron.arena_lower_bound", b.getI64IntegerAttr(plan->lowerBound));
    for (BlockArgument arg : func.getArguments())
      func.setArgAttr(arg.getArgNumber(), "iron.arena_offset",
                      b.getI64IntegerAttr(plan->offsets.lookup(arg)));
    func.walk([&](Operation *op) {
      if (op->getNumResults() == 0 || isa<ConstantOp>(op) ||
          !isa<IronDialect>(op->getDialect()))
        return;
      SmallVector<int64_t> offsets;
      for (Value r : op->getResults())
        offsets.push_back(plan->offsets.count(r) ? int64_t(plan->offsets.lookup(r)) : -1);
      op->setAttr("iron.arena_offsets", b.getDenseI64ArrayAttr(offsets));
    });
  }
};
} // namespace

} // namespace iron
