package dev.trestle.desiredstate;

/**
 * Published on the actor system's EventStream after the transaction that gave {@code cluster}
 * (its FQN, {@code organizations/ORG/clusters/NAME}) its desired-state {@code version} committed.
 * Versions of one cluster are published in increasing order, each once per commit; a subscriber
 * that missed one just asks {@link DesiredStateStore#delta} from what it last sent. Local to the
 * node that runs the projection (not serializable, not sent across the cluster).
 */
public record DesiredStateChanged(String cluster, long version) {}
