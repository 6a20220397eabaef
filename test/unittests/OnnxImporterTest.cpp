//===- OnnxImporterTest.cpp - Importing ONNX models -----------------------===//
//
// Unit tests of iron/Import/OnnxImporter.h: option parsing, the import
// report, and imports of small ONNX models built here with libonnx's
// protobuf classes (external data, refused locations, unsupported operators,
// dynamic shapes and pinning them).
//
//===----------------------------------------------------------------------===//

#include "iron/Import/OnnxImporter.h"

#include "iron/Dialect/IronDialect.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace mlir;
using onnx::TensorProto;

namespace {

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

//===----------------------------------------------------------------------===//
// --input-shape and --dim
//===----------------------------------------------------------------------===//

TEST(ImportOptionsTest, InputShapeValid) {
  iron::ImportOptions options;
  ASSERT_FALSE(iron::parseInputShapeOption("input=1x3x224x224", options));
  ASSERT_FALSE(iron::parseInputShapeOption("ids=8", options));
  ASSERT_FALSE(iron::parseInputShapeOption("empty=0x4", options));
  EXPECT_EQ(options.inputShapes["input"], (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ(options.inputShapes["ids"], (std::vector<int64_t>{8}));
  EXPECT_EQ(options.inputShapes["empty"], (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(options.inputShapes.size(), 3u);
}

TEST(ImportOptionsTest, InputShapeNameWithPunctuation) {
  // ONNX value names may hold ':' and '/' (TensorFlow-converted models).
  iron::ImportOptions options;
  ASSERT_FALSE(iron::parseInputShapeOption("serving_default_x:0=2x5", options));
  ASSERT_FALSE(iron::parseInputShapeOption("/model/input.1=7", options));
  EXPECT_EQ(options.inputShapes["serving_default_x:0"], (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(options.inputShapes["/model/input.1"], (std::vector<int64_t>{7}));
}

TEST(ImportOptionsTest, InputShapeLaterValueWins) {
  iron::ImportOptions options;
  ASSERT_FALSE(iron::parseInputShapeOption("x=1x2", options));
  ASSERT_FALSE(iron::parseInputShapeOption("x=3x4x5", options));
  EXPECT_EQ(options.inputShapes["x"], (std::vector<int64_t>{3, 4, 5}));
}

TEST(ImportOptionsTest, InputShapeMalformed) {
  for (const char *bad : {"x=", "=1x2", "x=1xax3", "x=-1x3", "x=1x-2", "x", "",
                          "x=1x", "x=x1", "x=1xx2", "x=1.5", "x=1,2", "="}) {
    SCOPED_TRACE(bad);
    iron::ImportOptions options;
    llvm::Error e = iron::parseInputShapeOption(bad, options);
    ASSERT_TRUE(static_cast<bool>(e));
    std::string msg = errorText(std::move(e));
    EXPECT_NE(msg.find("--input-shape"), std::string::npos) << msg;
    EXPECT_TRUE(options.inputShapes.empty());
  }
}

TEST(ImportOptionsTest, InputShapeMalformedNamesTheBadDimension) {
  iron::ImportOptions options;
  llvm::Error e = iron::parseInputShapeOption("x=1xax3", options);
  ASSERT_TRUE(static_cast<bool>(e));
  std::string msg = errorText(std::move(e));
  EXPECT_NE(msg.find("'a'"), std::string::npos) << msg;
}

TEST(ImportOptionsTest, InputShapeScalar) {
  // The parser has a rank-0 form, NAME=scalar (it clears the shape when the
  // dims read "scalar"); a scalar input cannot be written as D0xD1...
  iron::ImportOptions options;
  llvm::Error e = iron::parseInputShapeOption("temperature=scalar", options);
  ASSERT_FALSE(static_cast<bool>(e)) << errorText(std::move(e));
  ASSERT_EQ(options.inputShapes.count("temperature"), 1u);
  EXPECT_TRUE(options.inputShapes["temperature"].empty());
}

TEST(ImportOptionsTest, DimParamValid) {
  iron::ImportOptions options;
  ASSERT_FALSE(iron::parseDimParamOption("batch=1", options));
  ASSERT_FALSE(iron::parseDimParamOption("sequence_length=128", options));
  ASSERT_FALSE(iron::parseDimParamOption("zero=0", options));
  EXPECT_EQ(options.dimParams["batch"], 1);
  EXPECT_EQ(options.dimParams["sequence_length"], 128);
  EXPECT_EQ(options.dimParams["zero"], 0);
  EXPECT_EQ(options.dimParams.size(), 3u);
}

TEST(ImportOptionsTest, DimParamMalformed) {
  for (const char *bad : {"batch=", "=1", "batch", "batch=-1", "batch=a", "batch=1x2",
                          "batch=1.0", "", "="}) {
    SCOPED_TRACE(bad);
    iron::ImportOptions options;
    llvm::Error e = iron::parseDimParamOption(bad, options);
    ASSERT_TRUE(static_cast<bool>(e));
    std::string msg = errorText(std::move(e));
    EXPECT_NE(msg.find("--dim"), std::string::npos) << msg;
    EXPECT_TRUE(options.dimParams.empty());
  }
}

//===----------------------------------------------------------------------===//
// ImportReport
//===----------------------------------------------------------------------===//

TEST(ImportReportTest, ExitCodes) {
  iron::ImportReport ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.exitCode(), iron::ExitSuccess);

  iron::ImportReport dyn;
  dyn.dynamicDims.push_back("input 'x' has shape Nx3");
  EXPECT_FALSE(dyn.ok());
  EXPECT_EQ(dyn.exitCode(), 4);

  iron::ImportReport unsup = dyn;
  unsup.unsupported.push_back({"Foo", "com.x", "domain", {"n1"}});
  EXPECT_EQ(unsup.exitCode(), 3); // unsupported outranks dynamic shapes

  iron::ImportReport feature;
  feature.unsupportedFeatures.push_back("string tensors");
  EXPECT_EQ(feature.exitCode(), 3);

  iron::ImportReport opset;
  opset.opsetProblems.push_back("opset 99");
  EXPECT_EQ(opset.exitCode(), 3);

  iron::ImportReport bad = unsup;
  bad.malformed.push_back("truncated");
  EXPECT_EQ(bad.exitCode(), 2); // malformed outranks everything

  iron::ImportReport internal;
  internal.internal.push_back("verifier");
  EXPECT_FALSE(internal.ok());
  EXPECT_EQ(internal.exitCode(), 70);
}

TEST(ImportReportTest, UnsupportedOpGroupsByTypeAndDomain) {
  iron::ImportReport r;
  r.unsupportedOp("Foo", "com.a", "why").nodes.push_back("n1");
  r.unsupportedOp("Foo", "com.a", "other reason").nodes.push_back("n2");
  r.unsupportedOp("Foo", "com.b", "why").nodes.push_back("n3");
  r.unsupportedOp("Bar", "com.a", "why").nodes.push_back("n4");
  ASSERT_EQ(r.unsupported.size(), 3u);
  EXPECT_EQ(r.unsupported[0].opType, "Foo");
  EXPECT_EQ(r.unsupported[0].domain, "com.a");
  EXPECT_EQ(r.unsupported[0].reason, "why"); // the first reason stays
  EXPECT_EQ(r.unsupported[0].nodes, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(r.unsupported[1].domain, "com.b");
  EXPECT_EQ(r.unsupported[2].opType, "Bar");
}

TEST(ImportReportTest, PrintEverySection) {
  iron::ImportReport r;
  r.path = "m.onnx";
  r.malformed.push_back("bad tensor");
  r.opsetProblems.push_back("too new");
  r.unsupportedOp("Foo", "com.x", "not here").nodes = {"a", "b"};
  r.unsupportedOp("Bar", "", "no schema").nodes = {"c"};
  r.unsupportedFeatures.push_back("string tensors");
  r.dynamicDims.push_back("input 'x' has shape Nx3");
  r.internal.push_back("does not verify");
  std::string text;
  llvm::raw_string_ostream os(text);
  r.print(os);
  os.flush();
  EXPECT_EQ(text,
            "m.onnx: error: bad tensor\n"
            "m.onnx: error: opset: too new\n"
            "m.onnx: error: 2 unsupported operator type(s), 3 node(s):\n"
            "  com.x.Foo x2 (not here): 'a', 'b'\n"
            "  Bar x1 (no schema): 'c'\n"
            "m.onnx: error: unsupported: string tensors\n"
            "m.onnx: error: dynamic dimensions left unpinned (use --input-shape "
            "NAME=D0xD1... or --dim NAME=VALUE):\n"
            "  input 'x' has shape Nx3\n"
            "m.onnx: internal error: does not verify\n");
}

TEST(ImportReportTest, PrintCapsNodeLists) {
  iron::ImportReport r;
  r.path = "big.onnx";
  auto &u = r.unsupportedOp("Custom", "org.x", "domain");
  for (int i = 0; i < 11; ++i)
    u.nodes.push_back("n" + std::to_string(i));
  std::string text;
  llvm::raw_string_ostream os(text);
  r.print(os);
  os.flush();
  // Eight names, then the count of the other three.
  EXPECT_NE(text.find("org.x.Custom x11 (domain): 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', "
                      "'n6', 'n7', ... 3 more\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("'n8'"), std::string::npos) << text;
}

TEST(ImportReportTest, PrintNothingWhenOk) {
  iron::ImportReport r;
  r.path = "fine.onnx";
  std::string text;
  llvm::raw_string_ostream os(text);
  r.print(os);
  os.flush();
  EXPECT_EQ(text, "");
}

//===----------------------------------------------------------------------===//
// Model building helpers
//===----------------------------------------------------------------------===//

/// dims: numbers are dim_values, other strings dim_params.
void setType(onnx::ValueInfoProto &v, int elemType, const std::vector<std::string> &dims) {
  auto *tt = v.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  auto *shape = tt->mutable_shape();
  for (const auto &d : dims) {
    auto *dim = shape->add_dim();
    if (std::isdigit(static_cast<unsigned char>(d[0])))
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
}

onnx::ModelProto makeModel(int opset = 17) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("iron-unittests");
  m.set_producer_version("1");
  auto *o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  m.mutable_graph()->set_name("g");
  return m;
}

void addInput(onnx::ModelProto &m, const std::string &name, const std::vector<std::string> &dims,
              int elemType = TensorProto::FLOAT) {
  auto *v = m.mutable_graph()->add_input();
  v->set_name(name);
  setType(*v, elemType, dims);
}

void addOutput(onnx::ModelProto &m, const std::string &name, const std::vector<std::string> &dims,
               int elemType = TensorProto::FLOAT) {
  auto *v = m.mutable_graph()->add_output();
  v->set_name(name);
  setType(*v, elemType, dims);
}

onnx::NodeProto &addNode(onnx::ModelProto &m, const std::string &op,
                         const std::vector<std::string> &inputs,
                         const std::vector<std::string> &outputs, const std::string &name = "",
                         const std::string &domain = "") {
  auto *n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  if (!name.empty())
    n->set_name(name);
  if (!domain.empty())
    n->set_domain(domain);
  for (const auto &i : inputs)
    n->add_input(i);
  for (const auto &o : outputs)
    n->add_output(o);
  return *n;
}

void addIntsAttr(onnx::NodeProto &n, const std::string &name, const std::vector<int64_t> &v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v)
    a->add_ints(x);
}

std::vector<float> ramp(size_t n, float start, float step) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = start + step * float(i);
  return v;
}

std::string floatBytes(const std::vector<float> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float));
}

/// An initializer stored in a file: location, offset and length as given
/// (empty strings are left out).
TensorProto &addExternalInitializer(onnx::ModelProto &m, const std::string &name,
                                    const std::vector<int64_t> &dims,
                                    const std::string &location, const std::string &offset,
                                    const std::string &length) {
  TensorProto *t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(TensorProto::FLOAT);
  for (int64_t d : dims)
    t->add_dims(d);
  t->set_data_location(TensorProto::EXTERNAL);
  auto add = [&](const char *key, const std::string &value) {
    if (value.empty())
      return;
    auto *kv = t->add_external_data();
    kv->set_key(key);
    kv->set_value(value);
  };
  add("location", location);
  add("offset", offset);
  add("length", length);
  return *t;
}

class ImporterTest : public ::testing::Test {
protected:
  ImporterTest() : ctx(MLIRContext::Threading::DISABLED) {
    DialectRegistry registry;
    iron::registerImportDialects(registry);
    ctx.appendDialectRegistry(registry);
  }
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("iron-import", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string save(const onnx::ModelProto &m, const std::string &name = "model.onnx") {
    std::string p = path(name);
    std::ofstream out(p, std::ios::binary);
    EXPECT_TRUE(m.SerializeToOstream(&out));
    return p;
  }
  static void writeBytes(const std::string &p, const std::string &bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
  }
  OwningOpRef<ModuleOp> import(const std::string &p,
                               const iron::ImportOptions &options = {}) {
    report = iron::ImportReport();
    return iron::importOnnxModel(ctx, p, options, report);
  }
  std::string reportText() const {
    std::string text;
    llvm::raw_string_ostream os(text);
    report.print(os);
    os.flush();
    return text;
  }
  static bool anyContains(const std::vector<std::string> &lines,
                          std::initializer_list<const char *> parts) {
    for (const auto &l : lines) {
      bool all = true;
      for (const char *p : parts)
        all = all && l.find(p) != std::string::npos;
      if (all)
        return true;
    }
    return false;
  }
  static func::FuncOp mainOf(ModuleOp module) {
    return *module.getOps<func::FuncOp>().begin();
  }
  /// The constant whose type prints as `type`.
  static ElementsAttr constantOfType(ModuleOp module, const std::string &type) {
    ElementsAttr found;
    module.walk([&](iron::ConstantOp c) {
      std::string t;
      llvm::raw_string_ostream os(t);
      os << c.getResult().getType();
      os.flush();
      if (t == type)
        found = c.getValueAttr();
    });
    return found;
  }
public:
  /// The float values of a constant, dense or resource.
  static std::vector<float> floatsOf(ElementsAttr attr) {
    std::vector<float> out;
    if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
      const AsmResourceBlob *blob = res.getRawHandle().getBlob();
      if (!blob)
        return out;
      ArrayRef<char> data = blob->getData();
      out.resize(data.size() / sizeof(float));
      std::memcpy(out.data(), data.data(), out.size() * sizeof(float));
    } else if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
      for (float f : dense.getValues<float>())
        out.push_back(f);
    }
    return out;
  }

protected:
  MLIRContext ctx;
  llvm::SmallString<256> dir;
  iron::ImportReport report;
};

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

/// X [1,4] -> Add S [4] -> MatMul W [4,100] -> Add B [100] -> Y [1,100],
/// all three weights in one file beside the model.
onnx::ModelProto externalDataModel(const std::string &location, const std::string &wOffset,
                                   const std::string &wLength) {
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"1", "4"});
  addOutput(m, "Y", {"1", "100"});
  // Layout of weights.bin: 16 junk bytes, W (1600 bytes), B (400), S (16).
  addExternalInitializer(m, "W", {4, 100}, location, wOffset, wLength);
  addExternalInitializer(m, "B", {100}, location, "1616", "400");
  addExternalInitializer(m, "S", {4}, location, "2016", "16");
  addNode(m, "Add", {"X", "S"}, {"XS"}, "add_s");
  addNode(m, "MatMul", {"XS", "W"}, {"XW"}, "matmul");
  addNode(m, "Add", {"XW", "B"}, {"Y"}, "add_b");
  return m;
}

const std::vector<float> kW = ramp(400, -1.0f, 0.005f);
const std::vector<float> kB = ramp(100, 10.0f, 0.25f);
const std::vector<float> kS = {0.5f, -0.5f, 1.5f, -1.5f};

std::string weightsFile() {
  return std::string(16, '\x7f') + floatBytes(kW) + floatBytes(kB) + floatBytes(kS) +
         std::string(8, '\x01');
}

TEST_F(ImporterTest, ExternalDataBesideTheModelLoads) {
  writeBytes(path("weights.bin"), weightsFile());
  std::string p = save(externalDataModel("weights.bin", "16", "1600"));
  auto module = import(p);
  ASSERT_TRUE(module) << reportText();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.exitCode(), iron::ExitSuccess);

  ElementsAttr w = constantOfType(*module, "tensor<4x100xf32>");
  ElementsAttr b = constantOfType(*module, "tensor<100xf32>");
  ElementsAttr s = constantOfType(*module, "tensor<4xf32>");
  ASSERT_TRUE(w && b && s);
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(w)) << "1600 bytes: a resource";
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(b)) << "400 bytes: a resource";
  EXPECT_TRUE(isa<DenseElementsAttr>(s)) << "16 bytes: inline";
  EXPECT_EQ(floatsOf(w), kW);
  EXPECT_EQ(floatsOf(b), kB);
  EXPECT_EQ(floatsOf(s), kS);

  auto func = mainOf(*module);
  EXPECT_EQ(func.getFunctionType().getInput(0), parseType("tensor<1x4xf32>", &ctx));
  EXPECT_EQ(func.getFunctionType().getResult(0), parseType("tensor<1x100xf32>", &ctx));
}

