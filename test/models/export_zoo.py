#!/usr/bin/python3
"""Export the Iron test model zoo to ONNX.

Run with Debian's Python (it has torch/torchvision/onnx):

    /usr/bin/python3 test/models/export_zoo.py --out DIR [--opset 13|17 ...]
        [--only NAME ...] [--list] [--include-large] [--plain-names] [--force]

Every model is randomly initialised with a fixed seed (no pretrained weights,
no network access; norm layers get random affine parameters and running
statistics too), put in eval mode and exported with static shapes, batch 1
and constant folding.  Each file is checked with onnx.checker and strict ONNX
shape inference before it is moved (atomically) into place.

Files are named <name>.opset<N>.onnx.  Next to each one a stamp file
.stamp-<name>.opset<N> records a hash of this script plus the torch /
torchvision / onnx versions; a model whose output exists and whose stamp
matches is skipped ("cached").  --plain-names writes <name>.onnx without a
stamp (only with a single opset), e.g. for the checked-in example:

    /usr/bin/python3 test/models/export_zoo.py --only dscnn_kws --opset 17 \
        --out examples --plain-names

Also usable as a module:  export(name, opset, out_dir) -> path.
"""

import argparse
import functools
import hashlib
import math
import os
import sys
import tempfile
import time
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

DEFAULT_OPSETS = (17, 13)
SEED = 0
THREADS = 2


# ---------------------------------------------------------------------------
# TinyML models (MLPerf Tiny reference architectures)
# ---------------------------------------------------------------------------

def conv_bn_relu(cin, cout, kernel, stride=1, padding=0, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DSCNN(nn.Module):
    """DS-CNN-S keyword spotter ("Hello Edge", Zhang et al. 2017; MLPerf Tiny KWS).

    Input: 1x1x49x10 (49 frames x 10 MFCC).  Conv 10x4 stride 2 -> 64 ch
    (25x5; padding (5,1) gives the same 25x5 map as TF 'same'), then 4
    depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, BN+ReLU after
    each), global average pooling and a linear layer to 12 classes.
    """

    def __init__(self, num_classes=12, channels=64, num_blocks=4):
        super().__init__()
        layers = [conv_bn_relu(1, channels, (10, 4), stride=2, padding=(5, 1))]
        for _ in range(num_blocks):
            layers.append(conv_bn_relu(channels, channels, 3, padding=1, groups=channels))
            layers.append(conv_bn_relu(channels, channels, 1))
        self.features = nn.Sequential(*layers)
        # Average over the whole 25x5 map, like the Keras model.  (The default
        # count_include_pad=True makes the exporter emit a no-op Pad.)
        self.pool = nn.AvgPool2d((25, 5), count_include_pad=False)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.fc(torch.flatten(x, 1))


class ResidualStage(nn.Module):
    """Two 3x3 convs with a residual add (MLPerf Tiny ResNet-8 'stack').

    When the stage downsamples, the shortcut is a 1x1 stride-2 conv (no BN),
    as in the MLPerf Tiny Keras reference.
    """

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + s)


