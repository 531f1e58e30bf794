#!/usr/bin/env python3
"""An independent forward pass of a MedForge composite, written from the published files only.

Every constant comes from the files: shapes and the computation's conventions from the base's
architecture.json, LoRA scales from adapter_config.json, heads and class names from heads.safetensors.
Nothing here is copied from MedForge's Java. NumPy only (Debian's python3-numpy); the AUC check also
uses scikit-learn (python3-sklearn).

  medforge_reference.py logits --base DIR --export DIR --task T --images FILE.idx --out FILE.json
  medforge_reference.py auc --scores FILE.json --out FILE.json

`logits` prints nothing and writes {"task", "classNames", "logits": [[...]], "probabilities": [[...]]}:
logits for a fused export (one PEFT directory), mixture probabilities for a mixture export.
`auc` reads {"scores": [[...]], "labels": [...]} and writes scikit-learn's one-vs-rest macro AUC.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def read_safetensors(path):
    """(tensors by name, metadata): the format is an 8-byte little-endian header length, a JSON header, then data."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = array.reshape(entry["shape"]).astype(np.float64)
    return tensors, header.get("__metadata__", {})


def read_idx_images(path):
    """IDX image file (magic 0x00000803), gzipped or not: uint8 [n, rows, cols]."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 0x803:
        sys.exit(f"{path}: not an IDX image file (magic {magic:#x})")
    return np.frombuffer(raw[16:16 + n * rows * cols], dtype=np.uint8).reshape(n, rows, cols)


class Architecture:
    def __init__(self, path):
        with open(path) as f:
            spec = json.load(f)
        self.spec = spec
        c = spec.get("conventions")
        if c is None:
            sys.exit(f"{path} has no 'conventions': cannot know how to run it")
        self.c = c
        # Refuse what this reference does not implement, instead of guessing.
        expect = {
            ("tokens", "classToken"): "first",
            ("block", "norm"): "pre",
            ("block", "normBeforeFirstBlock"): False,
            ("pooling", "token"): "class",
            ("head", "type"): "cosine",
            ("patchEmbedding", "gridOrder"): "row-major",
        }
        for (section, key), value in expect.items():
            if c[section][key] != value:
                sys.exit(f"unsupported convention {section}.{key} = {c[section][key]!r}")
        if c["activation"] not in ("gelu-erf", "gelu-tanh"):
            sys.exit(f"unsupported activation {c['activation']!r}")
        if not c["attention"]["scoreScale"].startswith("1/sqrt(width/heads)"):
            sys.exit(f"unsupported attention score scale {c['attention']['scoreScale']!r}")

    def __getattr__(self, name):
        return self.spec[name]


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def gelu(x, form):
    if form == "gelu-erf":
        return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class Lora:
    """PEFT LoRA: y += (x A^T) B^T * alpha / r, per module, with PEFT's rank and alpha patterns."""

    def __init__(self, directory):
        with open(os.path.join(directory, "adapter_config.json")) as f:
            config = json.load(f)
        if config.get("peft_type") != "LORA" or config.get("use_dora") or config.get("use_rslora") or config.get("fan_in_fan_out"):
            sys.exit(f"{directory}: only plain PEFT LoRA is supported")
        tensors, _ = read_safetensors(os.path.join(directory, "adapter_model.safetensors"))
        self.factors = {}
        for name, a in tensors.items():
            if not name.endswith(".lora_A.weight"):
                continue
            module = name[: -len(".lora_A.weight")]
            if module.startswith("base_model.model."):
                module = module[len("base_model.model."):]
            b = tensors[name.replace(".lora_A.", ".lora_B.")]
            r = self.pattern(config, "rank_pattern", module, config["r"])
            alpha = self.pattern(config, "alpha_pattern", module, config["lora_alpha"])
            if a.shape[0] != r:
                sys.exit(f"{name}: rank {a.shape[0]}, config says {r}")
            self.factors[module] = (a, b, alpha / r)

    @staticmethod
    def pattern(config, key, module, default):
        for pattern, value in (config.get(key) or {}).items():
            if module == pattern or module.endswith("." + pattern):
                return value
        return default

    def apply(self, module, x):
        if module not in self.factors:
            return 0.0
        a, b, scale = self.factors[module]
        return (x @ a.T) @ b.T * scale


