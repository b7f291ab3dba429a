#!/usr/bin/env python3
"""_torch_train.py: the PyTorch side of the training benchmarks (train.mjs, scaling.mjs).

One char-level training run of stock torch.nn modules on one CPU thread, PyTorch's fastest setting on
these machines, printed as one JSON object. It trains what lmlab's benchmark rows train, the way a
PyTorch user would write it: Embedding(V, E) -> nn.RNN / nn.LSTM / nn.GRU (batch_first) -> Linear(H, V),
the mean cross-entropy over the (N, T) window, clip_grad_norm_ 5 (lmlab's 125 = 5 * T on its summed
loss), Adam, N streams of the first 90% of the text with the state carried across windows (truncated
BPTT). PyTorch's own initialisation.

Modes:
  --steps S    3 warm-up steps, then S timed steps: chars/s of the process CPU time.
  --seconds X  train for X seconds of CPU time (the rate decayed linearly to 1/50 with --decay linear),
               then the held-out loss of the last 10% read as one stream (batch 1, windows of 100, the
               state carried from zero), and as 32 streams each from zero.

Usage: python3 _torch_train.py FILE --cell lstm --hidden 256 [--embedding 32] [--batch 32] [--seq 25]
       [--lr 0.002] [--decay linear] [--seed 1] (--steps S | --seconds X)
Shapes: N streams (batch), T window (seq), E embedding, H hidden, V vocabulary.
"""

import os

# Before torch loads its BLAS: one thread, and no forced core type (a stale OPENBLAS_CORETYPE picks a
# slower kernel). Two threads on these two vCPUs made PyTorch about 4x slower (TOOLCHAIN.md).
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def split_text(text, fraction):
    """The last `fraction`, cut at a line break within 1000 chars (as scripts/bench/_train-run.mjs)."""
    cut = int(len(text) * (1 - fraction))
    newline = text.find("\n", cut)
    if newline >= 0 and newline - cut < 1000:
        cut = newline + 1
    return text[:cut], text[cut:]


class CharModel(nn.Module):
    def __init__(self, cell, V, E, H):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.rnn = CELLS[cell](E, H, batch_first=True)
        self.out = nn.Linear(H, V)

    def forward(self, x, state):
        # x: (N, T) ids -> logits: (N, T, V)
        h, state = self.rnn(self.embed(x), state)
        return self.out(h), state


def detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def held_out_loss(model, ids, batch, seq):
    """Mean loss per predicted char: `batch` contiguous streams of `ids`, each from a zero state."""
    model.eval()
    L = (len(ids) - 1) // batch
    data = ids[: batch * L + 1]
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        x_all = torch.stack([data[i * L : (i + 1) * L] for i in range(batch)])  # (N, L)
        y_all = torch.stack([data[i * L + 1 : (i + 1) * L + 1] for i in range(batch)])  # (N, L)
        for p in range(0, L, seq):
            x, y = x_all[:, p : p + seq], y_all[:, p : p + seq]
            logits, state = model(x, state)
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train()
    return total / count


def loaded_blas():
    """The BLAS library this process mapped (reference BLAS makes PyTorch ~7x slower here)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in paths})
    return ", ".join(real) if real else "none mapped"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--cell", choices=sorted(CELLS), required=True)
    ap.add_argument("--hidden", type=int, required=True)
    ap.add_argument("--embedding", type=int, default=32)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=25)
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--decay", choices=["none", "linear"], default="none")
    ap.add_argument("--clip", type=float, default=5.0, help="global-norm clip of the mean-loss gradient")
    ap.add_argument("--seed", type=int, default=1)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--steps", type=int)
    mode.add_argument("--seconds", type=float)
    a = ap.parse_args()
    if (a.steps is not None and a.steps < 1) or (a.seconds is not None and not a.seconds > 0):
        ap.error("--steps must be at least 1 and --seconds above 0")

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(a.seed)
    with open(a.file, encoding="utf-8") as f:
        text = f.read()
    train_text, held_text = split_text(text, 0.1)
    alphabet = sorted(set(text))
    index = {ch: i for i, ch in enumerate(alphabet)}
    V, N, T = len(alphabet), a.batch, a.seq
    train = torch.tensor([index[ch] for ch in train_text], dtype=torch.long)
    held = torch.tensor([index[ch] for ch in held_text], dtype=torch.long)

    model = CharModel(a.cell, V, a.embedding, a.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    L = (len(train) - 1) // N  # one stream's length
    x_all = torch.stack([train[i * L : (i + 1) * L] for i in range(N)])  # (N, L)
    y_all = torch.stack([train[i * L + 1 : (i + 1) * L + 1] for i in range(N)])  # (N, L)
    pos, state, loss = 0, None, None

    def step():
        nonlocal pos, state, loss
        if pos + T > L:  # the streams wrap around, from a zero state
            pos, state = 0, None
        logits, state = model(x_all[:, pos : pos + T], state)
        loss = F.cross_entropy(logits.reshape(-1, V), y_all[:, pos : pos + T].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        state = detach(state)
        pos += T

    for _ in range(3):  # warm-up: allocations, first-call dispatch
        step()
    w0, c0, steps = time.perf_counter(), time.process_time(), 0
    if a.steps:
        for _ in range(a.steps):
            step()
        steps = a.steps
    else:
        while time.process_time() - c0 < a.seconds:
            if a.decay == "linear":
                fraction = (time.process_time() - c0) / a.seconds
                for g in opt.param_groups:
                    g["lr"] = a.lr * max(1 / 50, 1 - fraction)
            step()
            steps += 1
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    result = {
        "steps": steps,
        "chars": steps * N * T,
        "cpuSeconds": cpu,
        "wallSeconds": wall,
        "charsPerSecond": steps * N * T / cpu,
        "trainLoss": loss.item(),
        "params": sum(p.numel() for p in model.parameters()),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
    }
    if a.seconds:
        result["heldOutLoss"] = held_out_loss(model, held, 1, 100)
        result["heldOutLoss32"] = held_out_loss(model, held, 32, 25)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
