"""seq2seq_parity.py — an independent PyTorch reference for tests/seq2seq.test.mjs: build the encoder–decoder
of docs/seq2seq.md from torch.nn modules (Embedding, RNN/LSTM/GRU, Linear), load an lmlab seq2seq file into it
with load_state_dict(strict=True) (so every tensor name and shape must be PyTorch's), run one batch with
teacher forcing in float64, and print the loss and every parameter's gradient (shape and values, PyTorch's
layout) as JSON.

The encoder runs through pack_padded_sequence, so a row's final state is the state at its last real token
(lmlab freezes the state instead: two routes to the same value). Attention is written out from the
equations: e = h^D_{i-1}·h^E_j (dot) or vᵀ tanh(W_q h^D_{i-1} + W_k h^E_j) (additive), padded keys at −inf,
α = softmax(e), c_i = Σ_j α_ij h^E_j; the decoder's input at step i is [emb(y_{i-1}); c_i]; the output layer
reads [h^D_i; c_i] or h^D_i. The loss is cross_entropy with ignore_index = <pad>: the mean over real targets.

usage: /usr/bin/python3 tests/seq2seq_parity.py MODEL.safetensors BATCH.json
BATCH.json: {"src": [[id, ...], ...] (N, Ts), "tgt": [[id, ...], ...] (N, Tt+1)}
The safetensors file is parsed with struct + numpy (PyTorch 1.13 has no safetensors reader)."""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, spec in header.items():
        assert spec["dtype"] == "F32", name
        begin, end = spec["data_offsets"]
        array = np.frombuffer(data[base + begin : base + end], dtype="<f4").reshape(spec["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, meta


def recurrent(cell, inputs, hidden, layers):
    kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    return kind(inputs, hidden, num_layers=layers, batch_first=True)


class Seq2Seq(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        E, H, L, A = cfg["embedding"], cfg["hidden"], cfg["layers"], cfg["attention_size"]
        attention = cfg["attention"]
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(cfg["src_vocab_size"], E)
        self.encoder.rnn = recurrent(cfg["cell"], E, H, L)
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(cfg["tgt_vocab_size"], E)
        self.decoder.rnn = recurrent(cfg["cell"], E + (H if attention != "none" else 0), H, L)
        self.decoder.out = nn.Linear(2 * H if cfg["out_context"] else H, cfg["tgt_vocab_size"])
        if attention == "additive":
            self.attention = nn.Module()
            self.attention.W_q = nn.Linear(H, A, bias=False)
            self.attention.W_k = nn.Linear(H, A, bias=False)
            self.attention.v = nn.Linear(A, 1, bias=False)

    def context(self, q, keys, mask):
        """q (N, H), keys (N, Ts, H), mask (N, Ts) bool: c (N, H) and α (N, Ts)."""
        if self.cfg["attention"] == "dot":
            e = torch.bmm(keys, q.unsqueeze(2)).squeeze(2)
        else:
            a = self.attention
            e = a.v(torch.tanh(a.W_q(q).unsqueeze(1) + a.W_k(keys))).squeeze(2)
        alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=1)
        return torch.bmm(alpha.unsqueeze(1), keys).squeeze(1), alpha

    def forward(self, src, tgt):
        cfg = self.cfg
        mask = src != cfg["src_pad"]
        lengths = mask.sum(1)
        packed = nn.utils.rnn.pack_padded_sequence(self.encoder.embedding(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        out, state = self.encoder.rnn(packed)
        keys, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        scores = []
        for i in range(tgt.shape[1] - 1):  # teacher forcing: the input is the reference y_{i-1}
            x = self.decoder.embedding(tgt[:, i])
            c = None
            if cfg["attention"] != "none":
                top = state[0][-1] if cfg["cell"] == "lstm" else state[-1]  # h^D_{i-1} of the top layer
                c, _ = self.context(top, keys, mask)
                x = torch.cat([x, c], dim=1)
            out, state = self.decoder.rnn(x.unsqueeze(1), state)
            h = out[:, 0]
            scores.append(self.decoder.out(torch.cat([h, c], dim=1) if cfg["out_context"] else h))
        return torch.stack(scores, dim=1)  # (N, Tt, Vt)


def main():
    tensors, meta = read_safetensors(sys.argv[1])
    assert meta.get("format") == "lmlab-seq2seq-1", meta.get("format")
    cfg = json.loads(meta["config"])
    assert cfg["cell"] != "gru" or cfg["gru_variant"] == "torch", "only the torch GRU variant is torch.nn.GRU"
    model = Seq2Seq(cfg)
    state = {k: v for k, v in tensors.items() if not k.startswith("optim.")}
    model.load_state_dict(state, strict=True)
    model = model.double()
    with open(sys.argv[2]) as f:
        batch = json.load(f)
    src = torch.tensor(batch["src"], dtype=torch.long)
    tgt = torch.tensor(batch["tgt"], dtype=torch.long)
    scores = model(src, tgt)
    Vt = cfg["tgt_vocab_size"]
    loss = nn.functional.cross_entropy(scores.reshape(-1, Vt), tgt[:, 1:].reshape(-1), ignore_index=cfg["tgt_pad"])
    loss.backward()
    grads = {name: {"shape": list(p.grad.shape), "data": p.grad.reshape(-1).tolist()} for name, p in model.named_parameters()}
    out = {"loss": loss.item(), "grads": grads}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
