package dev.trestle.rollouts;

import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Map;

/**
 * What central's revision rollout runner reads each round, from the desired-state read model: every
 * RevisionRollout resource, and per organization the {@code istio.io/rev} labels of the namespaces
 * of its present clusters, as their edges last reported them.
 *
 * @param labels organization → cluster name → namespace → its {@code istio.io/rev} label
 */
public record RolloutInputs(
    List<Resource> rollouts, Map<String, Map<String, Map<String, String>>> labels) {}
