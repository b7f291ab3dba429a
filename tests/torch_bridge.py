"""torch_bridge.py — the Python side of tests/torch-bridge.test.mjs: one process per test (importing
torch costs seconds here) runs a plan and writes what it saw as JSON.

usage: /usr/bin/python3 tests/torch_bridge.py PLAN.json OUT.json
PLAN: {"commands": [[lmlab_torch argv…], …],      run in order through cli.main (stdout/stderr captured)
       "logits": [{"model": path, "ids": [[id, …], …]}, …],  the bridge's logits (N, T, V) of the model
                                                             for ids (N, T) from a zero state, flattened
       "encode": [{"text": path, "vocab": path}, …]}          the bridge's ids of the text (or the error)
OUT:  {"commands": [{"status", "log": [line, …], "stderr"}], "logits": [[…], …], "encode": [[…] or "error", …]}"""
import contextlib
import io
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from lmlab_torch import cli, modelfile  # noqa: E402
from lmlab_torch.data import read_text  # noqa: E402
from lmlab_torch.vocab import Vocab, VocabError  # noqa: E402


def logits(path, ids):
    model = modelfile.load(path).model
    x = torch.tensor(ids, dtype=torch.long)  # (N, T)
    with torch.no_grad():
        scores, _ = model(x, model.zero_state(x.shape[0]))  # (N, T, V)
    return scores.reshape(-1).tolist()


def main():
    plan_path, out_path = sys.argv[1:]
    with open(plan_path) as f:
        plan = json.load(f)
    result = {"commands": [], "logits": [], "encode": []}
    for argv in plan.get("commands", []):
        log, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(err):
            try:
                status = cli.main(argv)
            except SystemExit as exit_:  # argparse refusing a flag
                status = exit_.code
        result["commands"].append({"status": status, "log": log.getvalue().splitlines(), "stderr": err.getvalue()})
    for item in plan.get("logits", []):
        result["logits"].append(logits(item["model"], item["ids"]) if os.path.exists(item["model"]) else None)
    for item in plan.get("encode", []):
        with open(item["vocab"], encoding="utf-8") as f:
            vocab = Vocab(json.load(f))
        try:
            result["encode"].append(vocab.encode(read_text(item["text"])).tolist())
        except VocabError as err:
            result["encode"].append(str(err))
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
