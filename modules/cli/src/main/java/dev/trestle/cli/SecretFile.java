package dev.trestle.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@code --out-file} of the verbs that issue a secret shown only once (join tokens, principal
 * tokens): a new file, mode 0600, created before the secret is issued so that it never has nowhere
 * to go, and deleted again when issuing fails.
 */
final class SecretFile {
  private SecretFile() {}

  /**
   * Issues a secret; with a {@code file} (null: stdout), reserves it first and deletes it when
   * {@code issue} fails. An existing file is refused and never overwritten.
   */
  static <T> T issueInto(Path file, Supplier<T> issue) {
    if (file == null) {
      return issue.get();
    }
    reserve(file);
    try {
      return issue.get();
    } catch (RuntimeException e) {
      release(file);
      throw e;
    }
  }

  /**
   * Writes the issued secret into the reserved file; when that fails, says what was issued ({@code
   * what}) and how to revoke it ({@code revokeCommand}), never the secret.
   */
  static void write(Path file, String secret, String what, String revokeCommand) {
    try {
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          what
              + " was issued but could not be written to "
              + file
              + " ("
              + e.getMessage()
              + "); revoke it: "
              + revokeCommand,
          e);
    }
  }

  private static void reserve(Path file) {
    try {
      CliConfigFile.createPrivate(file);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(file + " already exists; nothing was issued (choose a new file)");
    } catch (IOException e) {
      throw new CliException(
          "cannot create " + file + ": " + e.getMessage() + "; nothing was issued", e);
    }
  }

  private static void release(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // best effort: it is empty
    }
  }
}
