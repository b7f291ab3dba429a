"""cli.py — the commands: `train` (continue training an lmlab model file on a text file, optionally
grown, single process or under torchrun) and `info` (what a model file holds). Bad input ends with one
sentence on stderr naming the problem and exit status 1; nothing is written then.
Run as `PYTHONPATH=python /usr/bin/python3 -m lmlab_torch <command> …` from the repository."""
import argparse
import json
import sys

import numpy as np

from . import modelfile, modules, safetensors
from .train import Options, train
from .vocab import VocabError, from_metadata

DESCRIPTION = """Continue training an lmlab model in PyTorch (CPU, GPU, or several processes with torchrun)
and write a model file lmlab loads back. Docs: docs/pytorch-bridge.md."""


def positive(kind):
    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def parser():
    p = argparse.ArgumentParser(prog="python3 -m lmlab_torch", description=DESCRIPTION)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="continue training a model file on a text file")
    t.add_argument("--model", required=True, help="lmlab model file (.safetensors) with its vocabulary in the metadata")
    t.add_argument("--data", required=True, help="training text (UTF-8), tokenised with the model's vocabulary")
    t.add_argument("--steps", required=True, type=int, help="optimizer steps (0: only grow and write the model)")
    t.add_argument("--out", required=True, help="model file to write (lmlab and the page load it)")
    t.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="default: cuda when available")
    t.add_argument("--batch", type=positive(int), help="N parallel streams, over all processes (default: the file's, else 32)")
    t.add_argument("--seq", type=positive(int), help="T, the truncated-BPTT window (default: the file's, else 25)")
    t.add_argument("--optimizer", choices=["sgd", "adagrad", "adam"], help="default: the file's, else adam")
    t.add_argument("--lr", type=positive(float), help="learning rate (default: the file's, else adagrad 0.1, adam 0.002, sgd 0.01)")
    t.add_argument("--momentum", type=float, help="sgd only, [0, 1)")
    t.add_argument("--clip", type=float, help="0 = off (default: the file's, else 5)")
    t.add_argument("--clip-mode", choices=["value", "norm"], help="value: clamp each element to [-c, c]; norm: scale to global norm c")
    t.add_argument("--add-layers", type=int, default=0, metavar="K", help="K new recurrent layers on top (at most 4 in all)")
    t.add_argument("--hidden", type=positive(int), metavar="H", help="hidden size H, initialised fresh (embedding kept)")
    t.add_argument("--widen", type=positive(int), metavar="H", help="hidden size H, old weights kept (same scores at first)")
    t.add_argument("--seed", type=int, default=1, help="seed of the new weights when growing (default 1)")
    t.add_argument("--fresh-optimizer", action="store_true", help="do not resume the file's optimizer moments")
    t.add_argument("--log-every", type=positive(int), default=50, metavar="K", help="a progress line every K steps")
    t.add_argument("--json", action="store_true", help="progress lines as JSON objects")
    i = sub.add_parser("info", help="what a model file holds")
    i.add_argument("model")
    e = sub.add_parser("encode", help="print the ids of a text file as a JSON array (the model's vocabulary)")
    e.add_argument("--model", required=True)
    e.add_argument("--data", required=True)
    return p


def info(path):
    f = modelfile.load(path)
    c = f.config
    shape = f"{c.cell}" + (f" ({c.gru_variant} variant)" if c.cell == "gru" else "")
    print(f"{path}: {shape}, vocabulary {c.V}, embedding {c.E or 'one-hot'}, hidden {c.H}, layers {c.L}"
          + (f", window {c.W}" if c.cell == "window" else ""))
    params = modules.trainable(f.model)
    print(f"parameters: {sum(p.numel() for _, p in params)} in {len(params)} tensors")
    for name, p in params:
        print(f"  {name} {list(p.shape)}")
    try:
        v = from_metadata(f.metadata)
        print(f"vocabulary: {v.level} level, {v.size} tokens" + (f", tokenizer {v.tokenizer}" if v.level == "word" else ""))
    except VocabError as err:
        print(f"vocabulary: none ({err})")
    if f.trainer:
        t = f.trainer
        print(f"training state: {t.get('optimizer')} lr {t.get('lr')}, step {t.get('step')}, batch {t.get('batch')} x seq "
              f"{t.get('seq')}, moments {'saved' if f.moments else 'absent'}")
    print(f"metadata keys: {', '.join(sorted(f.metadata)) or 'none'}")


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.command == "info":
            info(args.model)
            return 0
        if args.command == "encode":
            from .data import read_text
            ids = from_metadata(modelfile.load(args.model).metadata).encode(read_text(args.data))
            json.dump(np.asarray(ids).tolist(), sys.stdout)
            return 0
        options = {k: v for k, v in vars(args).items() if k != "command"}
        return train(Options(**options))
    except (OSError, ValueError, safetensors.FormatError, VocabError) as err:
        print(f"lmlab_torch: {err}", file=sys.stderr)
        return 1
