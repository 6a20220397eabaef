"""Writes a binary ONNX model whose large weight is a Constant node (raw_data
of 128 floats, 0.0 .. 127.0) placed after a Squeeze with an `axes` attribute:

    xs = Squeeze<axes=[0]>(x)      # x: float[1,128]
    w  = Constant<value=...>()
    y  = Add(xs, w)                # y: float[128]

usage: make_large_constant_model.py OUT.onnx OPSET [CONSTANT_NAME]

With OPSET < 13 the version converter rewrites the Squeeze (axes becomes an
input, fed by a new Constant node). CONSTANT_NAME names the Constant node;
without it the node is unnamed. (The text syntax cannot give raw_data.)
"""
import struct
import sys

import onnx
from onnx import TensorProto, helper


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    out, opset = argv[1], int(argv[2])
    name = argv[3] if len(argv) == 4 else ""
    w = TensorProto()
    w.data_type = TensorProto.FLOAT
    w.dims.append(128)
    w.raw_data = struct.pack("<128f", *[float(i) for i in range(128)])
    nodes = [
        helper.make_node("Squeeze", ["x"], ["xs"], axes=[0])
        if opset < 13 else
        helper.make_node("Squeeze", ["x", "ax"], ["xs"]),
        helper.make_node("Constant", [], ["w"], value=w, name=name),
        helper.make_node("Add", ["xs", "w"], ["y"]),
    ]
    inits = []
    if opset >= 13:
        inits.append(helper.make_tensor("ax", TensorProto.INT64, [1], [0]))
    graph = helper.make_graph(
        nodes, "large_constant",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 128])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [128])], inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    onnx.save(model, out)


if __name__ == "__main__":
    main(sys.argv)
