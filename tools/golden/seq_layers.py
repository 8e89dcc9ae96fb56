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


# ---------------------------------------------------------------- attention and Transformer layers
def bool_mask(rows):
    return torch.tensor(rows, dtype=torch.bool)


# cross-attention, sequence-first, key padding mask + additive float attention mask, averaged weights
mha = nn.MultiheadAttention(8, 2)
with torch.no_grad():
    mha.in_proj_bias.copy_(torch.randn(24) * 0.1)
    mha.out_proj.bias.copy_(torch.randn(8) * 0.1)
q = torch.randn(4, 2, 8).requires_grad_()
k = torch.randn(5, 2, 8).requires_grad_()
v = torch.randn(5, 2, 8).requires_grad_()
kpm = bool_mask([[False, False, False, True, True], [False, False, False, False, False]])
attn = torch.randn(4, 5)
out, weights = mha(q, k, v, key_padding_mask=kpm, attn_mask=attn)
finish("seq_mha_cross", mha, {"query": q, "key": k, "value": v}, {"output": out, "weights": weights},
       {"key_padding_mask": kpm.float(), "attn_mask": attn})

# self-attention, batch-first, causal boolean mask + key padding mask, per-head weights
mha = nn.MultiheadAttention(8, 2, batch_first=True)
with torch.no_grad():
    mha.in_proj_bias.copy_(torch.randn(24) * 0.1)
x = torch.randn(2, 5, 8).requires_grad_()
causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
kpm = bool_mask([[False, False, False, False, True], [False, False, False, False, False]])
out, weights = mha(x, x, x, key_padding_mask=kpm, attn_mask=causal, average_attn_weights=False)
finish("seq_mha_self_causal", mha, {"x": x}, {"output": out, "weights": weights}, {"key_padding_mask": kpm.float()})

for norm_first, act in [(False, "relu"), (True, "gelu")]:
    tag = "pre_ln" if norm_first else "post_ln"
    enc = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=act, batch_first=True,
                                     norm_first=norm_first)
    with torch.no_grad():
        for n in (enc.norm1, enc.norm2):
            n.weight.copy_(1 + 0.1 * torch.randn(8))
            n.bias.copy_(0.1 * torch.randn(8))
    src = torch.randn(2, 5, 8).requires_grad_()
    kpm = bool_mask([[False, False, False, True, True], [False] * 5])
    y = enc(src, src_key_padding_mask=kpm)
    finish("seq_encoder_layer_" + tag, enc, {"src": src}, {"y": y}, {"key_padding_mask": kpm.float()})

    dec = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=act, batch_first=True,
                                     norm_first=norm_first)
    with torch.no_grad():
        for n in (dec.norm1, dec.norm2, dec.norm3):
            n.weight.copy_(1 + 0.1 * torch.randn(8))
            n.bias.copy_(0.1 * torch.randn(8))
    tgt = torch.randn(2, 4, 8).requires_grad_()
    memory = torch.randn(2, 5, 8).requires_grad_()
    tgt_kpm = bool_mask([[False, False, False, True], [False] * 4])
    mem_kpm = bool_mask([[False, False, True, True, True], [False] * 5])
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    y = dec(tgt, memory, tgt_mask=causal, tgt_key_padding_mask=tgt_kpm, memory_key_padding_mask=mem_kpm)
    finish("seq_decoder_layer_" + tag, dec, {"tgt": tgt, "memory": memory}, {"y": y},
           {"tgt_key_padding_mask": tgt_kpm.float(), "memory_key_padding_mask": mem_kpm.float()})


# ---------------------------------------------------------------- T5 relative position buckets (HF transformers' formula)
def t5_bucket(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    large = max_exact + (torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return relative_buckets + torch.where(is_small, relative_position, large)


rel = torch.arange(-300, 301)
save("engine", "seq_t5_buckets", {"relative_position": rel.float(),
                                  "bidirectional": t5_bucket(rel, True).float(),
                                  "unidirectional": t5_bucket(rel, False).float()})
