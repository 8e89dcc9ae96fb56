"""Golden values for the image models of the zoo: SmallResNet, LstmImageClassifier, TransformerImageClassifier.
Run: /usr/bin/python3 tools/golden/zoo_models.py   (writes engine/src/test/resources/golden/zoo_*.safetensors)

Each model is built in PyTorch with the Java class's structure and state-dict names, on a tiny
configuration. Its parameters are set by a formula (deterministic_weights below, repeated in
ZooModelsTest), so the fixture need not carry them: parameter k (in state-dict order), element i, is
s * sin(0.37 i + 1.3 k) with s = 1 + 0.2 sin(...) for a 1-D "weight" (norm scales), 0.1 sin(...) for
other 1-D parameters (biases) and for the class token and positions (first dimension 1), and
sqrt(3 / fan_in) sin(...) otherwise (fan_in = elements / first dimension).
One training-mode forward, cross-entropy (mean) and backward on a fixed batch; the fixture holds the
images, labels, logits, loss, every parameter's gradient ("grad.<name>"), the buffers after the step
("after.<name>") and, in the metadata, the state-dict keys in order.
"""
import math

import torch
import torch.nn as nn
from common import save
from reference_models import SmallResNet

torch.manual_seed(0)


def deterministic_weights(model):
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            i = torch.arange(p.numel(), dtype=torch.float64)
            wave = torch.sin(0.37 * i + 1.3 * k)
            if p.dim() == 1:
                values = 1 + 0.2 * wave if name.endswith("weight") else 0.1 * wave
            elif p.shape[0] == 1:
                values = 0.1 * wave
            else:
                values = math.sqrt(3.0 / (p.numel() // p.shape[0])) * wave
            p.copy_(values.to(torch.float32).reshape(p.shape))


class LstmImageClassifier(nn.Module):
    def __init__(self, channels, width, classes, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(channels * width, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        n, c, h, w = x.shape
        rows = x.permute(0, 2, 1, 3).reshape(n, h, c * w)
        _, (h_n, _) = self.lstm(rows)
        return self.fc(h_n[-1])


class TransformerImageClassifier(nn.Module):
    def __init__(self, channels, height, width, classes, patch, d, heads, ffn, layers):
        super().__init__()
        self.patch_embed = nn.Conv2d(channels, d, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, (height // patch) * (width // patch) + 1, d))
        layer = nn.TransformerEncoderLayer(d, heads, ffn, 0.0, "gelu", batch_first=True, norm_first=True)
        # enable_nested_tensor=False: the fast path must not replace the reference maths
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        patches = self.patch_embed(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), patches], 1) + self.pos_embed
        return self.head(self.encoder(tokens)[:, 0])


def case(name, model, shape, classes, meta):
    deterministic_weights(model)
    model.train()
    images = torch.randn(shape)
    labels = torch.randint(0, classes, (shape[0],))
    logits = model(images)
    loss = nn.functional.cross_entropy(logits, labels)
    loss.backward()
    store = {"images": images, "labels": labels.float(), "logits": logits, "loss": loss.reshape(1)}
    for k, p in model.named_parameters():
        store["grad." + k] = p.grad
    for k, b in model.named_buffers():
        store["after." + k] = b.reshape(-1)
    meta = dict(meta, state_dict_keys=",".join(model.state_dict().keys()))
    save("engine", name, store, meta)


# ResNet-8 on 2-channel 8×8 images (stages at 8×8, 4×4, 2×2), 3 classes, batch 4
case("zoo_small_resnet", SmallResNet(2, 3, 1), (4, 2, 8, 8), 3, {"input_shape": "2,8,8", "classes": 3, "blocks": 1})
# LSTM over 5 rows of 2×4 pixels (8 features), hidden 6, 2 layers, 3 classes, batch 3
case("zoo_lstm_classifier", LstmImageClassifier(2, 4, 3, 6, 2), (3, 2, 5, 4), 3,
     {"input_shape": "2,5,4", "classes": 3, "hidden": 6, "layers": 2})
# ViT on 2-channel 8×12 images, 4×4 patches (2×3 = 6 patches + class token), d 8, 2 heads, FFN 16, 2 layers, 3 classes, batch 3
case("zoo_transformer_classifier", TransformerImageClassifier(2, 8, 12, 3, 4, 8, 2, 16, 2), (3, 2, 8, 12), 3,
     {"input_shape": "2,8,12", "classes": 3, "patch": 4, "d_model": 8, "heads": 2, "ffn": 16, "layers": 2})
