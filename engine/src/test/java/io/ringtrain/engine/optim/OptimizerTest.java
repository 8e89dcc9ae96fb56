package io.ringtrain.engine.optim;

import io.ringtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour around the update itself: state-dict layout, restoring hyper-parameters, argument checks. */
class OptimizerTest {
    private static Tensor param(float... values) {
        return Tensor.of(values.clone(), values.length).requiresGrad(true);
    }

    @Test
    void stateDictUsesPyTorchNamesAndSkipsParametersThatNeverHadAGradient() {
        Tensor a = param(1, 2), b = param(3);
        Adam adam = new Adam(List.of(a, b), 0.1).amsgrad(true);
        a.setGrad(new float[] {0.5f, -0.5f});
        adam.step();

        OptimizerState state = adam.stateDict();

        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"), List.copyOf(state.tensors().keySet()));
        assertEquals(0, state.tensors().get("state.0.step").dim(), "step is a 0-dimensional tensor, as PyTorch 1.13's");
        assertEquals(1f, state.tensors().get("state.0.step").item());
        assertEquals("Adam", state.hyperParameters().get("optimizer"));
        assertEquals("0.1", state.hyperParameters().get("lr"));
        assertEquals("true", state.hyperParameters().get("amsgrad"));
        assertEquals(0, adam.stepCount(1), "b had no gradient: no step, no state");
    }

    @Test
    void stateDictIsASnapshotNotAView() {
        Tensor a = param(1, 2);
        SGD sgd = new SGD(List.of(a), 0.1).momentum(0.9);
        a.setGrad(new float[] {1, 1});
        sgd.step();
        OptimizerState state = sgd.stateDict();
        float[] saved = state.tensors().get("state.0.momentum_buffer").toArray();
        sgd.step();
        assertArrayEquals(saved, state.tensors().get("state.0.momentum_buffer").toArray(), "a later step does not change a saved state");
    }

    @Test
    void loadingRestoresHyperParametersAsPyTorchDoes() {
        Tensor a = param(1, 2);
        SGD saved = new SGD(List.of(a), 0.0123456789).momentum(0.85).dampening(0.1).weightDecay(3e-4);
        SGD fresh = new SGD(List.of(param(0, 0)), 1.0);

        fresh.loadStateDict(saved.stateDict());

        assertEquals(0.0123456789, fresh.lr(), 0, "lr round-trips exactly");
        assertEquals(0.85, fresh.momentum(), 0);
        assertEquals(0.1, fresh.dampening(), 0);
        assertEquals(3e-4, fresh.weightDecay(), 0);
    }

    @Test
    void aParameterWithoutGradientIsNotTouched() {
        Tensor a = param(1, 2), b = param(3, 4);
        SGD sgd = new SGD(List.of(a, b), 0.5).momentum(0.9).weightDecay(0.1);
        a.setGrad(new float[] {1, 1});
        sgd.step();
        assertArrayEquals(new float[] {3, 4}, b.toArray(), "weight decay alone must not move a parameter without gradient");
        assertTrue(sgd.stateDict().tensors().keySet().stream().noneMatch(k -> k.startsWith("state.1.")));
    }

    @Test
    void zeroGradClearsGradients() {
        Tensor a = param(1);
        SGD sgd = new SGD(List.of(a), 0.1);
        a.setGrad(new float[] {2});
        sgd.zeroGrad();
        assertNull(a.grad());
    }

    @Test
    void nesterovWithoutMomentumIsRejectedAtTheFirstStep() {
        Tensor a = param(1);
        a.setGrad(new float[] {1});
        SGD sgd = new SGD(List.of(a), 0.1).nesterov(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, sgd::step);
        assertTrue(e.getMessage().contains("Nesterov momentum requires a momentum > 0 and zero dampening"), e.getMessage());
    }

    @Test
    void viewsAndDuplicateParametersAreRejected() {
        Tensor base = Tensor.zeros(4, 4).requiresGrad(true);
        IllegalArgumentException view = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(base.narrow(0, 1, 2)), 0.1));
        assertTrue(view.getMessage().contains("parameter 0 (shape [2, 4]) is a view"), view.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new SGD(0.1, ParamGroup.of(List.of(base)), ParamGroup.of(List.of(base))));
        assertTrue(twice.getMessage().contains("appears twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(base), 0.1).betas(0.9, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(base), -1));
    }

    @Test
    void stateForAnotherParameterLayoutIsRejectedWithTheReason() {
        Tensor a = param(1, 2);
        SGD sgd = new SGD(List.of(a), 0.1).momentum(0.9);
        a.setGrad(new float[] {1, 1});
        sgd.step();
        OptimizerState state = sgd.stateDict();

        SGD twoParams = new SGD(List.of(param(1, 2), param(3)), 0.1).momentum(0.9);
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class, () -> twoParams.loadStateDict(state));
        assertTrue(sizes.getMessage().contains("parameter groups of sizes [1] but this SGD has [2]"), sizes.getMessage());

        SGD otherShape = new SGD(List.of(param(1, 2, 3)), 0.1).momentum(0.9);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> otherShape.loadStateDict(state));
        assertTrue(shape.getMessage().contains("'state.0.momentum_buffer' has shape [2] but parameter 0 has [3]"), shape.getMessage());

        Map<String, Tensor> renamed = Map.of("state.0.momentum", Tensor.zeros(2));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(param(1, 2)), 0.1).loadStateDict(new OptimizerState(renamed, state.hyperParameters())));
        assertTrue(name.getMessage().contains("'state.0.momentum' is not part of this optimizer's state [momentum_buffer]"), name.getMessage());
    }
}