def encode(arch, w, lora, images):
    """images uint8 [n, H, W] -> the encoder's output [n, width], as architecture.json describes it."""
    c = arch.c
    prep = c["preprocessing"]
    channels, size, p, width, heads = arch.channels, arch.imageSize, arch.patchSize, arch.width, arch.heads
    x = images.astype(np.float64).reshape(-1, channels, size, size) * prep["scale"]
    x = (x - np.array(prep["mean"]).reshape(1, -1, 1, 1)) / np.array(prep["std"]).reshape(1, -1, 1, 1)
    n, g = x.shape[0], size // p

    # Patches in row-major grid order, each flattened in the declared axis order.
    axes = {"channel": 1, "row": 3, "column": 5}
    grid = x.reshape(n, channels, g, p, g, p)
    order = [0, 2, 4] + [axes[a] for a in c["patchEmbedding"]["flatten"]]
    patches = grid.transpose(order).reshape(n, g * g, channels * p * p)

    def linear(module, h):
        y = h @ w[module + ".weight"].T
        if module + ".bias" in w:
            y = y + w[module + ".bias"]
        return y + lora.apply(module, h)

    tokens = linear(c["patchEmbedding"]["module"], patches)
    cls = np.broadcast_to(w["embeddings.class_embedding"].reshape(1, 1, width), (n, 1, width))
    h = np.concatenate([cls, tokens], axis=1) + w["embeddings.position_embedding"]
    eps = c["block"]["layerNormEps"]
    dh = width // heads
    for i in range(arch.depth):
        prefix = f"encoder.layers.{i}"
        t = layer_norm(h, w[prefix + ".layer_norm1.weight"], w[prefix + ".layer_norm1.bias"], eps)

        def split(y):
            return y.reshape(n, -1, heads, dh).transpose(0, 2, 1, 3)

        q = split(linear(prefix + ".self_attn.q_proj", t))
        k = split(linear(prefix + ".self_attn.k_proj", t))
        v = split(linear(prefix + ".self_attn.v_proj", t))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attention = scores / scores.sum(axis=-1, keepdims=True)
        merged = (attention @ v).transpose(0, 2, 1, 3).reshape(n, -1, width)
        h = h + linear(prefix + ".self_attn.out_proj", merged)
        t = layer_norm(h, w[prefix + ".layer_norm2.weight"], w[prefix + ".layer_norm2.bias"], eps)
        h = h + linear(prefix + ".mlp.fc2", gelu(linear(prefix + ".mlp.fc1", t), c["activation"]))

    out = h[:, 0, :]
    for module in c["pooling"]["then"]:
        if module + ".weight" in w and w[module + ".weight"].ndim == 1:
            out = layer_norm(out, w[module + ".weight"], w[module + ".bias"], eps)
        else:
            out = linear(module, out)
    return out


def head_logits(arch, heads, task, embeddings):
    spec = arch.c["head"]
    classes = heads[f"heads.{task}.class_embeddings"]
    log_scale = float(heads[f"heads.{task}.logit_scale"][0])
    scale = math.exp(min(max(log_scale, spec["logScaleMin"]), spec["logScaleMax"]))
    unit = lambda m: m / np.sqrt((m ** 2).sum(axis=-1, keepdims=True))
    return unit(embeddings) @ unit(classes).T * scale


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def logits_command(args):
    arch = Architecture(os.path.join(args.base, "architecture.json"))
    weights, _ = read_safetensors(os.path.join(args.base, "model.safetensors"))
    heads, meta = read_safetensors(os.path.join(args.export, "heads.safetensors"))
    class_names = json.loads(meta.get("class_names", "{}")).get(args.task)
    images = read_idx_images(args.images)
    result = {"task": args.task, "classNames": class_names}
    mixture_file = os.path.join(args.export, "mixture.json")
    if os.path.exists(mixture_file):
        with open(mixture_file) as f:
            mixture = json.load(f)
        row = np.array(mixture["weights"][args.task], dtype=np.float64)
        probabilities = 0.0
        for member, weight in zip(mixture["members"], row / row.sum()):
            if weight == 0:
                continue
            lora = Lora(os.path.join(args.export, member["directory"]))
            probabilities = probabilities + weight * softmax(head_logits(arch, heads, args.task, encode(arch, weights, lora, images)))
        result["probabilities"] = probabilities.tolist()
    else:
        logits = head_logits(arch, heads, args.task, encode(arch, weights, Lora(args.export), images))
        result["logits"] = logits.tolist()
        result["probabilities"] = softmax(logits).tolist()
    with open(args.out, "w") as f:
        json.dump(result, f)


def auc_command(args):
    from sklearn.metrics import roc_auc_score
    with open(args.scores) as f:
        data = json.load(f)
    scores = np.array(data["scores"], dtype=np.float64)
    auc = roc_auc_score(np.array(data["labels"]), scores, multi_class="ovr", average="macro")
    with open(args.out, "w") as f:
        json.dump({"auc": float(auc)}, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("logits", help="forward pass of an exported composite on IDX images")
    p.add_argument("--base", required=True, help="folder with model.safetensors and architecture.json")
    p.add_argument("--export", required=True, help="folder written by 'medforge pull --format peft'")
    p.add_argument("--task", required=True)
    p.add_argument("--images", required=True, help="IDX image file")
    p.add_argument("--out", required=True)
    p.set_defaults(run=logits_command)
    a = sub.add_parser("auc", help="scikit-learn's one-vs-rest macro AUC of given scores")
    a.add_argument("--scores", required=True)
    a.add_argument("--out", required=True)
    a.set_defaults(run=auc_command)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
