"""grow.py — bigger models from a trained one, where that is well-defined. Each returns a new module of
modules.py (the old one is not changed); the vocabulary never changes, so the model file's
vocabulary metadata stays valid.
  add_layers(K)  K new recurrent layers on top (L + K <= 4, lmlab's limit): layers 0 … L-1, the
                 embedding and the decoder are kept as they are; the new layers start as lmlab starts
                 a layer (weights N(0, 0.01²), biases 0, LSTM forget gate 1). The decoder now reads
                 the new top layer, whose small initial output makes the first loss jump towards
                 log V; training brings it back.
  fresh_hidden(H) hidden size H, every recurrent (or hidden) layer and the decoder initialised anew;
                 only the embedding (E unchanged) is carried over. A larger configuration started
                 from the vocabulary and the learned embedding.
  widen(H)       hidden size H > the old one, the old weights kept: each gate block's old units keep
                 their weights, the new units get fresh incoming weights (lmlab's init), and every
                 weight from a new unit into an old unit or into the decoder starts at 0 — so the
                 widened model computes exactly the old model's scores until training moves them.
Shapes: V vocabulary, E embedding, H old hidden, H2 new hidden, G gates, L layers."""
import torch

from . import modules


def _copy_same(new, old):
    """Copy every parameter of old whose name and shape exist in new."""
    theirs = dict(old.named_parameters())
    with torch.no_grad():
        for name, p in new.named_parameters():
            if name in theirs and theirs[name].shape == p.shape:
                p.copy_(theirs[name])


def add_layers(model, K, generator):
    c = model.config
    if c.cell == "window":
        raise ValueError("the window model has one hidden layer: it cannot grow layers (use --hidden or --widen)")
    if K < 1 or c.L + K > modules.MAX_LAYERS:
        raise ValueError(f"--add-layers {K} on a {c.L}-layer model would give {c.L + K} layers; lmlab loads 1 to "
                         f"{modules.MAX_LAYERS}")
    new = modules.build(c.with_(L=c.L + K))
    modules.initialise(new, generator)
    _copy_same(new, model)  # layers 0 … L-1, embedding, decoder (its shape does not depend on L)
    return new


def fresh_hidden(model, H2, generator):
    c = model.config
    new = modules.build(c.with_(H=H2))
    modules.initialise(new, generator)
    if c.E > 0:
        with torch.no_grad():
            new.embedding.weight.copy_(model.embedding.weight)
    return new


def _blocks(rows_new, rows_old, G):
    """Pairs (new slice, old slice) of the old units in each of G gate blocks along dim 0."""
    H2, H = rows_new // G, rows_old // G
    return [(slice(g * H2, g * H2 + H), slice(g * H, g * H + H)) for g in range(G)]


def widen(model, H2, generator):
    c = model.config
    if H2 <= c.H:
        raise ValueError(f"--widen needs a hidden size larger than the model's {c.H}, got {H2}")
    new = modules.build(c.with_(H=H2))
    modules.initialise(new, generator)  # the new units' incoming weights and biases
    old = dict(model.named_parameters())
    G = 1 if c.cell == "window" else c.G
    with torch.no_grad():
        for name, p in new.named_parameters():
            q = old[name]
            if name in ("embedding.weight", "decoder.bias"):
                p.copy_(q)
            elif name == "decoder.weight":  # (V, H2): new units do not reach the scores yet
                p.zero_()[:, : c.H] = q
            elif name.startswith("rnn.bias") or name == "hidden.bias":  # (G·H2,)
                for new_rows, old_rows in _blocks(p.shape[0], q.shape[0], G):
                    p[new_rows] = q[old_rows]
            else:  # weight_ih (G·H2, in2), weight_hh (G·H2, H2), hidden.weight (H2, W·E): rows = units
                width = q.shape[1]  # the old input width; columns past it come from new units
                for new_rows, old_rows in _blocks(p.shape[0], q.shape[0], G):
                    p[new_rows, :width] = q[old_rows]
                    p[new_rows, width:] = 0
    return new
