package io.ringtrain.jobs.models.usernets;

/** Breaks the contract: not a Module. */
public class NotAModule {
    public NotAModule() {
    }
}
