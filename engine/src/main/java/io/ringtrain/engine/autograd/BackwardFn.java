package io.ringtrain.engine.autograd;

/**
 * How one recorded operation sends its output's gradient to its inputs. {@code gradOut} is
 * contiguous in the output's shape; the function calls {@code input.accumulateGrad(...)} for every
 * input that requires a gradient. It must not keep or modify {@code gradOut}.
 */
@FunctionalInterface
public interface BackwardFn {
    void apply(float[] gradOut);
}
