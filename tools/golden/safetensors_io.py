"""A safetensors file written on the Python side with several dtypes, for SafeTensorsTest.

common.save always writes F32; this one keeps each tensor's dtype (F32, F64, I64, I32), includes a
0-dimensional tensor and string metadata, and lists entries in an order different from their data
offsets, as other writers may. Run:  /usr/bin/python3 tools/golden/safetensors_io.py
"""
import json
import os
import struct

import torch
from common import ROOT

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}

tensors = {
    "weight": torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8,
    "running_var": torch.tensor([0.1, 2.5, 1e-3], dtype=torch.float64),
    "labels": torch.tensor([[3, -1], [7, 9]], dtype=torch.int64),
    "counts": torch.tensor([5, 6, 7, 8], dtype=torch.int32),
    "step": torch.tensor(42.0),
}
# data in reverse key order, header in key order
header, blobs, pos = {"__metadata__": {"written_by": "torch " + torch.__version__, "note": "mixed dtypes"}}, [], 0
for key in reversed(list(tensors)):
    raw = tensors[key].contiguous().numpy().tobytes()
    header[key] = {"dtype": DTYPES[tensors[key].dtype], "shape": list(tensors[key].shape), "data_offsets": [pos, pos + len(raw)]}
    blobs.append(raw)
    pos += len(raw)
header = {k: header[k] for k in ["__metadata__"] + list(tensors)}
hb = json.dumps(header).encode()
hb += b" " * ((8 - len(hb) % 8) % 8)
path = os.path.join(ROOT, "engine", "src", "test", "resources", "golden", "safetensors_mixed.safetensors")
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(hb)))
    f.write(hb)
    for b in blobs:
        f.write(b)
print("wrote", os.path.relpath(path, ROOT))
