package io.ringtrain.allreduce;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link RingCommunicator} needs. Required: {@code peers} (one {@code host:port} per
 * rank, in rank order, the same list on every rank), {@code rank} and {@code secret}. Optional
 * settings start with {@code opt} and have the defaults listed on each.
 */
public final class CommunicatorConfig {
  private final List<String> peers;
  private final int rank;
  private final byte[] secret;
  private final int generation;
  private final Duration timeout;
  private final Duration handshakeTimeout;
  private final Duration connectTimeout;
  private final int segmentBytes;
  private final int smallBufferBytes;
  private final int ioThreads;
  private final int connectionsPerPeer;
  private final InetAddress bindAddress;
  private final StepListener stepListener;
  private final RingTls tls;

  private CommunicatorConfig(Builder b) {
    this.peers = List.copyOf(b.peers);
    this.rank = b.rank;
    this.secret = b.secret.clone();
    this.generation = b.generation;
    this.timeout = b.timeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.connectTimeout = b.connectTimeout;
    this.segmentBytes = b.segmentBytes;
    this.smallBufferBytes = b.smallBufferBytes;
    this.ioThreads = b.ioThreads;
    this.connectionsPerPeer = b.connectionsPerPeer;
    this.bindAddress = b.bindAddress;
    this.stepListener = b.stepListener;
    this.tls = b.tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> peers() { return peers; }
  public int worldSize() { return peers.size(); }
  public int rank() { return rank; }
  public byte[] secret() { return secret.clone(); }
  public int generation() { return generation; }
  public Duration timeout() { return timeout; }
  public Duration handshakeTimeout() { return handshakeTimeout; }
  public Duration connectTimeout() { return connectTimeout; }
  public int segmentBytes() { return segmentBytes; }
  public int smallBufferBytes() { return smallBufferBytes; }
  public int ioThreads() { return ioThreads; }
  /** TCP connections to each neighbour, the ring's frames striped across them (see {@link Builder#optConnectionsPerPeer}). */
  public int connectionsPerPeer() { return connectionsPerPeer; }
  public StepListener stepListener() { return stepListener; }
  /** TLS for every connection, or null (the default): plain TCP, peers admitted by the HMAC handshake. */
  public RingTls tls() { return tls; }

  /** The address to listen on: the one set, else this rank's own host from {@code peers}. */
  public InetAddress bindAddress() {
    if (bindAddress != null) return bindAddress;
    try {
      return InetAddress.getByName(host(peers.get(rank)));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve this rank's host in '" + peers.get(rank) + "': " + e.getMessage(), e);
    }
  }

  static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /** Builder: {@code set*} for the required settings, {@code opt*} for the rest. */
  public static final class Builder {
    private List<String> peers;
    private int rank = -1;
    private byte[] secret;
    private int generation = 0;
    private Duration timeout = Duration.ofSeconds(60);
    private Duration handshakeTimeout = RingServer.DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration connectTimeout = Duration.ofSeconds(60);
    private int segmentBytes = 512 << 10;
    private int smallBufferBytes = 256 << 10;
    private int ioThreads = RingServer.DEFAULT_IO_THREADS;
    private int connectionsPerPeer = 1;
    private InetAddress bindAddress;
    private StepListener stepListener;
    private RingTls tls;

    /** {@code host:port} of every rank, indexed by rank; identical on every rank. */
    public Builder setPeers(List<String> peers) {
      this.peers = Objects.requireNonNull(peers);
      return this;
    }

    public Builder setRank(int rank) {
      this.rank = rank;
      return this;
    }

    /**
     * The job secret every rank proves it knows (HMAC-SHA256 key); 32 random bytes are plenty.
     * Under {@value #MIN_SECRET_BYTES} bytes logs one WARNING: a peer that records one
     * handshake of its own can guess a short or chosen secret offline.
     */
    public Builder setSecret(byte[] secret) {
      this.secret = Objects.requireNonNull(secret).clone();
      if (secret.length < MIN_SECRET_BYTES) {
        System.getLogger(CommunicatorConfig.class.getName()).log(System.Logger.Level.WARNING,
            "the job secret is " + secret.length + " bytes, under " + MIN_SECRET_BYTES
                + ": pass 32 random bytes (SecureRandom) to every rank, not a word or a short password");
      }
      return this;
    }

    /** Below this a secret is warned about (see {@link #setSecret}). */
    public static final int MIN_SECRET_BYTES = 16;

    /**
     * Ring generation, default 0: raise it each time a ring is rebuilt (a restarted job or stage
     * attempt) so that connections and frames from an earlier ring are rejected.
     */
    public Builder optGeneration(int generation) {
      this.generation = generation;
      return this;
    }

    /**
     * Longest wait for a peer during a collective, default 60 s: for a frame, or for room to
     * send. A dead or stalled peer makes every rank fail within about this long.
     */
    public Builder optTimeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * How long building the ring may take, default 60 s: every rank must have started and
     * authenticated by then (ranks that start later are retried until this passes).
     */
    public Builder optConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout);
      return this;
    }

