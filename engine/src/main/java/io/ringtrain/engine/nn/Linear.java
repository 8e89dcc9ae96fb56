package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.functional.MatMulOps;

/**
 * y = x·Wᵀ + b. Input [..., inFeatures] → output [..., outFeatures]; weight [outFeatures, inFeatures],
 * bias [outFeatures]. Initialised as PyTorch: U(±1/√inFeatures).
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.uniformFanIn(inFeatures, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Init.uniformFanIn(inFeatures, outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("tensor shape " + Shape.str(input.shape()) + " does not match Linear(in_features="
                    + inFeatures + "): the last dimension must be " + inFeatures);
        }
        Tensor x = input.dim() == 2 ? input : input.reshape(-1, inFeatures);
        Tensor y = MatMulOps.linear(x, weight, bias);
        if (input.dim() == 2) return y;
        int[] outShape = input.shape();
        outShape[outShape.length - 1] = outFeatures;
        return y.reshape(outShape);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}
