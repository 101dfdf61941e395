package dev.trestle.cli;

import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldViolation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code trestle audit [filters]}: the audit log, newest first, one page or all of it. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show the audit log, newest first: every accepted change and every refused attempt.",
      "",
      "  trestle audit --resource FQN [-r]        one resource (-r: and everything below it)",
      "  trestle audit --principal alice --since 1h",
      "  trestle audit --outcome refused --since 2026-01-31T00:00:00Z",
      "",
      "Shows one page (50 entries, or --limit N). When there are more, stderr ends with",
      "  next page: --page-token TOKEN",
      "which continues the listing when given with the same filters and --limit. --all follows",
      "every page instead (at most --limit entries in total when given).",
      "",
      "A filter no index answers (--text, -r, --outcome, two filters together) makes the server",
      "examine at most trestle.audit.scan-budget rows (default 5,000) per page. When they run out",
      "before the page is full, the page is short (maybe empty) and stderr says",
      "  scanned N rows without filling the page; continue with --page-token TOKEN",
      "(--all simply continues).",
      "",
      "Table columns: TIME (RFC 3339, UTC), PRINCIPAL, OP, OUTCOME, KIND, FQN, VERSION (the",
      "version the change produced; - for refusals), MESSAGE (a summary of the change or the",
      "reason of the refusal; cut at " + AuditTables.MAX_MESSAGE + " characters; -o json has it",
      "in full).",
      "-o json prints {\"entries\": [...], \"nextPageToken\": \"...\" (\"\" on the last page),",
      "\"rowsExamined\": N, \"scanBudgetExhausted\": true|false}."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the entries were shown (also when none match)",
      "1:the server could not be asked, or failed",
      "2:usage error, also a filter the server rejects (--since, --until, --kind, --resource,",
      "  :--page-token from a query with other filters)"
    })
final class AuditCommand extends ClientCommand {
  /** Entries per page without --limit (the server's default). */
  static final int DEFAULT_PAGE_SIZE = 50;

  /** Largest page the server serves. */
  static final int MAX_PAGE_SIZE = 1000;

  /** Which flag a field violation of the server's answer is about. */
  private static final Map<String, String> FLAGS =
      Map.ofEntries(
          Map.entry("resource", "--resource"),
          Map.entry("recursive", "--recursive"),
          Map.entry("principal", "--principal"),
          Map.entry("kind", "--kind"),
          Map.entry("operation", "--operation"),
          Map.entry("outcome", "--outcome"),
          Map.entry("since", "--since"),
          Map.entry("until", "--until"),
          Map.entry("text", "--text"),
          Map.entry("pageSize", "--limit"),
          Map.entry("page_size", "--limit"),
          Map.entry("pageToken", "--page-token"),
          Map.entry("page_token", "--page-token"));

  /** {@code --operation}, case-insensitive. */
  enum Operation {
    create,
    update,
    delete,
    apply,
    edge_connect,
    edge_disconnect,
    health,
    nack,
    service_health,
    read,
    rollout
  }

  /** {@code --outcome}, case-insensitive. */
  enum Outcome {
    accepted,
    refused
  }

  @Option(
      names = "--resource",
      paramLabel = "FQN",
      description = "Only entries about this resource (with -r, also everything below it).")
  String resource;

  @Option(
      names = {"-r", "--recursive"},
      description = "With --resource: include every resource below it.")
  boolean recursive;

