package io.ringtrain.engine.optim;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Base of the optimizers, as {@code torch.optim.Optimizer}: parameters in groups, {@link #step()}
 * updating every parameter that has a gradient (a parameter whose gradient is null is skipped and
 * its state left untouched, as PyTorch), {@link #zeroGrad()}, and a state dict from which a fresh
 * optimizer continues bit for bit.
 *
 * <p>Parameters are updated in place over their backing arrays, so they must be contiguous
 * tensors (module parameters are). Subclasses implement one parameter's update as a plain loop
 * over float arrays.
 */
public abstract class Optimizer {
    private static final Pattern STATE_KEY = Pattern.compile("state\\.(\\d+)\\.(\\w+)");

    private final List<ParamGroup> groups;
    private final List<Tensor> params;
    private final int[] groupOfParam;
    private double lr;
    private double weightDecay;
    /** Holds g + λ·p for one parameter at a time; reused, since an optimizer runs on one thread. */
    private float[] decayedGradient = new float[0];

    protected Optimizer(double lr, double weightDecay, ParamGroup... groups) {
        if (groups.length == 0) throw new IllegalArgumentException(name() + " needs at least one parameter group");
        this.groups = List.of(groups);
        List<Tensor> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int g = 0; g < groups.length; g++) {
            for (Tensor p : groups[g].params()) {
                for (Tensor seen : all) {
                    if (seen == p) throw new IllegalArgumentException("parameter " + all.indexOf(seen) + " (shape " + Shape.str(p.shape())
                            + ") appears twice; each parameter may belong to one group only");
                }
                if (!p.isContiguous() || p.storageOffset() != 0 || p.storage().length != p.numel()) {
                    throw new IllegalArgumentException("parameter " + all.size() + " (shape " + Shape.str(p.shape())
                            + ") is a view of a larger storage; optimizers update parameters in place over their whole backing array: pass the base tensor");
                }
                all.add(p);
                owner.add(g);
            }
        }
        this.params = Collections.unmodifiableList(all);
        this.groupOfParam = owner.stream().mapToInt(Integer::intValue).toArray();
        setLr(lr);
        setWeightDecay(weightDecay);
    }

    /** Short name recorded in the state dict ("SGD", "Adam", "AdamW"). */
    public String name() {
        return getClass().getSimpleName();
    }

    /** Updates every parameter that has a gradient. */
    public final void step() {
        checkHyperParameters();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] grad = p.gradArray();
            if (grad == null) continue;
            ParamGroup group = groups.get(groupOfParam[i]);
            double groupLr = lr * group.lrScale();
            double groupDecay = group.weightDecayOverride().orElse(weightDecay);
            update(i, p.storage(), grad, groupLr, groupDecay);
        }
    }

    /**
     * One parameter's update. {@code param} and {@code grad} are row-major arrays of the same
     * length; {@code index} is the parameter's position (for its state).
     */
    protected abstract void update(int index, float[] param, float[] grad, double lr, double weightDecay);

    /** Throws when the hyper-parameters are inconsistent (e.g. Nesterov without momentum). */
    protected void checkHyperParameters() {}

    /** Clears every parameter's gradient (sets it to null, as {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** All parameters, in state-dict index order (groups in order, each group's parameters in order). */
    public List<Tensor> params() {
        return params;
    }

    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** The base learning rate; a group's is this times its {@link ParamGroup#lrScale()}. */
    public double lr() {
        return lr;
    }

    /** Sets the base learning rate (schedules call this before each step). */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(name() + ": learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    protected void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException(name() + ": weight decay must be >= 0, got " + weightDecay);
        this.weightDecay = weightDecay;
    }

    // ---------------------------------------------------------------- state dict

    /** A snapshot (copied arrays) of the per-parameter state and the hyper-parameters. */
    public final OptimizerState stateDict() {
        Map<String, String> hyper = new LinkedHashMap<>();
        hyper.put("optimizer", name());
        hyper.put("lr", Double.toString(lr));
        hyper.put("weight_decay", Double.toString(weightDecay));
        hyper.put("param_groups", Integer.toString(groups.size()));
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            hyper.put("param_groups." + g + ".size", Integer.toString(group.params().size()));
            hyper.put("param_groups." + g + ".lr_scale", Double.toString(group.lrScale()));
            if (group.weightDecayOverride().isPresent()) {
                hyper.put("param_groups." + g + ".weight_decay", Double.toString(group.weightDecayOverride().getAsDouble()));
            }
        }
        writeHyperParameters(hyper);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Map<String, Tensor> own = new LinkedHashMap<>();
            writeState(i, own);
            for (Map.Entry<String, Tensor> e : own.entrySet()) tensors.put("state." + i + "." + e.getKey(), e.getValue());
        }
        return new OptimizerState(tensors, hyper);
    }

    /**
     * Restores state and hyper-parameters saved by {@link #stateDict()} of an optimizer of the same
     * kind over parameters of the same shapes. Everything is checked before anything changes, and
     * the error names the entry at fault.
     */
    public final void loadStateDict(OptimizerState state) {
        Map<String, String> hyper = state.hyperParameters();
        String savedName = require(hyper, "optimizer");
        if (!savedName.equals(name())) {
            throw new IllegalArgumentException("optimizer state was saved by " + savedName + " but this optimizer is " + name()
                    + "; load it into a " + savedName + " or start the optimizer fresh");
        }
        int savedGroups = Integer.parseInt(require(hyper, "param_groups"));
        int[] savedSizes = new int[savedGroups];
        for (int g = 0; g < savedGroups; g++) savedSizes[g] = Integer.parseInt(require(hyper, "param_groups." + g + ".size"));
        int[] ownSizes = groups.stream().mapToInt(gr -> gr.params().size()).toArray();
        if (!Arrays.equals(savedSizes, ownSizes)) {
            throw new IllegalArgumentException("optimizer state has parameter groups of sizes " + Arrays.toString(savedSizes)
                    + " but this " + name() + " has " + Arrays.toString(ownSizes) + "; build the optimizer over the same parameters");
        }
        // Group the tensors per parameter index, checking names and shapes.
        Map<Integer, Map<String, Tensor>> perParam = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : state.tensors().entrySet()) {
            Matcher m = STATE_KEY.matcher(e.getKey());
            if (!m.matches()) throw new IllegalArgumentException("optimizer state entry '" + e.getKey() + "' is not of the form state.<index>.<name>");
            int index = Integer.parseInt(m.group(1));
            if (index >= params.size()) {
                throw new IllegalArgumentException("optimizer state entry '" + e.getKey() + "' is for parameter " + index
                        + " but this " + name() + " has " + params.size() + " parameters");
            }
            perParam.computeIfAbsent(index, k -> new LinkedHashMap<>()).put(m.group(2), e.getValue());
        }
        for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) checkState(e.getKey(), e.getValue());
        checkHyperParameterEntries(hyper);

        // All checked: apply.
        setLr(Double.parseDouble(require(hyper, "lr")));
        setWeightDecay(Double.parseDouble(require(hyper, "weight_decay")));
        for (int g = 0; g < savedGroups; g++) {
            String wd = hyper.get("param_groups." + g + ".weight_decay");
            groups.get(g).restore(wd == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(wd)),
                    Double.parseDouble(require(hyper, "param_groups." + g + ".lr_scale")));
        }
        readHyperParameters(hyper);
        clearState();
        for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) readState(e.getKey(), e.getValue());
    }

    /** Adds this optimizer's own hyper-parameters (as exact strings). */
    protected abstract void writeHyperParameters(Map<String, String> out);

    /** Throws if a hyper-parameter this optimizer needs is missing or malformed; changes nothing. */
    protected abstract void checkHyperParameterEntries(Map<String, String> in);

    protected abstract void readHyperParameters(Map<String, String> in);

    /** Puts copies of parameter {@code index}'s state under their PyTorch names; nothing if it has none yet. */
    protected abstract void writeState(int index, Map<String, Tensor> out);

    /** Throws, naming the entry, if these saved entries cannot be parameter {@code index}'s state. */
    protected abstract void checkState(int index, Map<String, Tensor> entries);

    protected abstract void clearState();

    /** Installs checked entries as parameter {@code index}'s state (copying them). */
    protected abstract void readState(int index, Map<String, Tensor> entries);

    // ---------------------------------------------------------------- helpers for subclasses

    /** A reusable array of at least n floats, for the L2-decayed gradient. */
    protected final float[] scratch(int n) {
        if (decayedGradient.length < n) decayedGradient = new float[n];
        return decayedGradient;
    }

    protected static String require(Map<String, String> hyper, String key) {
        String value = hyper.get(key);
        if (value == null) throw new IllegalArgumentException("optimizer state has no hyper-parameter '" + key + "'; it has " + hyper.keySet());
        return value;
    }

    protected static double requireDouble(Map<String, String> hyper, String key) {
        String value = require(hyper, key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("optimizer hyper-parameter '" + key + "' is '" + value + "', not a number");
        }
    }

    /** Throws unless the entry's shape is the parameter's. */
    protected final void requireParamShape(int index, String entry, Tensor value) {
        int[] expected = params.get(index).shape();
        if (!Arrays.equals(value.shape(), expected)) {
            throw new IllegalArgumentException("optimizer state entry 'state." + index + "." + entry + "' has shape " + Shape.str(value.shape())
                    + " but parameter " + index + " has " + Shape.str(expected));
        }
    }

    /** Throws unless exactly {@code names} are present. */
    protected static void requireNames(int index, Map<String, Tensor> entries, List<String> names) {
        for (String key : entries.keySet()) {
            if (!names.contains(key)) {
                throw new IllegalArgumentException("optimizer state entry 'state." + index + "." + key + "' is not part of this optimizer's state " + names);
            }
        }
        for (String name : names) {
            if (!entries.containsKey(name)) {
                throw new IllegalArgumentException("optimizer state for parameter " + index + " has " + entries.keySet() + " but lacks '" + name + "'");
            }
        }
    }

    /** A 0-dimensional float tensor, PyTorch's form of the per-parameter step counter. */
    protected static Tensor scalarTensor(float value) {
        return Tensor.of(new float[] {value});
    }

    protected static float[] copyOf(float[] values) {
        return values.clone();
    }
}
