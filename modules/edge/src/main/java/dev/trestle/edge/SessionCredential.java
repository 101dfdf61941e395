package dev.trestle.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The agent's own join token, {@code <state-dir>/session.token} (mode 0600): when the agent joined
 * with a single-use bootstrap token, central consumed that token and sent a replacement in its
 * Welcome. The agent presents this credential on every later connect instead of {@code
 * --token-file}; when central refuses it (revoked), the agent deletes it and falls back to the
 * token file. Messages name the file, never the token.
 */
final class SessionCredential {
  static final String FILE_NAME = "session.token";

  private final Path file;

  SessionCredential(Path stateDir) {
    this.file = stateDir.resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  /** A token to present, and whether it is this agent's own; never prints the token. */
  record Presented(String token, boolean own) {
    @Override
    public String toString() {
      return own ? "the agent's own token" : "the token file's token";
    }
  }

  /**
   * What the agent presents to central, on the sync stream and with telemetry reports alike: its
   * own token when it has one (the token file's single-use token is spent then), else the token
   * file's; throws {@link IllegalArgumentException} naming the file when that cannot be read.
   */
  Presented current(Path tokenFile) {
    return read()
        .map(own -> new Presented(own, true))
        .orElseGet(() -> new Presented(TokenFile.read(tokenFile), false));
  }

  /** Empty when there is none (or it cannot be read: the token file is then used). */
  Optional<String> read() {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(TokenFile.read(file));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Writes the credential atomically, readable only by this user. */
  void save(String token) throws IOException {
    Path temp = AtomicFiles.writeTemp(file, token + "\n");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // not a POSIX file system: the directory's own protection applies
      }
      AtomicFiles.moveInto(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void discard() throws IOException {
    Files.deleteIfExists(file);
  }
}
