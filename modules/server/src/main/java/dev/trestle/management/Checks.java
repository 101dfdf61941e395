package dev.trestle.management;

import dev.trestle.core.Problem.Violation;
import dev.trestle.protocol.Durations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One validation run: the violations found so far, the context when rules against ancestors and
 * references run ({@code null} when the document is checked alone), and the field rules every kind
 * shares (names, labels, ports, weights, durations, localities, duplicates).
 */
final class Checks {
  private static final Pattern LOCALITY = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");

  private final List<Violation> out = new ArrayList<>();
  private final ValidationContext context;

  Checks(ValidationContext context) {
    this.context = context;
  }

  /** Whether the rules that need the ancestors and references run. */
  boolean inContext() {
    return context != null;
  }

  ValidationContext context() {
    return context;
  }

  void add(String field, String description) {
    out.add(new Violation(field, description));
  }

  boolean clean() {
    return out.isEmpty();
  }

  List<Violation> violations() {
    return List.copyOf(out);
  }

  void name(String field, String value) {
    String problem = Names.dnsLabelProblem(value);
    if (problem != null) {
      add(field, problem);
    }
  }

  void labelPair(String field, String key, String value) {
    String k = Names.labelKeyProblem(key);
    if (k != null) {
      add(field, k);
    }
    String v = Names.labelValueProblem(value);
    if (v != null) {
      add(field, v);
    }
  }

  void locality(String field, String value) {
    if (!value.isEmpty() && (value.length() > 63 || !LOCALITY.matcher(value).matches())) {
      add(field, "'" + value + "' must be lowercase alphanumerics, '-', '_' or '.'");
    }
  }

  void weight(String field, int weight) {
    if (weight < 0 || weight > 100) {
      add(field, "must be between 0 and 100, was " + weight);
    }
  }

  void port(String field, int port, boolean required) {
    if (port == 0 && !required) {
      return;
    }
    if (port < 1 || port > 65535) {
      add(field, "must be a port between 1 and 65535, was " + Integer.toUnsignedString(port));
    }
  }

  void duration(String field, String value) {
    if (!value.isEmpty() && Durations.parse(value).isEmpty()) {
      add(field, "'" + value + "' is not a duration like 250ms, 2s, 1.5s, 1m30s or 1h");
    }
  }

  void duplicates(String field, List<String> values) {
    var seen = new HashSet<String>();
    for (int i = 0; i < values.size(); i++) {
      if (!seen.add(values.get(i))) {
        add(field + "[" + i + "]", "duplicate '" + values.get(i) + "'");
      }
    }
  }

  static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
