"""train.py — the training loop: lmlab's objective (min-char-rnn's cross-entropy summed over the T
steps of a window and averaged over the N streams) over lmlab's N parallel streams with the state
carried between windows and cut from the graph (truncated BPTT), lmlab's optimizers and clipping,
on one device or under torchrun with DistributedDataParallel (gloo on CPU, nccl on GPU): each rank
trains N / world streams, DDP averages the gradients over the ranks, which gives exactly the
gradient of the whole batch, and every rank applies the same update. Rank 0 logs and writes the file.
Shapes: N streams (N_local per rank), T window, V vocabulary."""
import hashlib
import json
import math
import os
import time
from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn.functional as F

from . import data, grow, modelfile, modules
from .optim import Optimizer, RefusedStep
from .vocab import from_metadata


@dataclass
class Options:
    model: str
    data: str
    steps: int
    out: str
    device: str = "auto"
    batch: int = None
    seq: int = None
    optimizer: str = None
    lr: float = None
    momentum: float = None
    clip: float = None
    clip_mode: str = None
    add_layers: int = 0
    hidden: int = None
    widen: int = None
    seed: int = 1
    fresh_optimizer: bool = False
    log_every: int = 50
    json: bool = False


class Run:
    """Where this process runs: rank, world size, device (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK)."""

    def __init__(self, device):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda" and not torch.cuda.is_available():
            raise ValueError("--device cuda: this PyTorch sees no CUDA GPU (torch.cuda.is_available() is False)")
        self.device = torch.device(f"cuda:{local}" if device == "cuda" else "cpu")
        if device == "cuda":
            torch.cuda.set_device(self.device)
        if self.world > 1:
            dist.init_process_group(backend="nccl" if device == "cuda" else "gloo")

    def mean(self, value):
        """The mean of a float over the ranks."""
        if self.world == 1:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return float(t) / self.world

    def gather(self, state, dim):
        """Every rank's carried state, concatenated along the streams dimension in rank order."""
        if isinstance(state, tuple):
            return tuple(self.gather(s, dim) for s in state)
        if self.world == 1:
            return state
        parts = [torch.empty_like(state) for _ in range(self.world)]
        dist.all_gather(parts, state.contiguous())
        return torch.cat(parts, dim=dim)

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


def settings(o, saved):
    """Training settings: the flags, else the file's trainer state, else lmlab's CLI defaults."""
    saved = saved or {}
    kind = o.optimizer or saved.get("optimizer", "adam")
    same = kind == saved.get("optimizer")
    return {
        "optimizer": kind,
        "lr": o.lr if o.lr is not None else (saved.get("lr") if same else None),
        "momentum": o.momentum if o.momentum is not None else (saved.get("momentum", 0.0) if same else 0.0),
        "beta1": saved.get("beta1", 0.9), "beta2": saved.get("beta2", 0.999), "eps": saved.get("eps", 1e-8),
        "clip": o.clip if o.clip is not None else saved.get("clip", 5.0),
        "clip_mode": o.clip_mode or saved.get("clip_mode", "value"),
        "batch": o.batch or saved.get("batch", 32),
        "seq": o.seq or saved.get("seq", 25),
    }


def grown(model, o):
    """The model after --widen / --hidden, then --add-layers; and a description of what changed."""
    generator = torch.Generator().manual_seed(o.seed)
    changes = []
    if o.widen is not None and o.hidden is not None:
        raise ValueError("give --widen (keep the weights) or --hidden (fresh weights), not both")
    if o.widen is not None:
        model = grow.widen(model, o.widen, generator)
        changes.append(f"widened to H {o.widen} (old weights kept)")
    if o.hidden is not None and o.hidden != model.config.H:
        modules.check_config(model.config.with_(H=o.hidden))
        model = grow.fresh_hidden(model, o.hidden, generator)
        changes.append(f"hidden size {o.hidden}, initialised fresh (vocabulary and embedding kept)")
    if o.add_layers:
        model = grow.add_layers(model, o.add_layers, generator)
        changes.append(f"{o.add_layers} layer(s) added on top")
    modules.check_config(model.config)
    return model, changes


def train(o):
    """Run the training of Options o; returns the process exit status (0, or 2 after a refused step)."""
    run = Run(o.device)
    say = (lambda line: print(line, flush=True)) if run.rank == 0 else (lambda line: None)
    try:
        return _train(o, run, say)
    finally:
        run.close()


