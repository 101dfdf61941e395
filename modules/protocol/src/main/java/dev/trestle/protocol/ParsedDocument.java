package dev.trestle.protocol;

import dev.trestle.protocol.v1.Resource;
import java.util.Optional;

/**
 * One document of a multi-document input: its position (1-based index and starting line) and either
 * the resource or the reason it could not be read.
 */
public record ParsedDocument(int index, int line, Resource resource, DocumentException error) {

  public Optional<Resource> ok() {
    return Optional.ofNullable(resource);
  }

  public String position() {
    return "document " + index + " (line " + line + ")";
  }
}
