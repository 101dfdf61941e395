package dev.trestle.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * A bearer token and where it came from ({@code --token-file F}, {@code $TRESTLE_TOKEN}, the CLI
 * config). Only {@link #token()} reveals the secret; {@link #toString()} and every message name the
 * source, never the value.
 */
public final class Credential {
  static final String MALFORMED = "not a token (expected one line of printable ASCII, no spaces)";
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private final String token;
  private final String source;

  private Credential(String token, String source) {
    this.token = token;
    this.source = source;
  }

  /** A token given as text; {@code source} says where from, for messages. */
  static Credential of(String text, String source) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new CliException("the token from " + source + " is empty");
    }
    if (!wellFormed(t)) {
      throw new CliException("the token from " + source + " is " + MALFORMED);
    }
    return new Credential(t, source);
  }

  /** The token in {@code file} (surrounding whitespace ignored). */
  static Credential fromFile(Path file, String source) {
    try {
      if (Files.isDirectory(file)) {
        throw new CliException("token file " + file + " is a directory");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new CliException("token file " + file + " is too large to hold a token");
      }
      return of(Files.readString(file, StandardCharsets.UTF_8), source);
    } catch (NoSuchFileException e) {
      throw new CliException("token file " + file + ": no such file");
    } catch (IOException e) {
      throw new CliException("token file " + file + ": cannot read: " + e.getMessage());
    }
  }

  /** One line of printable ASCII without spaces: what an HTTP/2 header value may carry. */
  static boolean wellFormed(String token) {
    if (token.isEmpty()) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  String token() {
    return token;
  }

  /** Where the token came from: {@code --token-file data/admin.token}, {@code $TRESTLE_TOKEN}. */
  String source() {
    return source;
  }

  /**
   * The principal and token id a Trestle token names ({@code trst.<base64url(principal)>.<id>.<
   * secret>}), for hints such as how to revoke it; empty for any other shape.
   */
  Optional<TokenName> name() {
    String[] parts = token.split("\\.");
    if (parts.length != 4 || !parts[0].equals("trst")) {
      return Optional.empty();
    }
    try {
      String principal =
          new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      if (!principal.matches("(users|serviceaccounts)/[a-z0-9]([-a-z0-9]*[a-z0-9])?")
          || !parts[2].matches("[0-9a-f]{1,32}")) {
        return Optional.empty();
      }
      return Optional.of(new TokenName(principal, parts[2]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The public parts of a token: whose it is and its id. */
  record TokenName(String principal, String tokenId) {}

  @Override
  public String toString() {
    return "token from " + source;
  }
}
