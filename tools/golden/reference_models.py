"""PyTorch twins of the engine's built-in models, shared by the golden-fixture scripts and the
benchmark references (tools/bench/cnn_step_ref.py, gpu_step_ref.py). State-dict names must match the
Java models."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FmnistCnn(nn.Module):
    """engine.models.FmnistCnn: conv1, bn1, conv2, bn2, fc1, fc2."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


class BasicBlock(nn.Module):
    """engine.models.SmallResNet's residual block: conv1, bn1, conv2, bn2, optional downsample (1×1 conv, BN)."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class SmallResNet(nn.Module):
    """engine.models.SmallResNet: conv1, bn1, layer1..3 of BasicBlocks (16, 32, 64 wide), fc."""

    def __init__(self, channels, classes, blocks):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes = 16
        for s, width in enumerate([16, 32, 64]):
            layers = []
            for b in range(blocks):
                layers.append(BasicBlock(in_planes, width, 2 if b == 0 and s > 0 else 1))
                in_planes = width
            setattr(self, "layer%d" % (s + 1), nn.Sequential(*layers))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
