"""modules.py — lmlab's models as torch.nn modules whose state_dict names and layouts are the model
file's: embedding.weight, rnn.weight_ih_l{k} / weight_hh_l{k} / bias_ih_l{k} / bias_hh_l{k},
decoder.weight / decoder.bias (the window model: embedding, hidden, decoder). The RNN, the LSTM and
the torch-variant GRU are torch.nn.RNN / LSTM / GRU themselves; the lecture-variant GRU and the
fixed-window model are small modules here. Every forward takes and returns the carried state, so
training can run lmlab's truncated BPTT over parallel streams.

Parameters lmlab does not have are frozen: the RNN's and LSTM's bias_hh (lmlab keeps one bias; a
second trainable copy would double that bias's step) and the one-hot "embedding" (x = onehot(id), no
weight at all here). Initialisation follows lmlab's init: weights N(0, 0.01²), biases 0 except the
LSTM forget gate's bias_ih (1), a trainable embedding N(0, 1) — the same distributions, not the same
draws (lmlab's own generator is PCG32).
Shapes: N streams, T time, V vocabulary, E embedding (0 = one-hot), H hidden, L layers, G gates
(RNN 1, LSTM 4, GRU 3), W window."""
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

CELLS = ("rnn", "lstm", "gru", "window")
GATES = {"rnn": 1, "lstm": 4, "gru": 3, "window": 1}
MAX_LAYERS, MAX_DIM, MAX_WINDOW, MAX_VOCAB = 4, 4096, 64, 2000000  # lmlab's limits (src/model.h, lm_common.h)


@dataclass(frozen=True)
class Config:
    """A model's shape, as the file's "config" metadata holds it."""
    cell: str
    V: int            # vocabulary
    E: int            # embedding size; 0 = one-hot input
    H: int            # hidden size
    L: int = 1        # stacked layers (the window model: 1)
    W: int = 0        # window model: previous tokens seen; 0 for recurrent cells
    gru_variant: str = "torch"  # GRU only: "torch" (= nn.GRU) or "lecture"
    seed: int = 0     # lmlab's initialisation seed (kept for the record)

    @property
    def G(self):
        return GATES[self.cell]

    def with_(self, **changes):
        return replace(self, **changes)


def check_config(c):
    """Raise ValueError naming the first field outside lmlab's limits (model_check_config's rules)."""
    if c.cell not in CELLS:
        raise ValueError(f"cell '{c.cell}' is unknown: lmlab has rnn, lstm, gru and window")
    if c.cell == "gru" and c.gru_variant not in ("torch", "lecture"):
        raise ValueError(f"GRU variant '{c.gru_variant}' is unknown: use 'torch' or 'lecture'")
    if not 2 <= c.V <= MAX_VOCAB:
        raise ValueError(f"vocabulary size must be between 2 and {MAX_VOCAB}, got {c.V}")
    if not 1 <= c.H <= MAX_DIM:
        raise ValueError(f"hidden size H must be between 1 and {MAX_DIM}, got {c.H}")
    if not 0 <= c.E <= MAX_DIM:
        raise ValueError(f"embedding size E must be 0 (one-hot) or up to {MAX_DIM}, got {c.E}")
    if c.E == 0 and c.V > MAX_DIM:
        raise ValueError(f"one-hot input needs a vocabulary of at most {MAX_DIM} types, got {c.V}")
    if not 1 <= c.L <= MAX_LAYERS:
        raise ValueError(f"layers must be between 1 and {MAX_LAYERS} (lmlab's limit), got {c.L}")
    if c.cell == "window":
        if not 1 <= c.W <= MAX_WINDOW:
            raise ValueError(f"window W must be between 1 and {MAX_WINDOW}, got {c.W}")
        if c.E < 1:
            raise ValueError("the window model needs a trainable embedding (E >= 1)")
        if c.L != 1:
            raise ValueError(f"the window model has one hidden layer: layers must be 1, got {c.L}")
        if c.W * c.E > MAX_DIM:
            raise ValueError(f"window W x embedding E = {c.W} x {c.E} is more than {MAX_DIM} inputs to the hidden layer")
    elif c.W != 0:
        raise ValueError(f"window W applies to the window model only; the {c.cell} cell needs W = 0")


