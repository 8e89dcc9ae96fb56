"""One-off conversion of torchvision ResNet weights to a safetensors file that ringtrain loads by name.

    /usr/bin/python3 tools/weights/torchvision_resnet_to_safetensors.py --arch resnet18 \
        --weights resnet18-f37072fd.pth --out resnet18.safetensors [--classes 10]

--weights is a torchvision checkpoint (a state dict saved with torch.save, e.g. the file
torchvision.models.ResNet18_Weights.IMAGENET1K_V1 downloads into ~/.cache/torch/hub/checkpoints);
without it the script asks torchvision for the IMAGENET1K_V1 weights (needs the network once).
--classes N replaces the 1000-class fc by a freshly initialised N-class one (PyTorch's nn.Linear
init, seed --seed), so `ringtrain train --model resnet18 --num-classes N --initial-weights FILE`
loads it strictly and fine-tunes. Every tensor keeps torchvision's name and dtype (float32
weights, int64 num_batches_tracked). The file is written to a temporary name and renamed.
The ImageNet stem (7x7 conv1) needs inputs larger than 64 pixels on the shorter side: the zoo
builds the cifar stem (3x3 conv1) below that, and loading then fails naming conv1.weight.
"""
import argparse
import json
import os
import struct
import sys

import torch

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32"}


def write_safetensors(path, tensors, metadata=None):
    """{name: tensor} in each tensor's own dtype, in the given order, written atomically (temp file + rename)."""
    header, blobs, pos = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in DTYPES:
            raise SystemExit("cannot store %s of dtype %s; expected one of %s" % (name, t.dtype, list(DTYPES)))
        raw = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [pos, pos + len(raw)]}
        blobs.append(raw)
        pos += len(raw)
    hb = json.dumps(header).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    import torchvision

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", choices=["resnet18", "resnet50"], required=True)
    ap.add_argument("--weights", help="a torchvision state dict (.pth); default: download IMAGENET1K_V1")
    ap.add_argument("--out", required=True, help="the safetensors file to write")
    ap.add_argument("--classes", type=int, help="replace fc by a new head over this many classes")
    ap.add_argument("--seed", type=int, default=0, help="seed of the new head's initialisation")
    args = ap.parse_args()
    if args.classes is not None and args.classes < 1:
        print("--classes must be at least 1, got %d" % args.classes, file=sys.stderr)
        sys.exit(2)
    model = getattr(torchvision.models, args.arch)()
    if args.weights:
        if not os.path.isfile(args.weights):
            print("--weights %s: no such file; pass a torchvision .pth state dict or leave --weights out to download" % args.weights,
                  file=sys.stderr)
            sys.exit(2)
        state = torch.load(args.weights, map_location="cpu")
    else:
        enum = {"resnet18": torchvision.models.ResNet18_Weights, "resnet50": torchvision.models.ResNet50_Weights}[args.arch]
        state = enum.IMAGENET1K_V1.get_state_dict(progress=True)
    try:
        model.load_state_dict(state, strict=True)
    except (RuntimeError, AttributeError) as e:
        lines = str(e).strip().splitlines()
        detail = lines[1].strip() if len(lines) > 1 else lines[0]
        print("--weights %s is not a torchvision %s state dict (%s); pass the --arch it was saved from"
              % (args.weights or "IMAGENET1K_V1", args.arch, detail if len(detail) <= 120 else detail[:120] + "..."), file=sys.stderr)
        sys.exit(2)
    if args.classes is not None:
        torch.manual_seed(args.seed)
        model.fc = torch.nn.Linear(model.fc.in_features, args.classes)
    write_safetensors(args.out, model.state_dict(), {"arch": args.arch, "source": args.weights or "IMAGENET1K_V1",
                                                      "classes": model.fc.out_features})
    print("wrote %s: %d tensors, %s, %d classes" % (args.out, len(model.state_dict()), args.arch, model.fc.out_features))


if __name__ == "__main__":
    main()