TEST_F(ImporterTest, ExternalDataInASubfolderWithoutLengthLoads) {
  // No length: the tensor runs to the end of the file.
  ASSERT_FALSE(llvm::sys::fs::create_directory(path("data")));
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"4", "100"});
  addOutput(m, "Y", {"4", "100"});
  addExternalInitializer(m, "W", {4, 100}, "data/w.bin", "", "");
  addNode(m, "Mul", {"X", "W"}, {"Y"});
  writeBytes(path("data/w.bin"), floatBytes(kW));
  auto module = import(save(m));
  ASSERT_TRUE(module) << reportText();
  EXPECT_EQ(floatsOf(constantOfType(*module, "tensor<4x100xf32>")), kW);
}

TEST_F(ImporterTest, ExternalDataWithDotDotIsRefused) {
  // A file that exists, one folder up: must still be refused.
  ASSERT_FALSE(llvm::sys::fs::create_directory(path("models")));
  writeBytes(path("weights.bin"), weightsFile());
  for (const char *location : {"../weights.bin", "sub/../../weights.bin"}) {
    SCOPED_TRACE(location);
    std::string p = save(externalDataModel(location, "16", "1600"), "models/model.onnx");
    auto module = import(p);
    EXPECT_FALSE(module);
    EXPECT_EQ(report.exitCode(), iron::ExitBadInput);
    EXPECT_EQ(report.exitCode(), 2);
    EXPECT_TRUE(anyContains(report.malformed, {"'W'", ".."})) << reportText();
  }
}