class LectureGRU(nn.Module):
    """The lecture's GRU (reset gate before the matmul), stacked, batch-first, with nn.GRU's names:
        r = σ(x·Wxr + h·Whr + br),  z = σ(x·Wxz + h·Whz + bz)
        g = tanh(x·Wxg + (r ⊙ h)·Whg + bg),  h' = z ⊙ h + (1 − z) ⊙ g
    weight_ih_l{k} (3H, in) = Wxᵀ, weight_hh_l{k} (3H, H) = Whᵀ, bias_ih_l{k} (3H,) = b, rows r | z | g.
    No bias_hh: lmlab writes zeros there and folds a non-zero one into b when loading."""

    def __init__(self, input_size, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        for k in range(layers):
            width = input_size if k == 0 else hidden
            self.register_parameter(f"weight_ih_l{k}", nn.Parameter(torch.empty(3 * hidden, width)))
            self.register_parameter(f"weight_hh_l{k}", nn.Parameter(torch.empty(3 * hidden, hidden)))
            self.register_parameter(f"bias_ih_l{k}", nn.Parameter(torch.zeros(3 * hidden)))

    def forward(self, x, h0):
        """x (N, T, in), h0 (L, N, H) -> h (N, T, H) of the top layer, hT (L, N, H)."""
        H, finals = self.hidden, []
        for k in range(self.layers):
            w_ih, w_hh, b = getattr(self, f"weight_ih_l{k}"), getattr(self, f"weight_hh_l{k}"), getattr(self, f"bias_ih_l{k}")
            xw = x @ w_ih.t() + b                     # (N, T, 3H): every step's input part at once
            w_rz, w_g = w_hh[: 2 * H], w_hh[2 * H :]  # (2H, H), (H, H)
            h, steps = h0[k], []
            for t in range(x.shape[1]):
                a = xw[:, t]                              # (N, 3H)
                rz = torch.sigmoid(a[:, : 2 * H] + h @ w_rz.t())
                r, z = rz[:, :H], rz[:, H:]               # (N, H) each
                g = torch.tanh(a[:, 2 * H :] + (r * h) @ w_g.t())
                h = z * h + (1 - z) * g
                steps.append(h)
            x = torch.stack(steps, dim=1)                 # (N, T, H): the next layer's input
            finals.append(h)
        return x, torch.stack(finals)


class RecurrentLM(nn.Module):
    """Embedding (or one-hot) -> L recurrent layers -> decoder, state carried between calls.
    state: RNN, GRU h (L, N, H); LSTM the pair (h, c), each (L, N, H)."""

    def __init__(self, config):
        super().__init__()
        check_config(config)
        c = self.config = config
        if c.E > 0:
            self.embedding = nn.Embedding(c.V, c.E)
        width = c.E or c.V
        if c.cell == "rnn":
            self.rnn = nn.RNN(width, c.H, num_layers=c.L, nonlinearity="tanh", batch_first=True)
        elif c.cell == "lstm":
            self.rnn = nn.LSTM(width, c.H, num_layers=c.L, batch_first=True)
        elif c.gru_variant == "torch":
            self.rnn = nn.GRU(width, c.H, num_layers=c.L, batch_first=True)
        else:
            self.rnn = LectureGRU(width, c.H, c.L)
        self.decoder = nn.Linear(c.H, c.V)
        if c.cell in ("rnn", "lstm"):  # lmlab keeps one bias (b = bias_ih): bias_hh stays 0
            for k in range(c.L):
                getattr(self.rnn, f"bias_hh_l{k}").requires_grad_(False)

    def zero_state(self, N, device=None):
        c = self.config
        h = torch.zeros(c.L, N, c.H, device=device)
        return (h, torch.zeros_like(h)) if c.cell == "lstm" else h

    def forward(self, ids, state):
        """ids (N, T) long, state as zero_state(N) -> scores (N, T, V), the state after step T."""
        c = self.config
        x = self.embedding(ids) if c.E > 0 else F.one_hot(ids, c.V).to(self.decoder.weight.dtype)  # (N, T, E or V)
        h, final = self.rnn(x, state)  # h (N, T, H)
        return self.decoder(h), final


class WindowLM(nn.Module):
    """The fixed-window neural LM (Bengio 2003): target t is predicted from inputs t-W+1 .. t,
        e = [emb(x_{t-W+1}); …; emb(x_t)] (W·E,),  h = tanh(hidden(e)) (H,),  scores = decoder(h) (V,)
    hidden = Linear(W·E, H), decoder = Linear(H, V). The carried state is the previous W-1 ids of
    each stream, -1 ("pad") before a stream's start: a zero embedding that gets no gradient."""

    def __init__(self, config):
        super().__init__()
        check_config(config)
        c = self.config = config
        self.embedding = nn.Embedding(c.V, c.E)
        self.hidden = nn.Linear(c.W * c.E, c.H)
        self.decoder = nn.Linear(c.H, c.V)

    def zero_state(self, N, device=None):
        return torch.full((N, self.config.W - 1), -1, dtype=torch.long, device=device)

    def forward(self, ids, state):
        """ids (N, T) long, state (N, W-1) long -> scores (N, T, V), the last W-1 ids (N, W-1)."""
        c = self.config
        T = ids.shape[1]
        hist = torch.cat([state, ids], dim=1)          # (N, W-1+T)
        ctx = hist.unfold(1, c.W, 1)                   # (N, T, W): ctx[:, t] = hist[:, t : t+W]
        e = self.embedding(ctx.clamp(min=0)) * (ctx >= 0).unsqueeze(-1).to(self.embedding.weight.dtype)  # (N, T, W, E)
        h = torch.tanh(self.hidden(e.flatten(2)))      # (N, T, H)
        return self.decoder(h), hist[:, T:]


def build(config):
    """An uninitialised module of the config's cell (fill it with load_state or initialise)."""
    return WindowLM(config) if config.cell == "window" else RecurrentLM(config)


def initialise(model, generator, names=None):
    """lmlab's initialisation of the parameters `names` (all when None): matrices N(0, 0.01²), the
    trainable embedding N(0, 1), biases 0 but the LSTM forget gate's bias_ih block (H:2H) 1."""
    c = model.config
    with torch.no_grad():
        for name, p in model.named_parameters():
            if names is not None and name not in names:
                continue
            if p.dim() == 1:
                p.zero_()
                if c.cell == "lstm" and name.startswith("rnn.bias_ih_l"):
                    p[c.H : 2 * c.H] = 1
            else:
                scale = 1.0 if name == "embedding.weight" else 0.01
                p.copy_(torch.randn(p.shape, generator=generator) * scale)


def trainable(model):
    """(name, parameter) of the parameters lmlab trains: its parameter table, in a fixed order."""
    return [(n, p) for n, p in model.named_parameters() if p.requires_grad]


def detach_state(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
