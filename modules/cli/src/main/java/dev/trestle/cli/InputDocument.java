package dev.trestle.cli;

import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.v1.Resource;

/** One document read from {@code -f}: where it came from and what it holds. */
public record InputDocument(String source, ParsedDocument parsed) {

  /** {@code examples/acme/20-tenants.yaml: document 2 (line 14)}. */
  public String where() {
    return source + ": " + parsed.position();
  }

  public Resource resource() {
    return parsed.resource();
  }
}
