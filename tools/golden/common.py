"""Shared helpers for the golden-fixture scripts: write named tensors as a safetensors file.

Run scripts with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 tools/golden/<script>.py
Fixtures land in <module>/src/test/resources/golden/ and are committed, so CI needs no Python.
"""
import json
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def save(module, name, tensors, meta=None):
    """Write {key: tensor} (converted to float32) to <module>/src/test/resources/golden/<name>.safetensors."""
    out_dir = os.path.join(ROOT, module, "src", "test", "resources", "golden")
    os.makedirs(out_dir, exist_ok=True)
    header, blobs, pos = {}, [], 0
    if meta:
        header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    for key, t in tensors.items():
        t = torch.as_tensor(t).detach().to(torch.float32).contiguous()
        raw = t.numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [pos, pos + len(raw)]}
        blobs.append(raw)
        pos += len(raw)
    hb = json.dumps(header).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    path = os.path.join(out_dir, name + ".safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    print("wrote", os.path.relpath(path, ROOT), sum(t.numel() for t in map(torch.as_tensor, tensors.values())), "values")
