package dev.trestle.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL from the Debian binaries (/usr/lib/postgresql/N/bin, newest N): initdb
 * into a temporary directory, the socket in that directory, listening on a free 127.0.0.1 port,
 * trust authentication, durability off (the tests crash servers under test, never this one). initdb
 * and postgres refuse to run as root, so as root both run as the {@code postgres} user through
 * {@code runuser}. Stopped and deleted at JVM exit.
 */
final class LocalPostgres {
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static final long STEP_SECONDS = 90;
  private final Path dir;
  private final int port;

  private LocalPostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static LocalPostgres start() {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir;
    try {
      dir = Files.createTempDirectory("trestle-pg-");
      if (root) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot prepare a temporary directory for PostgreSQL: " + e.getMessage(), e);
    }
    Path data = dir.resolve("data");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(bin, root, dir), "trestle-test-postgres-stop"));
    run(
        root,
        dir,
        "initdb",
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"));
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      String options =
          "-p "
              + port
              + " -k "
              + dir
              + " -c listen_addresses=127.0.0.1 -c fsync=off"
              + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
      try {
        run(
            root,
            dir,
            "pg_ctl start",
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start"));
        return new LocalPostgres(dir, port);
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken between the probe and the bind: another port
      }
    }
    throw last;
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static Path binaries() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      throw new IllegalStateException("no " + DEBIAN_ROOT);
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .filter(
              v ->
                  Files.isExecutable(v.resolve("bin/initdb"))
                      && Files.isExecutable(v.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"))
          .orElseThrow(
              () -> new IllegalStateException("no initdb/pg_ctl under " + DEBIAN_ROOT + "/*/bin"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + DEBIAN_ROOT + ": " + e.getMessage(), e);
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
    }
  }

  /** Runs one command (as postgres when root), bounded; its output goes to a log in {@code dir}. */
  private static void run(boolean root, Path dir, String what, List<String> command) {
    var full = new ArrayList<String>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path log = dir.resolve(what.replace(' ', '-') + ".out");
    try {
      Process p =
          new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(STEP_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + STEP_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            what + " failed (exit " + p.exitValue() + "): " + lastLine(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).strip();
    } catch (IOException e) {
      return "no output";
    }
  }

  /** At JVM exit: immediate stop (nothing to keep), then the directory goes. */
  private static void stop(Path bin, boolean root, Path dir) {
    Path data = dir.resolve("data");
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(
            root,
            dir,
            "pg_ctl stop",
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-m",
                "immediate",
                "-w",
                "-t",
                "30",
                "stop"));
      }
    } catch (RuntimeException e) {
      System.err.println("test PostgreSQL in " + dir + " did not stop: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
