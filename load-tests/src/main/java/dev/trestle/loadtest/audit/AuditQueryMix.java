package dev.trestle.loadtest.audit;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Query parameters drawn from the same world as the rows: subtrees that exist, principals that
 * acted, every kind with every operation, and message terms from common ("weight") to rare
 * ("cascade"). Time windows are sent as absolute RFC 3339 instants, as a client that pages through
 * one window must.
 */
final class AuditQueryMix {
  static final List<String> TEXT_TERMS =
      List.of(
          "weight", "retries", "stale", "deleted", "credentialName", "does not exist", "cascade");
  private static final int[] SINCE_DAYS = {1, 7, 30};
  private static final AuditOperation[] OPERATIONS = {
    AuditOperation.CREATE, AuditOperation.UPDATE, AuditOperation.DELETE
  };

  private final SplittableRandom rnd;
  private final List<String> subtrees = new ArrayList<>();
  private final List<String> workspaces = new ArrayList<>();
  private final List<String> principals;
  private final int pageSize;
  private final Clock clock;

  AuditQueryMix(AuditDataset dataset, long seed, int pageSize, Clock clock) {
    this.rnd = new SplittableRandom(seed);
    dataset.resources(Kind.TENANT).forEach(r -> subtrees.add(r.fqn()));
    dataset.resources(Kind.WORKSPACE).forEach(r -> subtrees.add(r.fqn()));
    dataset.resources(Kind.WORKSPACE).forEach(r -> workspaces.add(r.fqn()));
    this.principals = dataset.principals();
    this.pageSize = pageSize;
    this.clock = clock;
  }

  AuditQueryRequest firstPage(AuditQueryShape shape) {
    var b = AuditQueryRequest.newBuilder().setPageSize(pageSize);
    switch (shape) {
      case SUBTREE_SINCE -> {
        int days = SINCE_DAYS[rnd.nextInt(SINCE_DAYS.length)];
        b.setResource(subtrees.get(rnd.nextInt(subtrees.size())))
            .setRecursive(true)
            .setSince(
                clock
                    .instant()
                    .minus(Duration.ofDays(days))
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString());
      }
      case PRINCIPAL -> b.setPrincipal(principals.get(rnd.nextInt(principals.size())));
      case KIND_OPERATION ->
          b.setKind(Kind.values()[rnd.nextInt(Kind.values().length)].kindName())
              .setOperation(OPERATIONS[rnd.nextInt(OPERATIONS.length)]);
      case REFUSED -> b.setOutcome(AuditOutcome.REFUSED);
      case TEXT -> b.setText(TEXT_TERMS.get(rnd.nextInt(TEXT_TERMS.size())));
      case FLOOR ->
          b.setResource(workspaces.get(rnd.nextInt(workspaces.size())) + "/groups/no-such-group");
    }
    return b.build();
  }
}
