#!/usr/bin/env python3
"""torchvision reference for `deploy/bin/bench augment`: images/s on one thread, 224x224 RGB.

Prints one JSON line per metric: {"metric": name, "pil": images/s or null, "tensor": images/s or null}.
The PIL form works on a PIL image; the tensor form on a uint8 CHW tensor (as decode_jpeg gives),
converting to float only where the op needs it (normalize, noise). Each figure is the median of
`--repeats` timed runs of `--seconds` of process CPU time each, after a warm-up. Metric names match the Java side.
"""
import argparse
import json
import statistics
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


def rate(fn, x, seconds, repeats):
    # process CPU time, as the Java side uses, so that other load on the machine does not skew the ratio
    end = time.process_time() + min(0.3, seconds)
    while time.process_time() < end:  # warm-up
        fn(x)
    rates = []
    for _ in range(repeats):
        n = 0
        start = time.process_time()
        while True:
            fn(x)
            n += 1
            elapsed = time.process_time() - start
            if elapsed >= seconds:
                break
        rates.append(n / elapsed)
    return statistics.median(rates)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=0.3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    g = torch.Generator().manual_seed(0)
    tensor = torch.randint(0, 256, (3, 224, 224), dtype=torch.uint8, generator=g)
    pil = Image.fromarray(tensor.permute(1, 2, 0).contiguous().numpy(), mode="RGB")
    torch.manual_seed(0)
    only = set(filter(None, args.only.split(",")))
    for name, (pil_t, tensor_t) in cases().items():
        if only and name not in only:
            continue
        out = {"metric": name,
               "pil": rate(pil_t, pil, args.seconds, args.repeats) if pil_t else None,
               "tensor": rate(tensor_t, tensor, args.seconds, args.repeats) if tensor_t else None}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