TEST_F(ImporterTest, ExternalDataWithAbsolutePathIsRefused) {
  writeBytes(path("weights.bin"), weightsFile());
  std::string p = save(externalDataModel(path("weights.bin"), "16", "1600"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"'W'", "absolute"})) << reportText();
  // The refusal is printed against the model's path.
  EXPECT_NE(reportText().find(p + ": error: "), std::string::npos) << reportText();
}

TEST_F(ImporterTest, MissingExternalFileIsBadInput) {
  std::string p = save(externalDataModel("nowhere.bin", "16", "1600"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"'W'", "nowhere.bin"})) << reportText();
}

TEST_F(ImporterTest, ExternalDataWithoutLocationIsBadInput) {
  std::string p = save(externalDataModel("", "16", "1600"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"'W'", "location"})) << reportText();
}

TEST_F(ImporterTest, ExternalOffsetBeyondTheFileIsBadInput) {
  std::string file = weightsFile(); // 16 + 1600 + 400 + 16 + 8 = 2040 bytes
  writeBytes(path("weights.bin"), file);
  std::string p = save(externalDataModel("weights.bin", "5000", "1600"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"'W'", "2040"})) << reportText();
}

TEST_F(ImporterTest, ExternalLengthBeyondTheFileIsBadInput) {
  writeBytes(path("weights.bin"), weightsFile());
  // 1000 + 1600 > 2040.
  std::string p = save(externalDataModel("weights.bin", "1000", "1600"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"'W'", "beyond"})) << reportText();
}

