package io.ringtrain.jobs.retrain;

/**
 * Test hook: with {@code -Dringtrain.retrain.failAt=POINT} the retraining run stops at that point,
 * by {@code Runtime.halt} (a killed process: no finally blocks, no shutdown hooks) or, with
 * {@code -Dringtrain.retrain.failMode=throw}, by an exception. Points, in order: {@code train} (model
 * trained, nothing registered), {@code version} (candidate folder written), {@code promote} (new
 * champion pointer written to its temporary name, not yet renamed), {@code record} (pointer renamed,
 * run not yet recorded).
 */
final class FaultInjection {
    static final String PROPERTY = "ringtrain.retrain.failAt";
    static final int HALT_STATUS = 86;

    private FaultInjection() {}

    static void at(String point) {
        if (!point.equals(System.getProperty(PROPERTY))) return;
        System.err.println("ringtrain retrain: fault injected at '" + point + "' (" + PROPERTY + ")");
        System.err.flush();
        if ("throw".equals(System.getProperty("ringtrain.retrain.failMode"))) throw new IllegalStateException("fault injected at " + point);
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
