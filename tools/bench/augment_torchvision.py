#!/usr/bin/env python3
"""torchvision reference for `deploy/bin/bench augment`: images/s on one thread, 224x224 RGB.

The PIL form works on a PIL image; the tensor form on a uint8 CHW tensor (as decode_jpeg gives),
converting to float only where the op needs it (normalize, noise). Every tensor result is made
contiguous: torchvision's `crop` on a tensor returns a view that copies nothing, where ours (and
PIL's) writes the output image; `.contiguous()` costs nothing for results that are whole tensors.
A round is `--seconds` of process CPU time; the first round of a metric and form is preceded by a
warm-up. Metric names match the Java side.

Run it with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set high (the Java benchmark sets
both to 1 GiB): otherwise glibc returns large freed blocks to the system, and the page faults of
getting them back can cost more than the op (gaussian_blur's buffers).

`--serve` (what the Java benchmark uses, so that its rounds and ours alternate): reads one JSON
request a line, {"metric": name, "form": "tensor" or "pil", "seconds": S}, and answers one line,
{"metric": name, "form": form, "rate": images/s of one round, or null where there is no such case}.
Otherwise prints one line per metric: {"metric": name, "pil": median rate, "tensor": median rate},
each the median of `--repeats` rounds.
"""
import argparse
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
import torchvision.transforms as T  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision.transforms import InterpolationMode  # noqa: E402

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
BILINEAR = InterpolationMode.BILINEAR


def noise(sigma):
    return lambda x: (x.float() + torch.randn(x.shape) * sigma).clamp_(0, 255)


def salt_and_pepper(amount, salt_ratio):
    def f(x):
        h, w = x.shape[-2:]
        u = torch.rand(h, w)
        s = torch.rand(h, w)
        out = x.clone()
        out[:, (u < amount) & (s < salt_ratio)] = 255
        out[:, (u < amount) & (s >= salt_ratio)] = 0
        return out
    return f


def to_float(x):
    return x.float().div_(255)


def cases():
    """name -> (PIL transform or None, tensor transform or None)."""
    normalize_tensor = T.Compose([T.ConvertImageDtype(torch.float32), T.Normalize(MEAN, STD)])
    return {
        "horizontal_flip": (T.RandomHorizontalFlip(p=1.0), T.RandomHorizontalFlip(p=1.0)),
        "vertical_flip": (T.RandomVerticalFlip(p=1.0), T.RandomVerticalFlip(p=1.0)),
        "rotate": (T.RandomRotation(30, interpolation=BILINEAR), T.RandomRotation(30, interpolation=BILINEAR)),
        "random_crop": (T.RandomCrop(192), T.RandomCrop(192)),
        "random_resized_crop": (T.RandomResizedCrop(224), T.RandomResizedCrop(224, antialias=False)),
        "resize": (T.Resize((160, 160)), T.Resize((160, 160), antialias=False)),
        "translate": (T.RandomAffine(0, translate=(0.1, 0.1)), T.RandomAffine(0, translate=(0.1, 0.1))),
        "jitter": (T.RandomAffine(10, translate=(0.05, 0.05), scale=(0.9, 1.1), shear=5, interpolation=BILINEAR),
                   T.RandomAffine(10, translate=(0.05, 0.05), scale=(0.9, 1.1), shear=5, interpolation=BILINEAR)),
        "gaussian_blur": (T.GaussianBlur(7, sigma=(0.1, 2.0)), T.GaussianBlur(7, sigma=(0.1, 2.0))),
        "gaussian_noise": (None, noise(10.0)),
        "salt_and_pepper": (None, salt_and_pepper(0.02, 0.5)),
        "brightness": (T.ColorJitter(brightness=0.4), T.ColorJitter(brightness=0.4)),
        "contrast": (T.ColorJitter(contrast=0.4), T.ColorJitter(contrast=0.4)),
        "saturation": (T.ColorJitter(saturation=0.4), T.ColorJitter(saturation=0.4)),
        "hue": (T.ColorJitter(hue=0.1), T.ColorJitter(hue=0.1)),
        "color_jitter": (T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.ColorJitter(0.4, 0.4, 0.4, 0.1)),
        "equalize": (T.RandomEqualize(p=1.0), T.RandomEqualize(p=1.0)),
        "normalize": (T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)]), normalize_tensor),
        "pipeline": (
            T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
                       T.ToTensor(), T.Normalize(MEAN, STD)]),
            T.Compose([T.RandomResizedCrop(224, antialias=False), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
                       T.ConvertImageDtype(torch.float32), T.Normalize(MEAN, STD)])),
    }


def materialised(transform):
    """The transform with its output materialised: a view (crop) becomes a copy, as every other output is."""
    return lambda x: transform(x).contiguous()


def one_round(fn, x, seconds):
    """Images per CPU-second over one round of at least `seconds` of process CPU time (the Java side's clock)."""
    n = 0
    start = time.process_time()
    while True:
        fn(x)
        n += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return n / elapsed


class Reference:
    """The cases and their inputs; warms a case up before its first round."""

    def __init__(self):
        g = torch.Generator().manual_seed(0)
        self.inputs = {"tensor": torch.randint(0, 256, (3, 224, 224), dtype=torch.uint8, generator=g)}
        self.inputs["pil"] = Image.fromarray(self.inputs["tensor"].permute(1, 2, 0).contiguous().numpy(), mode="RGB")
        torch.manual_seed(0)
        self.cases = {name: {"pil": pil_t, "tensor": materialised(tensor_t) if tensor_t else None}
                      for name, (pil_t, tensor_t) in cases().items()}
        self.warm = set()

    def round(self, metric, form, seconds):
        """One round's rate, or None where torchvision has no such case."""
        fn = self.cases.get(metric, {}).get(form)
        if fn is None:
            return None
        x = self.inputs[form]
        if (metric, form) not in self.warm:
            end = time.process_time() + min(0.3, seconds)
            while time.process_time() < end:
                fn(x)
            self.warm.add((metric, form))
        return one_round(fn, x, seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=0.3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    ref = Reference()
    if args.serve:
        for line in sys.stdin:
            req = json.loads(line)
            rate = ref.round(req["metric"], req["form"], float(req["seconds"]))
            print(json.dumps({"metric": req["metric"], "form": req["form"], "rate": rate}), flush=True)
        return
    only = set(filter(None, args.only.split(",")))
    for name in ref.cases:
        if only and name not in only:
            continue
        out = {"metric": name}
        for form in ("pil", "tensor"):
            rates = [ref.round(name, form, args.seconds) for _ in range(args.repeats)]
            out[form] = None if rates[0] is None else statistics.median(rates)
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
