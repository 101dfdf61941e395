package dev.trestle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Edits of the CLI config by {@code login} and {@code logout}: the other keys are kept (comments
 * are not), and the file is replaced atomically with mode 0600, since it may hold a token.
 */
final class CliConfigFile {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  private CliConfigFile() {}

  /** The file's keys in order; empty when it does not exist. Refuses a file it cannot read. */
  static ObjectNode read(Path file) {
    if (!Files.exists(file)) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      CliConfig.parse(text, file.toString()); // the same checks as every other verb
      JsonNode tree = YAML.readTree(text);
      return tree instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    } catch (IOException e) {
      throw new CliException("CLI config " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads {@code file}, applies {@code edit}, writes it back 0600 (parent directories 0700). */
  static void update(Path file, Consumer<ObjectNode> edit) {
    ObjectNode tree = read(file);
    edit.accept(tree);
    write(file, ordered(tree));
  }

  /** The known keys in the documented order, then anything else as it was. */
  private static ObjectNode ordered(ObjectNode tree) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : CliConfig.KEYS) {
      if (tree.has(key)) {
        out.set(key, tree.get(key));
      }
    }
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!out.has(key)) {
        out.set(key, tree.get(key));
      }
    }
    return out;
  }

  static void write(Path file, ObjectNode tree) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    String text;
    try {
      text = tree.isEmpty() ? "" : YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Path temp = null;
    try {
      createPrivateDirectories(dir);
      temp = createPrivateFile(dir, "." + target.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new CliException("CLI config " + file + ": cannot write: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** Creates {@code file} anew, readable and writable only by this user; fails if it exists. */
  static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, ownerOnly("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
  }

  private static Path createPrivateFile(Path dir, String prefix) throws IOException {
    try {
      return Files.createTempFile(dir, prefix, "", ownerOnly("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createTempFile(dir, prefix, "");
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      Files.createDirectory(dir, ownerOnly("rwx------"));
    } catch (FileAlreadyExistsException raced) {
      // created meanwhile: fine
    } catch (UnsupportedOperationException notPosix) {
      Files.createDirectories(dir);
    }
  }

  private static FileAttribute<?> ownerOnly(String perms) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
  }
}
