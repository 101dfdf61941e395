package dev.trestle.translator.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.v1.CorsPolicy;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.RateLimit;
import dev.trestle.protocol.v1.StringMatch;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.servers.Server;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3 document as gateway routes: one route per server (host and base path) and operation,
 * matching the method and the path (exact when it has no template, else an RE2 regex where each
 * {@code {param}} is one path segment), ordered so that literal segments come before templated ones
 * at the first place two paths differ. Trestle's extensions, on the document, a path item or an
 * operation (the nearest wins): {@code x-trestle-service} ({@code namespace/name}, required),
 * {@code x-trestle-port}, {@code x-trestle-timeout}, {@code x-trestle-rate-limit} (a Trestle
 * rateLimit) and {@code x-trestle-cors} (a Trestle cors policy).
 */
public final class ApiRoutes {
  public static final String SERVICE = "x-trestle-service";
  public static final String PORT = "x-trestle-port";
  public static final String TIMEOUT = "x-trestle-timeout";
  public static final String RATE_LIMIT = "x-trestle-rate-limit";
  public static final String CORS = "x-trestle-cors";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TEMPLATE = Pattern.compile("\\{[^/{}]+}");
  private static final Pattern NOT_NAME = Pattern.compile("[^a-z0-9-]+");

  /** The routes, or the problems (with where) that make the document unusable. */
  public record Result(List<GatewayRoute> routes, List<String> problems) {
    public Result {
      routes = List.copyOf(routes);
      problems = List.copyOf(problems);
    }
  }

  private record Op(String path, String method, Operation operation, PathItem item) {}

  private ApiRoutes() {}

  /** Parses {@code text} ({@link OpenApiDocument}) and derives the routes of API {@code name}. */
  public static Result of(String name, String text) {
    var parsed = OpenApiDocument.parse(text);
    if (parsed.api().isEmpty()) {
      return new Result(List.of(), parsed.problems());
    }
    return of(name, parsed.api().get());
  }

