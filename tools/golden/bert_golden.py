"""Golden values for engine.models.BertEncoder ("bert-encoder") at a small size, built from torch.nn
modules (HuggingFace transformers is not needed): embeddings as HuggingFace's BertEmbeddings, post-LN
nn.TransformerEncoderLayer(activation="gelu") layers under a key padding mask, BERT's pooler and a
classifier. Run: /usr/bin/python3 tools/golden/bert_golden.py

Stores the inputs (ids, token types, padding mask as 0/1), every parameter ("param.<name>", the
engine's state-dict names), the outputs ("sequence", "logits"), a fixed random weighting of each
("w_<output>"; the loss is the sum of w * output) and the gradient of that loss for every parameter
("grad.<name>"). Padded positions of "sequence" are stored but their weights are zero, as their
values are not part of the model's contract.
"""
import torch
import torch.nn as nn
from common import save

torch.manual_seed(0)

VOCAB, D, HEADS, FFN, LAYERS, POSITIONS, TYPES, CLASSES, EPS, PAD = 23, 16, 4, 32, 2, 12, 2, 3, 1e-12, 0


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, D, padding_idx=PAD)
        self.position_embeddings = nn.Embedding(POSITIONS, D)
        self.token_type_embeddings = nn.Embedding(TYPES, D)
        self.LayerNorm = nn.LayerNorm(D, eps=EPS)

    def forward(self, ids, types):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(types))


class Pooler(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(D, D)

    def forward(self, first):
        return torch.tanh(self.dense(first))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        layer = nn.TransformerEncoderLayer(D, HEADS, FFN, dropout=0.0, activation="gelu", layer_norm_eps=EPS, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.pooler = Pooler()
        self.classifier = nn.Linear(D, CLASSES)

    def forward(self, ids, types, padding):
        seq = self.encoder(self.embeddings(ids, types), src_key_padding_mask=padding)
        return seq, self.classifier(self.pooler(seq[:, 0]))


model = Bert()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name.lower():  # LayerNorm weights and biases away from 1 and 0, so they are exercised
            p.add_(0.3 * torch.randn(p.shape))
    model.embeddings.word_embeddings.weight[PAD].zero_()
model.train()

lengths = [7, 5, 3]
B, L = len(lengths), max(lengths)
ids = torch.randint(1, VOCAB, (B, L))
types = torch.zeros(B, L, dtype=torch.long)
padding = torch.zeros(B, L, dtype=torch.bool)
for b, n in enumerate(lengths):
    ids[b, n:] = PAD
    padding[b, n:] = True
types[0, 4:] = 1  # a second segment in the first sequence

sequence, logits = model(ids, types, padding)
store = {"ids": ids, "types": types, "padding": padding.float()}
for k, v in model.named_parameters():
    store["param." + k] = v.detach().clone()
w_seq = torch.randn(sequence.shape) * (~padding).unsqueeze(-1).float()
w_logits = torch.randn(logits.shape)
loss = (sequence * w_seq).sum() + (logits * w_logits).sum()
loss.backward()
store.update({"sequence": sequence, "w_sequence": w_seq, "logits": logits, "w_logits": w_logits})
for k, v in model.named_parameters():
    store["grad." + k] = v.grad
save("engine", "bert_encoder_small", store, {"lengths": lengths, "vocab": VOCAB, "d_model": D, "heads": HEADS, "ffn": FFN, "layers": LAYERS,
                                             "positions": POSITIONS, "classes": CLASSES})
