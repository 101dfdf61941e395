package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, points 6 and 11, with a real server process: SIGTERM is a clean stop (exit 0, the
 * stopped line logged, no warnings from pollers racing the closing pool), the data directory and
 * its files are private to the server's user whatever the umask, and restarts leave no H2 trace.
 */
class ServerStopAndDataFilesIT {

  @Test
  void sigtermStopsCleanlyAndDataFilesArePrivate() throws IOException {
    Path work = TrestleRuntime.newWorkDir(getClass().getSimpleName());
    Path data = work.resolve("fresh/data");
    Path configHome = work.resolve("config-home");
    Files.createDirectories(configHome);
    for (int start = 1; start <= 2; start++) {
      Path log = work.resolve("server-" + start + ".log");
      ServerProcess server = ServerProcess.start(data, log, configHome);
      assertThat(server.stop()).as("ended by itself after SIGTERM").isTrue();
      String out = Files.readString(log);
      assertThat(server.exitCode()).as(out).isZero();
      assertThat(out).as(out).contains("Trestle central stopped");
      assertThat(out).as(out).doesNotContain("pool has been closed");
    }
    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(data.resolve("trestle.mv.db"))).isEqualTo("rw-------");
    Path trace = data.resolve("trestle.trace.db");
    assertThat(Files.exists(trace) ? Files.readString(trace) : "")
        .as("H2 trace after two starts")
        .isEmpty();
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
