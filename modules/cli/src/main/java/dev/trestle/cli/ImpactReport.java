package dev.trestle.cli;

import dev.trestle.protocol.v1.ClusterImpact;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ObjectImpact;
import java.io.PrintWriter;

/**
 * An impact preview as {@code diff --impact} and {@code delete --impact} print it: per cluster
 * whose desired state would change, each Istio object created (+, with its JSON), changed (~, one
 * line per field) or deleted (-), and the translator's diagnostics (!).
 */
final class ImpactReport {
  private ImpactReport() {}

  /** Prints each cluster's object changes; whether there was any. */
  static boolean print(ImpactResponse impacts, PrintWriter out) {
    for (ClusterImpact c : impacts.getClustersList()) {
      out.println(
          "cluster " + c.getCluster() + " (desired version " + c.getCurrentVersion() + "):");
      for (ObjectImpact o : c.getObjectsList()) {
        String what =
            o.getKind()
                + " "
                + (o.getNamespace().isEmpty() ? "" : o.getNamespace() + "/")
                + o.getName()
                + " ("
                + o.getApiVersion()
                + ")";
        switch (o.getChange()) {
          case OBJECT_CREATED -> {
            out.println("  + " + what);
            out.println("      " + o.getAfterJson());
          }
          case OBJECT_DELETED -> out.println("  - " + what);
          default -> {
            out.println("  ~ " + what);
            o.getChangesList().forEach(ch -> out.println("    " + AuditTables.changeLine(ch)));
          }
        }
      }
      c.getDiagnosticsList().forEach(d -> out.println("  ! " + d));
    }
    int unseen = impacts.getClustersHidden();
    if (unseen > 0) {
      out.println(unseen + " more cluster(s) would change that you may not read");
    }
    return impacts.getClustersCount() > 0 || unseen > 0;
  }
}
