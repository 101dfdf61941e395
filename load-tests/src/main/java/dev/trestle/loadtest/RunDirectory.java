package dev.trestle.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The directory of one run, {@code <results>/<scenario>-<UTC timestamp>/}, and its files. */
public final class RunDirectory {
  public static final String JSON = "result.json";
  public static final String MARKDOWN = "result.md";
  public static final String CHART = "latency.png";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final ObjectMapper JSON_MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  public static RunDirectory create(Path resultsRoot, String scenario, ZonedDateTime started)
      throws IOException {
    String base = scenario + "-" + STAMP.format(started.withZoneSameInstant(ZoneOffset.UTC));
    Path dir = resultsRoot.resolve(base);
    for (int i = 2; Files.exists(dir); i++) {
      dir = resultsRoot.resolve(base + "-" + i);
    }
    Files.createDirectories(dir);
    return new RunDirectory(dir.toAbsolutePath().normalize());
  }

  public Path path() {
    return dir;
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  public Path writeJson(Object result) throws IOException {
    Path p = file(JSON);
    JSON_MAPPER.writeValue(p.toFile(), result);
    return p;
  }

  public Path writeText(String name, String text) throws IOException {
    Path p = file(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }
}
