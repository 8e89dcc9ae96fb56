package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer needs to continue exactly where it stopped.
 *
 * <p>{@code tensors}: per-parameter state keyed {@code "state.<paramIndex>.<name>"} as PyTorch's
 * {@code optimizer.state_dict()["state"]} (names {@code momentum_buffer}, {@code exp_avg},
 * {@code exp_avg_sq}, {@code max_exp_avg_sq}, and {@code step} as a 0-dimensional float tensor);
 * the parameter index counts over all groups in order. Parameters that never had a gradient have no
 * entries. {@code hyperParameters}: strings, so doubles round-trip exactly ({@code Double.toString}):
 * {@code optimizer}, {@code lr}, {@code weight_decay}, per-group {@code param_groups.<g>.*} and the
 * optimizer's own ({@code momentum}, {@code betas.0}, ...). Checkpoints store the tensors in
 * safetensors and the hyper-parameters as its string metadata.
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, String> hyperParameters) {
    public OptimizerState {
        // insertion order kept: the safetensors file lists entries in parameter order
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
    }
}
