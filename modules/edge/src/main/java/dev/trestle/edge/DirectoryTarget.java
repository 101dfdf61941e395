package dev.trestle.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.translator.CanonicalForm;
import dev.trestle.translator.ObjectKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desired state as YAML files: {@code <out-dir>/<namespace>/<kind-lowercase>-<name>.yaml}, one
 * object per file. A version is written in two phases — every new file to a temporary file first
 * (nothing visible changes if that fails), then renamed into place — and the files of removed
 * objects are deleted. Files the agent did not write (not in its state) are never touched.
 */
public final class DirectoryTarget implements ApplyTarget {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryTarget.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final String cluster;

  public DirectoryTarget(Path root, String cluster) {
    this.root = root.toAbsolutePath().normalize();
    this.cluster = cluster;
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  /** The file of an object, relative to the out dir. */
  public static String relativePath(ObjectKey key) {
    return key.namespace() + "/" + key.kind().toLowerCase(Locale.ROOT) + "-" + key.name() + ".yaml";
  }

  Path file(ObjectKey key) {
    Path p = root.resolve(relativePath(key)).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IllegalArgumentException(key + ": file " + p + " would be outside " + root);
    }
    return p;
  }

  @Override
  public Map<ObjectKey, String> check(AppliedState next) {
    var seen = new HashMap<String, ObjectKey>();
    var out = new TreeMap<ObjectKey, String>();
    for (ObjectKey key : next.objects().keySet()) {
      ObjectKey other = seen.putIfAbsent(relativePath(key).toLowerCase(Locale.ROOT), key);
      if (other != null) {
        out.put(key, "same file " + relativePath(key) + " as " + other.apiVersion() + " " + other);
      }
    }
    return out;
  }

  @Override
  public void apply(
      AppliedState previous, AppliedState next, List<EdgeObject> upserts, List<ObjectKey> deletes)
      throws ApplyException {
    // Phase 1: stage every file that changes. Nothing visible has changed if this fails.
    var staged = new LinkedHashMap<Path, Path>();
    try {
      for (EdgeObject o : upserts) {
        Path target = file(o.key());
        String text = render(o);
        if (Files.isRegularFile(target)
            && Files.readString(target, StandardCharsets.UTF_8).equals(text)) {
          continue;
        }
        staged.put(target, AtomicFiles.writeTemp(target, text));
      }
    } catch (IOException | RuntimeException e) {
      discard(staged.values());
      throw new ApplyException("cannot write to " + root + ": " + e.getMessage(), e);
    }
    // Phase 2: rename into place, then delete what is gone.
    try {
      for (var e : staged.entrySet()) {
        AtomicFiles.moveInto(e.getValue(), e.getKey());
      }
      for (ObjectKey key : deletes) {
        delete(file(key));
      }
    } catch (IOException | RuntimeException e) {
      discard(staged.values());
      LOG.error(
          "writing version {} to {} failed half way ({}); restoring version {}",
          next.version(),
          root,
          e.getMessage(),
          previous.version());
      rollBack(previous, next);
      throw new ApplyException("cannot write to " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void restore(AppliedState state) throws ApplyException {
    apply(AppliedState.EMPTY, state, new ArrayList<>(state.objects().values()), List.of());
  }

  private void rollBack(AppliedState previous, AppliedState next) {
    try {
      var gone =
          next.objects().keySet().stream().filter(k -> !previous.objects().containsKey(k)).toList();
      apply(next, previous, new ArrayList<>(previous.objects().values()), gone);
    } catch (ApplyException again) {
      LOG.error(
          "could not restore version {} in {}: {}", previous.version(), root, again.getMessage());
    }
  }

  /** A header comment, then the object as YAML (the same tree as its canonical JSON). */
  String render(EdgeObject o) throws IOException {
    String yaml = CanonicalForm.yaml(JSON.readTree(o.json()));
    return "# Written by trestle edge for cluster "
        + cluster
        + "; changes here are overwritten.\n# source: "
        + (o.sourceFqn().isEmpty() ? "-" : o.sourceFqn() + " version " + o.sourceVersion())
        + "\n"
        + yaml;
  }

  private void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    Path dir = file.getParent();
    if (dir != null && !dir.equals(root)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isEmpty()) {
          Files.deleteIfExists(dir);
        }
      } catch (DirectoryNotEmptyException raced) {
        // something else wrote a file meanwhile: keep the directory
      }
    }
  }

  private static void discard(Iterable<Path> temps) {
    for (Path t : temps) {
      try {
        Files.deleteIfExists(t);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
