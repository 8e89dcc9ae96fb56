package io.ringtrain.jobs.progress;

import io.ringtrain.trainer.loop.JsonLinesMetrics;
import io.ringtrain.trainer.loop.TrainingListener;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Rank 0's end of the progress channel: proves the job secret, then forwards step and epoch reports
 * as JSON lines. Progress is a convenience: if the driver cannot be reached, training goes on and a
 * warning is logged once.
 */
public final class ProgressClient implements TrainingListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProgressClient.class.getName());
    private Socket socket;
    private JsonLinesMetrics lines;

    public ProgressClient(String hostPort, byte[] secret) {
        try {
            int colon = hostPort.lastIndexOf(':');
            Socket s = new Socket();
            s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 10_000);
            SecretHandshake.respond(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()), secret);
            this.socket = s;
            this.lines = new JsonLinesMetrics(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot report progress to the driver at " + hostPort + " (" + e.getMessage() + "); training continues");
        }
    }

    @Override
    public void onStep(StepReport r) {
        forward(() -> lines.onStep(r));
    }

    @Override
    public void onEpochEnd(EpochReport r) {
        forward(() -> lines.onEpochEnd(r));
    }

    private void forward(Runnable send) {
        if (lines == null) return;
        try {
            send.run();
        } catch (RuntimeException e) {
            LOG.warning("progress channel to the driver broke (" + e.getMessage() + "); training continues");
            lines = null;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
