package io.ringtrain.engine;

import io.ringtrain.engine.io.SafeTensors;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Loads a PyTorch golden fixture (written by tools/golden/*.py) and compares tensors with it. */
public final class Golden {
    private final String name;
    private final Map<String, Tensor> tensors;

    private Golden(String name, Map<String, Tensor> tensors) {
        this.name = name;
        this.tensors = tensors;
    }

    public static Golden load(String name) {
        String resource = "/golden/" + name + ".safetensors";
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("fixture " + resource + " is missing; run tools/golden/ scripts");
            return new Golden(name, SafeTensors.read(in, resource).tensors());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + resource, e);
        }
    }

    /** A fresh copy of the fixture tensor (safe to mark requiresGrad and modify). */
    public Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("fixture " + name + " has no tensor '" + key + "'; it has " + tensors.keySet());
        return Tensor.of(t.toArray(), t.shape());
    }

    public boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** |actual − expected| ≤ atol + rtol·|expected| element-wise, with the shapes equal. */
    public void assertClose(String key, Tensor actual, double atol, double rtol) {
        assertClose(name + "." + key, get(key), actual, atol, rtol);
    }

    public static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        if (actual == null) fail(what + ": actual tensor is null (no gradient computed?)");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }
}
