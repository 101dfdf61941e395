package dev.trestle.translator.openapi;

import dev.trestle.protocol.v1.CorsPolicy;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.GatewayTls;
import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.JwtPolicy;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * rateLimit), {@code x-trestle-cors} (a Trestle cors policy) and {@code x-trestle-jwt} (a
 * request-token policy, for the operation's host, path and method). {@code x-trestle-tls}, on the
 * document or a server, asks for a gateway server of the API's own for each {@code https} server
 * URL's host.
 */
public final class ApiRoutes {
  public static final String SERVICE = ApiExtensions.SERVICE;
  public static final String PORT = ApiExtensions.PORT;
  public static final String TIMEOUT = ApiExtensions.TIMEOUT;
  public static final String RATE_LIMIT = ApiExtensions.RATE_LIMIT;
  public static final String CORS = ApiExtensions.CORS;
  public static final String TLS = ApiExtensions.TLS;
  public static final String JWT = ApiExtensions.JWT;
  private static final Pattern TEMPLATE = Pattern.compile("\\{[^/{}]+}");
  private static final Pattern NOT_NAME = Pattern.compile("[^a-z0-9-]+");

  /**
   * The routes, or the problems (with where) that make the document unusable; the TLS servers the
   * API asks for; each route's request-token policy by route name; and the {@code x-trestle-*} keys
   * placed where they are not read ({@code stray}: refused at apply time, ignored otherwise).
   */
  public record Result(
      List<GatewayRoute> routes,
      List<String> problems,
      List<ServerTls> tls,
      Map<String, RouteJwt> jwt,
      List<String> stray) {
    public Result {
      routes = List.copyOf(routes);
      problems = List.copyOf(problems);
      tls = List.copyOf(tls);
      jwt = Collections.unmodifiableMap(new LinkedHashMap<>(jwt));
      stray = List.copyOf(stray);
    }

    static Result refused(List<String> problems) {
      return new Result(List.of(), problems, List.of(), Map.of(), List.of());
    }
  }

  /**
   * A gateway server the API asks for: {@code host} on {@code port} (the URL's, else 443) with TLS
   * {@code tls}, from the extension at {@code where}.
   */
  public record ServerTls(String where, String host, int port, GatewayTls tls) {}

  /**
   * The request-token policy of a route, from the extension at {@code where}; {@code authzPath} is
   * the route's path as an AuthorizationPolicy path: exact, or, for a templated path, its literal
   * prefix up to the first template followed by {@code *} (a prefix match: it covers more than the
   * template, never less).
   */
  public record RouteJwt(String where, JwtPolicy policy, String authzPath) {}

  private record Op(String path, String method, Operation operation, PathItem item) {}

  private ApiRoutes() {}

  /** Parses {@code text} ({@link OpenApiDocument}) and derives the routes of API {@code name}. */
  public static Result of(String name, String text) {
    var parsed = OpenApiDocument.parse(text);
    if (parsed.api().isEmpty()) {
      return Result.refused(parsed.problems());
    }
    return of(name, parsed.api().get());
  }

  static Result of(String name, OpenAPI api) {
    var problems = new ArrayList<String>();
    var bases = new ArrayList<URI>();
    var tls = new ArrayList<ServerTls>();
    List<Server> servers = api.getServers() == null ? List.of() : api.getServers();
    for (int i = 0; i < servers.size(); i++) {
      String where = "servers[" + i + "]";
      Server s = servers.get(i);
      Optional<URI> uri = server(where, s.getUrl(), problems);
      uri.ifPresent(bases::add);
      uri.flatMap(u -> serverTls(where, u, s, api, problems)).ifPresent(tls::add);
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
    var jwt = new LinkedHashMap<String, RouteJwt>();
    var names = new HashSet<String>();
    for (Op op : ops) {
      String where = "paths.'" + op.path() + "'(" + op.method().toLowerCase(Locale.ROOT) + ")";
      Optional<GatewayRoute> base = route(name, api, op, where, problems);
      if (base.isEmpty()) {
        continue;
      }
      String routeName = base.get().getName();
      Optional<Located<JwtPolicy>> policy = routeJwt(api, op, where, problems);
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
        GatewayRoute built = route.build();
        routes.add(built);
        policy.ifPresent(
            p -> jwt.put(built.getName(), new RouteJwt(p.where(), p.value(), authzPath(path))));
      }
    }
    if (!problems.isEmpty()) {
      return Result.refused(problems);
    }
    return new Result(routes, problems, tls, jwt, ApiExtensions.stray(api));
  }

  private record Located<T>(String where, T value) {}

  /**
   * The TLS of an https server: its own {@code x-trestle-tls}, else the document's. On an http
   * server its own is refused and the document's does not apply.
   */
  private static Optional<ServerTls> serverTls(
      String where, URI uri, Server server, OpenAPI api, List<String> problems) {
    Map<String, Object> own = server.getExtensions();
    boolean https = "https".equals(uri.getScheme());
    Object value;
    String at;
    if (own != null && own.containsKey(TLS)) {
      value = own.get(TLS);
      at = where + "." + TLS;
      if (!https) {
        problems.add(at + ": TLS needs an https:// server URL, not '" + uri + "'");
        return Optional.empty();
      }
    } else if (https && api.getExtensions() != null && api.getExtensions().containsKey(TLS)) {
      value = api.getExtensions().get(TLS);
      at = TLS;
    } else {
      return Optional.empty();
    }
    int port = uri.getPort() == -1 ? 443 : uri.getPort();
    return ApiExtensions.tls(at, value, problems)
        .map(t -> new ServerTls(at, uri.getHost(), port, t));
  }

  /** The nearest {@code x-trestle-jwt} of the operation, with where it is. */
  private static Optional<Located<JwtPolicy>> routeJwt(
      OpenAPI doc, Op op, String where, List<String> problems) {
    List<Map.Entry<String, Map<String, Object>>> levels =
        Arrays.asList(
            Map.entry(where + ".", extensions(op.operation().getExtensions())),
            Map.entry("paths.'" + op.path() + "'.", extensions(op.item().getExtensions())),
            Map.entry("", extensions(doc.getExtensions())));
    for (var level : levels) {
      if (level.getValue().containsKey(JWT)) {
        String at = level.getKey() + JWT;
        return ApiExtensions.jwt(at, level.getValue().get(JWT), problems)
            .map(p -> new Located<>(at, p));
      }
    }
    return Optional.empty();
  }

  private static Map<String, Object> extensions(Map<String, Object> ext) {
    return ext == null ? Map.of() : ext;
  }

  /** The path as an AuthorizationPolicy path ({@link RouteJwt#authzPath}). */
  static String authzPath(String path) {
    var m = TEMPLATE.matcher(path);
    return m.find() ? path.substring(0, m.start()) + "*" : path;
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
      ApiExtensions.message(where + ": " + RATE_LIMIT, limit, RateLimit.newBuilder(), problems)
          .ifPresent(m -> b.setRateLimit((RateLimit) m));
    }
    Object cors = nearest(CORS, doc, op);
    if (cors != null) {
      ApiExtensions.message(where + ": " + CORS, cors, CorsPolicy.newBuilder(), problems)
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
