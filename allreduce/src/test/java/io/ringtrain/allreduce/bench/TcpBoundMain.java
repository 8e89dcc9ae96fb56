package io.ringtrain.allreduce.bench;

import io.ringtrain.allreduce.process.RankProcesses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The loopback TCP bound: rank 1 streams {@code args[1]} MiB to rank 0 over one plain socket with
 * 1 MiB direct buffers; rank 0 prints {@code TCP bytes nanos}, timed from the first byte received
 * to the last. No framing, no copies beyond the kernel's: what a single connection can carry.
 */
public final class TcpBoundMain {
  public static void main(String[] args) throws Exception {
    int rank = Integer.parseInt(args[0]);
    long bytes = Long.parseLong(args[1]) << 20;
    ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
    if (rank == 0) {
      try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        System.out.println("PORT " + ((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        RankProcesses.readPeers();
        try (SocketChannel in = server.accept()) {
          long received = 0;
          long start = 0;
          while (received < bytes) {
            chunk.clear();
            int n = in.read(chunk);
            if (n < 0) throw new IllegalStateException("sender closed after " + received + " bytes");
            if (received == 0) start = System.nanoTime();
            received += n;
          }
          System.out.println("TCP " + bytes + " " + (System.nanoTime() - start));
        }
      }
    } else {
      System.out.println("PORT 0");
      System.out.flush();
      List<String> peers = RankProcesses.readPeers();
      String target = peers.get(0);
      int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
      try (SocketChannel out = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        for (long sent = 0; sent < bytes; ) {
          chunk.clear();
          chunk.limit((int) Math.min(chunk.capacity(), bytes - sent));
          while (chunk.hasRemaining()) sent += out.write(chunk);
        }
      }
    }
    System.out.println("DONE");
    System.out.flush();
    System.exit(0);
  }
}
