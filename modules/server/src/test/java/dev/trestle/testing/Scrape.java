package dev.trestle.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a node's /metrics over HTTP, parsed into samples (name, labels, value). */
public final class Scrape {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final String text;

  private Scrape(String text) {
    this.text = text;
    this.samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name =
          brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space).strip();
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
  }

  public static Scrape of(int managementPort) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /metrics answered " + r.statusCode() + ": " + r.body());
    }
    return new Scrape(r.body());
  }

  /** The value of the one sample named {@code name} whose labels include {@code labels} ("k=v"). */
  public Optional<Double> value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() > 1) {
      throw new AssertionError("several samples " + name + " " + List.of(labels) + ": " + found);
    }
    return found.stream().map(Sample::value).findFirst();
  }

  /** Like {@link #value}, failing with the scrape's matching lines when there is none. */
  public double require(String name, String... labels) {
    return value(name, labels)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no sample "
                        + name
                        + " "
                        + List.of(labels)
                        + " in:\n"
                        + text.lines()
                            .filter(l -> l.startsWith(name))
                            .reduce("", (a, b) -> a + b + "\n")));
  }

  public List<Sample> find(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> {
              for (String kv : labels) {
                int eq = kv.indexOf('=');
                if (!kv.substring(eq + 1).equals(s.labels().get(kv.substring(0, eq)))) {
                  return false;
                }
              }
              return true;
            })
        .toList();
  }

  public String text() {
    return text;
  }
}
