"""Writes a tiny ONNX model (y = x + w, w: float[N]) whose initializer `w`
lives in an external file.

usage: make_external_data.py MODEL LOCATION [DATA_FILE] [--count N]

MODEL is the .onnx file to write, LOCATION the string stored in the tensor's
external_data `location` entry (may be '../x.bin' or an absolute path, which
Iron must refuse), DATA_FILE where the raw bytes are written (default: next
to MODEL, at LOCATION), and N the number of float elements (default 128, so
that the weight is larger than Iron's 256-byte inline limit).
"""
import os
import struct
import sys

import onnx
from onnx import TensorProto, helper


def main(argv):
    args = [a for a in argv[1:]]
    count = 128
    if "--count" in args:
        i = args.index("--count")
        count = int(args[i + 1])
        del args[i:i + 2]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    model_path, location = args[0], args[1]
    data_path = args[2] if len(args) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(model_path)), location)
    data_path = os.path.normpath(os.path.abspath(data_path))

    values = [float(i) * 0.5 for i in range(count)]
    raw = struct.pack("<%df" % count, *values)
    os.makedirs(os.path.dirname(data_path), exist_ok=True)
    with open(data_path, "wb") as f:
        f.write(raw)

    w = TensorProto()
    w.name = "w"
    w.data_type = TensorProto.FLOAT
    w.dims.append(count)
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"),
                       ("length", str(len(raw)))):
        entry = w.external_data.add()
        entry.key = key
        entry.value = value

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [count])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [count])
    node = helper.make_node("Add", ["x", "w"], ["y"], name="add_w")
    graph = helper.make_graph([node], "external_data", [x], [y], [w])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)],
        producer_name="make_external_data")
    model.ir_version = 8
    os.makedirs(os.path.dirname(os.path.abspath(model_path)), exist_ok=True)
    with open(model_path, "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main(sys.argv)
