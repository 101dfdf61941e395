package dev.trestle.management;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.time.Instant;

/** The one place where journaled records and protobuf resources are translated. */
public final class ResourceMapper {
  private ResourceMapper() {}

  public static Kind kindOf(ResourceSnapshot snapshot) {
    return Kind.byKindName(snapshot.kind())
        .orElseThrow(() -> new IllegalStateException("unknown stored kind " + snapshot.kind()));
  }

  /** The journaled form of what a user asked for (output-only metadata is dropped). */
  public static ResourceSnapshot snapshotOf(Resource resource) {
    Kind kind = Kind.byKindName(resource.getKind()).orElseThrow();
    ResourceMetadata m = resource.getMetadata();
    return new ResourceSnapshot(
        kind.kindName(),
        Fqn.of(kind, m).toString(),
        new java.util.TreeMap<>(m.getLabelsMap()),
        m.getDescription(),
        m.getDeletionProtection(),
        CanonicalJson.write(ResourceDocuments.specTree(resource)));
  }

  /** The kind-specific spec message of a snapshot. */
  public static Message spec(ResourceSnapshot snapshot) {
    Kind kind = kindOf(snapshot);
    var field = ResourceDocuments.specField(kind);
    Message.Builder builder = Resource.newBuilder().newBuilderForField(field);
    return CanonicalJson.merge(snapshot.specJson(), builder).build();
  }

  /** A snapshot as a protobuf resource with only user-controlled metadata (for validation). */
  public static Resource toResource(ResourceSnapshot snapshot) {
    return toResource(snapshot, 0, null, "", null, "");
  }

  public static Resource toResource(ResourceEntity.View view) {
    return toResource(
        view.snapshot(),
        view.version(),
        view.createTime(),
        view.createdBy(),
        view.updateTime(),
        view.updatedBy());
  }

  private static Resource toResource(
      ResourceSnapshot snapshot,
      long version,
      Instant created,
      String createdBy,
      Instant updated,
      String updatedBy) {
    Kind kind = kindOf(snapshot);
    Fqn fqn = Fqn.parse(snapshot.fqn());
    var meta =
        ResourceMetadata.newBuilder()
            .setName(fqn.name())
            .putAllLabels(snapshot.labels())
            .setDescription(snapshot.description())
            .setDeletionProtection(snapshot.deletionProtection())
            .setVersion(version);
    fqn.parent().nameOf(Kind.ORGANIZATION).ifPresent(meta::setOrganization);
    fqn.parent().nameOf(Kind.TENANT).ifPresent(meta::setTenant);
    fqn.parent().nameOf(Kind.WORKSPACE).ifPresent(meta::setWorkspace);
    fqn.parent().nameOf(Kind.GROUP).ifPresent(meta::setGroup);
    if (version > 0) {
      meta.setFqn(snapshot.fqn()).setCreatedBy(createdBy).setUpdatedBy(updatedBy);
      if (created != null) {
        meta.setCreateTime(timestamp(created));
      }
      if (updated != null) {
        meta.setUpdateTime(timestamp(updated));
      }
    }
    var builder =
        Resource.newBuilder()
            .setApiVersion(Kind.API_VERSION)
            .setKind(kind.kindName())
            .setMetadata(meta);
    builder.setField(ResourceDocuments.specField(kind), spec(snapshot));
    return builder.build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
