package dev.trestle.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds configuration, the audit log and token hashes: only the server's user
 * may read it. A directory this server creates gets mode 0700 and the files created in it at this
 * start (the H2 database, its trace file) 0600, set explicitly so the umask does not matter. A
 * directory or file that already exists with wider permissions is left as the operator made it,
 * with a warning at every start.
 */
public final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final Set<Path> existing;

  private DataDirectory(Path dir, Set<Path> existing) {
    this.dir = dir;
    this.existing = existing;
  }

  /** Creates the directory (0700) when missing, warns when an existing one is open to others. */
  public static DataDirectory prepare(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      restrict(dir, DIRECTORY);
    } else {
      warnIfOpen(dir, "directory");
    }
    var existing = new HashSet<Path>();
    for (Path f : regularFiles(dir)) {
      existing.add(f);
      warnIfOpen(f, "file");
    }
    return new DataDirectory(dir, existing);
  }

  /** Gives the files created since {@link #prepare} mode 0600. */
  public void restrictNewFiles() throws IOException {
    for (Path f : regularFiles(dir)) {
      if (!existing.contains(f)) {
        restrict(f, FILE);
        existing.add(f);
      }
    }
  }

  private static Set<Path> regularFiles(Path dir) throws IOException {
    var files = new HashSet<Path>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(Files::isRegularFile).forEach(files::add);
    }
    return files;
  }

  private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
    if (Files.getFileAttributeView(p, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(p, mode);
    }
  }

  private static void warnIfOpen(Path p, String what) throws IOException {
    if (Files.getFileAttributeView(p, PosixFileAttributeView.class) == null) {
      return; // not a POSIX file system
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
    var open = new HashSet<>(mode);
    open.retainAll(
        Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE));
    if (!open.isEmpty()) {
      LOG.warn(
          "data {} {} has mode {}: other local users may read it (configuration, audit log, token"
              + " hashes); chmod {} {}",
          what,
          p,
          PosixFilePermissions.toString(mode),
          what.equals("directory") ? "700" : "600",
          p);
    }
  }
}
