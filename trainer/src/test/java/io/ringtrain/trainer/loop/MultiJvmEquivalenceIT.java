package io.ringtrain.trainer.loop;

import io.ringtrain.engine.Tensor;
import io.ringtrain.engine.io.SafeTensors;
import io.ringtrain.trainer.EquivalenceModels;
import io.ringtrain.trainer.LocalRing;
import io.ringtrain.trainer.ReplicaProcessMain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The equivalence of {@link ModelEquivalenceTest} with each replica in its own JVM (2 processes). */
class MultiJvmEquivalenceIT {
    @ParameterizedTest
    // SMALL_RESNET is chaotic over the 20 steps compared here (see ModelEquivalenceTest); its 5-step check runs in threads
    @EnumSource(value = EquivalenceModels.class, names = "SMALL_RESNET", mode = EnumSource.Mode.EXCLUDE)
    void replicasInSeparateJvmsEqualOneReplicaWithTheGlobalBatch(EquivalenceModels kind, @TempDir Path tmp) throws Exception {
        int world = 2;
        List<String> peers = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                peers.add("127.0.0.1:" + probe.getLocalPort());
            }
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector", "-Dringtrain.threads=1",
                    "-cp", System.getProperty("java.class.path"), ReplicaProcessMain.class.getName(), kind.name(), Integer.toString(r),
                    Integer.toString(ModelEquivalenceTest.GLOBAL_BATCH / world), tmp.resolve("rank" + r + ".safetensors").toString()));
            cmd.addAll(peers);
            processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("rank" + r + ".log").toFile()).start());
        }
        for (int r = 0; r < world; r++) {
            assertTrue(processes.get(r).waitFor(180, TimeUnit.SECONDS), "rank " + r + " finished");
            assertEquals(0, processes.get(r).exitValue(), "rank " + r + " exit code; log: " + java.nio.file.Files.readString(tmp.resolve("rank" + r + ".log")));
        }
        Map<String, Tensor> single = LocalRing.run(1, comm -> ModelEquivalenceTest.train(kind, comm,
                kind.data(ModelEquivalenceTest.STEPS * ModelEquivalenceTest.GLOBAL_BATCH - 5, 17), ModelEquivalenceTest.GLOBAL_BATCH)).get(0);
        Map<String, Tensor> rank0 = SafeTensors.read(tmp.resolve("rank0.safetensors")).tensors();
        Map<String, Tensor> rank1 = SafeTensors.read(tmp.resolve("rank1.safetensors")).tensors();
        single.forEach((name, t) -> {
            TrainerEquivalenceTest.assertRelativelyClose(kind + " " + name, t.toArray(), rank0.get(name).toArray());
            assertArrayEquals(rank0.get(name).toArray(), rank1.get(name).toArray(), "both JVMs hold the same " + name);
        });
    }

}
