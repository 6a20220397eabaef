"""Parses a model in ONNX's text syntax, names its nodes, saves it binary.

usage: name_nodes.py IN.onnxtxt OUT.onnx NAME...

The i-th NAME goes to the graph's i-th node; '-' leaves that node unnamed.
(The text syntax of ONNX 1.12 has no way to name a node.)
"""
import sys

import onnx
import onnx.parser


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        model = onnx.parser.parse_model(f.read())
    names = argv[3:]
    if len(names) > len(model.graph.node):
        sys.exit("more names than nodes")
    for node, name in zip(model.graph.node, names):
        if name != "-":
            node.name = name
    onnx.save(model, argv[2])


if __name__ == "__main__":
    main(sys.argv)
