package io.ringtrain.engine.functional;

import io.ringtrain.engine.Shape;
import io.ringtrain.engine.Tensor;

import java.util.ArrayList;
import java.util.List;

/** cat and stack: copies of the parts side by side along one dimension; each part's gradient is its slice of g. */
public final class ConcatOps {
    private ConcatOps() {}

    public static Tensor cat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new IllegalArgumentException("cat of no tensors");
        int[] first = parts.get(0).shape();
        int d = Shape.dim(dim, first);
        int total = 0;
        for (Tensor p : parts) {
            int[] ps = p.shape();
            if (ps.length != first.length) throw new IllegalArgumentException("cat: shapes " + Shape.str(first) + " and " + Shape.str(ps) + " differ in rank");
            for (int i = 0; i < first.length; i++) {
                if (i != d && ps[i] != first[i]) throw new IllegalArgumentException("cat along " + d + ": shapes " + Shape.str(first) + " and " + Shape.str(ps) + " differ in dimension " + i);
            }
            total += ps[d];
        }
        int[] outShape = first.clone();
        outShape[d] = total;
        Tensor out = Tensor.zeros(outShape);
        int at = 0;
        for (Tensor p : parts) {
            out.narrow(d, at, p.size(d)).copyFrom(p);
            at += p.size(d);
        }
        Tensor[] ins = parts.toArray(new Tensor[0]);
        return Tensor.fromOp(out.storage(), outShape, "cat", g -> {
            int pos = 0;
            Tensor grad = Tensor.of(g, outShape);
            for (Tensor p : ins) {
                if (p.requiresGrad()) p.accumulateGrad(grad.narrow(d, pos, p.size(d)).detach().toArray());
                pos += p.size(d);
            }
        }, ins);
    }

    public static Tensor stack(List<Tensor> parts, int dim) {
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor p : parts) expanded.add(p.unsqueeze(dim));
        return cat(expanded, dim);
    }
}
