"""data.py — the training text as lmlab's trainer reads it (src/trainer.c): the whole token stream cut
into N parallel contiguous streams, stream n starting at n·floor(len/N); each step takes the next
(N, T+1) window of every stream (inputs [:, :T], targets [:, 1:]) and advances by T; when a window
would run past the end of the streams, all of them wrap to their starts and the carried state resets.
Under torchrun each rank holds a contiguous block of N / world streams, so the ranks together see
exactly lmlab's batch. Shapes: N streams (N_local on one rank), T window."""
import torch

from .vocab import VocabError


def read_text(path):
    """The file as str; invalid UTF-8 is an error naming the byte offset (as lmlab's)."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise VocabError(f"{path} is not valid UTF-8 at byte offset {err.start} ({err.reason})") from None


class Streams:
    """Windows over N streams of ids (len,); this rank's share is streams rank·N_local … (rank+1)·N_local − 1."""

    def __init__(self, ids, N, T, rank=0, world=1):
        if N < 1 or T < 1:
            raise ValueError(f"batch N and sequence length T must be at least 1, got {N} and {T}")
        if N % world != 0:
            raise ValueError(f"batch N = {N} streams cannot be split evenly over {world} processes: use a multiple of {world}")
        self.N, self.T, self.tokens = N, T, len(ids)
        self.stream_len = len(ids) // N
        if self.stream_len < T + 1:
            raise ValueError(f"the training text has {len(ids)} tokens, too short for one window: {N} streams of {T}+1 "
                             f"tokens need at least {N * (T + 1)}; use a smaller batch or sequence length, or more text")
        n_local = N // world
        rows = torch.as_tensor(ids[: N * self.stream_len]).view(N, self.stream_len)  # (N, stream_len)
        self.rows = rows[rank * n_local : (rank + 1) * n_local].contiguous()          # (N_local, stream_len)
        self.pos, self.wraps = 0, 0

    def next(self):
        """(window (N_local, T+1) long, wrapped: the state must reset first)."""
        wrapped = self.pos + self.T + 1 > self.stream_len
        if wrapped:
            self.pos, self.wraps = 0, self.wraps + 1
        return self.rows[:, self.pos : self.pos + self.T + 1], wrapped

    def advance(self):
        """The step was taken: the next window starts T further on."""
        self.pos += self.T