TEST_F(ImporterTest, ExternalLengthNotMatchingTheShapeIsBadInput) {
  // 1596 bytes inside the file, but [4, 100] floats need 1600.
  writeBytes(path("weights.bin"), weightsFile());
  std::string p = save(externalDataModel("weights.bin", "16", "1596"));
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_FALSE(report.malformed.empty()) << reportText();
}

TEST_F(ImporterTest, ExternalDataOfAConstantNodeLoads) {
  // ONNX's external data covers attribute tensors too
  // (onnx.external_data_helper: convert_attribute=True, and
  // load_external_data_for_model loads them): a Constant node's value may
  // live in a file beside the model.
  writeBytes(path("weights.bin"), weightsFile());
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"4", "100"});
  addOutput(m, "Y", {"4", "100"});
  auto &c = addNode(m, "Constant", {}, {"W"}, "const_w");
  auto *a = c.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  TensorProto *t = a->mutable_t();
  t->set_name("W");
  t->set_data_type(TensorProto::FLOAT);
  t->add_dims(4);
  t->add_dims(100);
  t->set_data_location(TensorProto::EXTERNAL);
  for (auto [key, value] : {std::pair<const char *, const char *>{"location", "weights.bin"},
                            {"offset", "16"},
                            {"length", "1600"}}) {
    auto *kv = t->add_external_data();
    kv->set_key(key);
    kv->set_value(value);
  }
  addNode(m, "Mul", {"X", "W"}, {"Y"}, "mul");
  auto module = import(save(m));
  ASSERT_TRUE(module) << reportText();
  EXPECT_EQ(floatsOf(constantOfType(*module, "tensor<4x100xf32>")), kW);
}

