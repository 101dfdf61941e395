package dev.trestle.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trestle.clusters.ClusterEvent;
import dev.trestle.iam.Binding;
import dev.trestle.iam.PolicyEntity;
import dev.trestle.iam.PrincipalEntity;
import dev.trestle.iam.RoleEntity;
import dev.trestle.management.ContentDiff;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.rollouts.RolloutEvent;
import dev.trestle.storage.PlainJdbcSession;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Turns each accepted configuration change into one audit row, in the offset's transaction. */
public final class AuditProjectionHandler
    extends JdbcHandler<EventEnvelope<Object>, PlainJdbcSession> {

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<Object> envelope) throws Exception {
    AuditRow row = rowOf(envelope.event());
    if (row == null) {
      return; // structural events (child registrations) are not user changes
    }
    session.withConnection(
        c -> {
          AuditStore.insertAccepted(c, row, envelope.persistenceId(), envelope.sequenceNr());
          if (envelope.event() instanceof PolicyEntity.BindingsChanged e) {
            AccessBindingIndex.replace(c, e.target(), e.after());
          }
          return null;
        });
  }

  static AuditRow rowOf(Object event) {
    if (event instanceof PolicyEntity.BindingsChanged e) {
      return new AuditRow(
          0,
          micros(e.at()),
          e.principal(),
          e.version() == 1 ? "CREATE" : "UPDATE",
          AuditRow.ACCEPTED,
          "AccessBindings",
          e.target().isEmpty() ? "accessbindings" : e.target() + "/accessbindings",
          e.version(),
          e.requestId(),
          "access bindings version " + e.version() + ": " + bindingDiff(e.before(), e.after()),
          null);
    }
    if (event instanceof PrincipalEntity.PrincipalCreated e) {
      return iamRow(e, "CREATE", "created " + e.name());
    }
    if (event instanceof PrincipalEntity.TokenIssued e) {
      return iamRow(
          e,
          "UPDATE",
          "token "
              + e.tokenId()
              + " issued"
              + (e.description().isEmpty() ? "" : " (" + e.description() + ")")
              + (e.expiresAt() == null ? "" : ", expires at " + e.expiresAt()));
    }
    if (event instanceof PrincipalEntity.TokenRevoked e) {
      return iamRow(e, "UPDATE", "token " + e.tokenId() + " revoked");
    }
    if (event instanceof RoleEntity.RoleSet e) {
      return new AuditRow(
          0,
          micros(e.at()),
          e.principal(),
          e.version() == 1 ? "CREATE" : "UPDATE",
          AuditRow.ACCEPTED,
          "Role",
          "roles/" + e.name(),
          e.version(),
          e.requestId(),
          "role "
              + e.name()
              + " version "
              + e.version()
              + ": "
              + e.permissions()
              + (e.kinds().isEmpty() ? "" : " on " + e.kinds()),
          null);
    }
    if (event instanceof ResourceEntity.Event resourceEvent) {
      return resourceRow(resourceEvent);
    }
    if (event instanceof ClusterEvent clusterEvent) {
      return ClusterAuditRows.rowOf(clusterEvent);
    }
    if (event instanceof RolloutEvent rolloutEvent) {
      return RolloutAuditRows.rowOf(rolloutEvent);
    }
    return null;
  }

  private static AuditRow iamRow(PrincipalEntity.Event e, String operation, String message) {
    String kind = e.name().startsWith("users/") ? "User" : "ServiceAccount";
    return new AuditRow(
        0,
        micros(e.at()),
        e.principal(),
        operation,
        AuditRow.ACCEPTED,
        kind,
        e.name(),
        e.version(),
        e.requestId(),
        message,
        null);
  }

  static String bindingDiff(List<Binding> before, List<Binding> after) {
    var was = new java.util.TreeSet<String>();
    before.forEach(b -> b.subjects().forEach(s -> was.add(b.role() + " " + s)));
    var now = new java.util.TreeSet<String>();
    after.forEach(b -> b.subjects().forEach(s -> now.add(b.role() + " " + s)));
    var parts = new java.util.ArrayList<String>();
    now.stream().filter(x -> !was.contains(x)).forEach(x -> parts.add("+" + x));
    was.stream().filter(x -> !now.contains(x)).forEach(x -> parts.add("-" + x));
    return parts.isEmpty() ? "no change" : String.join(", ", parts);
  }

  static AuditRow resourceRow(ResourceEntity.Event event) {
    if (event instanceof ResourceEntity.ResourceCreated e) {
      return row(
          e.at(), e.principal(), "CREATE", e.after(), e.version(), e.requestId(), null, e.after());
    }
    if (event instanceof ResourceEntity.ResourceUpdated e) {
      return row(
          e.at(),
          e.principal(),
          "UPDATE",
          e.after(),
          e.version(),
          e.requestId(),
          e.before(),
          e.after());
    }
    if (event instanceof ResourceEntity.ResourceDeleted e) {
      return row(
          e.at(),
          e.principal(),
          "DELETE",
          e.before(),
          e.version(),
          e.requestId(),
          e.before(),
          null);
    }
    return null;
  }

  private static AuditRow row(
      Instant at,
      String principal,
      String operation,
      ResourceSnapshot subject,
      long version,
      String requestId,
      ResourceSnapshot before,
      ResourceSnapshot after) {
    List<FieldChange> changes = ContentDiff.changes(before, after);
    return new AuditRow(
        0,
        micros(at),
        principal,
        operation,
        AuditRow.ACCEPTED,
        subject.kind(),
        subject.fqn(),
        version,
        requestId,
        summary(operation, subject, version, changes),
        changesJson(changes));
  }

  static String summary(
      String operation, ResourceSnapshot subject, long version, List<FieldChange> changes) {
    String verb =
        switch (operation) {
          case "CREATE" -> "created";
          case "UPDATE" -> "updated";
          default -> "deleted";
        };
    var sb =
        new StringBuilder(verb)
            .append(' ')
            .append(subject.kind())
            .append(" version ")
            .append(version);
    if (operation.equals("UPDATE")) {
      sb.append(": ")
          .append(changes.size())
          .append(changes.size() == 1 ? " field changed: " : " fields changed: ");
      sb.append(String.join(", ", changes.stream().limit(8).map(FieldChange::getPath).toList()));
      if (changes.size() > 8) {
        sb.append(", …");
      }
    }
    return sb.toString();
  }

  static String changesJson(List<FieldChange> changes) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (FieldChange c : changes) {
      var o = array.addObject();
      o.put("path", c.getPath());
      if (!c.getBefore().isEmpty()) {
        o.set("before", CanonicalJson.parse(c.getBefore()));
      }
      if (!c.getAfter().isEmpty()) {
        o.set("after", CanonicalJson.parse(c.getAfter()));
      }
    }
    return CanonicalJson.write(array);
  }

  static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
  }
}
