"""PyTorch-side check of the state-dict file our writer produces (the engine's safetensors writer).

Loads engine/src/test/resources/golden/small_resnet_state_dict.safetensors, which
StateDictFileForPyTorchTest keeps byte-identical to what Java writes for SmallResNet (2-channel 8×8
images, 3 classes, every BatchNorm having counted 5 batches), into the PyTorch twin with
load_state_dict(strict=True), and checks each entry's dtype in the file against the twin's:
int64 for num_batches_tracked, float32 elsewhere. Exits 1 on any difference.
Run:  /usr/bin/python3 tools/golden/check_state_dict.py
"""
import json
import os
import struct
import sys

import torch
from common import ROOT
from reference_models import SmallResNet

FIXTURE = os.path.join(ROOT, "engine", "src", "test", "resources", "golden", "small_resnet_state_dict.safetensors")
DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}


def read_safetensors(path):
    """{name: tensor} with each tensor in the dtype the file states, and the string metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        dtype = DTYPES[entry["dtype"]]
        tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(entry["shape"]) if raw else torch.empty(entry["shape"], dtype=dtype)
    return tensors, metadata


def main():
    state, metadata = read_safetensors(FIXTURE)
    model = SmallResNet(2, 3, 1)
    problems = []
    expected = model.state_dict()
    for name, tensor in state.items():
        want = expected[name].dtype if name in expected else None
        if want is not None and tensor.dtype != want:
            problems.append("%s is %s in the file but %s in PyTorch" % (name, tensor.dtype, want))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        problems.append("load_state_dict(strict=True) failed: %s" % e)
    counts = {name: t.item() for name, t in state.items() if name.endswith("num_batches_tracked")}
    if sorted(set(counts.values())) != [5]:
        problems.append("num_batches_tracked values %s; the fixture's BatchNorms counted 5 batches" % sorted(set(counts.values())))
    by_dtype = {}
    for name, tensor in state.items():
        by_dtype.setdefault(str(tensor.dtype), []).append(name)
    print("torch", torch.__version__, "loaded", os.path.relpath(FIXTURE, ROOT), "metadata", metadata)
    print("%d entries, load_state_dict(strict=True) into reference_models.SmallResNet(2, 3, 1)" % len(state))
    for dtype, names in sorted(by_dtype.items()):
        print("  %s: %d entries%s" % (dtype, len(names), (" " + ", ".join(names)) if dtype == "torch.int64" else ""))
    if problems:
        for p in problems:
            print("FAIL:", p)
        sys.exit(1)
    print("OK: every dtype matches PyTorch's; num_batches_tracked is int64 (value 5)")


if __name__ == "__main__":
    main()
