package dev.trestle.cli;

/** Process exit codes of the CLI (documented in {@code trestle --help}). */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** The command failed: bad input file, server refusal, unreachable server, ... */
  public static final int FAILURE = 1;

  /** The command line itself is wrong (picocli's usage-error code). */
  public static final int USAGE = 2;

  /** {@code diff}: differences were found (kubectl's convention). */
  public static final int DIFF_FOUND = 1;

  /** {@code diff}: it could not tell (bad input, server error, a document the server refuses). */
  public static final int DIFF_ERROR = 2;

  /** {@code status}/{@code wait}: not applied everywhere yet (timeout for wait). */
  public static final int PENDING = 3;

  private ExitCodes() {}
}
