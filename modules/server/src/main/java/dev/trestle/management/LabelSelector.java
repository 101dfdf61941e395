package dev.trestle.management;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Equality-based label selectors: {@code env=prod,tier!=web,team,!legacy}. */
public record LabelSelector(List<Predicate<Map<String, String>>> terms, String text) {

  /** Throws {@link ProblemException} (INVALID_ARGUMENT) naming the bad term. */
  public static LabelSelector parse(String text) {
    var terms = new ArrayList<Predicate<Map<String, String>>>();
    if (text == null || text.isBlank()) {
      return new LabelSelector(terms, "");
    }
    for (String raw : text.split(",")) {
      String term = raw.strip();
      Predicate<Map<String, String>> p;
      if (term.contains("!=")) {
        String[] kv = term.split("!=", 2);
        check(kv[0], kv[1], text);
        p = labels -> !kv[1].strip().equals(labels.get(kv[0].strip()));
      } else if (term.contains("==") || term.contains("=")) {
        String[] kv = term.split("==?", 2);
        check(kv[0], kv[1], text);
        p = labels -> kv[1].strip().equals(labels.get(kv[0].strip()));
      } else if (term.startsWith("!")) {
        String key = term.substring(1).strip();
        check(key, "", text);
        p = labels -> !labels.containsKey(key);
      } else {
        check(term, "", text);
        p = labels -> labels.containsKey(term);
      }
      terms.add(p);
    }
    return new LabelSelector(terms, text);
  }

  private static void check(String key, String value, String text) {
    String k = key.strip();
    String problem = k.isEmpty() ? "empty label key" : Names.labelKeyProblem(k);
    if (problem == null) {
      problem = Names.labelValueProblem(value.strip());
    }
    if (problem != null) {
      throw new ProblemException(
          new Problem(
              Problem.Code.INVALID_ARGUMENT,
              "labelSelector '" + text + "': " + problem,
              List.of(new Problem.Violation("labelSelector", problem)),
              "",
              0,
              List.of()));
    }
  }

  public boolean matches(Map<String, String> labels) {
    return terms.stream().allMatch(t -> t.test(labels));
  }
}
