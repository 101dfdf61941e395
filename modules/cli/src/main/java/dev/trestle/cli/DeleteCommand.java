package dev.trestle.cli;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.ImpactResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle delete KIND NAME... | FQN... | -f FILE}: removes resources, children first. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Delete resources and print every FQN removed.",
      "",
      "  trestle delete FQN...",
      "  trestle delete KIND NAME... [--org ...]   parents from the flags or the CLI config",
      "  trestle delete -f FILE|DIR|-              the resources the documents describe,",
      "                                            children before their parents",
      "",
      "A resource with children is refused unless --cascade; one with deletionProtection",
      "is refused even then, unless --force.",
      "",
      "With --impact nothing is deleted: per target, what the delete would remove",
      "('would delete FQN') and, per cluster whose desired state would change, the Istio",
      "objects it would lose (-) or see changed (~), as 'trestle diff --impact' prints them."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everything named was deleted (with --impact: could be)",
      "1:something was refused or not found",
      "2:usage error"
    })
final class DeleteCommand extends ClientCommand {
  @Parameters(
      arity = "0..*",
      paramLabel = "TARGET",
      description = "KIND followed by one or more NAMEs, or one or more FQNs.")
  List<String> args = new ArrayList<>();

  @Mixin FileOptions input;

  @Mixin ParentOptions parents;

  @Option(names = "--cascade", description = "Also delete every descendant.")
  boolean cascade;

  @Option(names = "--force", description = "Override deletionProtection.")
  boolean force;

  @Option(
      names = "--impact",
      description = "Delete nothing: show what would be removed and each cluster's Istio objects.")
  boolean impact;

  @Option(
      names = "--ignore-not-found",
      description = "Treat a resource that does not exist as deleted.")
  boolean ignoreNotFound;

  @Override
  public Integer call() {
    List<Fqn> targets = targets();
    int failures = 0;
    try (ManagementClient client = connect()) {
      for (Fqn fqn : targets) {
        var request =
            DeleteRequest.newBuilder()
                .setFqn(fqn.toString())
                .setCascade(cascade)
                .setForce(force)
                .build();
        try {
          if (impact) {
            ImpactResponse preview = client.previewDeleteImpact(request);
            preview.getDeletedList().forEach(d -> out().println("would delete " + d));
            ImpactReport.print(preview, out());
            continue;
          }
          DeleteResponse response = client.delete(request);
          List<String> deleted =
              response.getDeletedList().isEmpty()
                  ? List.of(fqn.toString())
                  : response.getDeletedList();
          deleted.forEach(d -> out().println("deleted " + d));
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.NOT_FOUND && ignoreNotFound) {
            continue;
          }
          if (targets.size() == 1 || unreachable(e)) {
            throw e; // one line by the common handler
          }
          failures++;
          String reason = describe(e);
          error(reason.contains(fqn.toString()) ? reason : fqn + ": " + reason);
        }
      }
    }
    if (failures > 0) {
      error(failures + " of " + targets.size() + " deletions failed");
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }

  /** Failures every further target would share: stop at the first. */
  private static boolean unreachable(StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
      return true;
    }
    return RemoteErrors.detail(e).isEmpty()
        && (e.getStatus().getCode() == Status.Code.UNAVAILABLE
            || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED);
  }

  /** What to delete, in order: deepest first when read from files. */
  private List<Fqn> targets() {
    if (input.given()) {
      if (!args.isEmpty()) {
        throw usage("give either -f or KIND NAME / FQN, not both");
      }
      InputFiles.Result read = Inputs.readOrReport(this, input.files);
      if (read == null) {
        throw new CliException("nothing was deleted");
      }
      var fqns = new ArrayList<Fqn>();
      var problems = new ArrayList<String>();
      for (InputDocument doc : read.documents()) {
        try {
          fqns.add(Targets.fqnOfDocument(doc.resource()));
        } catch (IllegalArgumentException e) {
          problems.add(doc.where() + ": " + e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        problems.forEach(this::error);
        throw new CliException("nothing was deleted");
      }
      return childrenFirst(fqns);
    }
    if (args.isEmpty()) {
      throw usage("delete needs KIND NAME..., FQN... or -f FILE");
    }
    try {
      if (Targets.looksLikeFqn(args.get(0))) {
        return distinct(args.stream().map(Targets::fqn).toList());
      }
      Kind kind = Targets.kind(args.get(0));
      if (args.size() == 1) {
        throw usage("delete " + args.get(0) + " needs a NAME (or give the FQN)");
      }
      ParentNames names = parents.resolve(config().parents());
      var fqns = new ArrayList<Fqn>();
      for (String name : args.subList(1, args.size())) {
        Targets.Target target = Targets.single(kind, name, names);
        if (target instanceof Targets.Exact exact) {
          fqns.add(exact.fqn());
        } else {
          throw usage(
              "cannot tell which "
                  + Targets.label(kind.kindName())
                  + " '"
                  + name
                  + "' to delete: pass "
                  + ParentOptions.flags(Targets.missingParents(kind, names))
                  + " (or set defaults in the CLI config), or give the FQN");
        }
      }
      return distinct(fqns);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** Deepest first, so a file holding a parent and its children deletes the children first. */
  static List<Fqn> childrenFirst(List<Fqn> fqns) {
    return distinct(fqns.stream().sorted(Comparator.comparingInt(Fqn::depth).reversed()).toList());
  }

  private static List<Fqn> distinct(List<Fqn> fqns) {
    return List.copyOf(new LinkedHashSet<>(fqns));
  }
}