class ResNet8(nn.Module):
    """MLPerf Tiny image-classification ResNet-8 for CIFAR-10 (1x3x32x32 -> 10)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.stage1 = ResidualStage(16, 16, 1)   # 32x32
        self.stage2 = ResidualStage(16, 32, 2)   # 16x16
        self.stage3 = ResidualStage(32, 64, 2)   # 8x8
        self.pool = nn.AvgPool2d(8, count_include_pad=False)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


class MobileNetV1(nn.Module):
    """MobileNetV1 (Howard et al. 2017) with a width multiplier.

    alpha=0.25 at 96x96 with 2 classes is the MLPerf Tiny visual-wake-words
    (person detection) model.  ReLU activations, as in the MLPerf reference.
    """

    # (output channels at alpha=1, stride) of the 13 depthwise-separable blocks
    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]

    def __init__(self, alpha=0.25, num_classes=2):
        super().__init__()
        c = int(32 * alpha)
        layers = [conv_bn_relu(3, c, 3, stride=2, padding=1)]
        for cout, stride in self.BLOCKS:
            cout = int(cout * alpha)
            layers.append(conv_bn_relu(c, c, 3, stride=stride, padding=1, groups=c))  # depthwise
            layers.append(conv_bn_relu(c, cout, 1))                                   # pointwise
            c = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.fc(torch.flatten(x, 1))


class FCAutoencoder(nn.Module):
    """MLPerf Tiny anomaly-detection (ToyADMOS) dense autoencoder.

    640 -> 128,128,128,128 -> 8 -> 128,128,128,128 -> 640; every hidden dense
    layer is followed by BatchNorm1d + ReLU, the output layer is linear.
    """

    def __init__(self, dim=640, hidden=(128, 128, 128, 128, 8, 128, 128, 128, 128)):
        super().__init__()
        layers, cin = [], dim
        for h in hidden:
            layers += [nn.Linear(cin, h), nn.BatchNorm1d(h), nn.ReLU(inplace=True)]
            cin = h
        layers.append(nn.Linear(cin, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


# ---------------------------------------------------------------------------
# Transformers (attention written out explicitly)
# ---------------------------------------------------------------------------

def split_heads(x, heads):
    """(B, T, C) -> (B, heads, T, C // heads)"""
    b, t, c = x.shape
    return x.reshape(b, t, heads, c // heads).permute(0, 2, 1, 3)


def merge_heads(x):
    """(B, heads, T, D) -> (B, T, heads * D)"""
    b, h, t, d = x.shape
    return x.permute(0, 2, 1, 3).reshape(b, t, h * d)


class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(hidden // heads)
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)

    def forward(self, x, additive_mask):
        q = split_heads(self.q(x), self.heads)
        k = split_heads(self.k(x), self.heads)
        v = split_heads(self.v(x), self.heads)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        probs = torch.softmax(scores + additive_mask, dim=-1)
        return self.out(merge_heads(torch.matmul(probs, v)))


class BertLayer(nn.Module):
    """Post-LayerNorm transformer encoder layer (BERT)."""

    def __init__(self, hidden, heads, ffn, eps):
        super().__init__()
        self.attn = BertSelfAttention(hidden, heads)
        self.ln1 = nn.LayerNorm(hidden, eps=eps)
        self.fc1 = nn.Linear(hidden, ffn)
        self.fc2 = nn.Linear(ffn, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, additive_mask):
        x = self.ln1(x + self.attn(x, additive_mask))
        return self.ln2(x + self.fc2(F.gelu(self.fc1(x))))  # exact (erf) GELU


class BertEncoder(nn.Module):
    """BERT-style encoder (BERT-mini sized: 4 layers, hidden 256, 4 heads, FFN 1024)."""

    def __init__(self, vocab=30522, max_pos=512, type_vocab=2, hidden=256, layers=4,
                 heads=4, ffn=1024, eps=1e-12):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(max_pos, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.emb_ln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, ffn, eps) for _ in range(layers))

    def forward(self, input_ids, attention_mask):
        seq = input_ids.shape[1]
        positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        token_types = torch.zeros_like(input_ids)  # single segment
        x = (self.word_embeddings(input_ids) + self.position_embeddings(positions)
             + self.token_type_embeddings(token_types))
        x = self.emb_ln(x)
        # 1 = attend, 0 = padding  ->  0 / -10000 added to the attention scores
        mask = attention_mask[:, None, None, :].to(x.dtype)
        additive_mask = (1.0 - mask) * -10000.0
        for layer in self.layers:
            x = layer(x, additive_mask)
        return x


class GPT2Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.hidden = hidden
        self.scale = 1.0 / math.sqrt(hidden // heads)
        self.c_attn = nn.Linear(hidden, 3 * hidden)  # fused q, k, v as in GPT-2
        self.c_proj = nn.Linear(hidden, hidden)

    def forward(self, x, causal):
        q, k, v = self.c_attn(x).split(self.hidden, dim=-1)
        q, k, v = (split_heads(t, self.heads) for t in (q, k, v))
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        scores = scores.masked_fill(~causal, -1e9)  # hide future positions
        probs = torch.softmax(scores, dim=-1)
        return self.c_proj(merge_heads(torch.matmul(probs, v)))


class GPT2Block(nn.Module):
    """Pre-LayerNorm decoder block with tanh-approximated GELU (GPT-2)."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden)
        self.attn = GPT2Attention(hidden, heads)
        self.ln_2 = nn.LayerNorm(hidden)
        self.c_fc = nn.Linear(hidden, 4 * hidden)
        self.act = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * hidden, hidden)

    def forward(self, x, causal):
        x = x + self.attn(self.ln_1(x), causal)
        return x + self.c_proj(self.act(self.c_fc(self.ln_2(x))))


class GPT2Decoder(nn.Module):
    """GPT-2-style decoder: 4 layers, hidden 256, 4 heads, learned positions, tied LM head."""

    def __init__(self, vocab=50257, max_pos=1024, hidden=256, layers=4, heads=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(max_pos, hidden)
        self.blocks = nn.ModuleList(GPT2Block(hidden, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(hidden)
        self.lm_bias = nn.Parameter(torch.zeros(vocab))  # output bias of the tied head

    def forward(self, input_ids):
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(positions)
        # Causal mask, (T, T) lower triangle: query i sees key j iff j <= i.
        # Same as torch.tril(ones(T, T)) but written as a comparison: that
        # exports at opset 13 too (tril needs Trilu, opset 14), and the mask
        # logic stays in the graph (GreaterOrEqual / Not / Where) instead of
        # being constant-folded away.
        causal = positions.transpose(0, 1) >= positions
        for block in self.blocks:
            x = block(x, causal)
        x = self.ln_f(x)
        # Tied LM head.  A 2-D F.linear with a bias exports as
        # Gemm(x, wte, bias, transB=1), sharing the embedding table; without
        # the bias (or in 3-D) it becomes MatMul(x, Transpose(wte)) and constant
        # folding stores a transposed copy of the table (doubling the file).
        logits = F.linear(x.reshape(b * t, -1), self.wte.weight, self.lm_bias)
        return logits.reshape(b, t, -1)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

def _image(size):
    return {"input": lambda: torch.randn(1, 3, size, size)}


def _tokens(vocab, seq=128, mask=False):
    def ids():
        return torch.randint(0, vocab, (1, seq), dtype=torch.int64)
    inputs = {"input_ids": ids}
    if mask:
        inputs["attention_mask"] = lambda: torch.ones(1, seq, dtype=torch.int64)
    return inputs


def randomize_trivial_params(model):
    """Replace trivial default initialisations by small random values.

    Default init makes BatchNorm/LayerNorm identities (weight 1, bias 0, mean 0,
    var 1) and many biases all-zero.  Then Conv+BN folding yields all-zero
    biases, the exporter deduplicates equal initializers into Identity nodes,
    and a compiler bug that drops a bias or a norm would go unnoticed.  Uses
    the global (seeded) RNG.
    """
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.LayerNorm)):
                if getattr(m, "weight", None) is not None:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0.0, 0.1)
                if getattr(m, "running_mean", None) is not None:
                    m.running_mean.normal_(0.0, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
        for name, p in model.named_parameters():
            if name.rsplit(".", 1)[-1].endswith("bias") and not p.any():
                p.normal_(0.0, 0.02)
    return model


def _tv(name):
    def build():
        return getattr(torchvision.models, name)(weights=None)
    return build


# name -> (builder, {input name: example-input factory}, [output names], large?)
MODELS = {
    "resnet50": (_tv("resnet50"), _image(224), ["logits"], False),
    "mobilenet_v2": (_tv("mobilenet_v2"), _image(224), ["logits"], False),
    "mobilenet_v3_small": (_tv("mobilenet_v3_small"), _image(224), ["logits"], False),
    "efficientnet_b0": (_tv("efficientnet_b0"), _image(224), ["logits"], False),
    "squeezenet1_1": (_tv("squeezenet1_1"), _image(224), ["logits"], False),
    "shufflenet_v2_x1_0": (_tv("shufflenet_v2_x1_0"), _image(224), ["logits"], False),
    "vit_b_16": (_tv("vit_b_16"), _image(224), ["logits"], True),
    "dscnn_kws": (DSCNN, {"input": lambda: torch.randn(1, 1, 49, 10)}, ["logits"], False),
    "resnet8_cifar": (ResNet8, _image(32), ["logits"], False),
    "mobilenet_v1_025_vww": (MobileNetV1, _image(96), ["logits"], False),
    "fc_autoencoder": (FCAutoencoder, {"input": lambda: torch.randn(1, 640)}, ["reconstruction"], False),
    "bert_encoder": (BertEncoder, _tokens(30522, mask=True), ["last_hidden_state"], False),
    "gpt2_decoder": (GPT2Decoder, _tokens(50257), ["logits"], False),
}


def model_names(include_large=False):
    return [n for n, spec in MODELS.items() if include_large or not spec[3]]


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _stamp():
    """sha256 of this script and the torch / torchvision / onnx versions."""
    h = hashlib.sha256()
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    for v in (torch.__version__, torchvision.__version__, onnx.__version__):
        h.update(b"\0" + v.encode())
    return h.hexdigest()


def _paths(name, opset, out_dir, plain_name):
    if plain_name:
        return os.path.join(out_dir, name + ".onnx"), None
    base = "%s.opset%d" % (name, opset)
    return os.path.join(out_dir, base + ".onnx"), os.path.join(out_dir, ".stamp-" + base)


def _read_stamp(path, stamp_path):
    """The cached summary (nodes, params) if path is up to date, else None."""
    if stamp_path is None or not os.path.exists(path) or not os.path.exists(stamp_path):
        return None
    with open(stamp_path) as f:
        lines = f.read().split("\n")
    if lines[0].strip() != _stamp():
        return None
    try:
        nodes, params = (int(v) for v in lines[1].split())
    except (IndexError, ValueError):
        return None
    return nodes, params


def check(path):
    """onnx.checker + strict shape inference; returns the loaded model."""
    model = onnx.load(path)
    onnx.checker.check_model(model)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    return model


def _all_nodes(graph):
    for node in graph.node:
        yield node
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(attr.g)
            for g in attr.graphs:
                yield from _all_nodes(g)


def summarize(model):
    """(node count, initializer element count, sorted op types)"""
    nodes = list(_all_nodes(model.graph))
    params = 0
    for init in model.graph.initializer:
        n = 1
        for d in init.dims:
            n *= d
        params += n
    return len(nodes), params, sorted({n.op_type for n in nodes})


def _export_to(name, opset, path):
    """Build the model and export it to path; returns the exporter's warnings."""
    build, inputs, outputs, _ = MODELS[name]
    torch.manual_seed(SEED)  # per model, so results do not depend on order
    model = randomize_trivial_params(build()).eval()
    args = tuple(make() for make in inputs.values())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.onnx.export(
            model, args, path,
            export_params=True,
            opset_version=opset,
            do_constant_folding=True,
            input_names=list(inputs),
            output_names=outputs,
            dynamic_axes=None,
            training=torch.onnx.TrainingMode.EVAL,
            keep_initializers_as_inputs=False,
        )
    seen, msgs = set(), []
    for w in caught:
        msg = "%s: %s" % (w.category.__name__, str(w.message).strip().splitlines()[0])
        if msg not in seen:
            seen.add(msg)
            msgs.append(msg)
    return msgs


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export(name, opset, out_dir, plain_name=False, force=False, _info=None):
    """Export model `name` at `opset` into out_dir (cached by stamp); returns the path.

    Raises on export / check failure (out_dir then holds no new file).  If
    _info is a dict it gets: cached, seconds, nodes, params, ops (None when
    cached), warnings.
    """
    if name not in MODELS:
        raise KeyError("unknown model %r (known: %s)" % (name, ", ".join(MODELS)))
    os.makedirs(out_dir, exist_ok=True)
    path, stamp_path = _paths(name, opset, out_dir, plain_name)
    info = _info if _info is not None else {}
    cached = None if force else _read_stamp(path, stamp_path)
    if cached is not None:
        info.update(cached=True, seconds=0.0, nodes=cached[0], params=cached[1],
                    ops=None, warnings=[])
        return path

    start = time.time()
    fd, tmp = tempfile.mkstemp(prefix=".tmp-%s." % name, suffix=".onnx", dir=out_dir)
    os.close(fd)
    try:
        info["warnings"] = _export_to(name, opset, tmp)
        nodes, params, ops = summarize(check(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600
        if stamp_path is not None and os.path.exists(stamp_path):
            os.remove(stamp_path)  # never leave a stale stamp next to a new file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if stamp_path is not None:
        stamp_tmp = stamp_path + ".tmp"
        with open(stamp_tmp, "w") as f:
            f.write("%s\n%d %d\n" % (_stamp(), nodes, params))
        os.replace(stamp_tmp, stamp_path)
    info.update(cached=False, seconds=time.time() - start, nodes=nodes, params=params, ops=ops)
    return path


def _human(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return ("%d %s" % (size, unit)) if unit == "B" else ("%.1f %s" % (size, unit))
        size /= 1024.0


def main(argv=None):
    p = argparse.ArgumentParser(description="Export the Iron ONNX test model zoo.")
    p.add_argument("--out", help="output directory")
    p.add_argument("--opset", type=int, action="append", choices=(13, 17),
                   help="opset to export (repeatable; default: 17 and 13)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="export only this model (repeatable)")
    p.add_argument("--list", action="store_true", help="print the model names and exit")
    p.add_argument("--include-large", action="store_true",
                   help="also export the large models (vit_b_16, ~330 MB)")
    p.add_argument("--plain-names", action="store_true",
                   help="write NAME.onnx without opset suffix or stamp (single opset only)")
    p.add_argument("--force", action="store_true", help="ignore stamps and re-export")
    p.add_argument("--ops", action="store_true", help="also print each model's op types")
    a = p.parse_args(argv)

    if a.list:
        print("\n".join(model_names(a.include_large)))
        return 0
    if not a.out:
        p.error("--out is required")
    opsets = a.opset or list(DEFAULT_OPSETS)
    if a.plain_names and len(opsets) != 1:
        p.error("--plain-names needs exactly one --opset")
    if a.only:
        unknown = [n for n in a.only if n not in MODELS]
        if unknown:
            p.error("unknown model(s): %s (see --list)" % ", ".join(unknown))
        names = list(dict.fromkeys(a.only))
    else:
        names = model_names(a.include_large)

    torch.set_num_threads(THREADS)
    failures = []
    print("%-22s %5s %6s %11s %10s  %s" % ("model", "opset", "nodes", "params", "size", "time"))
    sys.stdout.flush()
    for opset in opsets:
        for name in names:
            info = {}
            try:
                path = export(name, opset, a.out, plain_name=a.plain_names, force=a.force, _info=info)
                if a.ops and info["ops"] is None:
                    info["ops"] = summarize(onnx.load(path))[2]
            except Exception as e:  # report and go on with the others
                msg = str(e).strip().splitlines()
                msg = msg[0] if msg else ""
                failures.append("%s opset %d: %s: %s" % (name, opset, type(e).__name__, msg))
                print("%-22s %5d FAILED: %s: %s" % (name, opset, type(e).__name__, msg))
                sys.stdout.flush()
                continue
            when = "cached" if info["cached"] else "%.1fs" % info["seconds"]
            print("%-22s %5d %6d %11d %10s  %s" % (
                name, opset, info["nodes"], info["params"], _human(os.path.getsize(path)), when))
            if a.ops:
                print("    ops: " + " ".join(info["ops"]))
            for w in info.get("warnings", []):
                print("    warning: " + w)
            sys.stdout.flush()

    if failures:
        sys.stderr.write("export_zoo: %d export(s) failed:\n" % len(failures))
        for f in failures:
            sys.stderr.write("  " + f + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
