package dev.trestle.cli;

/**
 * A failure to report to the user as one line on stderr ({@code error: <message>}), without a stack
 * trace. Raised for problems the user can fix: bad files, unknown names, missing parents.
 */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
