package io.ringtrain.engine.autograd;

/**
 * How one recorded operation sends its output's gradient to its inputs. {@code gradOut} is
 * contiguous in the output's shape; the function calls {@code input.accumulateGrad(...)} for every
 * input that requires a gradient.
 *
 * <p>{@code gradOut} belongs to the function: it is the output's own gradient, which no other
 * tensor shares (every gradient array enters the graph as a copy or as a fresh array handed over),
 * and backward drops it after this call. So an element-wise operation may write the input's
 * gradient over it, and one input may take it with {@code accumulateGradOwned}, once, after
 * everything else has read it. It must not keep {@code gradOut} past the call in any other way:
 * once the call returns and no input holds it as its gradient, backward reuses the array
 * ({@link io.ringtrain.engine.GradientPool}).
 */
@FunctionalInterface
public interface BackwardFn {
    void apply(float[] gradOut);
}
