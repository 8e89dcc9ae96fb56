package io.ringtrain.engine.nn.seq;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.nn.LayerNorm;
import io.ringtrain.engine.nn.Module;
import io.ringtrain.engine.nn.Sequential;

import java.util.function.Supplier;

/**
 * A stack of {@link TransformerEncoderLayer}s ({@code layers.0}, {@code layers.1}, ...) with an
 * optional final {@code norm} (needed after pre-LN layers, whose output is not normalised).
 */
public class TransformerEncoder extends Module {
    private final Sequential layers;
    private final LayerNorm norm;

    public TransformerEncoder(Supplier<TransformerEncoderLayer> layer, int numLayers, LayerNorm norm) {
        this.layers = registerModule("layers", new Sequential());
        for (int i = 0; i < numLayers; i++) layers.add(layer.get());
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null);
    }

    public Tensor forward(Tensor src, AttentionMask mask, boolean[][] srcKeyPaddingMask) {
        Tensor x = src;
        for (Module layer : layers.children().values()) x = ((TransformerEncoderLayer) layer).forward(x, mask, srcKeyPaddingMask, null);
        return norm == null ? x : norm.forward(x);
    }
}
