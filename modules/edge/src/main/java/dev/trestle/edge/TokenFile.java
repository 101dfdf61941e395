package dev.trestle.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the join token; messages name the file, never the token. */
public final class TokenFile {
  private TokenFile() {}

  public static String read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("token file " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "token file " + file + ": cannot read: " + e.getClass().getSimpleName());
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("token file " + file + " is empty");
    }
    if (text.lines().count() > 1) {
      throw new IllegalArgumentException("token file " + file + " has more than one line");
    }
    return text;
  }
}
