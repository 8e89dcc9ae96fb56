package io.ringtrain.jobs.data.formats;

/**
 * A registered format's name, as it prints and as config files write it. Formats travel inside
 * training settings by Java serialisation; reading one back gives the registered instance, so a
 * format is one object however it arrived.
 */
abstract class NamedFormat implements DataFormat {
    private final String name;

    NamedFormat(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String toString() {
        return name;
    }

    protected final Object readResolve() {
        return DataFormats.find(name).orElseThrow(() -> new IllegalStateException("no data format named " + name + " is registered"));
    }
}
