"""Golden values for the sequence layers: LayerNorm, GELU, Embedding, RNN/LSTM/GRU, MultiheadAttention,
Transformer encoder/decoder layers. Run: /usr/bin/python3 tools/golden/seq_layers.py

Every case stores its inputs, the module's parameters (prefix "param."), the outputs, a fixed random
weighting of each output ("w_<output>", the loss is sum(w * output) over all outputs) and the gradients
of the loss w.r.t. inputs and parameters (prefix "grad.").
"""
import math

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from common import save

torch.manual_seed(0)


def weighted_loss(outputs, store):
    loss = 0
    for key, out in outputs.items():
        w = torch.randn(out.shape)
        store["w_" + key] = w
        store[key] = out
        loss = loss + (out * w).sum()
    return loss


def finish(name, module, inputs, outputs, store, meta=None):
    for k, v in module.named_parameters():
        store["param." + k] = v
    loss = weighted_loss(outputs, store)
    loss.backward()
    for k, v in inputs.items():
        store[k] = v
        if v.requires_grad:
            store["grad." + k] = v.grad
    for k, v in module.named_parameters():
        store["grad." + k] = v.grad
    save("engine", name, store, meta)


# ---------------------------------------------------------------- LayerNorm, GELU, Embedding
ln = nn.LayerNorm(8)
with torch.no_grad():
    ln.weight.copy_(torch.randn(8))
    ln.bias.copy_(torch.randn(8))
x = (torch.randn(3, 5, 8) * 2 + 1).requires_grad_()
finish("seq_layer_norm", ln, {"x": x}, {"y": ln(x)}, {})

x = (torch.randn(4, 7) * 3).requires_grad_()
store = {}
y_exact = nn.GELU()(x)
y_tanh = nn.GELU(approximate="tanh")(x)
finish("seq_gelu", nn.Identity(), {"x": x}, {"y_exact": y_exact, "y_tanh": y_tanh}, store)

emb = nn.Embedding(10, 4, padding_idx=0)
idx = torch.tensor([[1, 2, 0, 9], [0, 0, 3, 1]])
store = {"indices": idx.float()}
finish("seq_embedding", emb, {}, {"y": emb(idx)}, store)


# ---------------------------------------------------------------- recurrent layers
def rnn_case(name, module, T, B, I, lengths=None, with_h0=True):
    H = module.hidden_size
    D = 2 if module.bidirectional else 1
    L = module.num_layers
    bf = module.batch_first
    x = torch.randn((B, T, I) if bf else (T, B, I)).requires_grad_()
    inputs = {"x": x}
    state = None
    if with_h0:
        h0 = torch.randn(L * D, B, H).requires_grad_()
        inputs["h0"] = h0
        state = h0
        if isinstance(module, nn.LSTM):
            c0 = torch.randn(L * D, B, H).requires_grad_()
            inputs["c0"] = c0
            state = (h0, c0)
    store = {}
    if lengths is not None:
        store["lengths"] = torch.tensor(lengths, dtype=torch.float32)
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
        out, hidden = module(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=bf, total_length=T)
    else:
        out, hidden = module(x, state)
    outputs = {"output": out}
    if isinstance(module, nn.LSTM):
        outputs["h_n"], outputs["c_n"] = hidden
    else:
        outputs["h_n"] = hidden
    finish(name, module, inputs, outputs, store)


rnn_case("seq_lstm", nn.LSTM(4, 6, num_layers=2, bidirectional=True), T=5, B=3, I=4)
rnn_case("seq_lstm_lengths", nn.LSTM(4, 6, num_layers=2, bidirectional=True, batch_first=True), T=6, B=3, I=4,
         lengths=[6, 3, 1])
rnn_case("seq_gru", nn.GRU(4, 6, num_layers=2, bidirectional=True), T=5, B=3, I=4)
rnn_case("seq_gru_lengths", nn.GRU(4, 5, num_layers=2, bidirectional=True, batch_first=True), T=6, B=3, I=4,
         lengths=[2, 6, 4], with_h0=False)
rnn_case("seq_rnn_tanh", nn.RNN(4, 6, num_layers=2, bidirectional=True), T=5, B=3, I=4)
rnn_case("seq_rnn_relu_lengths", nn.RNN(4, 6, num_layers=1, nonlinearity="relu", batch_first=True), T=5, B=3, I=4,
         lengths=[5, 2, 4])
