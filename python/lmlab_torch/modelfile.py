"""modelfile.py — lmlab model files <-> the modules of modules.py. The rules are lmlab's
(src/model_io.c): the "config" metadata gives the shape; every tensor of the parameter table must be
there with PyTorch's shape ((out, in) for matrices); PyTorch's second bias rnn.bias_hh_l{k} is
folded into bias_ih for the cells that keep one bias; a one-hot model's embedding.weight is the
(V, V) identity (any other matrix is folded into weight_ih_l0); optimizer moments are
"optim.<name>.m" / ".v" in the parameter's layout, the carried state "state.h" (L, N, H), "state.c"
(L, N, H) for the LSTM and "state.context" (N, W-1) for the window model. Writing produces what
lmlab's model_save writes, so lmlab's model_load (and the page) read it back.
Shapes: V vocabulary, E embedding, H hidden, L layers, G gates, W window, N streams."""
import json
from dataclasses import dataclass, field

import numpy as np
import torch

from . import modules, safetensors

FORMAT_TAG = "lmlab-1"
RESERVED = ("format", "config", "trainer")  # lmlab's own metadata keys; the rest is the user's


@dataclass
class ModelFile:
    config: modules.Config
    model: torch.nn.Module
    metadata: dict                                  # the user's string metadata (vocabulary, settings, …)
    trainer: dict = None                            # the "trainer" metadata, when the file has one
    moments: dict = field(default_factory=dict)     # {"m"|"v": {name: tensor}} optimizer state, file layout


def parse_config(text, path):
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise safetensors.FormatError(f"{path}: the config metadata is not JSON ({err})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cell"), str):
        raise safetensors.FormatError(f"{path}: the config metadata lacks 'cell'")
    for key in ("vocab_size", "embedding", "hidden"):
        if not isinstance(raw.get(key), int):
            raise safetensors.FormatError(f"{path}: the config lacks '{key}' (a whole number)")
    for key in ("layers", "window", "seed"):
        if key in raw and not isinstance(raw[key], int):
            raise safetensors.FormatError(f"{path}: the config's '{key}' must be a whole number")
    cell = raw["cell"]
    if cell == "gru" and raw.get("gru_variant") not in ("torch", "lecture"):
        raise safetensors.FormatError(f"{path}: the config of a GRU needs gru_variant 'torch' or 'lecture'")
    config = modules.Config(cell=cell, V=raw["vocab_size"], E=raw["embedding"], H=raw["hidden"],
                            L=raw.get("layers", 1), W=raw.get("window", 0),
                            gru_variant=raw.get("gru_variant", "torch"), seed=raw.get("seed", 0))
    try:
        modules.check_config(config)
    except ValueError as err:
        raise safetensors.FormatError(f"{path}: the config is invalid: {err}") from None
    return config


def config_json(c):
    """The "config" metadata in lmlab's form (model_io.c config_json)."""
    out = {"cell": c.cell, "vocab_size": c.V, "embedding": c.E, "hidden": c.H, "layers": c.L}
    if c.cell == "window":
        out["window"] = c.W
    if c.cell == "gru":
        out["gru_variant"] = c.gru_variant
    out["seed"] = c.seed
    out["init"] = "normal(0,0.01) weights, zero biases%s, normal(0,1) embedding" % (" but forget gate 1" if c.cell == "lstm" else "")
    return json.dumps(out, separators=(",", ":"))


def keeps_bias_hh(c):
    """The torch GRU keeps PyTorch's bias_hh as a parameter; the other recurrent cells fold it."""
    return c.cell == "gru" and c.gru_variant == "torch"


def file_shapes(c):
    """{name: shape} of the parameter tensors lmlab's table writes, in file order (one-hot: no embedding)."""
    shapes = {}
    if c.E > 0:
        shapes["embedding.weight"] = (c.V, c.E)
    if c.cell == "window":
        shapes.update({"hidden.weight": (c.H, c.W * c.E), "hidden.bias": (c.H,)})
    else:
        GH = c.G * c.H
        for k in range(c.L):
            shapes[f"rnn.weight_ih_l{k}"] = (GH, (c.E or c.V) if k == 0 else c.H)
            shapes[f"rnn.weight_hh_l{k}"] = (GH, c.H)
            shapes[f"rnn.bias_ih_l{k}"] = (GH,)
            if keeps_bias_hh(c):
                shapes[f"rnn.bias_hh_l{k}"] = (GH,)
    shapes.update({"decoder.weight": (c.V, c.H), "decoder.bias": (c.V,)})
    return shapes


