"""Golden values for the engine's core tensor ops (matmul, broadcasting, softmax, reductions)."""
import torch
from common import save

torch.manual_seed(0)
a = torch.randn(3, 4, 5, requires_grad=True)
b = torch.randn(5, 6, requires_grad=True)
c = torch.randn(4, 1, requires_grad=True)
w = torch.randn(3, 4, 6)
y = (a @ b) * c.unsqueeze(0)          # batched matmul with a broadcast 2-D right operand, then broadcast mul
s = torch.softmax(y, dim=-1)
ls = torch.log_softmax(y, dim=1)
loss = (s * w).sum() + (ls * w).sum() + (y.tanh().sigmoid() / (1 + y.exp())).sum() + y.max(dim=2).values.sum()
loss.backward()
save("engine", "core_ops", {"a": a, "b": b, "c": c, "w": w, "y": y, "softmax": s, "log_softmax": ls,
                            "loss": loss.reshape(1), "grad_a": a.grad, "grad_b": b.grad, "grad_c": c.grad})