//===----------------------------------------------------------------------===//
// Constant nodes
//===----------------------------------------------------------------------===//

TEST_F(ImporterTest, ConstantValueIntsBecomesATensor) {
  // Constant(value_ints=[3, 2]) feeds Reshape: [2, 3] -> [3, 2].
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"2", "3"});
  addOutput(m, "Y", {"3", "2"});
  addIntsAttr(addNode(m, "Constant", {}, {"shape"}, "shape_const"), "value_ints", {3, 2});
  addNode(m, "Reshape", {"X", "shape"}, {"Y"}, "reshape");
  iron::ImportOptions options;
  options.cleanup = false;
  auto module = import(save(m), options);
  ASSERT_TRUE(module) << reportText();
  ElementsAttr shape = constantOfType(*module, "tensor<2xi64>");
  ASSERT_TRUE(shape);
  auto dense = dyn_cast<DenseElementsAttr>(shape);
  ASSERT_TRUE(dense);
  EXPECT_EQ(llvm::to_vector(dense.getValues<int64_t>()), (llvm::SmallVector<int64_t>{3, 2}));
  EXPECT_EQ(mainOf(*module).getFunctionType().getResult(0), parseType("tensor<3x2xf32>", &ctx));
}

//===----------------------------------------------------------------------===//
// Unsupported operators
//===----------------------------------------------------------------------===//

