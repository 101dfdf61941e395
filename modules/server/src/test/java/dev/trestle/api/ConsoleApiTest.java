package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.testing.TestCentral;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST additions the web console needs (whoami, batched can-i, IAM over REST, YAML GET, desired
 * objects), the console's static route and its headers, and the OpenAPI description checked against
 * the live server: every documented operation is called, and every answer must match its documented
 * schema (undocumented fields fail), so the description cannot drift.
 */
class ConsoleApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ORG = "organizations/console";
  private static final String GROUP = ORG + "/tenants/t/workspaces/w/groups/g";
  private static final String ROUTE = GROUP + "/serviceroutes/cart";
  private static TestCentral central;
  private static String admin;
  private static JsonNode spec;

  /** "METHOD /path/template" of each documented operation the tests called. */
  private static final Set<String> called = new TreeSet<>();

  private static final List<String> violations = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure();
    admin = central.adminToken();
    var r =
        call(
            admin,
            "POST",
            "/api/v1/apply",
            "/api/v1/apply",
            """
            apiVersion: trestle.dev/v1
            kind: Organization
            metadata: {name: console}
            ---
            apiVersion: trestle.dev/v1
            kind: Cluster
            metadata: {name: c1, organization: console}
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: t, organization: console}
            ---
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: w, organization: console, tenant: t}
            spec: {namespaceSelectors: ["*/checkout"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: g, organization: console, tenant: t, workspace: w}
            spec: {type: TRAFFIC}
            ---
            apiVersion: trestle.dev/v1
            kind: ServiceRoute
            metadata: {name: cart, organization: console, tenant: t, workspace: w, group: g}
            spec: {service: checkout/cart}
            ---
            apiVersion: trestle.dev/v1
            kind: ServiceRoute
            metadata: {name: doomed, organization: console, tenant: t, workspace: w, group: g}
            spec: {service: checkout/cart}
            """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (central != null) {
      central.close();
    }
  }

  @Test
  void theConsoleIsServedUnderUiWithStrictHeaders() throws Exception {
    var root = raw(null, "GET", "/", null, Map.of());
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("location")).hasValue("/ui/");

    var deep = raw(null, "GET", "/ui/r/organizations/acme/tenants/payments", null, Map.of());
    assertThat(deep.statusCode()).isEqualTo(200);
    assertThat(deep.body()).contains("<script type=\"module\" src=\"/ui/app/main.js\">");
    assertThat(deep.body()).doesNotContainPattern("<script>|<script [^>]*>[^<]");
    String csp = deep.headers().firstValue("content-security-policy").orElse("");
    assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(deep.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(deep.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(deep.headers().firstValue("set-cookie")).isEmpty();

    var vendor = raw(null, "GET", "/ui/vendor/htm-3.1.1/standalone.module.js", null, Map.of());
    assertThat(vendor.statusCode()).isEqualTo(200);
    assertThat(vendor.headers().firstValue("content-type").orElse("")).contains("javascript");
    assertThat(vendor.headers().firstValue("cache-control").orElse("")).contains("immutable");
    var app = raw(null, "GET", "/ui/app/main.js", null, Map.of());
    assertThat(app.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(raw(null, "GET", "/ui/app/missing.js", null, Map.of()).statusCode()).isEqualTo(404);
    var escape = raw(null, "GET", "/ui/app/../../logback.xml", null, Map.of());
    assertThat(escape.statusCode()).isNotEqualTo(200);
    assertThat(escape.body()).doesNotContain("<configuration");
  }

  @Test
  void yamlOnRequestAndDesiredObjects() throws Exception {
    var yaml = raw(admin, "GET", "/api/v1/" + ORG, null, Map.of("accept", "application/yaml"));
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("content-type").orElse("")).startsWith("application/yaml");
    assertThat(yaml.body()).startsWith("apiVersion: trestle.dev/v1\nkind: Organization\n");
    var missing =
        raw(
            admin,
            "GET",
            "/api/v1/" + ORG + "/tenants/nope",
            null,
            Map.of("accept", "application/yaml"));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("message").asText()).contains("does not exist");

    var desired =
        json(
            call(
                admin,
                "GET",
                "/api/v1/clusters/c1/desired",
                "/api/v1/clusters/{name}/desired",
                null));
    assertThat(desired.path("cluster").asText()).isEqualTo(ORG + "/clusters/c1");
  }

  @Test
  void iamOverRestWithWhoamiAndBatchedCanI() throws Exception {
    assertThat(
            json(call(admin, "GET", "/api/v1/whoami", "/api/v1/whoami", null))
                .path("principal")
                .asText())
        .isEqualTo("users/admin");
    var principal =
        json(
            call(
                admin,
                "POST",
                "/api/v1/iam/principals",
                "/api/v1/iam/principals",
                "{\"name\": \"users/bob\", \"displayName\": \"Bob\"}"));
    assertThat(principal.path("name").asText()).isEqualTo("users/bob");
    var token =
        json(
            call(
                admin,
                "POST",
                "/api/v1/iam/principals/users/bob/tokens",
                "/api/v1/iam/principals/{type}/{name}/tokens",
                "{\"description\": \"test\"}"));
    String bob = token.path("token").asText();
    var bindings =
        json(
            call(admin, "GET", "/api/v1/iam/bindings?target=" + ORG, "/api/v1/iam/bindings", null));
    var set =
        json(
            call(
                admin,
                "PUT",
                "/api/v1/iam/bindings?target=" + ORG,
                "/api/v1/iam/bindings",
                "{\"bindings\": [{\"role\": \"reader\", \"subjects\": [\"users/bob\"]}],"
                    + " \"version\": \""
                    + bindings.path("version").asText("0")
                    + "\"}"));
    assertThat(set.path("bindings").get(0).path("subjects").get(0).asText()).isEqualTo("users/bob");

    var canI =
        json(
            call(
                bob,
                "POST",
                "/api/v1/can-i",
                "/api/v1/can-i",
                "{\"fqns\": [\"" + ORG + "\", \"" + ROUTE + "\", \"\", \"nope/x\"]}"));
    assertThat(canI.path("principal").asText()).isEqualTo("users/bob");
    assertThat(canI.path("results").get(0).path("permissions").toString()).isEqualTo("[\"READ\"]");
    assertThat(canI.path("results").get(1).path("permissions").toString()).isEqualTo("[\"READ\"]");
    assertThat(canI.path("results").get(2).path("permissions").size()).isZero();
    assertThat(canI.path("results").get(3).path("error").asText()).contains("nope");

    // The reader may read but not write, and the server says so.
    assertThat(raw(bob, "GET", "/api/v1/" + ROUTE, null, Map.of()).statusCode()).isEqualTo(200);
    var forced =
        raw(
            bob,
            "PUT",
            "/api/v1/" + ROUTE,
            "{\"apiVersion\": \"trestle.dev/v1\", \"kind\": \"ServiceRoute\", \"metadata\":"
                + " {\"name\": \"cart\", \"organization\": \"console\", \"tenant\": \"t\","
                + " \"workspace\": \"w\", \"group\": \"g\"}, \"spec\": {\"service\":"
                + " \"checkout/other\"}}",
            Map.of());
    assertThat(forced.statusCode()).isEqualTo(403);
    // Bob may not administer others.
    var escalate =
        call(
            bob,
            "POST",
            "/api/v1/iam/principals",
            "/api/v1/iam/principals",
            "{\"name\": \"users/eve\"}");
    assertThat(escalate.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(escalate.body()).path("code").asText()).isEqualTo("PERMISSION_DENIED");

    var role =
        json(call(admin, "GET", "/api/v1/iam/roles/reader", "/api/v1/iam/roles/{name}", null));
    assertThat(role.path("builtIn").asBoolean()).isTrue();
    json(
        call(
            admin,
            "PUT",
            "/api/v1/iam/roles/auditor",
            "/api/v1/iam/roles/{name}",
            "{\"permissions\": [\"PERMISSION_READ\"], \"kinds\": [\"Cluster\"]}"));
    var bobNow =
        json(
            call(
                admin,
                "GET",
                "/api/v1/iam/principals/users/bob",
                "/api/v1/iam/principals/{type}/{name}",
                null));
    assertThat(bobNow.path("tokens")).hasSize(1);
    json(
        call(
            admin,
            "DELETE",
            "/api/v1/iam/principals/users/bob/tokens/" + token.path("tokenId").asText(),
            "/api/v1/iam/principals/{type}/{name}/tokens/{tokenId}",
            null));
    var revoked = raw(bob, "GET", "/api/v1/whoami", null, Map.of());
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(revoked.body()).path("code").asText()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void clustersComeInPagesWithTheTotal() throws Exception {
    var created =
        raw(
            admin,
            "POST",
            "/api/v1/apply",
            """
            apiVersion: trestle.dev/v1
            kind: Organization
            metadata: {name: paging}
            ---
            apiVersion: trestle.dev/v1
            kind: Cluster
            metadata: {name: p1, organization: paging}
            ---
            apiVersion: trestle.dev/v1
            kind: Cluster
            metadata: {name: p2, organization: paging}
            ---
            apiVersion: trestle.dev/v1
            kind: Cluster
            metadata: {name: p3, organization: paging}
            """,
            Map.of());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    var all = new ArrayList<String>();
    JSON.readTree(raw(admin, "GET", "/api/v1/clusters", null, Map.of()).body())
        .path("clusters")
        .forEach(c -> all.add(c.path("fqn").asText()));
    assertThat(all).contains("organizations/paging/clusters/p1").hasSizeGreaterThanOrEqualTo(4);

    var paged = new ArrayList<String>();
    String token = "";
    int pages = 0;
    do {
      var page =
          JSON.readTree(
              raw(admin, "GET", "/api/v1/clusters?pageSize=2&pageToken=" + token, null, Map.of())
                  .body());
      assertThat(page.path("clusters").size()).isBetween(1, 2);
      assertThat(page.path("totalSize").asInt()).isEqualTo(all.size());
      page.path("clusters").forEach(c -> paged.add(c.path("fqn").asText()));
      token = page.path("nextPageToken").asText();
      pages++;
    } while (!token.isEmpty());
    assertThat(paged).isEqualTo(all);
    assertThat(pages).isEqualTo((all.size() + 1) / 2);

    var bad = raw(admin, "GET", "/api/v1/clusters?pageSize=2&pageToken=x", null, Map.of());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("pageToken");
    assertThat(raw(admin, "GET", "/api/v1/clusters?pageSize=5000", null, Map.of()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void theOpenApiDescriptionMatchesTheLiveServer() throws Exception {
    // Operations the other tests do not call.
    json(
        call(
            admin,
            "POST",
            "/api/v1/apply?dryRun=true",
            "/api/v1/apply",
            "apiVersion: trestle.dev/v1\n"
                + "kind: Organization\n"
                + "metadata: {name: console, description: x}\n"));
    json(call(admin, "GET", "/api/v1/" + ROUTE, "/api/v1/{fqn}", null));
    json(
        call(
            admin,
            "PUT",
            "/api/v1/" + ROUTE + "?dryRun=true",
            "/api/v1/{fqn}",
            "apiVersion: trestle.dev/v1\n"
                + "kind: ServiceRoute\n"
                + "metadata: {name: cart, organization: console, tenant: t, workspace: w, group:"
                + " g}\n"
                + "spec: {service: checkout/cart2}\n"));
    var impact =
        json(
            call(
                admin,
                "POST",
                "/api/v1/impact",
                "/api/v1/impact",
                "apiVersion: trestle.dev/v1\n"
                    + "kind: ServiceRoute\n"
                    + "metadata: {name: cart, organization: console, tenant: t, workspace: w,"
                    + " group: g}\n"
                    + "spec: {service: checkout/cart3}\n"));
    assertThat(impact.path("results").path(0).path("outcome").asText()).isEqualTo("UPDATED");
    // c1 is selected (*/checkout) and translated; without an inventory it has no namespace, so
    // nothing there would change.
    assertThat(impact.path("clustersExamined").asInt()).isEqualTo(1);
    assertThat(impact.path("clusters").size()).isZero();
    var unreadable = call(admin, "POST", "/api/v1/impact", "/api/v1/impact", "kind: [");
    assertThat(unreadable.statusCode()).isEqualTo(400);
    json(
        call(
            admin,
            "GET",
            "/api/v1/" + GROUP + "/serviceroutes",
            "/api/v1/{parent}/{collection}",
            null));
    json(
        call(
            admin,
            "GET",
            "/api/v1/organizations?recursive=true",
            "/api/v1/{parent}/{collection}",
            null));
    json(call(admin, "GET", "/api/v1/audit?pageSize=20", "/api/v1/audit", null));
    json(call(admin, "GET", "/api/v1/history/" + ROUTE, "/api/v1/history/{fqn}", null));
    json(call(admin, "GET", "/api/v1/clusters", "/api/v1/clusters", null));
    json(call(admin, "GET", "/api/v1/istio-versions", "/api/v1/istio-versions", null));
    json(call(admin, "GET", "/api/v1/services", "/api/v1/services", null));
    json(
        call(
            admin,
            "GET",
            "/api/v1/telemetry/services/cart?scope=" + ORG + "&window=1h&step=5m",
            "/api/v1/telemetry/services/{service}",
            null));
    json(
        call(
            admin,
            "GET",
            "/api/v1/telemetry/top?scope=" + ORG + "&window=30m&limit=5",
            "/api/v1/telemetry/top",
            null));
    json(
        call(
            admin,
            "GET",
            "/api/v1/telemetry/topology?scope=" + ORG,
            "/api/v1/telemetry/topology",
            null));
    call(admin, "GET", "/api/v1/telemetry/top?window=yesterday", "/api/v1/telemetry/top", null);
    json(call(admin, "GET", "/api/v1/status/" + ROUTE, "/api/v1/status/{fqn}", null));
    json(call(admin, "GET", "/api/v1/gitops", "/api/v1/gitops", null));
    String noSource = ORG + "/tenants/t/gitsources/none";
    var missingSource =
        call(admin, "GET", "/api/v1/gitops/" + noSource, "/api/v1/gitops/{source}", null);
    assertThat(missingSource.statusCode()).as(missingSource.body()).isEqualTo(404);
    var missingSync =
        call(
            admin,
            "POST",
            "/api/v1/gitops/" + noSource + "/sync",
            "/api/v1/gitops/{source}/sync",
            null);
    assertThat(missingSync.statusCode()).as(missingSync.body()).isEqualTo(404);
    json(call(admin, "GET", "/api/v1/rollouts", "/api/v1/rollouts", null));
    var missingRollout =
        call(
            admin,
            "GET",
            "/api/v1/rollouts/" + ORG + "/revisionrollouts/none",
            "/api/v1/rollouts/{rollout}",
            null);
    assertThat(missingRollout.statusCode()).as(missingRollout.body()).isEqualTo(404);
    json(call(admin, "POST", "/api/v1/join-tokens?cluster=c1", "/api/v1/join-tokens", null));
    json(call(admin, "DELETE", "/api/v1/join-tokens?cluster=c1", "/api/v1/join-tokens", null));
    json(call(admin, "GET", "/api/v1/whoami", "/api/v1/whoami", null));
    var lags = json(call(admin, "GET", "/api/v1/projections", "/api/v1/projections", null));
    assertThat(lags.path("projections").findValuesAsText("projection"))
        .contains("audit", "desired-state");
    assertThat(call(null, "GET", "/api/v1/projections", "/api/v1/projections", null).statusCode())
        .isEqualTo(401);
    call(null, "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null);
    // What the counts say is ReadableListingsApiTest's; here their shape.
    json(call(admin, "GET", "/api/v1/resource-counts", "/api/v1/resource-counts", null));
    // A delete preview names what would go and deletes nothing; refused as the delete would be.
    var deletion =
        json(call(admin, "POST", "/api/v1/impact?delete=" + ROUTE, "/api/v1/impact", null));
    assertThat(deletion.path("deleted").get(0).asText()).isEqualTo(ROUTE);
    assertThat(deletion.path("deleted").size()).isEqualTo(1);
    json(call(admin, "GET", "/api/v1/" + ROUTE, "/api/v1/{fqn}", null));
    var hasChildren = call(admin, "POST", "/api/v1/impact?delete=" + GROUP, "/api/v1/impact", null);
    assertThat(hasChildren.statusCode()).as(hasChildren.body()).isEqualTo(409);
    var conflict = call(admin, "DELETE", "/api/v1/" + ORG + "/tenants/t", "/api/v1/{fqn}", null);
    assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
    json(
        call(admin, "DELETE", "/api/v1/" + GROUP + "/serviceroutes/doomed", "/api/v1/{fqn}", null));
    // Errors are documented too.
    call(admin, "GET", "/api/v1/history/nope/x", "/api/v1/history/{fqn}", null);
    json(call(admin, "POST", "/api/v1/can-i", "/api/v1/can-i", "{\"fqns\": [\"" + ORG + "\"]}"));
    var desired =
        json(
            call(
                admin,
                "GET",
                "/api/v1/clusters/c1/desired",
                "/api/v1/clusters/{name}/desired",
                null));
    assertThat(desired.path("diagnostics").isArray()).as(desired.toString()).isTrue();
    String carol = "/api/v1/iam/principals/serviceaccounts/carol";
    json(
        call(
            admin,
            "POST",
            "/api/v1/iam/principals",
            "/api/v1/iam/principals",
            "{\"name\": \"serviceaccounts/carol\"}"));
    json(call(admin, "GET", carol, "/api/v1/iam/principals/{type}/{name}", null));
    var minted =
        json(
            call(
                admin,
                "POST",
                carol + "/tokens",
                "/api/v1/iam/principals/{type}/{name}/tokens",
                "{}"));
    json(
        call(
            admin,
            "DELETE",
            carol + "/tokens/" + minted.path("tokenId").asText(),
            "/api/v1/iam/principals/{type}/{name}/tokens/{tokenId}",
            null));
    json(
        call(
            admin,
            "PUT",
            "/api/v1/iam/roles/viewer",
            "/api/v1/iam/roles/{name}",
            "{\"permissions\": [\"PERMISSION_READ\"]}"));
    json(call(admin, "GET", "/api/v1/iam/roles/viewer", "/api/v1/iam/roles/{name}", null));
    json(call(admin, "GET", "/api/v1/iam/bindings?target=", "/api/v1/iam/bindings", null));
    json(
        call(
            admin,
            "PUT",
            "/api/v1/iam/bindings?target=" + ORG + "/clusters/c1",
            "/api/v1/iam/bindings",
            "{\"bindings\": [{\"role\": \"viewer\", \"subjects\": [\"serviceaccounts/carol\"]}]}"));

    Set<String> documented = new TreeSet<>();
    spec()
        .path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    assertThat(called)
        .as("every documented operation is checked against the server")
        .containsAll(documented);
    assertThat(violations).as("answers that do not match the OpenAPI description").isEmpty();
  }

  private static JsonNode spec() throws IOException {
    if (spec == null) {
      spec = JSON.readTree(raw(null, "GET", "/api/v1/openapi.json", null, Map.of()).body());
    }
    return spec;
  }

  /** Calls a documented operation and checks the answer against its documented schema. */
  private static HttpResponse<String> call(
      String token, String method, String path, String template, String body) throws IOException {
    HttpResponse<String> r = raw(token, method, path, body, Map.of());
    JsonNode operation = spec().path("paths").path(template).path(method.toLowerCase());
    String where = method + " " + template;
    if (operation.isMissingNode()) {
      violations.add(where + ": not documented");
      return r;
    }
    called.add(where);
    JsonNode response = operation.path("responses").path(String.valueOf(r.statusCode()));
    if (response.isMissingNode()) {
      response = operation.path("responses").path("default");
    }
    if (response.isMissingNode()) {
      violations.add(where + ": status " + r.statusCode() + " not documented");
      return r;
    }
    JsonNode schema = response.path("content").path("application/json").path("schema");
    if (!schema.isMissingNode() && !template.equals("/api/v1/openapi.json")) {
      validate(schema, JSON.readTree(r.body()), where + " (" + r.statusCode() + ")");
    }
    return r;
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void validate(JsonNode schema, JsonNode value, String where) throws IOException {
    if (schema.has("$ref")) {
      String name = schema.path("$ref").asText().replace("#/components/schemas/", "");
      validate(spec().path("components").path("schemas").path(name), value, where);
      return;
    }
    String type = schema.path("type").asText("");
    boolean ok =
        switch (type) {
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> true;
        };
    if (!ok) {
      violations.add(where + ": " + value + " is not " + type);
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode e : schema.path("enum")) {
        listed |= e.equals(value);
      }
      if (!listed) {
        violations.add(where + ": " + value + " is not one of " + schema.path("enum"));
      }
    }
    if (value.isArray()) {
      int i = 0;
      for (JsonNode item : value) {
        validate(schema.path("items"), item, where + "[" + i++ + "]");
      }
    }
    if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          violations.add(where + ": required field " + required.asText() + " missing");
        }
      }
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        var field = it.next();
        if (props.has(field.getKey())) {
          validate(props.path(field.getKey()), field.getValue(), where + "." + field.getKey());
        } else if (additional.isObject()) {
          validate(additional, field.getValue(), where + "." + field.getKey());
        } else if (additional.isBoolean() && !additional.asBoolean()) {
          violations.add(where + ": field " + field.getKey() + " is not documented");
        }
      }
    }
  }

  private static HttpResponse<String> raw(
      String token, String method, String path, String body, Map<String, String> headers)
      throws IOException {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
