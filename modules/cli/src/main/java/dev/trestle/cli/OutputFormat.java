package dev.trestle.cli;

/** {@code -o}: human table, or documents/results as JSON or YAML. */
public enum OutputFormat {
  table,
  json,
  yaml
}