TEST_F(ImporterTest, CustomDomainOpIsUnsupported) {
  onnx::ModelProto m = makeModel();
  auto *custom = m.add_opset_import();
  custom->set_domain("com.example");
  custom->set_version(1);
  addInput(m, "X", {"2", "3"});
  addOutput(m, "Y", {"2", "3"});
  addNode(m, "Relu", {"X"}, {"A"}, "relu0");
  addNode(m, "FancyGelu", {"A"}, {"B"}, "gelu_a", "com.example");
  addNode(m, "FancyGelu", {"B"}, {"C"}, "", "com.example"); // unnamed, index 2
  addNode(m, "FancyNorm", {"C"}, {"Y"}, "norm", "com.example");
  std::string p = save(m);
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), iron::ExitUnsupported);
  EXPECT_EQ(report.exitCode(), 3);
  EXPECT_TRUE(report.malformed.empty());
  ASSERT_EQ(report.unsupported.size(), 2u) << reportText();
  EXPECT_EQ(report.unsupported[0].opType, "FancyGelu");
  EXPECT_EQ(report.unsupported[0].domain, "com.example");
  EXPECT_FALSE(report.unsupported[0].reason.empty());
  EXPECT_EQ(report.unsupported[0].nodes, (std::vector<std::string>{"gelu_a", "FancyGelu_2"}));
  EXPECT_EQ(report.unsupported[1].opType, "FancyNorm");
  EXPECT_EQ(report.unsupported[1].nodes, (std::vector<std::string>{"norm"}));

  std::string text = reportText();
  EXPECT_NE(text.find(p + ": error: 2 unsupported operator type(s), 3 node(s):\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  com.example.FancyGelu x2 ("), std::string::npos) << text;
  EXPECT_NE(text.find("): 'gelu_a', 'FancyGelu_2'\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  com.example.FancyNorm x1 ("), std::string::npos) << text;
  EXPECT_NE(text.find("): 'norm'\n"), std::string::npos) << text;
}

TEST_F(ImporterTest, StringOperatorIsUnsupported) {
  // StringNormalizer exists in ONNX but works on strings only.
  onnx::ModelProto m = makeModel();
  addInput(m, "S", {"3"}, TensorProto::STRING);
  addOutput(m, "T", {"3"}, TensorProto::STRING);
  addNode(m, "StringNormalizer", {"S"}, {"T"}, "norm");
  auto module = import(save(m));
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 3);
  ASSERT_FALSE(report.unsupported.empty()) << reportText();
  EXPECT_EQ(report.unsupported[0].opType, "StringNormalizer");
  EXPECT_EQ(report.unsupported[0].nodes, (std::vector<std::string>{"norm"}));
}

//===----------------------------------------------------------------------===//
// Dynamic shapes
//===----------------------------------------------------------------------===//

/// X [N, 4] -> Relu -> Y [N, 4].
onnx::ModelProto dynamicModel() {
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"N", "4"});
  addOutput(m, "Y", {"N", "4"});
  addNode(m, "Relu", {"X"}, {"Y"}, "relu");
  return m;
}