  @Option(
      names = "--principal",
      paramLabel = "PRINCIPAL",
      description = "Only entries made by this principal.")
  String principal;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "Only entries about this kind (Tenant, ServiceRoute, ...; short names work).")
  String kind;

  @Option(
      names = "--operation",
      paramLabel = "OP",
      description =
          "Only this operation: ${COMPLETION-CANDIDATES} (apply: a refused apply whose target state"
              + " was never determined, e.g. an invalid document; edge_connect, edge_disconnect,"
              + " health and nack are cluster events; read: a denied get, list, history or audit"
              + " query).")
  Operation operation;

  @Option(
      names = "--outcome",
      paramLabel = "OUTCOME",
      description = "Only entries with this outcome: ${COMPLETION-CANDIDATES}.")
  Outcome outcome;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only entries at or after TIME: RFC 3339 (2026-01-31T12:00:00Z) or a duration back from"
              + " now (15m, 1h, 7d).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description =
          "Only entries before TIME, exclusive: TIME itself is not included (as --since).")
  String until;

  @Option(
      names = "--text",
      paramLabel = "TEXT",
      description = "Only entries whose message contains TEXT (case-insensitive).")
  String text;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "Entries per page, 1 to "
              + MAX_PAGE_SIZE
              + " (default "
              + DEFAULT_PAGE_SIZE
              + "); with --all, the most entries to show in total.")
  Integer limit;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "Continue after the page that printed this token (same filters and --limit).")
  String pageToken;

  @Option(names = "--all", description = "Follow every page (bounded by --limit when given).")
  boolean all;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description =
          "table (default), json or yaml: {entries, nextPageToken, rowsExamined,"
              + " scanBudgetExhausted}, changes included.")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw usage("--limit must be at least 1");
    }
    if (limit != null && !all && limit > MAX_PAGE_SIZE) {
      throw usage(
          "--limit is at most "
              + MAX_PAGE_SIZE
              + " entries per page; add --all to page through more (--all --limit "
              + limit
              + ")");
    }
    AuditQueryRequest request = request();
    Page page;
    try (ManagementClient client = connect()) {
      page = all ? everything(client, request) : onePage(client, request);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
        // The server's advice names the REST parameter; say it with the flag.
        throw new CliException(describe(e).replace("resource=FQN", "--resource FQN [-r]"), e);
      }
      throw rejectedFilter(e).orElseThrow(() -> e);
    }
    print(page);
    if (page.scanBudgetExhausted()) {
      err()
          .println(
              "scanned "
                  + page.rowsExamined()
                  + " rows without filling the page; continue with --page-token "
                  + page.token());
    } else if (!page.token().isEmpty() && !all) {
      err().println("next page: --page-token " + page.token());
    }
    if (page.cut()) {
      err()
          .println(
              "(showing the first "
                  + limit
                  + " entries; there are more — raise --limit or drop it)");
    }
    return ExitCodes.OK;
  }

  /**
   * What was fetched. {@code token} continues right after the last entry shown (empty when none
   * does), or after the last row the server examined when {@code scanBudgetExhausted}; {@code cut}
   * tells that --all stopped at --limit with entries left; {@code rowsExamined} adds up the
   * server's counts.
   */
  private record Page(
      List<AuditEntry> entries,
      String token,
      boolean cut,
      long rowsExamined,
      boolean scanBudgetExhausted) {}

  private AuditQueryRequest request() {
    var b = AuditQueryRequest.newBuilder().setRecursive(recursive);
    set(resource, b::setResource);
    set(principal, b::setPrincipal);
    set(kind, b::setKind);
    set(since, b::setSince);
    set(until, b::setUntil);
    set(text, b::setText);
    set(pageToken, b::setPageToken);
    if (operation != null) {
      b.setOperation(AuditOperation.valueOf(operation.name().toUpperCase(Locale.ROOT)));
    }
    if (outcome != null) {
      b.setOutcome(AuditOutcome.valueOf(outcome.name().toUpperCase(Locale.ROOT)));
    }
    b.setPageSize(pageSize());
    return b.build();
  }

  /**
   * The page size. A page token only works with the page size it was issued for, so the size
   * follows --limit (or the server's default) whenever a token may come from another run; only
   * --all from the start, without --limit, uses the largest pages.
   */
  int pageSize() {
    if (limit != null) {
      return Math.min(limit, MAX_PAGE_SIZE);
    }
    boolean fromStart = pageToken == null || pageToken.isEmpty();
    return all && fromStart ? MAX_PAGE_SIZE : DEFAULT_PAGE_SIZE;
  }

  private static Page onePage(ManagementClient client, AuditQueryRequest request) {
    AuditQueryResponse response = client.audit(request);
    return new Page(
        response.getEntriesList(),
        response.getNextPageToken(),
        false,
        response.getRowsExamined(),
        response.getScanBudgetExhausted() && !response.getNextPageToken().isEmpty());
  }

  private Page everything(ManagementClient client, AuditQueryRequest request) {
    var entries = new ArrayList<AuditEntry>();
    var seen = new HashSet<String>();
    String token = request.getPageToken();
    long examined = 0;
    while (true) {
      AuditQueryResponse response = client.audit(request.toBuilder().setPageToken(token).build());
      String next = response.getNextPageToken();
      examined += response.getRowsExamined();
      int room = limit == null ? Integer.MAX_VALUE : limit - entries.size();
      if (response.getEntriesCount() > room) {
        // Cut inside a page: no token continues exactly after the last entry shown.
        entries.addAll(response.getEntriesList().subList(0, room));
        return new Page(entries, "", true, examined, false);
      }
      entries.addAll(response.getEntriesList());
      if (next.isEmpty()) {
        return new Page(entries, "", false, examined, false);
      }
      if (limit != null && entries.size() >= limit) {
        return new Page(entries, next, true, examined, false);
      }
      if (!seen.add(next)) {
        throw new CliException(
            "the server at "
                + client.address()
                + " returned the same page token twice; listing stopped");
      }
      token = next;
    }
  }

  private void print(Page page) {
    if (output == OutputFormat.table) {
      if (page.entries().isEmpty()) {
        if (!page.scanBudgetExhausted()) { // else stderr says how to continue
          err().println("No audit entries found.");
        }
      } else {
        out().print(AuditTables.entries(page.entries()));
      }
      return;
    }
    var response =
        AuditQueryResponse.newBuilder()
            .addAllEntries(page.entries())
            .setNextPageToken(page.token())
            .setRowsExamined((int) Math.min(Integer.MAX_VALUE, page.rowsExamined()))
            .setScanBudgetExhausted(page.scanBudgetExhausted())
            .build();
    out().print(StructuredOutput.format(response, output));
  }

  /**
   * A filter the server refused (INVALID_ARGUMENT naming a field) as a usage error against the flag
   * that set it: {@code --since: '3x' is neither an RFC 3339 time ... nor a duration ...}.
   */
  private Optional<ParameterException> rejectedFilter(StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
      return Optional.empty();
    }
    Optional<ErrorDetail> detail = RemoteErrors.detail(e);
    if (detail.isEmpty()) {
      return Optional.empty();
    }
    var problems = new ArrayList<String>();
    for (FieldViolation v : detail.get().getFieldViolationsList()) {
      String flag = FLAGS.get(v.getField());
      if (flag == null) {
        return Optional.empty();
      }
      String problem = flag + ": " + RemoteErrors.oneLine(v.getDescription());
      if (flag.equals("--page-token")) {
        problem += " (a token only works with the filters and --limit of the run that printed it)";
      }
      problems.add(problem);
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(usage(String.join("; ", problems)));
  }

  private static void set(String value, Consumer<String> setter) {
    if (value != null && !value.isBlank()) {
      setter.accept(value.strip());
    }
  }
}
