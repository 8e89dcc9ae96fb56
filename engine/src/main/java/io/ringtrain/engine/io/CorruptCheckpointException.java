package io.ringtrain.engine.io;

import java.io.IOException;

/** A checkpoint whose files do not match the sizes and checksums recorded when it was written. */
public final class CorruptCheckpointException extends IOException {
    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
