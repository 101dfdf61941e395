package dev.trestle.cli;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.PrunePlan;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code apply --owner NAME [--prune]} for pipelines without a reconciler: the documents get the
 * owner label, and resources carrying it that the files no longer hold are deleted deepest first,
 * within the same guard as a GitSource ({@link PrunePlan}). Owned resources are looked for in the
 * organizations the documents name.
 */
final class OwnerPrune {
  private OwnerPrune() {}

  /** The documents with the owner label; throws naming a document that names another owner. */
  static List<Resource> labelled(List<Resource> documents, String owner) {
    var out = new ArrayList<Resource>();
    for (int i = 0; i < documents.size(); i++) {
      Resource r = documents.get(i);
      String given = r.getMetadata().getLabelsMap().get(Ownership.OWNER_LABEL);
      if (given != null && !given.equals(owner)) {
        throw new CliException(
            "document "
                + (i + 1)
                + ": metadata.labels."
                + Ownership.OWNER_LABEL
                + " is '"
                + given
                + "', not the --owner '"
                + owner
                + "'");
      }
      var b = r.toBuilder();
      b.getMetadataBuilder().putLabels(Ownership.OWNER_LABEL, owner);
      out.add(b.build());
    }
    return out;
  }

  /** What the prune would do, or did: one line per resource. */
  record Outcome(List<String> lines, String refusal, int failures) {}

  static Outcome prune(
      ManagementClient client,
      List<Resource> documents,
      String owner,
      int maxDeletePercent,
      boolean allowEmpty,
      boolean dryRun) {
    Set<String> desired = new TreeSet<>();
    Set<String> organizations = new TreeSet<>();
    for (Resource r : documents) {
      Fqn fqn = Fqn.of(Kind.byKindName(r.getKind()).orElseThrow(), r.getMetadata());
      desired.add(fqn.toString());
      organizations.add(Fqn.ROOT.child(Kind.ORGANIZATION, fqn.segments().get(0).name()).toString());
    }
    if (organizations.isEmpty()) {
      return new Outcome(
          List.of(), "no documents: nothing tells in which organization to prune", 0);
    }
    var owned = new ArrayList<PrunePlan.Owned>();
    for (String org : organizations) {
      for (Resource r :
          client
              .listAll(
                  ListRequest.newBuilder()
                      .setParent(org)
                      .setRecursive(true)
                      .setLabelSelector(Ownership.OWNER_LABEL + "=" + owner)
                      .build(),
                  0)
              .resources()) {
        owned.add(
            new PrunePlan.Owned(r.getMetadata().getFqn(), r.getMetadata().getDeletionProtection()));
      }
    }
    var plan = PrunePlan.of(owned, desired, maxDeletePercent, allowEmpty);
    var lines = new ArrayList<String>();
    plan.protectedOnes().forEach(f -> lines.add("kept " + f + " (deletionProtection)"));
    if (plan.refusal() != null) {
      plan.candidates().forEach(f -> lines.add("not pruned " + f));
      return new Outcome(lines, plan.refusal(), 0);
    }
    int failures = 0;
    for (String fqn : plan.candidates()) {
      if (dryRun) {
        lines.add("would prune " + fqn);
        continue;
      }
      try {
        client.delete(DeleteRequest.newBuilder().setFqn(fqn).build());
        lines.add("pruned " + fqn);
      } catch (RuntimeException e) {
        failures++;
        lines.add(
            "prune of " + fqn + " FAILED: " + RemoteErrors.oneLine(String.valueOf(e.getMessage())));
      }
    }
    return new Outcome(lines, null, failures);
  }
}
