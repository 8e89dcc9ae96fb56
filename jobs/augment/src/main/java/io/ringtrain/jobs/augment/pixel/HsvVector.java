package io.ringtrain.jobs.augment.pixel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API form of {@link Hsv#shiftScalar}: the same operations lane by lane, with the
 * per-pixel branches (which sector holds the maximum; grey pixels) as masks and blends. Used only
 * when the {@code jdk.incubator.vector} module is present (see {@link Hsv}); tests compare it with the
 * scalar reference. Needs |hueShift| ≤ 1, so that one wrap brings h + hueShift back into [0, 1).
 */
final class HsvVector {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private HsvVector() {
    }

    /** Processes whole vectors from pixel 0 and returns the first pixel left for the scalar loop. */
    static int shift(float[] in, float[] out, int plane, float hueShift, float satShift, float satScale, float valShift, float valScale,
                     boolean onlyHue) {
        final float inv255 = 1f / 255f;
        int bound = SPECIES.loopBound(plane);
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int i = 0; i < bound; i += SPECIES.length()) {
            FloatVector r = FloatVector.fromArray(SPECIES, in, i).mul(inv255);
            FloatVector g = FloatVector.fromArray(SPECIES, in, plane + i).mul(inv255);
            FloatVector b = FloatVector.fromArray(SPECIES, in, 2 * plane + i).mul(inv255);
            FloatVector maxc = r.max(g).max(b);
            FloatVector minc = r.min(g).min(b);
            FloatVector cr = maxc.sub(minc);
            VectorMask<Float> grey = cr.compare(VectorOperators.EQ, 0f);
            FloatVector s = cr.div(maxc.blend(one, grey));
            FloatVector inv = one.div(cr.blend(one, grey));
            FloatVector rc = maxc.sub(r).mul(inv);
            FloatVector gc = maxc.sub(g).mul(inv);
            FloatVector bc = maxc.sub(b).mul(inv);
            FloatVector hr = bc.sub(gc);
            FloatVector hg = rc.sub(bc).add(2f);
            FloatVector hb = gc.sub(rc).add(4f);
            FloatVector h = hb.blend(hg, maxc.compare(VectorOperators.EQ, g)).blend(hr, maxc.compare(VectorOperators.EQ, r));
            h = h.mul(1f / 6f).add(1f);
            h = h.blend(h.sub(1f), h.compare(VectorOperators.GE, 1f));
            h = h.add(hueShift);
            h = h.blend(h.add(1f), h.compare(VectorOperators.LT, 0f));
            h = h.blend(h.sub(1f), h.compare(VectorOperators.GE, 1f));
            FloatVector v = maxc;
            if (!onlyHue) {
                s = s.mul(satScale).add(satShift).max(zero).min(one);
                v = v.mul(valScale).add(valShift).max(zero).min(one);
            }
            FloatVector h6 = h.mul(6f);
            FloatVector vs = v.mul(s);
            FloatVector kr = h6.add(5f);
            kr = kr.blend(kr.sub(6f), kr.compare(VectorOperators.GE, 6f));
            FloatVector kg = h6.add(3f);
            kg = kg.blend(kg.sub(6f), kg.compare(VectorOperators.GE, 6f));
            FloatVector kb = h6.add(1f);
            kb = kb.blend(kb.sub(6f), kb.compare(VectorOperators.GE, 6f));
            channel(v, vs, kr, zero, one).intoArray(out, i);
            channel(v, vs, kg, zero, one).intoArray(out, plane + i);
            channel(v, vs, kb, zero, one).intoArray(out, 2 * plane + i);
        }
        return bound;
    }

    /** 255 · max(0, v − v·s·clamp01(min(k, 4 − k))). */
    private static FloatVector channel(FloatVector v, FloatVector vs, FloatVector k, FloatVector zero, FloatVector one) {
        FloatVector ramp = k.min(k.neg().add(4f)).max(zero).min(one);
        return v.sub(vs.mul(ramp)).max(zero).mul(255f);
    }
}