  static Result of(String name, OpenAPI api) {
    var problems = new ArrayList<String>();
    var bases = new ArrayList<URI>();
    List<Server> servers = api.getServers() == null ? List.of() : api.getServers();
    for (int i = 0; i < servers.size(); i++) {
      server("servers[" + i + "]", servers.get(i).getUrl(), problems).ifPresent(bases::add);
    }
    if (bases.isEmpty() && problems.isEmpty()) {
      problems.add(
          "servers: at least one server with an absolute URL (https://host/base) is required");
    }
    var ops = new ArrayList<Op>();
    if (api.getPaths() == null || api.getPaths().isEmpty()) {
      problems.add("paths: at least one path is required");
    } else {
      api.getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, op) ->
                              ops.add(
                                  new Op(path, method.name().toUpperCase(Locale.ROOT), op, item))));
    }
    ops.sort(
        Comparator.comparing((Op o) -> o.path(), ApiRoutes::literalFirst)
            .thenComparing(Op::method));
    var routes = new ArrayList<GatewayRoute>();
    var names = new HashSet<String>();
    for (Op op : ops) {
      String where = "paths.'" + op.path() + "'(" + op.method().toLowerCase(Locale.ROOT) + ")";
      Optional<GatewayRoute> base = route(name, api, op, where, problems);
      if (base.isEmpty()) {
        continue;
      }
      String routeName = base.get().getName();
      if (!names.add(routeName)) {
        problems.add(
            where
                + ": route name '"
                + routeName
                + "' is taken by another operation; set a distinct operationId");
      }
      for (URI server : bases) {
        String path = basePath(server) + op.path();
        var uri =
            TEMPLATE.matcher(op.path()).find()
                ? StringMatch.newBuilder().setRegex(regex(path))
                : StringMatch.newBuilder().setExact(path);
        var route =
            base.get().toBuilder()
                .setHost(server.getHost())
                .addMatch(HttpMatch.newBuilder().setUri(uri).setMethod(op.method()));
        if (bases.size() > 1) {
          route.setName(routeName + "-" + server.getHost().replace('.', '-'));
        }
        routes.add(route.build());
      }
    }
    return new Result(problems.isEmpty() ? routes : List.of(), problems);
  }

  private static Optional<URI> server(String where, String url, List<String> problems) {
    if (url == null || url.contains("{")) {
      problems.add(where + ".url: '" + url + "' must be an absolute URL without variables");
      return Optional.empty();
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        problems.add(where + ".url: '" + url + "' must be an absolute http(s) URL with a host");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      problems.add(where + ".url: '" + url + "' is not a URL: " + e.getReason());
      return Optional.empty();
    }
  }

  private static String basePath(URI server) {
    String p = server.getPath() == null ? "" : server.getPath();
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static Optional<GatewayRoute> route(
      String api, OpenAPI doc, Op op, String where, List<String> problems) {
    var b = GatewayRoute.newBuilder();
    b.setName(routeName(api, op));
    Object service = nearest(SERVICE, doc, op);
    if (!(service instanceof String s) || s.isBlank()) {
      problems.add(
          where
              + ": "
              + SERVICE
              + " (namespace/name) is required on the document, the path or the operation");
      return Optional.empty();
    }
    b.setService(s);
    Object port = nearest(PORT, doc, op);
    if (port instanceof Number n) {
      b.setPort(n.intValue());
    } else if (port != null) {
      problems.add(where + ": " + PORT + " must be a number");
    }
    Object timeout = nearest(TIMEOUT, doc, op);
    if (timeout instanceof String t) {
      b.setTimeout(t);
    } else if (timeout != null) {
      problems.add(where + ": " + TIMEOUT + " must be a duration like 2s");
    }
    Object limit = nearest(RATE_LIMIT, doc, op);
    if (limit != null) {
      message(where + ": " + RATE_LIMIT, limit, RateLimit.newBuilder(), problems)
          .ifPresent(m -> b.setRateLimit((RateLimit) m));
    }
    Object cors = nearest(CORS, doc, op);
    if (cors != null) {
      message(where + ": " + CORS, cors, CorsPolicy.newBuilder(), problems)
          .ifPresent(m -> b.setCors((CorsPolicy) m));
    }
    return Optional.of(b.build());
  }

  /** {@code <api>-<operationId>}, else {@code <api>-<method>-<path>}, as a DNS label. */
  private static String routeName(String api, Op op) {
    String id = op.operation().getOperationId();
    String base = id != null && !id.isBlank() ? id : op.method() + "-" + op.path();
    String cleaned =
        NOT_NAME
            .matcher(base.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT))
            .replaceAll("-")
            .replaceAll("-{2,}", "-")
            .replaceAll("^-+|-+$", "");
    String out = api + "-" + cleaned;
    return out.length() > 63 ? out.substring(0, 63).replaceAll("-+$", "") : out;
  }

  private static Object nearest(String key, OpenAPI doc, Op op) {
    for (Map<String, Object> ext :
        Arrays.asList(
            op.operation().getExtensions(), op.item().getExtensions(), doc.getExtensions())) {
      if (ext != null && ext.containsKey(key)) {
        return ext.get(key);
      }
    }
    return null;
  }

  private static Optional<Message> message(
      String where, Object value, Message.Builder builder, List<String> problems) {
    try {
      JsonFormat.parser().merge(JSON.writeValueAsString(value), builder);
      return Optional.of(builder.build());
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      problems.add(where + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The path as an RE2 regex: literal text quoted, each template one non-empty segment. */
  static String regex(String path) {
    var out = new StringBuilder();
    var m = TEMPLATE.matcher(path);
    int last = 0;
    while (m.find()) {
      out.append(quote(path.substring(last, m.start()))).append("[^/]+");
      last = m.end();
    }
    out.append(quote(path.substring(last)));
    return out.toString();
  }

  private static String quote(String literal) {
    var out = new StringBuilder();
    for (char c : literal.toCharArray()) {
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Segment by segment: a literal before a template, then by text; a shorter path first. */
  static int literalFirst(String a, String b) {
    String[] x = a.split("/", -1);
    String[] y = b.split("/", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean tx = TEMPLATE.matcher(x[i]).find();
      boolean ty = TEMPLATE.matcher(y[i]).find();
      if (tx != ty) {
        return tx ? 1 : -1;
      }
      int c = x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
