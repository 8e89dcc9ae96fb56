package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;

import java.util.function.Supplier;

/** A stack of {@link TransformerDecoderLayer}s ({@code layers.N}) with an optional final {@code norm}. */
public class TransformerDecoder extends Module {
    private final Sequential layers;
    private final LayerNorm norm;

    public TransformerDecoder(Supplier<TransformerDecoderLayer> layer, int numLayers, LayerNorm norm) {
        this.layers = registerModule("layers", new Sequential());
        for (int i = 0; i < numLayers; i++) layers.add(layer.get());
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          boolean[][] tgtKeyPaddingMask, boolean[][] memoryKeyPaddingMask) {
        Tensor x = tgt;
        for (Module layer : layers.children().values()) {
            x = ((TransformerDecoderLayer) layer).forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
        }
        return norm == null ? x : norm.forward(x);
    }
}
