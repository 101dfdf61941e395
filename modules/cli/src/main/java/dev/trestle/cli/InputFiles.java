package dev.trestle.cli;

import dev.trestle.protocol.DocumentException;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads the {@code -f} arguments: files, directories (every {@code *.yaml}, {@code *.yml} and
 * {@code *.json} below them, in lexical order of their relative paths, hidden entries skipped) and
 * {@code -} for stdin. Every problem is collected, so one run reports all broken documents.
 */
public final class InputFiles {
  private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  /** The documents read, and one message per problem (file, document, line, field). */
  public record Result(List<InputDocument> documents, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }

    public List<dev.trestle.protocol.v1.Resource> resources() {
      return documents.stream().map(InputDocument::resource).toList();
    }
  }

  private InputFiles() {}

  public static Result read(List<String> specs, InputStream stdin) {
    var documents = new ArrayList<InputDocument>();
    var errors = new ArrayList<String>();
    int stdinUses = 0;
    for (String spec : specs) {
      if (spec.equals("-")) {
        if (++stdinUses > 1) {
          errors.add("-f -: stdin can be read only once");
          continue;
        }
        readText("<stdin>", () -> decode(stdin.readAllBytes()), documents, errors);
        continue;
      }
      Path path = Path.of(spec);
      if (Files.isDirectory(path)) {
        List<Path> files = listDirectory(path, errors);
        if (files.isEmpty()) {
          errors.add(spec + ": no *.yaml, *.yml or *.json files in this directory");
        }
        for (Path file : files) {
          readFile(file, documents, errors);
        }
      } else if (Files.exists(path)) {
        readFile(path, documents, errors);
      } else {
        errors.add(spec + ": no such file or directory");
      }
    }
    return new Result(List.copyOf(documents), List.copyOf(errors));
  }

  private static List<Path> listDirectory(Path dir, List<String> errors) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .filter(p -> !isHidden(dir.relativize(p)))
          .filter(Files::isRegularFile)
          .filter(InputFiles::hasDocumentExtension)
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      errors.add(dir + ": cannot list: " + e.getMessage());
      return List.of();
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasDocumentExtension(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  private static void readFile(Path file, List<InputDocument> documents, List<String> errors) {
    String source = file.toString();
    readText(
        source,
        () -> {
          long size = Files.size(file);
          if (size > ResourceDocuments.MAX_INPUT_BYTES) {
            throw new DocumentException(
                "",
                "file is " + size + " bytes; the limit is " + ResourceDocuments.MAX_INPUT_BYTES);
          }
          return decode(Files.readAllBytes(file));
        },
        documents,
        errors);
  }

  private interface TextSource {
    String read() throws IOException;
  }

  private static void readText(
      String source, TextSource text, List<InputDocument> documents, List<String> errors) {
    List<ParsedDocument> parsed;
    try {
      parsed = ResourceDocuments.parse(text.read());
    } catch (NoSuchFileException e) {
      errors.add(source + ": no such file");
      return;
    } catch (CharacterCodingException e) {
      errors.add(source + ": not UTF-8 text");
      return;
    } catch (IOException | UncheckedIOException e) {
      errors.add(source + ": cannot read: " + e.getMessage());
      return;
    } catch (DocumentException e) {
      errors.add(source + ": " + e.getMessage());
      return;
    }
    for (ParsedDocument doc : parsed) {
      InputDocument input = new InputDocument(source, doc);
      if (doc.error() != null) {
        errors.add(input.where() + ": " + RemoteErrors.oneLine(doc.error().getMessage()));
      } else {
        documents.add(input);
      }
    }
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }
}
