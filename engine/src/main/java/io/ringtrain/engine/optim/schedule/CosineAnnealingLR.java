package io.ringtrain.engine.optim.schedule;

/**
 * lr = η_min + (base − η_min)·(1 + cos(π·step / T_max)) / 2, the closed form of
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR}: from base at step 0 down to η_min at
 * T_max. Like PyTorch it keeps following the cosine past T_max (the lr rises again), so size
 * T_max to the run. Per step by default; wrap it in {@link PerEpoch} to anneal once per epoch.
 */
public record CosineAnnealingLR(double baseLr, long tMax, double etaMin) implements LrSchedule {
    public CosineAnnealingLR {
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be > 0, got " + tMax);
        if (!(baseLr >= 0)) throw new IllegalArgumentException("CosineAnnealingLR: baseLr must be >= 0, got " + baseLr);
    }

    /** Annealing to 0. */
    public CosineAnnealingLR(double baseLr, long tMax) {
        this(baseLr, tMax, 0.0);
    }

    @Override
    public double lrAt(long step) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}
