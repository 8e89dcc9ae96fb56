package io.ringtrain.allreduce.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringtrain.allreduce.CollectiveException;
import io.ringtrain.allreduce.CommunicatorConfig;
import io.ringtrain.allreduce.LoopbackRing;
import io.ringtrain.allreduce.ReduceOp;
import io.ringtrain.allreduce.RingCommunicator;
import io.ringtrain.allreduce.RingServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strangers on a ring member's port: each is closed by the server (read sees end of stream)
 * within the handshake timeout the test ring uses (5 s), the rejection is counted, and the ring
 * then completes an all-reduce as if nothing had happened.
 */
class HandshakeAttackTest {
  private static final int WORLD = 3;
  private static final int READ_LIMIT_MILLIS = (int) LoopbackRing.HANDSHAKE_TIMEOUT.toMillis() + 5000; // plus slack
  private static LoopbackRing ring;

  @BeforeAll
  static void startRing() {
    ring = LoopbackRing.start(WORLD);
  }

  @AfterAll
  static void stopRing() {
    ring.close();
  }

  @Test
  void aClientThatNeverAuthenticatesIsClosedAtTheHandshakeTimeout() throws IOException {
    assertRejected(out -> {});
  }

  @Test
  void randomBytesAreRejected() throws IOException {
    byte[] garbage = new byte[1000];
    new Random(7).nextBytes(garbage);
    garbage[0] = 0; // a small length prefix, so the garbage reaches the HELLO check
    garbage[1] = 0;
    garbage[2] = 0;
    garbage[3] = 60;
    assertRejected(out -> write(out, garbage));
  }

  @Test
  void aTruncatedFrameIsRejected() throws IOException {
    assertRejected(out -> write(out, new byte[] {0, 0, 0, 100, Handshake.HELLO, 1, 2, 3}));
  }