def _expect(tensors, name, shape, c, path):
    if name not in tensors:
        raise safetensors.FormatError(f"{path} lacks tensor '{name}' {list(shape)} required by its config "
                                      f"(V {c.V}, E {c.E}, H {c.H}, L {c.L})")
    if tuple(tensors[name].shape) != tuple(shape):
        raise safetensors.FormatError(f"{path}: tensor '{name}' has shape {list(tensors[name].shape)} but its config "
                                      f"needs {list(shape)}")
    return tensors[name]


def load(path):
    """Read a model file into a ModelFile (the module on the CPU, in float32)."""
    tensors, meta = safetensors.read(path)
    if "config" not in meta:
        raise safetensors.FormatError(f"{path} has no 'config' metadata: it was not written by lmlab")
    c = parse_config(meta["config"], path)
    shapes = file_shapes(c)
    params = {name: _expect(tensors, name, shape, c, path).copy() for name, shape in shapes.items()}
    extra_ok = lambda n: (n.startswith("optim.") or n in ("state.h", "state.c", "state.context", "embedding.weight")
                          or (n.startswith("rnn.bias_hh_l") and n[13:].isdigit() and int(n[13:]) < c.L))
    for name in tensors:
        if name not in shapes and not extra_ok(name):
            raise safetensors.FormatError(f"{path} has tensor '{name}', which a {c.cell} model of {c.L} layer(s) does not use")
    if c.cell != "window" and not keeps_bias_hh(c):  # PyTorch's second bias adds to ours
        for k in range(c.L):
            name = f"rnn.bias_hh_l{k}"
            if name in tensors:
                params[f"rnn.bias_ih_l{k}"] += _expect(tensors, name, (c.G * c.H,), c, path)
    if c.E == 0:  # one-hot: x = emb[id]; a non-identity emb folds into weight_ih_l0 = weight_ih_l0 · embᵀ
        emb = _expect(tensors, "embedding.weight", (c.V, c.V), c, path)
        if not np.array_equal(emb, np.eye(c.V, dtype=np.float32)):
            params["rnn.weight_ih_l0"] = params["rnn.weight_ih_l0"] @ emb.T
    model = modules.build(c)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(params[name]) if name in params else torch.zeros(p.shape))  # frozen bias_hh: 0
    trainer = None
    if "trainer" in meta:
        try:
            trainer = json.loads(meta["trainer"])
        except json.JSONDecodeError:
            trainer = None
    moments = {}
    for which in ("m", "v"):
        found = {name: torch.from_numpy(tensors[f"optim.{name}.{which}"].copy())
                 for name in shapes if f"optim.{name}.{which}" in tensors}
        if found and len(found) == len(shapes):
            moments[which] = found
    user = {k: v for k, v in meta.items() if k not in RESERVED}
    return ModelFile(config=c, model=model, metadata=user, trainer=trainer, moments=moments)


def save(path, model, metadata, trainer=None, moments=None, state=None):
    """Write model (a module of modules.py) as lmlab's model_save would: the parameters (plus the zero
    bias_hh and identity embedding lmlab writes), then, with trainer (the "trainer" metadata dict),
    the optimizer moments {"m"|"v": {name: tensor}} and the carried state of every stream
    (RNN/GRU h (L, N, H); LSTM (h, c); window (N, W-1) ids), all gathered on the caller's side."""
    c = model.config
    params = {n: p.detach().cpu().float().numpy() for n, p in model.named_parameters()}
    out = {}
    if c.E == 0:
        out["embedding.weight"] = np.eye(c.V, dtype=np.float32)
    for name in file_shapes(c):
        out[name] = params[name]
        if name.startswith("rnn.bias_ih_l") and not keeps_bias_hh(c):
            out["rnn.bias_hh_l" + name[13:]] = np.zeros(c.G * c.H, dtype=np.float32)
    meta = {"format": FORMAT_TAG, "config": config_json(c)}
    if trainer is not None:
        meta["trainer"] = json.dumps(trainer, separators=(",", ":"))
        for which in ("m", "v"):
            for name, value in (moments or {}).get(which, {}).items():
                out[f"optim.{name}.{which}"] = value.detach().cpu().float().numpy()
        if state is not None and c.cell == "window" and c.W > 1:
            out["state.context"] = state.detach().cpu().float().numpy()
        elif state is not None and c.cell != "window":
            h, cs = state if c.cell == "lstm" else (state, None)
            out["state.h"] = h.detach().cpu().float().numpy()
            if cs is not None:
                out["state.c"] = cs.detach().cpu().float().numpy()
    for key, value in metadata.items():
        if key in RESERVED:
            raise ValueError(f"metadata key '{key}' is reserved for lmlab itself")
        meta[key] = value
    safetensors.write(path, out, meta)
