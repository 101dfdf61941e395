package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.audit.AuditFilter;
import dev.trestle.audit.AuditQueries;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.HistoryResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /audit} (the audit log, filtered) and {@code GET /history/{fqn}}. */
public final class AuditRoutes implements RestRouteGroup {
  private final AuditQueries audit;

  public AuditRoutes(AuditQueries audit) {
    this.audit = audit;
  }

  @Override
  public Route route(RestCall call) {
    return concat(
        RestPaths.exactly("audit", () -> concat(get(() -> query(call)), call.methodNotAllowed())),
        RestPaths.fqnBelow(
            "history", fqn -> concat(get(() -> history(call, fqn)), call.methodNotAllowed())));
  }

  private Route query(RestCall call) {
    return call.ok(
        () ->
            audit
                .query(filter(call), call.caller())
                .thenApply(
                    page -> {
                      var out = AuditViews.response(page);
                      page.rows().forEach(r -> out.addEntries(AuditViews.entry(r)));
                      return json(out);
                    }));
  }

  private Route history(RestCall call, String fqn) {
    return call.ok(
        () ->
            audit
                .history(fqn, call.caller())
                .thenApply(
                    versions -> {
                      var out = HistoryResponse.newBuilder().setFqn(fqn);
                      for (int i = versions.size() - 1; i >= 0; i--) {
                        out.addEntries(AuditViews.historyEntry(versions.get(i)));
                      }
                      return RestReplies.protoJson(out);
                    }));
  }

  private static AuditFilter.Request filter(RestCall call) {
    return new AuditFilter.Request(
        call.param("resource"),
        call.flag("recursive"),
        call.param("principal"),
        call.param("kind"),
        call.param("operation"),
        call.param("outcome"),
        call.param("since"),
        call.param("until"),
        call.param("text"),
        call.intParam("pageSize"),
        call.param("pageToken"));
  }

  /**
   * An audit page in the protobuf JSON mapping, with {@code scanBudgetExhausted} and {@code
   * rowsExamined} always present (the mapping leaves out false and 0).
   */
  private static String json(AuditQueryResponse.Builder page) {
    try {
      var tree = (ObjectNode) CanonicalJson.MAPPER.readTree(JsonFormat.printer().print(page));
      if (!tree.has("entries")) {
        tree.putArray("entries");
      }
      tree.put("nextPageToken", page.getNextPageToken());
      tree.put("scanBudgetExhausted", page.getScanBudgetExhausted());
      tree.put("rowsExamined", page.getRowsExamined());
      return RestReplies.tree(tree);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
