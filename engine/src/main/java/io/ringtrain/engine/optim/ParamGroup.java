package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A set of parameters that share an effective learning rate and weight decay, as a PyTorch param
 * group. The common use: no weight decay on biases and normalisation parameters,
 * {@code new SGD(0.05, ParamGroup.of(weights), ParamGroup.of(biases).weightDecay(0))}.
 *
 * <p>The group's learning rate is the optimizer's (which a schedule sets) times {@link #lrScale()};
 * its weight decay is its own when set, otherwise the optimizer's. The other hyper-parameters
 * (momentum, betas, eps) are the optimizer's.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private OptionalDouble weightDecay = OptionalDouble.empty();
    private double lrScale = 1.0;

    private ParamGroup(List<Tensor> params) {
        this.params = List.copyOf(params);
    }

    public static ParamGroup of(List<Tensor> params) {
        return new ParamGroup(params);
    }

    /** This group's weight decay, overriding the optimizer's. */
    public ParamGroup weightDecay(double value) {
        if (!(value >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + value);
        weightDecay = OptionalDouble.of(value);
        return this;
    }

    /** This group's learning rate as a multiple of the optimizer's (1 by default). */
    public ParamGroup lrScale(double scale) {
        if (!(scale >= 0)) throw new IllegalArgumentException("lr scale must be >= 0, got " + scale);
        lrScale = scale;
        return this;
    }

    public List<Tensor> params() {
        return params;
    }

    public OptionalDouble weightDecayOverride() {
        return weightDecay;
    }

    public double lrScale() {
        return lrScale;
    }

    void restore(OptionalDouble savedWeightDecay, double savedLrScale) {
        this.weightDecay = savedWeightDecay;
        this.lrScale = savedLrScale;
    }
}
