"""lmlab_torch — the bridge from lmlab to PyTorch and back: load an lmlab model file (RNN, LSTM, GRU in
both variants, the fixed-window model; 1-4 layers; embedding or one-hot) into torch.nn modules,
continue training it on a text file with lmlab's objective, batching and optimizers (one CPU or GPU,
or several processes and machines with DistributedDataParallel under torchrun), grow it, and write a
model file lmlab and its page load back. Usage: docs/pytorch-bridge.md, or
`PYTHONPATH=python python3 -m lmlab_torch --help`.
Files: safetensors.py (the file format), modelfile.py (lmlab's tensors and metadata), modules.py (the
nn.Modules), vocab.py (text -> ids as lmlab), data.py (the streams), optim.py (lmlab's optimizers),
grow.py (bigger models), train.py (the loop), cli.py (the commands)."""
from .modelfile import load, save
from .modules import Config

__all__ = ["load", "save", "Config"]
