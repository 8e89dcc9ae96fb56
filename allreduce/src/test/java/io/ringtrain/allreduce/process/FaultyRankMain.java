package io.ringtrain.allreduce.process;

import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One rank of a fault-injection run (see RankFailureIT). Arguments: {@code rank world timeoutMillis
 * elements iterations victimRank fault phase sequence}, fault one of {@code halt} (the JVM dies at
 * once, as under SIGKILL), {@code stall} (the collective thread stops, I/O threads go on) or
 * {@code sigstop} (the whole JVM is stopped by the kernel). The victim injects the fault when
 * collective {@code sequence} enters step 1 of {@code phase}, after printing {@code FAULT <millis>}.
 *
 * <p>Prints {@code DONE} when every all-reduce succeeded, or {@code FAILED <millis> <message>}.
 */
public final class FaultyRankMain {
  public static void main(String[] args) throws Exception {
    int rank = Integer.parseInt(args[0]);
    int world = Integer.parseInt(args[1]);
    long timeoutMillis = Long.parseLong(args[2]);
    int elements = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    int victim = Integer.parseInt(args[5]);
    String fault = args[6];
    String faultPhase = args[7];
    long faultSequence = Long.parseLong(args[8]);

    RingServer server = RingServer.bind(InetAddress.getLoopbackAddress(), 0);
    System.out.println("PORT " + server.boundPort());
    System.out.flush();
    List<String> peers = RankProcesses.readPeers();
    CommunicatorConfig config =
        CommunicatorConfig.builder()
            .setPeers(peers)
            .setRank(rank)
            .setSecret("fault-test-secret".getBytes(StandardCharsets.US_ASCII))
            .optTimeout(Duration.ofMillis(timeoutMillis))
            .optStepListener((op, sequence, phase, step) -> {
              if (rank == victim && sequence == faultSequence && phase.equals(faultPhase) && step == 1) inject(fault);
            })
            .build();
    try (RingCommunicator communicator = RingCommunicator.connect(server, config)) {
      float[] buf = new float[elements];
      for (int i = 0; i < iterations; i++) {
        java.util.Arrays.fill(buf, rank);
        communicator.allReduce(buf, ReduceOp.SUM);
      }
      System.out.println("DONE");
    } catch (CollectiveException e) {
      System.out.println("FAILED " + System.currentTimeMillis() + " " + e.getMessage().replace('\n', ' '));
    }
    System.out.flush();
    System.exit(0);
  }

  private static void inject(String fault) {
    System.out.println("FAULT " + System.currentTimeMillis());
    System.out.flush();
    try {
      switch (fault) {
        case "halt" -> Runtime.getRuntime().halt(137);
        case "stall" -> Thread.sleep(Long.MAX_VALUE);
        case "sigstop" -> new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
        default -> throw new IllegalArgumentException("unknown fault " + fault);
      }
    } catch (InterruptedException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
