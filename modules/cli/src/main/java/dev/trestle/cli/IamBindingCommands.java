package dev.trestle.cli;

import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.Binding;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iam bindings|bind|unbind}: the access bindings attached to one FQN. */
final class IamBindingCommands {
  /** Attempts of a read-modify-write of bindings that a concurrent change keeps invalidating. */
  static final int ATTEMPTS = 3;

  private IamBindingCommands() {}

  @Command(
      name = "bindings",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Show the access bindings attached to an FQN.",
        "",
        "Columns ROLE, SUBJECTS; '/' names the root. Bindings on ancestors apply too but are not",
        "listed here; 'trestle can-i FQN [--as P]' shows the permissions that result. Needs READ",
        "on FQN."
      })
  static final class Show extends ClientCommand {
    @Parameters(index = "0", paramLabel = "FQN", description = "The resource ('/' for the root).")
    String fqn;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml ({target, bindings, version, ...}).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      String target = IamNames.target(this, fqn);
      AccessBindings bindings;
      try (ManagementClient client = connect()) {
        bindings = client.getAccessBindings(target);
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(bindings, output));
      } else if (bindings.getBindingsCount() == 0) {
        err().println("No access bindings on " + IamNames.label(target) + ".");
      } else {
        out().print(table(bindings));
      }
      return ExitCodes.OK;
    }

    static String table(AccessBindings bindings) {
      var table = new Table(List.of("ROLE", "SUBJECTS"));
      for (Binding b : bindings.getBindingsList()) {
        table.row(List.of(b.getRole(), String.join(", ", b.getSubjectsList())));
      }
      return table.render();
    }
  }

  /** What bind or unbind will do: write {@code next}, or stop with a message (maybe a failure). */
  record Plan(List<Binding> next, String message, boolean failure) {
    static Plan write(List<Binding> next) {
      return new Plan(next, "", false);
    }

    static Plan stop(String message, boolean failure) {
      return new Plan(null, message, failure);
    }
  }

  /** Shared by bind and unbind: read, change, write with the version read as precondition. */
  abstract static class Change extends ClientCommand {
    @Parameters(index = "0", paramLabel = "FQN", description = "The resource ('/' for the root).")
    String fqn;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "A built-in role (admin, editor, creator, writer, reader) or a custom one.")
    String role;

    @Option(
        names = "--subject",
        required = true,
        split = ",",
        paramLabel = "PRINCIPAL",
        description =
            "users/NAME, serviceaccounts/NAME, group:NAME (an OIDC group) or an OIDC principal"
                + " (oidc:SUBJECT); repeatable, or comma-separated.")
    List<String> subjects;

    abstract Plan plan(List<Binding> current, String role, List<String> subjects, String target);

    /** How the success line names the change: "bound"/"to" or "unbound"/"from". */
    abstract String doneVerb();

    abstract String donePreposition();

    private String done(String role, List<String> subjects, String target, long version) {
      return doneVerb()
          + " "
          + String.join(", ", subjects)
          + " "
          + donePreposition()
          + " role "
          + role
          + " on "
          + IamNames.label(target)
          + " (bindings version "
          + version
          + ")";
    }

    @Override
    public Integer call() {
      String target = IamNames.target(this, fqn);
      String r = role.strip();
      if (r.isEmpty()) {
        throw usage("--role is empty");
      }
      var names = new LinkedHashSet<String>();
      for (String s : subjects) {
        names.add(IamNames.subject(this, "--subject", s));
      }
      List<String> wanted = List.copyOf(names);
      try (ManagementClient client = connect()) {
        for (int attempt = 1; ; attempt++) {
          AccessBindings current = client.getAccessBindings(target);
          Plan plan = plan(current.getBindingsList(), r, wanted, target);
          if (plan.next() == null) {
            if (plan.failure()) {
              throw new CliException(plan.message());
            }
            out().println(plan.message());
            return ExitCodes.OK;
          }
          try {
            AccessBindings written =
                client.setAccessBindings(target, plan.next(), current.getVersion());
            out().println(done(r, wanted, target, written.getVersion()));
            return ExitCodes.OK;
          } catch (StatusRuntimeException e) {
            // Someone changed them since we read them: read again and redo the change.
            if (e.getStatus().getCode() != Status.Code.ABORTED || attempt >= ATTEMPTS) {
              throw e;
            }
          }
        }
      }
    }

    static String who(List<String> subjects, String one, String many) {
      return String.join(", ", subjects) + " " + (subjects.size() == 1 ? one : many);
    }
  }

  @Command(
      name = "bind",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Grant a role on an FQN to one or more principals.",
        "",
        "Reads the bindings, adds the subjects and writes them back with the version read as",
        "precondition (read again and retried if they changed meanwhile). Needs SET_POLICY on",
        "FQN, and the role may grant only permissions you hold there yourself.",
        "",
        "  trestle iam bind organizations/acme/tenants/payments --role reader --subject users/alice"
      })
  static final class Bind extends Change {
    @Override
    Plan plan(List<Binding> current, String role, List<String> subjects, String target) {
      var out = new ArrayList<Binding>();
      boolean found = false;
      boolean changed = false;
      for (Binding b : current) {
        if (!found && b.getRole().equals(role)) {
          found = true;
          var merged = new LinkedHashSet<>(b.getSubjectsList());
          changed = merged.addAll(subjects);
          out.add(b.toBuilder().clearSubjects().addAllSubjects(merged).build());
        } else {
          out.add(b);
        }
      }
      if (!found) {
        out.add(Binding.newBuilder().setRole(role).addAllSubjects(subjects).build());
        changed = true;
      }
      return changed
          ? Plan.write(out)
          : Plan.stop(
              who(subjects, "already has", "already have")
                  + " role "
                  + role
                  + " on "
                  + IamNames.label(target)
                  + "; nothing changed",
              false);
    }

    @Override
    String doneVerb() {
      return "bound";
    }

    @Override
    String donePreposition() {
      return "to";
    }
  }

  @Command(
      name = "unbind",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Withdraw a role on an FQN from one or more principals.",
        "",
        "A binding left without subjects is removed. Only bindings attached to FQN itself are",
        "changed; one inherited from an ancestor must be removed there. Needs SET_POLICY on FQN."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:withdrawn (or, with --ignore-not-found, there was nothing to withdraw)",
        "1:a subject does not have the role on FQN (nothing is changed), or the server refused",
        "2:usage error"
      })
  static final class Unbind extends Change {
    @Option(
        names = "--ignore-not-found",
        description = "Succeed, withdrawing what there is, when a subject does not have the role.")
    boolean ignoreNotFound;

    @Override
    Plan plan(List<Binding> current, String role, List<String> subjects, String target) {
      List<String> missing =
          subjects.stream()
              .filter(
                  s ->
                      current.stream()
                          .noneMatch(
                              b -> b.getRole().equals(role) && b.getSubjectsList().contains(s)))
              .toList();
      String notBound =
          who(missing, "does not have", "do not have")
              + " role "
              + role
              + " on "
              + IamNames.label(target);
      if (!missing.isEmpty() && !ignoreNotFound) {
        return Plan.stop(
            notBound
                + "; nothing changed (a binding inherited from an ancestor must be removed there)",
            true);
      }
      if (missing.size() == subjects.size()) {
        return Plan.stop(notBound + "; nothing changed", false);
      }
      var out = new ArrayList<Binding>();
      for (Binding b : current) {
        if (!b.getRole().equals(role)) {
          out.add(b);
          continue;
        }
        var left = new ArrayList<>(b.getSubjectsList());
        left.removeAll(subjects);
        if (!left.isEmpty()) {
          out.add(b.toBuilder().clearSubjects().addAllSubjects(left).build());
        }
      }
      return Plan.write(out);
    }

    @Override
    String doneVerb() {
      return "unbound";
    }

    @Override
    String donePreposition() {
      return "from";
    }
  }
}
