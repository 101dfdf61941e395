package dev.trestle.management;

import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.FieldChange;
import java.util.List;

/** The result of applying one document, before it is turned into protobuf. */
public record ApplyOutcomeView(
    int index,
    String kind,
    String fqn,
    ResourceEntity.Outcome outcome,
    long version,
    Problem problem,
    List<FieldChange> changes,
    boolean skipped,
    WriteOperation operation) {}
