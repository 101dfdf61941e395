package dev.trestle.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Whole-file writes that readers never see half done: a temporary file beside, then a rename. */
final class AtomicFiles {
  static final String TEMP_PREFIX = ".trestle-tmp-";

  private AtomicFiles() {}

  static void write(Path target, String text) throws IOException {
    Path temp = writeTemp(target, text);
    try {
      moveInto(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes {@code text} to a new temporary file in {@code target}'s directory; returns it. */
  static Path writeTemp(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  static void moveInto(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