  @Test
  void aFrameClaimingTwoGibibytesIsRejectedWithoutAllocating() throws IOException {
    assertRejected(out -> write(out, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4}));
  }

  @Test
  void aClientWithTheWrongSecretIsRejected() throws IOException {
    assertRejected((out, in) -> respond(out, in, "not-the-job-secret".getBytes(StandardCharsets.US_ASCII), 0));
  }

  @Test
  void aClientOfAnEarlierGenerationIsRejected() throws IOException {
    assertRejected((out, in) -> respond(out, in, LoopbackRing.SECRET, -1));
  }

  @Test
  void aClientThatProvedTheKeyHearsWhyItIsRefused() throws IOException {
    assertRejected((out, in) -> {
      respond(out, in, LoopbackRing.SECRET, -1);
      assertRefused(in, "generation -1 is earlier");
    });
  }

  @Test
  void aStrangerOfAnEarlierGenerationHearsNoReason() throws IOException {
    assertRejected((out, in) -> {
      respond(out, in, "not-the-job-secret".getBytes(StandardCharsets.US_ASCII), -1);
      assertEquals(-1, in.read(), "a stranger was told something after its wrong RESPONSE");
    });
  }

  @Test
  void aClientWithTheRightSecretClaimingALiveRankIsClosedWithoutAnAccept() throws IOException {
    // rank 2 is connected: the server checks for a duplicate before it accepts, so the impostor
    // (who knows the secret) reads end of stream where ACCEPT would be
    long rejectedBefore = ring.rank(0).rejectedConnections();
    int port = ring.rank(0).boundPort();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(READ_LIMIT_MILLIS);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      respond(new DataOutputStream(socket.getOutputStream()), in, LoopbackRing.SECRET, 0);
      assertRefused(in, "already connected");
      assertEquals(-1, in.read(), "the server answered a duplicate of a live rank");
    }
    assertTrue(ring.rank(0).rejectedConnections() > rejectedBefore, "the server did not count a rejection");
    assertRingStillWorks();
  }

  @Test
  void anImpostorCommunicatorClaimingALiveRankFailsToConnect() {
    List<String> peers = new ArrayList<>();
    for (int r = 0; r < WORLD; r++) peers.add(InetAddress.getLoopbackAddress().getHostAddress() + ":" + ring.rank(r).boundPort());
    RingServer impostorServer = RingServer.bind(InetAddress.getLoopbackAddress(), 0, 1, LoopbackRing.HANDSHAKE_TIMEOUT);
    peers.set(2, InetAddress.getLoopbackAddress().getHostAddress() + ":" + impostorServer.boundPort());
    CommunicatorConfig impostor =
        CommunicatorConfig.builder().setPeers(peers).setRank(2).setSecret(LoopbackRing.SECRET).optConnectTimeout(Duration.ofSeconds(2)).build();
    try {
      RingCommunicator connected = RingCommunicator.connect(impostorServer, impostor);
      connected.close();
      fail("a second rank 2 connected to a live ring");
    } catch (CollectiveException expected) {
      assertTrue(expected.getMessage().contains("could not connect to rank 0"), expected.getMessage());
    }
    assertRingStillWorks();
  }

  /**
   * Sends HELLO as rank 2 to rank 0 of {@code generation}, reads the challenge (the same whatever
   * the generation), answers with a MAC under {@code secret}.
   */
  private static void respond(DataOutputStream out, DataInputStream in, byte[] secret, int generation) throws IOException {
    byte[] nonceC = Handshake.nonce();
    out.writeInt(Handshake.HELLO_BYTES);
    out.writeByte(Handshake.HELLO);
    out.writeInt(Handshake.MAGIC);
    out.writeByte(Handshake.VERSION);
    out.writeInt(generation);
    out.writeInt(WORLD);
    out.writeInt(2);
    out.writeInt(0);
    out.writeInt(0); // connection 0
    out.writeInt(1); // of one per peer
    out.write(nonceC);
    out.flush();
    assertEquals(Handshake.CHALLENGE_BYTES, in.readInt());
    assertEquals(Handshake.CHALLENGE, in.readByte());
    byte[] nonceS = in.readNBytes(Handshake.NONCE_BYTES);
    byte[] mac = Handshake.mac(secret, Handshake.CLIENT_SIDE, Handshake.Purpose.RING, generation, WORLD, 2, 0, 0, 1, nonceC, nonceS);
    out.writeInt(Handshake.RESPONSE_BYTES);
    out.writeByte(Handshake.RESPONSE);
    out.write(mac);
    out.flush();
  }

  /** Reads one frame and checks it is REFUSED with a reason containing {@code expected}. */
  private static void assertRefused(DataInputStream in, String expected) throws IOException {
    int length = in.readInt();
    assertTrue(length > 1 && length <= Handshake.MAX_FRAME_BYTES, "frame length " + length);
    assertEquals(Handshake.REFUSED, in.readByte());
    String reason = new String(in.readNBytes(length - 1), StandardCharsets.UTF_8);
    assertTrue(reason.contains(expected), reason);
  }

  private interface Attack {
    void run(DataOutputStream out, DataInputStream in) throws IOException;
  }

  private static void assertRejected(Consumer<DataOutputStream> simpleAttack) throws IOException {
    assertRejected((out, in) -> simpleAttack.accept(out));
  }

  private static void assertRejected(Attack attack) throws IOException {
    long rejectedBefore = ring.rank(0).rejectedConnections();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ring.rank(0).boundPort())) {
      socket.setSoTimeout(READ_LIMIT_MILLIS);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      attack.run(out, in);
      assertClosedByServer(in);
    }
    assertTrue(ring.rank(0).rejectedConnections() > rejectedBefore, "the server did not count a rejection");
    assertRingStillWorks();
  }

  private static void assertClosedByServer(InputStream in) throws IOException {
    try {
      while (true) {
        if (in.read() < 0) return;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + READ_LIMIT_MILLIS + " ms");
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
  }

  private static void assertRingStillWorks() {
    List<float[]> results = ring.onEveryRank(c -> {
      float[] buf = {c.rank(), 1f};
      c.allReduce(buf, ReduceOp.SUM);
      return buf;
    });
    for (float[] result : results) assertArrayEquals(new float[] {0 + 1 + 2, WORLD}, result);
  }

  private static void write(DataOutputStream out, byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // the server may close before reading everything; that is a rejection, checked by the caller
    }
  }
}
