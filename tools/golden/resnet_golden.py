"""Golden values for engine.models.ResNet (resnet18, resnet50, the cifar stem) from torchvision 0.14.
Run: /usr/bin/python3 tools/golden/resnet_golden.py
(writes engine/src/test/resources/golden/resnet_*.safetensors; ResNetGoldenTest reads them)

The weights are not stored: every entry of torchvision's state dict (and the input images) is filled
by formula_fill below from its name and element index, which ResNetGoldenTest repeats bit for bit:
  h = FNV-1a 32-bit hash of the UTF-8 name; x = mix32(h xor (i * 0x9E3779B9 mod 2^32))
  u = (x >> 8) * 2^-24 * 2 - 1                       (uniform in [-1, 1), exact in float32)
  conv / fc weight  sqrt(6 / fan_in) * u             (He scale)
  BN weight 1 + 0.1 u, BN bias / fc bias 0.1 u, running_mean 0.1 u, running_var 1 + 0.5 u,
  num_batches_tracked 0, input images u
all in float64, then rounded once to float32. Cases:
  resnet_resnet18_224   resnet18, 1000 classes, 2 images 3x224x224, eval mode: logits
  resnet_resnet50_224   resnet50, 1000 classes, 1 image 3x224x224, eval mode: logits
  resnet_resnet18_cifar resnet18 with conv1 3x3 stride 1 and no max-pool, 10 classes, 2 images
                        3x32x32: eval logits, then one training-mode forward (batch statistics),
                        cross-entropy on labels [3, 7], backward: train logits, loss, the gradients
                        of a few named parameters and the BatchNorm buffers of bn1 after the step
It also writes resnet_torchvision_blocks.safetensors through the conversion tool's writer: the state
dicts of a torchvision BasicBlock(16 -> 32, stride 2) and Bottleneck(64 -> 16*4, stride 2), both
with downsample, after torch.manual_seed(0) init and 3 training batches (so running statistics and
num_batches_tracked = 3 are real, stored as int64 as torchvision keeps them), prefixed "basic." and
"bottleneck.", plus an input and each block's eval- and train-mode outputs, and for the training-mode
forward the gradients of sum(output * train_loss_weights) w.r.t. the input and a few parameters.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, conv1x1

from common import ROOT, save

sys.path.insert(0, os.path.join(ROOT, "tools", "weights"))
from torchvision_resnet_to_safetensors import write_safetensors  # noqa: E402

M = 0xFFFFFFFF


def fnv1a(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & M
    return h


def uniform(name, n):
    """u in [-1, 1) for elements 0..n-1 of the named tensor (float64)."""
    i = np.arange(n, dtype=np.uint64)
    x = (np.uint64(fnv1a(name)) ^ ((i * np.uint64(0x9E3779B9)) & np.uint64(M))) & np.uint64(M)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & np.uint64(M)
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & np.uint64(M)
    x ^= x >> np.uint64(16)
    return (x >> np.uint64(8)).astype(np.float64) * 2.0 ** -24 * 2 - 1


def formula_value(name, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    u = uniform(name, n)
    if name.endswith("num_batches_tracked"):
        return None
    if name.endswith("running_mean"):
        v = 0.1 * u
    elif name.endswith("running_var"):
        v = 1 + 0.5 * u
    elif len(shape) == 1 and name.endswith("weight"):
        v = 1 + 0.1 * u
    elif len(shape) == 1:
        v = 0.1 * u
    else:
        v = math.sqrt(6.0 / (n // shape[0])) * u
    return torch.from_numpy(v.astype(np.float32)).reshape(shape)


def formula_fill(model):
    with torch.no_grad():
        for name, t in model.state_dict().items():
            v = formula_value(name, tuple(t.shape))
            if v is not None:
                t.copy_(v)


def formula_images(shape):
    return torch.from_numpy(uniform("input", int(np.prod(shape))).astype(np.float32)).reshape(shape)


def cifar_stem(model, in_channels):
    model.conv1 = nn.Conv2d(in_channels, 64, 3, 1, 1, bias=False)
    model.maxpool = nn.Identity()
    return model


def keys(model):
    return ",".join(model.state_dict().keys())


def eval_case(name, model, shape):
    formula_fill(model)
    model.eval()
    with torch.no_grad():
        logits = model(formula_images(shape))
    print(name, "logits max |.|", float(logits.abs().max()), "std", float(logits.std()))
    save("engine", name, {"logits": logits}, {"state_dict_keys": keys(model), "input_shape": ",".join(map(str, shape))})


def cifar_case():
    model = cifar_stem(torchvision.models.resnet18(num_classes=10), 3)
    formula_fill(model)
    shape = (2, 3, 32, 32)
    images = formula_images(shape)
    model.eval()
    with torch.no_grad():
        eval_logits = model(images)
    model.train()
    logits = model(images)
    labels = torch.tensor([3, 7])
    loss = nn.functional.cross_entropy(logits, labels)
    loss.backward()
    store = {"eval_logits": eval_logits, "logits": logits, "loss": loss.reshape(1), "labels": labels.float()}
    params = dict(model.named_parameters())
    for p in ["conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.bias",
              "layer3.1.bn2.weight", "layer4.0.bn1.bias", "fc.weight", "fc.bias"]:
        store["grad." + p] = params[p].grad
    for b in ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var"]:
        store["after." + b] = model.state_dict()[b]
    print("resnet_resnet18_cifar logits max |.|", float(logits.abs().max()), "eval", float(eval_logits.abs().max()), "loss", float(loss))
    save("engine", "resnet_resnet18_cifar", store, {"state_dict_keys": keys(model), "input_shape": ",".join(map(str, shape))})


def torchvision_blocks():
    torch.manual_seed(0)
    basic = BasicBlock(16, 32, 2, nn.Sequential(conv1x1(16, 32, 2), nn.BatchNorm2d(32)))
    bottleneck = Bottleneck(64, 16, 2, nn.Sequential(conv1x1(64, 64, 2), nn.BatchNorm2d(64)))
    x_basic = torch.randn(2, 16, 7, 7)
    x_bottleneck = torch.randn(2, 64, 7, 7)
    out = {"input.basic": x_basic, "input.bottleneck": x_bottleneck}
    for key, block, x in [("basic", basic, x_basic), ("bottleneck", bottleneck, x_bottleneck)]:
        with torch.no_grad():
            for p in block.parameters():  # away from the default BN affine (1, 0), so loading them matters
                p.add_(0.1 * torch.randn_like(p))
            block.train()
            for _ in range(3):
                block(torch.randn_like(x) * 2 + 0.5)
            block.eval()
            out["eval_output." + key] = block(x)
        state = {k: v.clone() for k, v in block.state_dict().items()}
        block.train()
        block.zero_grad()
        xg = x.clone().requires_grad_()
        y = block(xg)
        weights = torch.randn_like(y)
        (y * weights).sum().backward()
        out["train_output." + key] = y.detach()
        out["train_loss_weights." + key] = weights
        out["train_grad_input." + key] = xg.grad
        for p in ["conv1.weight", "bn1.weight", "conv2.weight", "downsample.0.weight", "downsample.1.bias"]:
            out["train_grad." + key + "." + p] = dict(block.named_parameters())[p].grad
        block.load_state_dict(state)
    tensors = {"basic." + k: v for k, v in basic.state_dict().items()}
    tensors.update({"bottleneck." + k: v for k, v in bottleneck.state_dict().items()})
    tensors.update({k: v.detach().to(torch.float32) for k, v in out.items()})
    path = os.path.join(ROOT, "engine", "src", "test", "resources", "golden", "resnet_torchvision_blocks.safetensors")
    write_safetensors(path, tensors, {"written_by": "torchvision " + torchvision.__version__})
    print("wrote", os.path.relpath(path, ROOT), len(tensors), "tensors")


if __name__ == "__main__":
    torch.set_num_threads(2)
    eval_case("resnet_resnet18_224", torchvision.models.resnet18(), (2, 3, 224, 224))
    eval_case("resnet_resnet50_224", torchvision.models.resnet50(), (1, 3, 224, 224))
    cifar_case()
    torchvision_blocks()
