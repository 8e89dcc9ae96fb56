"""Golden values for the CNN layers and losses (engine.nn, engine.loss, engine.models.FmnistCnn).

Every layer gets: its inputs and parameters, the forward output, and the gradients of
L = sum(y * w_out) (w_out a fixed random tensor saved alongside) with respect to the input and
every parameter. BatchNorm also records its buffers after one training step and an eval-mode
output. Run with Debian's PyTorch 1.13:  /usr/bin/python3 tools/golden/cnn_layers.py
The Java side (engine/src/test/java/io/ringtrain/engine/nn/*GoldenTest.java) repeats each
configuration; keep the two in step.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from common import save
from reference_models import FmnistCnn

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)


def layer_case(name, module, x, extra=None):
    """Saves x, parameters, y, w_out, grad_x and grad_<param> for y = module(x)."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    w_out = torch.randn_like(y)
    (y * w_out).sum().backward()
    out = {"x": x, "y": y, "w_out": w_out, "grad_x": x.grad}
    for pname, p in module.named_parameters():
        out[pname] = p
        out["grad_" + pname] = p.grad
    if extra:
        out.update(extra(module))
    save("engine", name, out)


# ---- Conv2d: (N, C, H, W), out, kernel, stride, padding, dilation, groups, bias
CONVS = {
    "conv_basic":       ((2, 3, 7, 6), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
    "conv_stride_pad":  ((2, 2, 9, 8), 3, (3, 3), (2, 2), (2, 2), (1, 1), 1, True),
    "conv_dilation":    ((1, 2, 9, 9), 3, (3, 3), (1, 1), (2, 2), (2, 2), 1, False),
    "conv_groups_rect": ((2, 4, 6, 7), 6, (3, 2), (1, 2), (1, 0), (1, 1), 2, True),
    "conv_pointwise":   ((2, 4, 5, 5), 6, (1, 1), (1, 1), (0, 0), (1, 1), 2, True),
}
for name, (shape, out, k, s, p, d, g, bias) in CONVS.items():
    conv = nn.Conv2d(shape[1], out, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
    layer_case(name, conv, torch.randn(*shape))

# ---- pooling
layer_case("maxpool_k2", nn.MaxPool2d(2), torch.randn(2, 3, 8, 7))
layer_case("maxpool_k3_s2_p1", nn.MaxPool2d(3, stride=2, padding=1), torch.randn(2, 3, 7, 8))
layer_case("avgpool_k3_s2_p1_include", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True), torch.randn(2, 3, 7, 8))
layer_case("avgpool_k3_s2_p1_exclude", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), torch.randn(2, 3, 7, 8))
layer_case("adaptive_avgpool_3x2", nn.AdaptiveAvgPool2d((3, 2)), torch.randn(2, 3, 7, 5))

# ---- activations
layer_case("leaky_relu", nn.LeakyReLU(0.2), torch.randn(3, 4, 5))
layer_case("sigmoid", nn.Sigmoid(), torch.randn(3, 4, 5) * 3)
layer_case("tanh", nn.Tanh(), torch.randn(3, 4, 5))
layer_case("softmax_dim1", nn.Softmax(dim=1), torch.randn(3, 4, 5))


# ---- BatchNorm: a training step (grads + buffers afterwards), then an eval forward
def bn_case(name, bn, x, x_eval):
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)

    def extra(m):
        m.eval()
        with torch.no_grad():
            y_eval = m(x_eval)
        return {"running_mean": m.running_mean, "running_var": m.running_var,
                "num_batches_tracked": m.num_batches_tracked.reshape(1).float(),
                "x_eval": x_eval, "y_eval": y_eval}
    layer_case(name, bn, x, extra)


