package io.ringtrain.jobs.models.usernets;

import io.ringtrain.engine.nn.Module;

/** Breaks the contract: its only constructor takes a String. */
public class StringArgNet extends Module {
    public StringArgNet(String name) {
    }
}
