package io.ringtrain.engine;

import io.ringtrain.engine.autograd.BackwardFn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The backward pass over the graph that operations record on their output tensors (inputs and a
 * {@link io.ringtrain.engine.autograd.BackwardFn}): reverse topological order from the root, each
 * node's backward function called once with its complete gradient. The graph is freed as it is
 * walked, as PyTorch does without {@code retain_graph}: once a node's backward function has run, the
 * node drops it (and with it the tensors it saved), its inputs and its gradient, and the walk drops
 * the node, so an activation that backward no longer needs is garbage while backward goes on (the
 * activations, not the patch matrices or gradients, are most of a CNN's peak). An intermediate
 * gradient goes back to the {@link GradientPool} unless an input now holds it. A leaf's
 * grad-ready hooks run when its gradient is complete. A node whose graph was freed keeps
 * {@link #RELEASED} as its backward function, so a second backward through it fails before
 * anything runs, as PyTorch's "Trying to backward through the graph a second time", instead of
 * treating the node as a leaf and leaving every gradient below it silently unchanged.
 */
final class AutogradGraph {
    private AutogradGraph() {}

    /** The backward function of a node whose graph a backward pass has freed; never called (see {@link #topologicalOrder}). */
    static final BackwardFn RELEASED = gradOut -> {
        throw new IllegalStateException("a freed graph node was called");
    };

    /** Runs backward from {@code root} (which requires grad) with the seed gradient {@code seed}, owned by the callee. */
    static void backward(Tensor root, float[] seed) {
        List<Tensor> order = topologicalOrder(root);
        root.accumulateGrad(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor node = order.set(i, null);
            if (node.backwardFn != null) {
                float[] g = node.grad;
                if (g != null) node.backwardFn.apply(g);
                if (g != null && !heldAsGradient(g, node.inputs)) GradientPool.putBack(g);
                node.grad = null;
                node.backwardFn = RELEASED;
                node.inputs = null;
            } else if (node.gradReadyHooks != null) {
                for (Consumer<Tensor> hook : node.gradReadyHooks) hook.accept(node);
            }
        }
    }

    /** Whether a backward function handed {@code g} on: one of its inputs now has that very array as its gradient. */
    private static boolean heldAsGradient(float[] g, Tensor[] inputs) {
        for (Tensor in : inputs) if (in != null && in.grad == g) return true;
        return false;
    }

    /**
     * Every tensor that requires grad and is reachable from {@code root}, each after all of its inputs.
     * Throws when one of them is a node whose graph an earlier backward freed.
     */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            if (t.backwardFn == RELEASED) {
                throw new IllegalStateException("Trying to backward through the graph a second time: the result of " + t.op()
                        + " (shape " + Shape.str(t.shape()) + ") was already differentiated and its graph freed; run the forward again"
                        + " (this engine has no retain_graph)");
            }
            int next = (Integer) frame[1];
            Tensor[] ins = t.inputs;
            if (ins != null && next < ins.length) {
                frame[1] = next + 1;
                Tensor in = ins[next];
                if (in != null && in.requiresGrad() && visited.put(in, true) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
