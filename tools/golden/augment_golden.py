#!/usr/bin/env python3
"""Golden fixtures for io.ringtrain.jobs.augment, from torchvision's functional API on float tensors.

Run with Debian's python3-torchvision (0.14):  /usr/bin/python3 tools/golden/augment_golden.py
Writes jobs/augment/src/test/resources/golden/augment/functional.json: two small inputs (17x13 RGB and grey,
uint8) and, per case, the op, its arguments and torchvision's output. Float outputs are on torchvision's
[0, 1] scale (the Java side divides its 0..255 values by 255); equalize works on uint8 and stores uint8.
"""
import json
import os

import torch
import torchvision
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

W, H = 17, 13
OUT = os.path.join(os.path.dirname(__file__), "../../jobs/augment/src/test/resources/golden/augment/functional.json")


def make_inputs():
    g = torch.Generator().manual_seed(4)
    # a smooth gradient plus noise: smooth parts test interpolation, noise tests exact indexing
    yy, xx = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    base = torch.stack([xx * 12, yy * 17, (xx + yy) * 7]).float()
    noise = torch.randint(0, 80, (3, H, W), generator=g).float()
    rgb = (base + noise).clamp(0, 255).to(torch.uint8)
    grey = (0.5 * base[0] + 0.5 * base[1] + torch.randint(0, 60, (H, W), generator=g)).clamp(0, 255).to(torch.uint8)[None]
    return {"rgb": rgb, "grey": grey}


def interp(name):
    return {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR}[name]


def run(op, x, a):
    if op == "hflip":
        return F.hflip(x)
    if op == "vflip":
        return F.vflip(x)
    if op == "rotate":
        return F.rotate(x, a["angle"], interpolation=interp(a["interpolation"]), expand=a["expand"], fill=[a["fill"]])
    if op == "affine":
        return F.affine(x, angle=a["angle"], translate=a["translate"], scale=a["scale"], shear=a["shear"],
                        interpolation=interp(a["interpolation"]), fill=[a["fill"]])
    if op == "resized_crop":
        return F.resized_crop(x, a["top"], a["left"], a["height"], a["width"], a["size"],
                              interpolation=interp(a["interpolation"]), antialias=False)
    if op == "brightness":
        return F.adjust_brightness(x, a["factor"])
    if op == "contrast":
        return F.adjust_contrast(x, a["factor"])
    if op == "saturation":
        return F.adjust_saturation(x, a["factor"])
    if op == "hue":
        return F.adjust_hue(x, a["factor"])
    if op == "gaussian_blur":
        return F.gaussian_blur(x, a["kernel_size"], a["sigma"])
    raise ValueError(op)


CASES = [
    ("hflip_rgb", "hflip", "rgb", {}),
    ("vflip_grey", "vflip", "grey", {}),
    ("rotate_nearest_keep_rgb", "rotate", "rgb", {"angle": 30.0, "interpolation": "nearest", "expand": False, "fill": 0.0}),
    ("rotate_bilinear_expand_rgb", "rotate", "rgb", {"angle": 30.0, "interpolation": "bilinear", "expand": True, "fill": 0.0}),
    ("rotate_bilinear_keep_fill_grey", "rotate", "grey", {"angle": -45.0, "interpolation": "bilinear", "expand": False, "fill": 0.5}),
    ("rotate_nearest_expand_90_rgb", "rotate", "rgb", {"angle": 90.0, "interpolation": "nearest", "expand": True, "fill": 0.0}),
    ("affine_bilinear_rgb", "affine", "rgb", {"angle": 15.0, "translate": [2, -1], "scale": 1.1, "shear": [5.0, -3.0], "interpolation": "bilinear", "fill": 0.0}),
    ("affine_nearest_grey", "affine", "grey", {"angle": -20.0, "translate": [1, 1], "scale": 0.9, "shear": [10.0, 0.0], "interpolation": "nearest", "fill": 0.25}),
    ("resized_crop_bilinear_up_rgb", "resized_crop", "rgb", {"top": 2, "left": 3, "height": 8, "width": 10, "size": [15, 20], "interpolation": "bilinear"}),
    ("resized_crop_bilinear_down_grey", "resized_crop", "grey", {"top": 1, "left": 0, "height": 12, "width": 15, "size": [5, 7], "interpolation": "bilinear"}),
    ("resized_crop_nearest_grey", "resized_crop", "grey", {"top": 0, "left": 4, "height": 13, "width": 9, "size": [7, 9], "interpolation": "nearest"}),
    ("brightness_up_rgb", "brightness", "rgb", {"factor": 1.3}),
    ("brightness_down_grey", "brightness", "grey", {"factor": 0.6}),
    ("contrast_up_rgb", "contrast", "rgb", {"factor": 1.5}),
    ("contrast_down_grey", "contrast", "grey", {"factor": 0.5}),
    ("saturation_up_rgb", "saturation", "rgb", {"factor": 1.7}),
    ("saturation_down_rgb", "saturation", "rgb", {"factor": 0.3}),
    ("hue_plus_rgb", "hue", "rgb", {"factor": 0.2}),
    ("hue_minus_rgb", "hue", "rgb", {"factor": -0.35}),
    ("gaussian_blur_rgb", "gaussian_blur", "rgb", {"kernel_size": [5, 5], "sigma": [1.2, 1.2]}),
    ("gaussian_blur_aniso_grey", "gaussian_blur", "grey", {"kernel_size": [3, 7], "sigma": [0.8, 2.0]}),
]


def main():
    inputs = make_inputs()
    doc = {"torchvision": torchvision.__version__, "width": W, "height": H,
           "inputs": {k: {"channels": v.shape[0], "data": v.flatten().tolist()} for k, v in inputs.items()},
           "cases": []}
    for name, op, src, args in CASES:
        x = inputs[src].float() / 255.0
        y = run(op, x, args)
        doc["cases"].append({"name": name, "op": op, "input": src, "args": args,
                             "channels": y.shape[0], "height": y.shape[1], "width": y.shape[2],
                             "output": [round(v, 6) for v in y.flatten().tolist()]})
    for src in ("rgb", "grey"):
        y = F.equalize(inputs[src])
        doc["cases"].append({"name": "equalize_" + src, "op": "equalize", "input": src, "args": {},
                             "channels": y.shape[0], "height": y.shape[1], "width": y.shape[2],
                             "output": y.flatten().tolist()})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print("wrote", os.path.normpath(OUT), len(doc["cases"]), "cases")


if __name__ == "__main__":
    main()
