package dev.trestle.protocol;

/** A document that cannot become a resource; the message names the field path and the reason. */
public final class DocumentException extends RuntimeException {
  private final String field;

  public DocumentException(String field, String message) {
    super(field == null || field.isEmpty() ? message : field + ": " + message);
    this.field = field == null ? "" : field;
  }

  public String field() {
    return field;
  }
}
