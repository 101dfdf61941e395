package dev.trestle.cli;

import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-document lines of an apply, in input order:
 *
 * <pre>
 * serviceroute organizations/acme/.../serviceroutes/cart created (version 1)
 * tenant organizations/acme/tenants/payments unchanged
 * tenant organizations/acme/tenants/x FAILED: parent organizations/acme does not exist (at f.yaml: document 3 (line 20))
 * </pre>
 */
public final class ApplyReport {
  private final List<InputDocument> inputs;
  private final List<ApplyResult> results;
  private final boolean dryRun;

  /** {@code inputs} are in request order; a result's index is its 0-based position there. */
  public ApplyReport(List<InputDocument> inputs, ApplyResponse response, boolean dryRun) {
    this.inputs = List.copyOf(inputs);
    this.results =
        response.getResultsList().stream()
            .sorted(Comparator.comparingInt(ApplyResult::getIndex))
            .toList();
    this.dryRun = dryRun;
  }

  /** The results in input order. */
  public List<ApplyResult> results() {
    return results;
  }

  public List<String> lines() {
    var lines = new ArrayList<String>();
    for (ApplyResult r : results) {
      lines.add(line(r));
    }
    return lines;
  }

  public String line(ApplyResult r) {
    return Targets.label(kind(r)) + " " + fqn(r) + " " + outcome(r);
  }

  public long failures() {
    return results.stream().filter(ApplyReport::failed).count();
  }

  public int total() {
    return Math.max(inputs.size(), results.size());
  }

  /** One line for stderr when something failed, else empty. */
  public String summary() {
    long failed = results.stream().filter(r -> r.getOutcome() == ApplyOutcome.FAILED).count();
    long skipped = results.stream().filter(r -> r.getOutcome() == ApplyOutcome.SKIPPED).count();
    if (failed + skipped == 0) {
      return "";
    }
    return failed
        + " of "
        + total()
        + " documents failed"
        + (skipped > 0 ? ", " + skipped + " skipped" : "")
        + (dryRun ? " (dry run)" : "");
  }

  static boolean failed(ApplyResult r) {
    return r.getOutcome() == ApplyOutcome.FAILED
        || r.getOutcome() == ApplyOutcome.SKIPPED
        || r.getOutcome() == ApplyOutcome.APPLY_OUTCOME_UNSPECIFIED
        || r.getOutcome() == ApplyOutcome.UNRECOGNIZED;
  }

  /** The result's kind, falling back to what the input document says. */
  String kind(ApplyResult r) {
    InputDocument input = input(r);
    return !r.getKind().isEmpty()
        ? r.getKind()
        : input != null ? input.resource().getKind() : "resource";
  }

  /** The result's FQN, falling back to what the input document says, else to where it was read. */
  String fqn(ApplyResult r) {
    if (!r.getFqn().isEmpty()) {
      return r.getFqn();
    }
    InputDocument input = input(r);
    if (input == null) {
      return "#" + r.getIndex();
    }
    try {
      return Targets.fqnOfDocument(input.resource()).toString();
    } catch (IllegalArgumentException e) {
      return "(" + input.where() + ")";
    }
  }

  private String outcome(ApplyResult r) {
    String dry = dryRun ? ", dry run" : "";
    return switch (r.getOutcome()) {
      case CREATED -> "created (version " + r.getVersion() + dry + ")";
      case UPDATED -> "updated (version " + r.getVersion() + dry + ")";
      case UNCHANGED -> "unchanged" + (dryRun ? " (dry run)" : "");
      case FAILED -> "FAILED: " + reason(r, "refused") + at(r);
      case SKIPPED ->
          "SKIPPED: " + reason(r, "not attempted because an earlier document failed") + at(r);
      default -> "FAILED: the server reported no outcome (" + r.getOutcome() + ")" + at(r);
    };
  }

  private static String reason(ApplyResult r, String fallback) {
    String reason = r.hasError() ? RemoteErrors.withoutFqn(r.getError()) : "";
    return reason.isEmpty() ? fallback : reason;
  }

  private String at(ApplyResult r) {
    InputDocument input = input(r);
    return input == null ? "" : " (at " + input.where() + ")";
  }

  private InputDocument input(ApplyResult r) {
    int i = r.getIndex();
    return i >= 0 && i < inputs.size() ? inputs.get(i) : null;
  }
}
