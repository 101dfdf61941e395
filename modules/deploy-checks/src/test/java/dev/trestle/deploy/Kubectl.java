package dev.trestle.deploy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * kubectl, when it is on PATH. Only `kubectl kustomize` works without an API server: `apply
 * --dry-run=client` and `create --dry-run=client` both ask the server for its API groups (REST
 * mapping) and fail with "connection refused" when there is none, even with --validate=false.
 */
final class Kubectl {
  record Result(int exitCode, String output) {}

  private Kubectl() {}

  /** `kubectl kustomize DIR`, or null when kubectl is not installed. */
  static Result kustomize(Path dir) throws Exception {
    Path kubectl = find();
    if (kubectl == null) {
      return null;
    }
    Path out = Files.createTempFile("kustomize", ".yaml");
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
