package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba) with L2 weight decay added to the gradient and optional AMSGrad, PyTorch
 * 1.13's {@code torch.optim.Adam} update, float operation by float operation. For a parameter's
 * t-th step with a gradient:
 * <pre>
 *   g  = g + λ·p                                     (if λ ≠ 0; {@link AdamW} decays p instead)
 *   m  = β₁·m + (1 − β₁)·g
 *   v  = β₂·v + (1 − β₂)·g²
 *   v̂  = max(v̂, v)  (AMSGrad)   or   v̂ = v
 *   p  = p − (lr / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * </pre>
 * The bias corrections and the step size are computed in double, as PyTorch does in Python, then
 * rounded to float. Each parameter counts its own steps t (a parameter skipped for lack of a
 * gradient does not advance). Defaults: β = (0.9, 0.999), ε = 1e-8, λ = 0, no AMSGrad.
 */
public class Adam extends Optimizer {
    private static final List<String> STATE_NAMES = List.of("step", "exp_avg", "exp_avg_sq");
    private static final List<String> AMSGRAD_STATE_NAMES = List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");

    private final boolean decoupledWeightDecay;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private boolean amsgrad;

    /** Per parameter; null until its first step. */
    private final long[] steps;
    private final float[][] expAvg;
    private final float[][] expAvgSq;
    private final float[][] maxExpAvgSq;

    public Adam(List<Tensor> params, double lr) {
        this(lr, ParamGroup.of(params));
    }

    public Adam(double lr, ParamGroup... groups) {
        this(lr, 0.0, false, groups);
    }

    /** For {@link AdamW}: {@code decoupledWeightDecay} multiplies p by (1 − lr·λ) instead of adding λ·p to g. */
    Adam(double lr, double weightDecay, boolean decoupledWeightDecay, ParamGroup... groups) {
        super(lr, weightDecay, groups);
        this.decoupledWeightDecay = decoupledWeightDecay;
        int n = params().size();
        this.steps = new long[n];
        this.expAvg = new float[n][];
        this.expAvgSq = new float[n][];
        this.maxExpAvgSq = new float[n][];
    }

    public Adam betas(double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(name() + ": betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    public Adam eps(double value) {
        if (!(value >= 0)) throw new IllegalArgumentException(name() + ": eps must be >= 0, got " + value);
        eps = value;
        return this;
    }

    public Adam weightDecay(double value) {
        setWeightDecay(value);
        return this;
    }

    public Adam amsgrad(boolean value) {
        amsgrad = value;
        return this;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public boolean amsgrad() {
        return amsgrad;
    }

    /** How many steps parameter {@code index} has taken (0 before its first gradient). */
    public long stepCount(int index) {
        return steps[index];
    }

    @Override
    protected void update(int index, float[] param, float[] grad, double lr, double weightDecay) {
        int n = param.length;
        if (expAvg[index] == null) {
            expAvg[index] = new float[n];
            expAvgSq[index] = new float[n];
        }
        if (amsgrad && maxExpAvgSq[index] == null) maxExpAvgSq[index] = new float[n];
        long t = ++steps[index];

        // AdamW decays p by (1 − lr·λ) (factor computed in double); Adam adds λ·p to the gradient.
        float paramScale = decoupledWeightDecay ? (float) (1 - lr * weightDecay) : 1f;
        float l2Decay = decoupledWeightDecay ? 0f : (float) weightDecay;
        // Bias corrections and step size in double, as PyTorch computes them in Python.
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        double stepSize = lr / biasCorrection1;
        UpdateKernels.adamStep(param, grad, expAvg[index], expAvgSq[index], amsgrad ? maxExpAvgSq[index] : null,
                paramScale, l2Decay, (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                (float) -stepSize, (float) Math.sqrt(biasCorrection2), (float) eps);
    }

    @Override
    protected void writeHyperParameters(Map<String, String> out) {
        out.put("betas.0", Double.toString(beta1));
        out.put("betas.1", Double.toString(beta2));
        out.put("eps", Double.toString(eps));
        out.put("amsgrad", Boolean.toString(amsgrad));
    }

    @Override
    protected void checkHyperParameterEntries(Map<String, String> in) {
        requireDouble(in, "betas.0");
        requireDouble(in, "betas.1");
        requireDouble(in, "eps");
        require(in, "amsgrad");
    }

    @Override
    protected void readHyperParameters(Map<String, String> in) {
        beta1 = requireDouble(in, "betas.0");
        beta2 = requireDouble(in, "betas.1");
        eps = requireDouble(in, "eps");
        amsgrad = Boolean.parseBoolean(require(in, "amsgrad"));
    }

    @Override
    protected void writeState(int index, Map<String, Tensor> out) {
        if (expAvg[index] == null) return;
        int[] shape = params().get(index).shape();
        // PyTorch 1.13 keeps the step as a float32 tensor: exact up to 2^24 steps.
        out.put("step", scalarTensor(steps[index]));
        out.put("exp_avg", Tensor.of(expAvg[index].clone(), shape));
        out.put("exp_avg_sq", Tensor.of(expAvgSq[index].clone(), shape));
        if (maxExpAvgSq[index] != null) out.put("max_exp_avg_sq", Tensor.of(maxExpAvgSq[index].clone(), shape));
    }

    @Override
    protected void checkState(int index, Map<String, Tensor> entries) {
        boolean savedAmsgrad = entries.containsKey("max_exp_avg_sq");
        requireNames(index, entries, savedAmsgrad ? AMSGRAD_STATE_NAMES : STATE_NAMES);
        Tensor step = entries.get("step");
        if (step.numel() != 1 || step.item() < 0 || step.item() != Math.rint(step.item())) {
            throw new IllegalArgumentException("optimizer state entry 'state." + index + ".step' must hold one whole number >= 0, got " + step);
        }
        for (String name : entries.keySet()) if (!name.equals("step")) requireParamShape(index, name, entries.get(name));
    }

    @Override
    protected void clearState() {
        Arrays.fill(steps, 0);
        Arrays.fill(expAvg, null);
        Arrays.fill(expAvgSq, null);
        Arrays.fill(maxExpAvgSq, null);
    }

    @Override
    protected void readState(int index, Map<String, Tensor> entries) {
        steps[index] = (long) entries.get("step").item();
        expAvg[index] = entries.get("exp_avg").toArray();
        expAvgSq[index] = entries.get("exp_avg_sq").toArray();
        if (entries.containsKey("max_exp_avg_sq")) maxExpAvgSq[index] = entries.get("max_exp_avg_sq").toArray();
    }

    @Override
    public String toString() {
        return name() + "(lr=" + lr() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay()
                + ", amsgrad=" + amsgrad + ")";
    }
}
