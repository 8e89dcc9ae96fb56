package io.ringtrain.allreduce.ring;

import io.netty.buffer.ByteBuf;
import io.ringtrain.allreduce.transport.CollectiveHeader;
import io.ringtrain.allreduce.transport.DataFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Broadcast along a binomial tree rooted at {@code root}, segmented so that a rank forwards
 * segment i to its children while segment i+1 is on its way: ⌈log2 W⌉ hops of latency, and each
 * rank forwards the buffer at most ⌈log2 W⌉ times.
 *
 * <p>With v = (rank − root) mod W, the parent is v with its lowest set bit cleared; the children
 * are v + 2^j for every 2^j below that bit (all 2^j &lt; W for the root), largest subtree first.
 */
public final class TreeBroadcast {
  private TreeBroadcast() {}

  public static void run(CollectiveRun run, ElementBuffer buffer, int root) {
    Tree tree = Tree.of(run.rank(), run.worldSize(), root);
    int n = buffer.length();
    int width = buffer.type().width();
    int segmentElements = Math.max(1, run.segmentBytes() / width);
    int segments = RingAllReduce.segments(n, segmentElements);
    run.enterStep("broadcast", 0);
    for (int i = 0; i < segments; i++) {
      int from = i * segmentElements;
      int count = Math.min(segmentElements, n - from);
      if (tree.parent >= 0) {
        DataFrame frame = run.receive(tree.parent, 0, i, (long) count * width);
        try {
          buffer.copyFrom(frame.payload(), from, count);
        } finally {
          frame.release();
        }
      }
      if (!tree.children.isEmpty()) sendToChildren(run, tree, run.header(), i, buffer.encode(run, from, count));
    }
  }

  /** Root's bytes on every rank; ranks other than root learn the length from the first frame. */
  public static byte[] runBytes(CollectiveRun run, byte[] rootBytes, int root) {
    Tree tree = Tree.of(run.rank(), run.worldSize(), root);
    int segmentBytes = run.segmentBytes();
    byte[] bytes = tree.parent < 0 ? rootBytes : null;
    int length = bytes == null ? -1 : bytes.length; // at the others, announced by the first frame
    int segments = bytes == null ? 1 : RingAllReduce.segments(length, segmentBytes);
    run.enterStep("broadcast", 0);
    for (int i = 0; i < segments; i++) {
      if (tree.parent >= 0) {
        long expected = bytes == null ? -1 : Math.min(segmentBytes, length - (long) i * segmentBytes);
        DataFrame frame = run.receive(tree.parent, 0, i, expected);
        try {
          if (bytes == null) {
            long announced = frame.header().count();
            if (announced < 0 || announced > Integer.MAX_VALUE - 8 || frame.payload().readableBytes() != Math.min(segmentBytes, announced)) {
              throw run.protocolError(tree.parent, "a broadcast of " + announced + " bytes whose first frame carries " + frame.payload().readableBytes());
            }
            length = (int) announced;
            bytes = new byte[0];
            segments = RingAllReduce.segments(length, segmentBytes);
          }
          bytes = room(bytes, i * segmentBytes + frame.payload().readableBytes(), length);
          frame.payload().getBytes(frame.payload().readerIndex(), bytes, i * segmentBytes, frame.payload().readableBytes());
        } finally {
          frame.release();
        }
      }
      if (!tree.children.isEmpty()) {
        int from = i * segmentBytes;
        int count = Math.min(segmentBytes, length - from);
        sendToChildren(run, tree, run.header().withCount(length), i, run.allocate(count).writeBytes(bytes, from, count));
      }
    }
    return bytes;
  }

  /**
   * {@code bytes}, or a copy grown (doubling, capped at {@code length}) to hold at least {@code
   * needed}: a received block grows with the bytes that came, not with the length a peer announced.
   */
  static byte[] room(byte[] bytes, int needed, int length) {
    if (bytes.length >= needed) return bytes;
    return Arrays.copyOf(bytes, (int) Math.min(length, Math.max(needed, 2L * bytes.length)));
  }

  /** Sends one payload to every child: each send owns one reference, the last one the original. */
  private static void sendToChildren(CollectiveRun run, Tree tree, CollectiveHeader frameHeader, int segment, ByteBuf payload) {
    for (int c = 0; c < tree.children.size(); c++) {
      ByteBuf forChild = c == tree.children.size() - 1 ? payload : payload.retainedDuplicate();
      run.send(tree.children.get(c), 0, segment, frameHeader, forChild);
    }
  }

  private static final class Tree {
    int parent = -1;
    final List<Integer> children = new ArrayList<>();

    static Tree of(int rank, int world, int root) {
      Tree tree = new Tree();
      int v = Math.floorMod(rank - root, world);
      int mask = 1;
      while (mask < world) {
        if ((v & mask) != 0) {
          tree.parent = (v - mask + root) % world;
          break;
        }
        mask <<= 1;
      }
      for (int m = mask >> 1; m > 0; m >>= 1) {
        if (v + m < world) tree.children.add((v + m + root) % world);
      }
      return tree;
    }
  }
}
