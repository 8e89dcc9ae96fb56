"""PyTorch twins of the engine's built-in models, shared by the golden-fixture scripts and the
benchmark references (tools/bench/cnn_step_ref.py, gpu_step_ref.py). State-dict names must match the
Java models."""
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
