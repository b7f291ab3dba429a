"""safetensors.py — the file format, nothing about models: an 8-byte little-endian header length, a
JSON header {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}}
and the raw little-endian float32 data. PyTorch 1.13 has no safetensors reader and this machine has no
other Python package, so this is the whole of it. Reading checks what lmlab's reader checks (F32 only,
offsets inside the data and tiling it, finite values) and names the problem; writing is atomic (a
temporary file renamed over the target), so a failed write never leaves half a file."""
import json
import os
import struct
import tempfile

import numpy as np


class FormatError(ValueError):
    """The file is not a safetensors file lmlab could have written; the message says why."""


def read(path):
    """Return (tensors, metadata): {name: float32 numpy array in file layout}, {key: str}."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise FormatError(f"{path} is truncated: {len(data)} bytes, fewer than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n < 2 or n > len(data) - 8:
        raise FormatError(f"{path} is not a safetensors file: header length {n}, file size {len(data)} bytes")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FormatError(f"{path}: the header is not valid JSON ({err})") from None
    if not isinstance(header, dict):
        raise FormatError(f"{path}: the header is not a JSON object")
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise FormatError(f"{path}: __metadata__ must be an object of strings")
    base, size = 8 + n, len(data) - 8 - n
    tensors, spans = {}, []
    for name, spec in header.items():
        if not isinstance(spec, dict) or spec.get("dtype") != "F32":
            raise FormatError(f"{path}: tensor '{name}' is not F32 (lmlab files hold float32 only)")
        shape, offsets = spec.get("shape"), spec.get("data_offsets")
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)
                and isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise FormatError(f"{path}: tensor '{name}' needs a shape of whole numbers and data_offsets [begin, end]")
        begin, end = offsets
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if not (0 <= begin <= end <= size) or end - begin != 4 * count:
            raise FormatError(f"{path} is truncated or corrupted: tensor '{name}' {shape} lies at bytes [{begin}, {end}) "
                              f"of a {size}-byte data section")
        array = np.frombuffer(data, dtype="<f4", count=count, offset=base + begin).reshape(shape).astype(np.float32)
        if not np.isfinite(array).all():
            raise FormatError(f"{path}: tensor '{name}' holds a non-finite value")
        tensors[name] = array
        spans.append((begin, end, name))
    spans.sort()
    expect = 0
    for begin, end, name in spans:  # the tensors tile the data section: no overlap, no gap
        if begin != expect:
            raise FormatError(f"{path} is corrupted: tensor '{name}' overlaps or leaves a gap after the previous one")
        expect = end
    if expect != size:
        raise FormatError(f"{path} has {size - expect} bytes after its last tensor")
    return tensors, meta


def write(path, tensors, metadata):
    """Write {name: array} (in the given order) and {key: str} metadata to path, atomically."""
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        if not np.isfinite(np.asarray(array)).all():
            raise ValueError(f"refusing to write tensor '{name}': it holds a non-finite value")
        header[name] = {"dtype": "F32", "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad the header to a multiple of 8 bytes, as the format recommends
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".lmlab-torch-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for blob in blobs:
                f.write(blob)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
