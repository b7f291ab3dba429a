"""optim.py — lmlab's optimizers and clipping (src/optim.c), element for element, in float32:
    SGD      m = μ·m + g (with momentum);  p −= lr·m  (or lr·g)
    Adagrad  m = m + g²;  p −= lr·g / sqrt(m + eps)        (min-char-rnn's form, eps inside the root;
                                                           torch.optim.Adagrad puts it outside)
    Adam     m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lr·(m / bc1) / (sqrt(v / bc2) + eps)
Clipping first, on the whole gradient (after DDP's all-reduce, so on the global batch's): `value`
clamps every element to [−c, c]; `norm` scales the gradient by c / ‖g‖ when its global norm ‖g‖ > c.
A step whose gradient norm, new parameters or new moments are not finite is refused: nothing changes
and the error names the tensor (lmlab's rule: no NaN is silently trained on)."""
import math

import torch

DEFAULT_LR = {"sgd": 0.01, "adagrad": 0.1, "adam": 0.002}


class RefusedStep(ArithmeticError):
    """A step would have made something non-finite; the parameters keep their last finite values."""


class Optimizer:
    def __init__(self, params, kind="adam", lr=None, momentum=0.0, beta1=0.9, beta2=0.999, eps=1e-8, clip=0.0,
                 clip_mode="value"):
        """params: [(name, parameter)] in lmlab's table order."""
        if kind not in DEFAULT_LR:
            raise ValueError(f"optimizer must be sgd, adagrad or adam, got '{kind}'")
        lr = DEFAULT_LR[kind] if lr is None else lr
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"the learning rate must be a positive finite number, got {lr}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if momentum > 0 and kind != "sgd":
            raise ValueError(f"momentum applies to sgd only, not {kind}")
        if not (clip >= 0 and math.isfinite(clip)):
            raise ValueError(f"clip must be 0 (off) or a positive number, got {clip}")
        if clip_mode not in ("value", "norm"):
            raise ValueError(f"clip mode must be 'value' or 'norm', got '{clip_mode}'")
        self.params = params
        self.kind, self.lr, self.momentum, self.beta1, self.beta2, self.eps = kind, lr, momentum, beta1, beta2, eps
        self.clip, self.clip_mode = clip, clip_mode
        self.step_count, self.clip_events = 0, 0
        with_m = kind in ("adagrad", "adam") or momentum > 0
        self.m = {n: torch.zeros_like(p) for n, p in params} if with_m else {}
        self.v = {n: torch.zeros_like(p) for n, p in params} if kind == "adam" else {}

    def moments(self):
        """{"m": {name: tensor}, "v": …} as the model file stores them (only the ones this kind keeps)."""
        return {k: d for k, d in (("m", self.m), ("v", self.v)) if d}

    @torch.no_grad()
    def load_moments(self, moments, step):
        for which, store in (("m", self.m), ("v", self.v)):
            for name, value in moments.get(which, {}).items():
                if name in store:
                    store[name].copy_(value)
        self.step_count = int(step)

    @torch.no_grad()
    def step(self):
        """Clip and update in place; returns (gradient norm before clipping, clipped?)."""
        grads = [(n, p, p.grad) for n, p in self.params]
        norm = math.sqrt(sum(float((g.double() ** 2).sum()) for _, _, g in grads))
        if not math.isfinite(norm):
            bad = next((n for n, _, g in grads if not torch.isfinite(g).all()), "a parameter")
            raise RefusedStep(f"step {self.step_count + 1} refused: the gradient of {bad} is not finite; the parameters "
                              f"keep their last finite values. Try a lower learning rate (now {self.lr}) or clipping (e.g. --clip 5)")
        clipped = False
        if self.clip > 0 and self.clip_mode == "norm" and norm > self.clip:
            scale, clipped = self.clip / norm, True
            grads = [(n, p, g * scale) for n, p, g in grads]
        elif self.clip > 0 and self.clip_mode == "value":
            clipped = any(float(g.abs().max()) > self.clip for _, _, g in grads)
            grads = [(n, p, g.clamp(-self.clip, self.clip)) for n, p, g in grads]
        t = self.step_count + 1
        bc1, bc2 = 1 - self.beta1 ** t, 1 - self.beta2 ** t
        new = []
        for name, p, g in grads:  # new values first, committed only when all are finite
            m, v = self.m.get(name), self.v.get(name)
            if self.kind == "sgd":
                m2 = self.momentum * m + g if m is not None else None
                p2 = p - self.lr * (m2 if m2 is not None else g)
                v2 = None
            elif self.kind == "adagrad":
                m2, v2 = m + g * g, None
                p2 = p - self.lr * g / torch.sqrt(m2 + self.eps)
            else:
                m2 = self.beta1 * m + (1 - self.beta1) * g
                v2 = self.beta2 * v + (1 - self.beta2) * g * g
                p2 = p - self.lr * (m2 / bc1) / (torch.sqrt(v2 / bc2) + self.eps)
            for what, value in (("the updated value", p2), ("the optimizer state", m2), ("the optimizer state", v2)):
                if value is not None and not torch.isfinite(value).all():
                    raise RefusedStep(f"step {t} refused: {what} of {name} is not finite; the parameters keep their last "
                                      f"finite values. Try a lower learning rate (now {self.lr}) or clipping (e.g. --clip 5)")
            new.append((name, p, p2, m2, v2))
        for name, p, p2, m2, v2 in new:
            p.copy_(p2)
            if m2 is not None:
                self.m[name].copy_(m2)
            if v2 is not None:
                self.v[name].copy_(v2)
        self.step_count = t
        self.clip_events += clipped
        return norm, clipped
