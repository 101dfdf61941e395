package dev.trestle.management;

import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.FieldChange;
import java.util.List;

/**
 * The result of applying one document, before it is turned into protobuf.
 *
 * @param after the resource as stored (or as it would be stored, on a dry run); null when refused
 *     or skipped. The impact preview translates it.
 */
public record ApplyOutcomeView(
    int index,
    String kind,
    String fqn,
    ResourceEntity.Outcome outcome,
    long version,
    Problem problem,
    List<FieldChange> changes,
    boolean skipped,
    WriteOperation operation,
    ResourceSnapshot after) {}