bn_case("batchnorm2d", nn.BatchNorm2d(3, momentum=0.1), torch.randn(4, 3, 5, 5) * 2 + 1, torch.randn(2, 3, 5, 5))
bn_case("batchnorm1d", nn.BatchNorm1d(4, momentum=0.3), torch.randn(6, 4) * 3 - 1, torch.randn(3, 4))
bn_case("batchnorm1d_3d", nn.BatchNorm1d(3), torch.randn(4, 3, 5), torch.randn(2, 3, 5))


# ---- losses
def loss_case(name, fn, inputs, targets, target_grad=False):
    x = inputs.clone().requires_grad_(True)
    t = targets.clone().requires_grad_(target_grad)
    loss = fn(x, t)
    if loss.dim() == 0:
        loss.backward()
    else:  # reduction="none": backward of sum(loss * arange) so every row's gradient has its own weight
        (loss * torch.arange(1, loss.numel() + 1).float().reshape(loss.shape)).sum().backward()
    out = {"x": x, "target": t, "loss": loss.reshape(-1), "grad_x": x.grad}
    if target_grad:
        out["grad_target"] = t.grad
    save("engine", name, out)


logits = torch.randn(6, 5) * 2
targets = torch.tensor([1, 0, 4, -100, 2, 3])
for red in ("mean", "sum"):
    loss_case(f"ce_{red}", lambda x, t, r=red: F.cross_entropy(x, t.long(), reduction=r), logits, targets.float())
    loss_case(f"ce_ignore_smooth_{red}", lambda x, t, r=red: F.cross_entropy(x, t.long(), ignore_index=-100,
                                                                           label_smoothing=0.1, reduction=r), logits, targets.float())
loss_case("ce_ignore_smooth_none", lambda x, t: F.cross_entropy(x, t.long(), label_smoothing=0.2, reduction="none"),
          logits, targets.float())
loss_case("ce_spatial_smooth", lambda x, t: F.cross_entropy(x, t.long(), ignore_index=1, label_smoothing=0.15),
          torch.randn(2, 4, 3), torch.tensor([[0, 1, 3], [2, 2, 1]]).float())
loss_case("mse_mean", lambda x, t: F.mse_loss(x, t), torch.randn(3, 4), torch.randn(3, 4), target_grad=True)
loss_case("mse_sum", lambda x, t: F.mse_loss(x, t, reduction="sum"), torch.randn(3, 4), torch.randn(3, 4), target_grad=True)
pos_weight = torch.tensor([0.5, 1.0, 2.0, 3.0])
loss_case("bce_logits_pos_weight", lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pos_weight),
          torch.randn(3, 4) * 8, torch.rand(3, 4), target_grad=True)
loss_case("bce_logits_sum", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"),
          torch.randn(3, 4) * 30, (torch.rand(3, 4) > 0.5).float(), target_grad=True)


# ---- the reference CNN: one training step's forward/backward
model = FmnistCnn()
# fc1.weight (401k values) follows a formula the Java test repeats, so the fixture stays small:
# w[i] = 0.02·sin(0.37·i) over the row-major index i.
with torch.no_grad():
    model.fc1.weight.copy_((0.02 * torch.sin(0.37 * torch.arange(128 * 3136, dtype=torch.float64))).float().reshape(128, 3136))
state = {"init." + k: v.clone() for k, v in model.state_dict().items() if k != "fc1.weight"}
images = torch.randn(8, 1, 28, 28)
labels = torch.tensor([0, 1, 2, 3, 4, 5, 9, 7])
logits_out = model(images)
loss = F.cross_entropy(logits_out, labels)
loss.backward()
out = dict(state)
out.update({"images": images, "labels": labels.float(), "logits": logits_out, "loss": loss.reshape(1)})
for k, p in model.named_parameters():
    out["grad." + k] = p.grad[:8] if k == "fc1.weight" else p.grad  # first 8 rows of fc1's gradient
for k, b in model.named_buffers():
    out["after." + k] = b.float().reshape(-1) if b.dim() == 0 else b
save("engine", "fmnist_cnn_step", out)