TEST_F(ImporterTest, DynamicInputIsReported) {
  std::string p = save(dynamicModel());
  auto module = import(p);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), iron::ExitDynamicShape);
  EXPECT_EQ(report.exitCode(), 4);
  ASSERT_EQ(report.dynamicDims.size(), 1u) << reportText();
  EXPECT_NE(report.dynamicDims[0].find("'X'"), std::string::npos) << report.dynamicDims[0];
  EXPECT_NE(report.dynamicDims[0].find("N"), std::string::npos) << report.dynamicDims[0];
  std::string text = reportText();
  EXPECT_NE(text.find(p + ": error: dynamic dimensions left unpinned"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--input-shape"), std::string::npos) << text;
}

TEST_F(ImporterTest, DynamicResultOfAnOpIsReported) {
  // Static input, but NonZero's result size depends on the data: [1, ?].
  onnx::ModelProto m = makeModel();
  addInput(m, "X", {"6"});
  addOutput(m, "Y", {"1", "K"}, TensorProto::INT64);
  addNode(m, "NonZero", {"X"}, {"Y"}, "nz");
  auto module = import(save(m));
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 4);
  EXPECT_TRUE(anyContains(report.dynamicDims, {"nz", "NonZero"})) << reportText();
}

TEST_F(ImporterTest, PinnedInputShapeImports) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.inputShapes["X"] = {2, 4};
  auto module = import(p, options);
  ASSERT_TRUE(module) << reportText();
  EXPECT_TRUE(report.ok());
  auto func = mainOf(*module);
  EXPECT_EQ(func.getFunctionType().getInput(0), parseType("tensor<2x4xf32>", &ctx));
  EXPECT_EQ(func.getFunctionType().getResult(0), parseType("tensor<2x4xf32>", &ctx));
  EXPECT_EQ(report.irVersion, 8);
  EXPECT_EQ(report.opsetVersion, 17);
  EXPECT_EQ(report.producer, "iron-unittests");
}

TEST_F(ImporterTest, PinnedDimParamImports) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.dimParams["N"] = 3;
  auto module = import(p, options);
  ASSERT_TRUE(module) << reportText();
  auto func = mainOf(*module);
  EXPECT_EQ(func.getFunctionType().getInput(0), parseType("tensor<3x4xf32>", &ctx));
  EXPECT_EQ(func.getFunctionType().getResult(0), parseType("tensor<3x4xf32>", &ctx));
  auto name = func.getArgAttrOfType<StringAttr>(0, "iron.name");
  ASSERT_TRUE(name);
  EXPECT_EQ(name.getValue(), "X");
}

TEST_F(ImporterTest, DynamicShapesAllowedWhenNotRequired) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.requireStaticShapes = false;
  auto module = import(p, options);
  ASSERT_TRUE(module) << reportText();
  EXPECT_EQ(mainOf(*module).getFunctionType().getInput(0),
            parseType("tensor<?x4xf32>", &ctx));
}

TEST_F(ImporterTest, PinnedShapeWithWrongRankIsBadInput) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.inputShapes["X"] = {2, 4, 1};
  auto module = import(p, options);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_TRUE(anyContains(report.malformed, {"X", "rank"})) << reportText();
}

TEST_F(ImporterTest, PinnedShapeContradictingAFixedDimIsBadInput) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.inputShapes["X"] = {2, 5}; // the model fixes dim 1 to 4
  auto module = import(p, options);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_FALSE(report.malformed.empty());
}

