package dev.trestle.management;

import dev.trestle.protocol.v1.Resource;
import java.util.Map;

/**
 * The rules of one kind's spec. A new kind is a new implementation registered in {@link
 * ResourceValidator}; the shared rules live in {@link Checks}, {@link Placement}, {@link HttpRules}
 * and {@link ReferenceRules}.
 */
interface KindRules {
  /** No spec rules (organizations, tenants). */
  KindRules NONE = (resource, checks) -> {};

  /**
   * Every rule of the spec; those that need the ancestors only when {@link Checks#inContext()}, at
   * the place in the order where they apply.
   */
  void check(Resource resource, Checks checks);

  /** Only the rules that need the context, for a document that already passed alone. */
  default void inContext(Resource resource, Checks checks) {}

  /** The FQNs the spec refers to, keyed by the field path that names them. */
  default void references(Resource resource, Map<String, String> out) {}
}
