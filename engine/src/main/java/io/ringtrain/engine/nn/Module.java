package io.ringtrain.engine.nn;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Base of every layer, as PyTorch's {@code nn.Module}: named parameters (trained), named buffers
 * (state such as BatchNorm's running statistics, saved but not trained), child modules, and a
 * train/eval flag. State-dict keys are the dotted paths PyTorch would use ({@code "0.weight"},
 * {@code "bn1.running_mean"}), so checkpoints map one-to-one.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final java.util.Set<String> int64Buffers = new java.util.HashSet<>();
    private boolean training = true;

    /** The layer's computation for one input; layers with several inputs offer typed methods instead. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes several inputs; call its typed forward method");
    }

    protected Tensor registerParameter(String name, Tensor value) {
        if (value != null) value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    protected Tensor registerBuffer(String name, Tensor value) {
        buffers.put(name, value);
        return value;
    }

    /**
     * A buffer that PyTorch holds as int64 (BatchNorm's {@code num_batches_tracked}): computed here
     * as float, but saved as I64 so a PyTorch {@code load_state_dict} sees the dtype it expects.
     */
    protected Tensor registerInt64Buffer(String name, Tensor value) {
        int64Buffers.add(name);
        return registerBuffer(name, value);
    }

    protected <M extends Module> M registerModule(String name, M module) {
        children.put(name, module);
        return module;
    }

    /** Replaces a direct child (e.g. BatchNorm → SyncBatchNorm), keeping its position and name. */
    public void replaceModule(String name, Module module) {
        if (!children.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no child module '" + name + "'; children: " + children.keySet());
        children.put(name, module);
    }

    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module and all descendants, by dotted path ("" for this one). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((name, child) -> child.collectModules(prefix.isEmpty() ? name : prefix + "." + name, out));
    }

    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> m.parameters.forEach((name, p) -> {
            if (p != null) out.put(path.isEmpty() ? name : path + "." + name, p);
        }));
        return out;
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> m.buffers.forEach((name, b) -> {
            if (b != null) out.put(path.isEmpty() ? name : path + "." + name, b);
        }));
        return out;
    }

    /** Parameters then buffers of each module, depth first, in registration order (PyTorch's order). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> {
            String prefix = path.isEmpty() ? "" : path + ".";
            m.parameters.forEach((name, p) -> { if (p != null) out.put(prefix + name, p); });
            m.buffers.forEach((name, b) -> { if (b != null) out.put(prefix + name, b); });
        });
        return out;
    }

    /**
     * The file dtype of each {@link #stateDict()} entry, in the same order: "I64" for buffers
     * registered with {@link #registerInt64Buffer}, "F32" for everything else.
     */
    public Map<String, String> stateDictDtypes() {
        Map<String, String> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> {
            String prefix = path.isEmpty() ? "" : path + ".";
            m.parameters.forEach((name, p) -> { if (p != null) out.put(prefix + name, "F32"); });
            m.buffers.forEach((name, b) -> { if (b != null) out.put(prefix + name, m.int64Buffers.contains(name) ? "I64" : "F32"); });
        });
        return out;
    }

    /**
     * Copies values into this module's parameters and buffers in place. With {@code strict}, the
     * key sets must match exactly; shapes must always match. The error names the offending entry.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        if (strict) {
            List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
            for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
            for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName()
                        + ": missing keys " + missing + ", unexpected keys " + unexpected);
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor target = own.get(e.getKey());
            if (target == null) continue;
            if (!Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("state dict entry '" + e.getKey() + "' has shape " + Shape.str(e.getValue().shape())
                        + " but the model expects " + Shape.str(target.shape()));
            }
            target.copyFrom(e.getValue());
        }
    }

    public Module train(boolean mode) {
        namedModules().values().forEach(m -> m.training = mode);
        return this;
    }

    public Module train() {
        return train(true);
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    public void apply(Consumer<Module> fn) {
        namedModules().values().forEach(fn);
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    @Override
    public String toString() {
        if (children.isEmpty()) return getClass().getSimpleName() + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        children.forEach((name, child) -> sb.append("  (").append(name).append("): ")
                .append(child.toString().replace("\n", "\n  ")).append('\n'));
        return sb.append(')').toString();
    }

    /** Constructor arguments to show in {@link #toString()}. */
    protected String extraRepr() {
        return "";
    }
}
