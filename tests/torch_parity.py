"""torch_parity.py — independent reference for tests/torch-parity.test.mjs: load an lmlab model file
into torch.nn.Embedding + torch.nn.RNN / LSTM / GRU (batch_first=True) + torch.nn.Linear with
load_state_dict(strict=True) (so every tensor name and shape must be PyTorch's) and print the logits for
the given ids as JSON. A GRU file must be of the torch variant (the lecture variant is another cell).

usage: /usr/bin/python3 tests/torch_parity.py MODEL.safetensors IDS.json [TARGETS.json]
IDS.json: [[id, ...], ...] (N, T). With TARGETS.json, (N', T'+1) ids, it also prints the mean loss and
every parameter's gradient (PyTorch's layout, by name, computed in float64) of min-char-rnn's objective
on them: the cross-entropy summed over T' and averaged over N', from a zero state.
The safetensors file is parsed here with struct + numpy (PyTorch 1.13 has no safetensors reader)."""
import json
import struct
import sys

import numpy as np
import torch


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


class RecurrentLM(torch.nn.Module):
    def __init__(self, cell, vocab, embedding, hidden, layers):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embedding)
        if cell == "rnn":
            self.rnn = torch.nn.RNN(embedding, hidden, num_layers=layers, nonlinearity="tanh", batch_first=True)
        elif cell == "lstm":
            self.rnn = torch.nn.LSTM(embedding, hidden, num_layers=layers, batch_first=True)
        else:
            self.rnn = torch.nn.GRU(embedding, hidden, num_layers=layers, batch_first=True)
        self.decoder = torch.nn.Linear(hidden, vocab)

    def forward(self, ids):
        h, _ = self.rnn(self.embedding(ids))
        return self.decoder(h)


def main():
    args = sys.argv[1:]
    tensors, meta = read_safetensors(args[0])
    config = json.loads(meta["config"])
    cell = config["cell"]
    assert cell in ("rnn", "lstm", "gru"), cell
    assert cell != "gru" or config["gru_variant"] == "torch", "only the torch GRU variant is torch.nn.GRU"
    V, H, L = config["vocab_size"], config["hidden"], config.get("layers", 1)
    E = config["embedding"] or V  # one-hot: the file holds the (V, V) identity
    model = RecurrentLM(cell, V, E, H, L)
    state = {k: v for k, v in tensors.items() if not k.startswith("optim.") and not k.startswith("state.")}
    model.load_state_dict(state, strict=True)
    with open(args[1]) as f:
        ids = torch.tensor(json.load(f), dtype=torch.long)
    with torch.no_grad():
        logits = model(ids)
    out = {"shape": list(logits.shape), "logits": logits.reshape(-1).tolist()}
    if len(args) > 2:
        with open(args[2]) as f:
            y = torch.tensor(json.load(f), dtype=torch.long)
        model = model.double()  # the reference in float64
        scores = model(y[:, :-1])
        N, T = y.shape[0], y.shape[1] - 1
        loss = torch.nn.functional.cross_entropy(scores.reshape(N * T, V), y[:, 1:].reshape(-1), reduction="sum") / N
        loss.backward()
        out["loss"] = loss.item() / T
        out["grads"] = {name: p.grad.reshape(-1).tolist() for name, p in model.named_parameters()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
