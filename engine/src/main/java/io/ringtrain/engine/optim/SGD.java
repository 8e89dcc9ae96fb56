package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and (L2)
 * weight decay, PyTorch 1.13's {@code torch.optim.SGD} update, float operation by float operation:
 * <pre>
 *   d   = g + λ·p                       (if λ ≠ 0)
 *   buf = d                             (first step with a gradient)
 *   buf = μ·buf + (1 − τ)·d             (later steps)
 *   d   = d + μ·buf   (Nesterov)   or   d = buf
 *   p   = p − lr·d
 * </pre>
 * with momentum μ, dampening τ, weight decay λ. Without momentum, {@code p = p − lr·d}.
 * After the first step the update is one fused, vectorisable loop ({@link UpdateKernels#sgdMomentumStep}).
 * Options are set fluently: {@code new SGD(model.parameters(), 0.05).momentum(0.9).weightDecay(5e-4)}.
 */
public final class SGD extends Optimizer {
    private static final List<String> STATE_NAMES = List.of("momentum_buffer");

    private double momentum;
    private double dampening;
    private boolean nesterov;
    /** Per parameter; null until its first step with momentum. */
    private final float[][] momentumBuffers;

    public SGD(List<Tensor> params, double lr) {
        this(lr, ParamGroup.of(params));
    }

    public SGD(double lr, ParamGroup... groups) {
        super(lr, 0.0, groups);
        this.momentumBuffers = new float[params().size()][];
    }

    public SGD momentum(double value) {
        if (!(value >= 0)) throw new IllegalArgumentException("SGD momentum must be >= 0, got " + value);
        momentum = value;
        return this;
    }

    public SGD dampening(double value) {
        dampening = value;
        return this;
    }

    public SGD nesterov(boolean value) {
        nesterov = value;
        return this;
    }

    public SGD weightDecay(double value) {
        setWeightDecay(value);
        return this;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void checkHyperParameters() {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalStateException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening (momentum "
                    + momentum + ", dampening " + dampening + ")");
        }
    }

    @Override
    protected void update(int index, float[] param, float[] grad, double lr, double weightDecay) {
        float negLr = (float) -lr;
        float decay = (float) weightDecay;
        float[] buf = momentumBuffers[index];
        if (momentum != 0 && buf != null) {
            UpdateKernels.sgdMomentumStep(param, grad, buf, negLr, decay, (float) momentum, (float) (1 - dampening), nesterov);
            return;
        }
        // Without momentum, or the first step with it: separate passes (this path is not the hot one with momentum).
        float[] d = decay == 0f ? grad : UpdateKernels.decayedGradient(grad, param, decay, scratch(param.length));
        if (momentum == 0) {
            UpdateKernels.addScaled(param, negLr, d);
            return;
        }
        // PyTorch clones d on the first step instead of applying momentum and dampening.
        momentumBuffers[index] = buf = Arrays.copyOf(d, param.length);
        if (nesterov) {
            UpdateKernels.nesterovStep(param, negLr, d, (float) momentum, buf);
        } else {
            UpdateKernels.addScaled(param, negLr, buf);
        }
    }

    @Override
    protected void writeHyperParameters(Map<String, String> out) {
        out.put("momentum", Double.toString(momentum));
        out.put("dampening", Double.toString(dampening));
        out.put("nesterov", Boolean.toString(nesterov));
    }

    @Override
    protected void checkHyperParameterEntries(Map<String, String> in) {
        requireDouble(in, "momentum");
        requireDouble(in, "dampening");
        require(in, "nesterov");
    }

    @Override
    protected void readHyperParameters(Map<String, String> in) {
        momentum = requireDouble(in, "momentum");
        dampening = requireDouble(in, "dampening");
        nesterov = Boolean.parseBoolean(require(in, "nesterov"));
    }

    @Override
    protected void writeState(int index, Map<String, Tensor> out) {
        float[] buf = momentumBuffers[index];
        if (buf != null) out.put("momentum_buffer", Tensor.of(buf.clone(), params().get(index).shape()));
    }

    @Override
    protected void checkState(int index, Map<String, Tensor> entries) {
        requireNames(index, entries, STATE_NAMES);
        requireParamShape(index, "momentum_buffer", entries.get("momentum_buffer"));
    }

    @Override
    protected void clearState() {
        Arrays.fill(momentumBuffers, null);
    }

    @Override
    protected void readState(int index, Map<String, Tensor> entries) {
        momentumBuffers[index] = entries.get("momentum_buffer").toArray();
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr() + ", momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov
                + ", weight_decay=" + weightDecay() + ")";
    }
}
