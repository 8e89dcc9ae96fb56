package io.ringtrain.allreduce;

/** Picks the communicator for a configuration: free for a world of one, Netty ring otherwise. */
public final class Communicators {
  private Communicators() {}

  public static Communicator open(CommunicatorConfig config) {
    return config.worldSize() == 1 ? new LocalCommunicator() : RingCommunicator.create(config);
  }
}
