package dev.trestle.desiredstate;

import dev.trestle.core.CborSerializable;

/**
 * Published on the actor system's EventStream of the node running the desired-state projection,
 * after the transaction that gave {@code cluster} (its FQN, {@code
 * organizations/ORG/clusters/NAME}) its desired-state {@code version} committed; relayed from there
 * to every node's edge sessions (dev.trestle.edgesync.DesiredStateFanOut), so it crosses the
 * network and is serializable. Versions of one cluster are published in increasing order, each once
 * per commit; a subscriber that missed one just asks {@link DesiredStateStore#delta} from what it
 * last sent.
 */
public record DesiredStateChanged(String cluster, long version) implements CborSerializable {}
