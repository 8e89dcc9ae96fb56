package io.ringtrain.trainer;

import io.ringtrain.allreduce.Communicator;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.trainer.loop.ModelEquivalenceTest;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One replica in its own JVM, for the multi-process equivalence test:
 * {@code ReplicaProcessMain MODEL RANK PERRANKBATCH OUT host:port...}. Trains like
 * {@link ModelEquivalenceTest} and writes the final state dict to OUT.
 */
public final class ReplicaProcessMain {
    public static void main(String[] args) throws Exception {
        EquivalenceModels kind = EquivalenceModels.valueOf(args[0]);
        int rank = Integer.parseInt(args[1]);
        int perRankBatch = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        List<String> peers = List.of(args).subList(4, args.length);
        int port = Integer.parseInt(peers.get(rank).substring(peers.get(rank).lastIndexOf(':') + 1));
        RingServer server = RingServer.bind(InetAddress.getLoopbackAddress(), port);
        CommunicatorConfig config = CommunicatorConfig.builder().setPeers(peers).setRank(rank)
                .setSecret("multi-jvm-test".getBytes(StandardCharsets.UTF_8)).optTimeout(Duration.ofSeconds(60)).build();
        try (Communicator comm = RingCommunicator.connect(server, config)) {
            var data = kind.data(ModelEquivalenceTest.STEPS * ModelEquivalenceTest.GLOBAL_BATCH - 5, 17);
            Map<String, io.ringtrain.engine.Tensor> state = ModelEquivalenceTest.train(kind, comm, data, perRankBatch);
            SafeTensors.write(out, state, Map.of("rank", Integer.toString(rank)));
        }
        System.exit(0);
    }
}
