package dev.trestle.app;

/** Entry point of {@code trestle server}. (being written) */
public final class TrestleServer {
  private TrestleServer() {}

  /** Starts central and blocks until it has shut down; returns the process exit code. */
  public static int run(ServerArgs args) {
    throw new UnsupportedOperationException("server not written yet");
  }
}