    /** How long an incoming connection may take to authenticate, default 10 s. */
    public Builder optHandshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout);
      return this;
    }

    /**
     * Bytes per frame of the ring algorithms, default 512 KiB: the pipelining unit (4 frames in
     * flight per connection). Measured with the allreduce bench (-Dringtrain.bench.segmentBytes),
     * since payloads are combined and received in place: with four ranks on two cores 512 KiB
     * took 22.7-23.6 ms for 16 MiB of DirectFloats where 256 KiB took 26.0-37.6 (fewer frames,
     * fewer thread hand-offs), and 88-97 against 99-109 ms for 64 MiB; with two ranks 512 KiB was
     * level or faster except on 16 MiB float arrays (15.5 against 12.2 ms). 1 MiB, re-measured
     * after those changes (four ranks, three alternating pairs), was no faster and took 40-70% more
     * user CPU at 64 MiB (15.7-19.7 against 10.0-11.7 ms a rank), likely because a segment and the
     * memory it combines into no longer fit a core's 1 MiB L2. (Before those changes, 1 MiB took
     * 575-586 ms for 64 MiB at W = 2 where 256 KiB took 140-215 ms.)
     */
    public Builder optSegmentBytes(int segmentBytes) {
      this.segmentBytes = segmentBytes;
      return this;
    }

    /**
     * Buffers of at most this many bytes use recursive doubling (log2 W messages, latency
     * bound) instead of the ring (2(W-1) messages, bandwidth bound); default 256 KiB. Measured
     * with 4 JVMs on loopback (allreduce bench, --small-bytes): recursive doubling took 1.0-1.8 ms
     * from 4 to 256 KiB where the ring took 2.1-3.9 ms; at 1 MiB they were level within noise.
     * Capped at the segment size (recursive doubling sends the buffer as one frame).
     */
    public Builder optSmallBufferBytes(int smallBufferBytes) {
      this.smallBufferBytes = smallBufferBytes;
      return this;
    }

    /** Netty I/O threads, default 2. */
    public Builder optIoThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /**
     * TCP connections to every other rank, default 1, at most {@value #MAX_CONNECTIONS_PER_PEER}:
     * segment i of each ring step goes over connection i mod K, for links where one TCP stream
     * cannot fill the link (as NCCL's sockets per thread). Results are bitwise the same for every
     * K (the same frames, reduced in the same order). Every rank must use the same value: a rank
     * that dials with another is refused, naming both values.
     */
    public Builder optConnectionsPerPeer(int connectionsPerPeer) {
      this.connectionsPerPeer = connectionsPerPeer;
      return this;
    }

    /** The most connections per peer {@link #optConnectionsPerPeer} takes. */
    public static final int MAX_CONNECTIONS_PER_PEER = 16;

    /** Address to listen on, default this rank's host in {@code peers} (not the wildcard). */
    public Builder optBindAddress(InetAddress bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    /** Default none. With {@link RingCommunicator#connect}, bind the server with the same {@link RingTls}. */
    public Builder optTls(RingTls tls) {
      this.tls = tls;
      return this;
    }

    public Builder optStepListener(StepListener stepListener) {
      this.stepListener = stepListener;
      return this;
    }

    public CommunicatorConfig build() {
      if (peers == null || peers.isEmpty()) throw new IllegalArgumentException("peers is empty: give one host:port per rank");
      for (String peer : peers) {
        int colon = peer.lastIndexOf(':');
        if (colon <= 0 || colon == peer.length() - 1) throw new IllegalArgumentException("peer '" + peer + "' is not host:port");
        try {
          port(peer);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("peer '" + peer + "' has no numeric port", e);
        }
      }
      if (rank < 0 || rank >= peers.size()) {
        throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (peers.size() - 1) + " (one per peer)");
      }
      if (secret == null || secret.length == 0) {
        throw new IllegalArgumentException("no job secret: setSecret(bytes) with the same random bytes on every rank");
      }
      if (segmentBytes < 64 || segmentBytes > (64 << 20)) {
        throw new IllegalArgumentException("segmentBytes " + segmentBytes + " is outside 64 B..64 MiB");
      }
      if (smallBufferBytes < 0) throw new IllegalArgumentException("smallBufferBytes " + smallBufferBytes + " is negative");
      smallBufferBytes = Math.min(smallBufferBytes, segmentBytes);
      if (connectionsPerPeer < 1 || connectionsPerPeer > MAX_CONNECTIONS_PER_PEER) {
        throw new IllegalArgumentException("connectionsPerPeer " + connectionsPerPeer + " is outside 1.." + MAX_CONNECTIONS_PER_PEER);
      }
      if (ioThreads < 1) throw new IllegalArgumentException("ioThreads " + ioThreads + " must be at least 1");
      if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout " + timeout + " must be positive");
      return new CommunicatorConfig(this);
    }
  }
}
