package dev.trestle.edge;

import dev.trestle.translator.ObjectKey;
import java.util.Map;
import java.util.TreeMap;

/** A target could not apply a version; {@link #errors} names the objects where it can. */
public final class ApplyException extends Exception {
  private final Map<ObjectKey, String> errors;

  public ApplyException(String message, Map<ObjectKey, String> errors, Throwable cause) {
    super(message, cause);
    this.errors = new TreeMap<>(errors);
  }

  public ApplyException(String message, Throwable cause) {
    this(message, Map.of(), cause);
  }

  public Map<ObjectKey, String> errors() {
    return errors;
  }
}
