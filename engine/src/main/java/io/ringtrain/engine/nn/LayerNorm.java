package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.LayerNormOps;

import java.util.Arrays;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions, as PyTorch's
 * {@code nn.LayerNorm}: y = (x − μ) / √(σ² + eps) · weight + bias, with μ and the biased variance σ²
 * taken per row of the last C = Π normalizedShape elements. eps defaults to 1e-5; weight starts at
 * 1 and bias at 0 (elementwise affine). Input [..., *normalizedShape] → same shape.
 *
 * <p>Forward and backward are one fused kernel pair ({@link LayerNormOps}) rather than a graph
 * of mean/sub/div ops.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final int features;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        this.normalizedShape = normalizedShape.clone();
        this.features = Shape.numel(normalizedShape);
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        int[] shape = input.shape();
        int k = normalizedShape.length;
        if (shape.length < k || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape)) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(shape) + " does not match LayerNorm(normalized_shape="
                    + Shape.str(normalizedShape) + "): the trailing dimensions must be " + Shape.str(normalizedShape));
        }
        return LayerNormOps.layerNorm(input, weight, bias, features, eps);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        return "normalized_shape=" + Shape.str(normalizedShape) + ", eps=" + eps + ", elementwise_affine=" + (weight != null);
    }
}