TEST_F(ImporterTest, PinnedShapeForAnUnknownInputIsBadInput) {
  std::string p = save(dynamicModel());
  iron::ImportOptions options;
  options.inputShapes["input"] = {2, 4};
  auto module = import(p, options);
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  // Names the wrong name and the real inputs.
  EXPECT_TRUE(anyContains(report.malformed, {"'input'", "X"})) << reportText();
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

TEST_F(ImporterTest, MissingModelIsBadInput) {
  auto module = import(path("absent.onnx"));
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_EQ(report.malformed.size(), 1u);
}

TEST_F(ImporterTest, GarbageIsBadInput) {
  writeBytes(path("junk.onnx"), std::string("\xff\xff\xff\xff not a protobuf", 20));
  auto module = import(path("junk.onnx"));
  EXPECT_FALSE(module);
  EXPECT_EQ(report.exitCode(), 2);
  EXPECT_FALSE(report.malformed.empty());

  writeBytes(path("empty.onnx"), "");
  EXPECT_FALSE(import(path("empty.onnx")));
  EXPECT_EQ(report.exitCode(), 2);
}

TEST_F(ImporterTest, TextualModelImports) {
  writeBytes(path("relu.onnxtxt"),
             "<ir_version: 8, opset_import: [\"\" : 17]>\n"
             "agraph (float[2, 3] X) => (float[2, 3] Y) {\n"
             "  Y = Relu(X)\n"
             "}\n");
  auto module = import(path("relu.onnxtxt"));
  ASSERT_TRUE(module) << reportText();
  EXPECT_EQ(mainOf(*module).getFunctionType().getResult(0),
            parseType("tensor<2x3xf32>", &ctx));
}

//===----------------------------------------------------------------------===//
// Weights through opset conversion
//===----------------------------------------------------------------------===//

TEST_F(ImporterTest, InitializerWeightsSurviveOpsetConversion) {
  // An opset-13 model is converted to opset 17; the large initializer's
  // bytes are set aside during conversion and must come back intact.
  onnx::ModelProto m = makeModel(13);
  addInput(m, "X", {"1", "4"});
  addOutput(m, "Y", {"1", "100"});
  TensorProto *w = m.mutable_graph()->add_initializer();
  w->set_name("W");
  w->set_data_type(TensorProto::FLOAT);
  w->add_dims(4);
  w->add_dims(100);
  w->set_raw_data(floatBytes(kW));
  addNode(m, "MatMul", {"X", "W"}, {"Y"}, "mm");
  auto module = import(save(m));
  ASSERT_TRUE(module) << reportText();
  EXPECT_EQ(report.opsetVersion, 13);
  EXPECT_EQ(floatsOf(constantOfType(*module, "tensor<4x100xf32>")), kW);
}

/// Adds `Constant` node with a float tensor of the given shape.
void addConstantNode(onnx::ModelProto &m, const std::string &output,
                     const std::vector<int64_t> &dims, const std::vector<float> &values,
                     const std::string &name = "") {
  auto &n = addNode(m, "Constant", {}, {output}, name);
  auto *a = n.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  TensorProto *t = a->mutable_t();
  t->set_data_type(TensorProto::FLOAT);
  for (int64_t d : dims)
    t->add_dims(d);
  t->set_raw_data(floatBytes(values));
}

/// The values of the constants the module's Add ops take, in program order
/// of the Adds (the clean-up may move constants around, but not the Adds,
/// which form a chain).
std::vector<std::vector<float>> constantsAddedInOrder(ModuleOp module) {
  std::vector<std::vector<float>> found;
  module.walk([&](iron::AddOp add) {
    for (Value operand : add->getOperands())
      if (auto c = operand.getDefiningOp<iron::ConstantOp>())
        found.push_back(ImporterTest::floatsOf(c.getValueAttr()));
  });
  return found;
}

TEST_F(ImporterTest, LargeConstantNodesImport) {
  // Two unnamed Constant nodes of 80 floats (320 bytes) each, opset 17.
  onnx::ModelProto m = makeModel(17);
  addInput(m, "X", {"4"});
  addOutput(m, "Y", {"20", "4"});
  std::vector<float> c1 = ramp(80, 1.0f, 1.0f), c2 = ramp(80, -100.0f, 0.5f);
  addNode(m, "Relu", {"X"}, {"R"});
  addConstantNode(m, "C1", {20, 4}, c1);
  addConstantNode(m, "C2", {20, 4}, c2);
  addNode(m, "Add", {"R", "C1"}, {"A"});
  addNode(m, "Add", {"A", "C2"}, {"Y"});
  auto module = import(save(m));
  ASSERT_TRUE(module) << reportText();
  std::vector<std::vector<float>> found = constantsAddedInOrder(*module);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], c1);
  EXPECT_EQ(found[1], c2);
}

TEST_F(ImporterTest, LargeConstantNodesSurviveOpsetConversion) {
  // Opset 12: Unsqueeze takes `axes` as an attribute; converting to opset 13+
  // turns it into an input fed by a new Constant node inserted before the
  // Unsqueeze, which shifts the positions of the nodes after it. The two
  // unnamed large Constant nodes must keep their own values.
  onnx::ModelProto m = makeModel(12);
  addInput(m, "X", {"4"});
  addOutput(m, "Y", {"20", "4"});
  std::vector<float> c1 = ramp(80, 1.0f, 1.0f), c2 = ramp(80, -100.0f, 0.5f);
  addIntsAttr(addNode(m, "Unsqueeze", {"X"}, {"U"}), "axes", {0});
  addConstantNode(m, "C1", {20, 4}, c1);
  addConstantNode(m, "C2", {20, 4}, c2);
  addNode(m, "Add", {"U", "C1"}, {"A"});
  addNode(m, "Add", {"A", "C2"}, {"Y"});
  iron::ImportOptions options;
  options.cleanup = false; // the importer alone
  auto module = import(save(m), options);
  ASSERT_TRUE(module) << reportText();
  std::vector<std::vector<float>> found = constantsAddedInOrder(*module);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], c1);
  EXPECT_EQ(found[1], c2);
}

} // namespace
