package dev.trestle.translator.schema;

/**
 * One reason an object would be refused by the cluster.
 *
 * @param object {@code apiVersion kind namespace/name} of the refused object
 * @param path the offending field, e.g. {@code spec.http[0].route[0].destination.port.number}
 *     ({@code ""} for the whole object)
 * @param rule the schema rule that failed: a JSON-schema keyword ({@code additionalProperties},
 *     {@code type}, {@code oneOf}, ...), {@code x-kubernetes-validations: <CEL>}, or {@code
 *     envoy:<message type>} for an EnvoyFilter patch Envoy would not parse
 * @param message why, in words
 */
public record SchemaViolation(String object, String path, String rule, String message) {

  /** {@code path: message [rule]}, without the object (callers usually list it per object). */
  public String describe() {
    return (path.isEmpty() ? "" : path + ": ") + message + " [" + rule + "]";
  }

  @Override
  public String toString() {
    return object + ": " + describe();
  }
}
