"""Golden values for the optimizers, LR schedules and gradient clipping (PyTorch 1.13).

Writes engine/src/test/resources/golden/optim.safetensors (optimizer steps and clipping) and
optim_schedules.safetensors (lr sequences). Run:  /usr/bin/python3 tools/golden/optim.py

Optimizer cases: two parameters, a [3, 4] and b [5], five steps on a given sequence of gradients;
b has no gradient at step 2 (grad None), which the optimizer must skip as PyTorch does.
Keys: "<case>.<param>.init", "<case>.<param>.grad.<k>", "<case>.<param>.after.<k>" (k = 0..4).
The hyper-parameters of each case are repeated in OptimizerGoldenTest.
"""
import math

import torch
from common import save

STEPS = 5
SKIP_B_AT = 2

torch.manual_seed(2)
INIT = {"a": torch.randn(3, 4), "b": torch.randn(5)}
GRADS = {name: [torch.randn_like(t) * (1 + k) for k in range(STEPS)] for name, t in INIT.items()}


def make_params():
    return {name: t.clone().requires_grad_(True) for name, t in INIT.items()}


CASES = {
    "sgd_plain": lambda p: torch.optim.SGD(p.values(), lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD(p.values(), lr=0.1, momentum=0.9),
    "sgd_dampening": lambda p: torch.optim.SGD(p.values(), lr=0.1, momentum=0.9, dampening=0.5),
    "sgd_nesterov": lambda p: torch.optim.SGD(p.values(), lr=0.1, momentum=0.9, nesterov=True),
    "sgd_weight_decay": lambda p: torch.optim.SGD(p.values(), lr=0.1, momentum=0.9, weight_decay=0.05),
    "sgd_groups": lambda p: torch.optim.SGD([{"params": [p["a"]], "weight_decay": 0.1},
                                             {"params": [p["b"]], "weight_decay": 0.0, "lr": 0.05}],
                                            lr=0.1, momentum=0.9),
    "adam": lambda p: torch.optim.Adam(p.values(), lr=0.01),
    "adam_weight_decay": lambda p: torch.optim.Adam(p.values(), lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adam_amsgrad": lambda p: torch.optim.Adam(p.values(), lr=0.01, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p.values(), lr=0.01, weight_decay=0.1),
    "adamw_amsgrad": lambda p: torch.optim.AdamW(p.values(), lr=0.01, weight_decay=0.1, amsgrad=True),
}

out = {}
for case, make in CASES.items():
    params = make_params()
    opt = make(params)
    for name, p in params.items():
        out[f"{case}.{name}.init"] = p.detach().clone()
    for k in range(STEPS):
        opt.zero_grad(set_to_none=True)
        for name, p in params.items():
            if name == "b" and k == SKIP_B_AT:
                continue
            p.grad = GRADS[name][k].clone()
            out[f"{case}.{name}.grad.{k}"] = GRADS[name][k]
        opt.step()
        for name, p in params.items():
            out[f"{case}.{name}.after.{k}"] = p.detach().clone()

# clip_grad_norm_: three gradients; max_norm 1.0 clips, 100 does not; 2-norm, inf-norm and 1-norm.
torch.manual_seed(3)
CLIP_GRADS = [torch.randn(4, 3), torch.randn(7), torch.randn(2, 2, 2) * 3]
for grad_index, g in enumerate(CLIP_GRADS):
    out[f"clip.grad.{grad_index}"] = g
for label, max_norm, norm_type in [("l2", 1.0, 2.0), ("l2_noclip", 100.0, 2.0), ("inf", 1.0, math.inf), ("l1", 5.0, 1.0)]:
    ps = [torch.zeros_like(g, requires_grad=True) for g in CLIP_GRADS]
    for p, g in zip(ps, CLIP_GRADS):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    out[f"clip.{label}.total_norm"] = total.reshape(1)
    for grad_index, p in enumerate(ps):
        out[f"clip.{label}.clipped.{grad_index}"] = p.grad
ps = [torch.zeros_like(g, requires_grad=True) for g in CLIP_GRADS]
for p, g in zip(ps, CLIP_GRADS):
    p.grad = g.clone()
torch.nn.utils.clip_grad_value_(ps, 0.5)
for grad_index, p in enumerate(ps):
    out[f"clip.value.clipped.{grad_index}"] = p.grad

save("engine", "optim", out)


# ---------------------------------------------------------------- schedules
def lr_sequence(make_scheduler, steps, step_every=1):
    """The lr used at each optimizer step, stepping the scheduler after every step_every steps."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make_scheduler(opt)
    lrs = []
    for s in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if (s + 1) % step_every == 0:
            sched.step()
    return torch.tensor(lrs, dtype=torch.float64)


WARMUP, TOTAL = 5, 30


def warmup_cosine(step):
    if step < WARMUP:
        return step / WARMUP
    return 0.5 * (1 + math.cos(math.pi * (step - WARMUP) / (TOTAL - WARMUP)))


sched = {
    "step_lr": lr_sequence(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5), 30),
    # 45 steps: PyTorch keeps following the cosine past T_max (it rises again); so do we.
    "cosine": lr_sequence(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001), 45),
    "cosine_to_zero": lr_sequence(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30), 30),
    "warmup_cosine": lr_sequence(lambda o: torch.optim.lr_scheduler.LambdaLR(o, warmup_cosine), TOTAL),
    # stepped once per epoch of 4 steps, T_max = 6 epochs
    "cosine_per_epoch": lr_sequence(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=6), 24, step_every=4),
}
save("engine", "optim_schedules", sched)