def _train(o, run, say):
    if o.steps < 0:
        raise ValueError(f"--steps must be 0 (only grow and write) or more, got {o.steps}")
    loaded = modelfile.load(o.model)
    vocab = from_metadata(loaded.metadata)
    if vocab.size != loaded.config.V:
        raise ValueError(f"{o.model}: its vocabulary has {vocab.size} tokens but the model expects {loaded.config.V}")
    text = data.read_text(o.data)
    ids = vocab.encode(text)  # (len,)
    s = settings(o, loaded.trainer)
    model, changes = grown(loaded.model, o)
    model.to(run.device)
    c = model.config
    streams = data.Streams(ids, s["batch"], s["seq"], run.rank, run.world)
    n_local, T = s["batch"] // run.world, s["seq"]
    opt = Optimizer(modules.trainable(model), kind=s["optimizer"], lr=s["lr"], momentum=s["momentum"],
                    beta1=s["beta1"], beta2=s["beta2"], eps=s["eps"], clip=s["clip"], clip_mode=s["clip_mode"])
    resumed = (not changes and not o.fresh_optimizer and loaded.trainer is not None
               and loaded.trainer.get("optimizer") == opt.kind and set(opt.moments()) <= set(loaded.moments))
    if resumed:
        opt.load_moments(loaded.moments, loaded.trainer.get("step", 0))
    net = model
    if run.world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[run.device.index] if run.device.type == "cuda" else None)
    say(f"model: {c.cell}{' (' + c.gru_variant + ' GRU)' if c.cell == 'gru' else ''}, V {c.V}, E {c.E or 'one-hot'}, "
        f"H {c.H}, L {c.L}{f', W {c.W}' if c.cell == 'window' else ''}; "
        f"{sum(p.numel() for _, p in modules.trainable(model))} parameters" + (f"; {'; '.join(changes)}" if changes else ""))
    say(f"data: {o.data}: {len(ids)} {vocab.level}-level tokens; {s['batch']} streams of {streams.stream_len} "
        f"({n_local} per process x {run.world}), windows of {T}")
    say(f"training: {opt.kind} lr {opt.lr}, clip {opt.clip} ({opt.clip_mode}), on {run.device}"
        + (f", optimizer state resumed at step {opt.step_count}" if resumed else ", fresh optimizer state"))

    state = model.zero_state(n_local, run.device)
    status, done, window_loss, started = 0, 0, [], time.time()
    last_log = started
    for step in range(1, o.steps + 1):
        window, wrapped = streams.next()
        if wrapped:
            state = model.zero_state(n_local, run.device)
        window = window.to(run.device)
        x, y = window[:, :-1], window[:, 1:]                     # (N_local, T) each
        scores, final = net(x, state)                            # (N_local, T, V)
        loss_sum = F.cross_entropy(scores.reshape(-1, c.V), y.reshape(-1), reduction="sum")
        for _, p in modules.trainable(model):
            p.grad = None
        (loss_sum / n_local).backward()                          # sum over T, mean over N (DDP averages ranks)
        loss = run.mean(float(loss_sum)) / (n_local * T)         # mean per token over the whole batch
        try:
            if not math.isfinite(loss):
                raise RefusedStep(f"step {opt.step_count + 1} refused: the loss became {loss}; the parameters keep "
                                  f"their last finite values. Try a lower learning rate (now {opt.lr}) or clipping (e.g. --clip 5)")
            norm, clipped = opt.step()
        except RefusedStep as err:
            say(f"lmlab_torch: {err}")
            status = 2
            break
        state = modules.detach_state(final)
        streams.advance()
        done += 1
        window_loss.append(loss)
        if step % o.log_every == 0 or step == o.steps:
            now = time.time()
            ms = 1000 * (now - last_log) / len(window_loss)
            rate = s["batch"] * T * len(window_loss) / max(now - last_log, 1e-9)
            mean = sum(window_loss) / len(window_loss)
            if o.json:
                say(json.dumps({"step": step, "loss": mean, "lastLoss": loss, "gradNorm": norm, "clipped": clipped,
                                "msPerStep": ms, "tokensPerSecond": rate}))
            else:
                say(f"step {step}/{o.steps}  loss {mean:.4f}  grad norm {norm:.3g}{' (clipped)' if clipped else ''}  "
                    f"{ms:.1f} ms/step  {rate:,.0f} tokens/s")
            window_loss, last_log = [], now
    elapsed = time.time() - started
    if done == 0 and status != 0:
        say(f"lmlab_torch: no step was taken; {o.out} was not written")
        return status
    state = run.gather(state, dim=0 if c.cell == "window" else 1)  # every stream's carried state
    if run.rank == 0:
        trainer = {"optimizer": opt.kind, "lr": opt.lr, "momentum": opt.momentum, "beta1": opt.beta1,
                   "beta2": opt.beta2, "eps": opt.eps, "clip": opt.clip, "clip_mode": opt.clip_mode,
                   "batch": s["batch"], "seq": T, "step": opt.step_count, "clip_events": opt.clip_events,
                   "position": streams.pos, "tokens": streams.tokens, "wraps": streams.wraps}
        history = json.loads(loaded.metadata.get("torch_bridge", "[]"))
        history.append({"from": os.path.basename(o.model), "data": os.path.basename(o.data), "steps": done,
                        "processes": run.world, "device": run.device.type, "grown": changes})
        # what `lmlab train --resume` checks: this run's training text (SHA-256 of its UTF-8, length in
        # UTF-16 units as JS counts), so `--data text.txt --val-fraction 0` continues without --new-text
        fingerprint = {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                       "chars": len(text.encode("utf-16-le")) // 2}
        metadata = {**loaded.metadata, "torch_bridge": json.dumps(history), "trainText": json.dumps(fingerprint)}
        modelfile.save(o.out, model, metadata, trainer=trainer, moments=opt.moments(), state=state)
    say(f"trained {done} steps in {elapsed:.1f} s ({1000 * elapsed / max(done, 1):.1f} ms/step, "
        f"{s['batch'] * T * done / max(elapsed, 1e-9):,.0f} tokens/s); wrote {o.out}")
    return status
