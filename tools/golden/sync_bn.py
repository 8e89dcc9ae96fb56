"""Golden values for SyncBatchNorm: plain BatchNorm2d (train mode) on the concatenated batch.

The trainer's test splits the batch over ranks (unevenly, one rank empty) and must reproduce
y, dx, dweight, dbias and the running statistics of this single-process computation.
"""
import torch
from common import save

torch.manual_seed(3)
x = (torch.randn(10, 3, 4, 5) * 2 + 0.5).requires_grad_(True)
w = torch.randn(10, 3, 4, 5)
bn = torch.nn.BatchNorm2d(3, momentum=0.1)
with torch.no_grad():
    bn.weight.copy_(torch.tensor([1.5, -0.7, 0.9]))
    bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
bn.train()
y = bn(x)
(y * w).sum().backward()
save("trainer", "sync_batch_norm", {
    "x": x, "w": w, "weight": bn.weight, "bias": bn.bias, "y": y, "dx": x.grad,
    "dweight": bn.weight.grad, "dbias": bn.bias.grad,
    "running_mean": bn.running_mean, "running_var": bn.running_var,
})
