package dev.trestle.translator.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.v1.GatewayTls;
import dev.trestle.protocol.v1.JwtPolicy;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Trestle's {@code x-trestle-*} extensions of an OpenAPI document: which ones exist and where each
 * is read, and the two that become Trestle messages of their own: {@code x-trestle-tls} (a gateway
 * server's TLS, {@link GatewayTls}) and {@code x-trestle-jwt} (a request-token policy, {@link
 * JwtPolicy}).
 */
final class ApiExtensions {
  static final String PREFIX = "x-trestle-";
  static final String SERVICE = "x-trestle-service";
  static final String PORT = "x-trestle-port";
  static final String TIMEOUT = "x-trestle-timeout";
  static final String RATE_LIMIT = "x-trestle-rate-limit";
  static final String CORS = "x-trestle-cors";
  static final String TLS = "x-trestle-tls";
  static final String JWT = "x-trestle-jwt";

  /** Read on an operation, a path item and the document (the nearest wins). */
  static final Set<String> ROUTE = Set.of(SERVICE, PORT, TIMEOUT, RATE_LIMIT, CORS, JWT);

  /** Read on the document (route defaults, and TLS for every https server) ... */
  static final Set<String> DOCUMENT = Set.of(SERVICE, PORT, TIMEOUT, RATE_LIMIT, CORS, JWT, TLS);

  /** ... and on a server (its TLS, over the document's). */
  static final Set<String> SERVER = Set.of(TLS);

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiExtensions() {}

  /**
   * Every {@code x-trestle-*} key the document holds where it is not read (a typo, or TLS on an
   * operation), with where it is. Refused at apply time; the translator ignores such keys.
   */
  static List<String> stray(OpenAPI api) {
    var out = new TreeSet<String>();
    stray(api.getExtensions(), "", DOCUMENT, out);
    List<Server> servers = api.getServers() == null ? List.of() : api.getServers();
    for (int i = 0; i < servers.size(); i++) {
      stray(servers.get(i).getExtensions(), "servers[" + i + "].", SERVER, out);
    }
    if (api.getPaths() != null) {
      for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
        String path = "paths.'" + p.getKey() + "'";
        stray(p.getValue().getExtensions(), path + ".", ROUTE, out);
        p.getValue()
            .readOperationsMap()
            .forEach(
                (method, op) ->
                    stray(
                        op.getExtensions(),
                        path + "(" + method.name().toLowerCase(Locale.ROOT) + ").",
                        ROUTE,
                        out));
      }
    }
    return List.copyOf(out);
  }

  private static void stray(
      Map<String, Object> extensions, String where, Set<String> read, Set<String> out) {
    if (extensions == null) {
      return;
    }
    for (String key : extensions.keySet()) {
      if (!key.startsWith(PREFIX) || read.contains(key)) {
        continue;
      }
      boolean known = DOCUMENT.contains(key);
      out.add(
          where
              + key
              + (known
                  ? ": is not read here; " + readWhere(key)
                  : ": is not a Trestle extension; known: "
                      + String.join(", ", new TreeSet<>(DOCUMENT))));
    }
  }

  private static String readWhere(String key) {
    return key.equals(TLS)
        ? "x-trestle-tls is read on the document and on servers[]"
        : key + " is read on the document, a path item or an operation";
  }

  /**
   * {@code value} as a gateway server's TLS settings ({@code mode}, {@code credentialName}, ...).
   */
  static Optional<GatewayTls> tls(String where, Object value, List<String> problems) {
    return message(where, JSON.valueToTree(value), GatewayTls.newBuilder(), problems)
        .map(GatewayTls.class::cast);
  }

  /**
   * {@code value} as a request-token policy. An issuer's {@code jwks} may be written as a YAML/JSON
   * object or as JSON text; it is kept as text. Problems never carry the key set's content.
   */
  static Optional<JwtPolicy> jwt(String where, Object value, List<String> problems) {
    JsonNode tree = JSON.valueToTree(value);
    if (tree.path("issuers").isArray()) {
      for (JsonNode issuer : (ArrayNode) tree.get("issuers")) {
        if (issuer instanceof ObjectNode o && o.path("jwks").isContainerNode()) {
          o.put("jwks", o.get("jwks").toString());
        }
      }
    }
    return message(where, tree, JwtPolicy.newBuilder(), problems).map(JwtPolicy.class::cast);
  }

  /**
   * {@code value} merged into {@code builder} by protobuf's JSON mapping (unknown fields refused).
   */
  static Optional<Message> message(
      String where, Object value, Message.Builder builder, List<String> problems) {
    try {
      JsonFormat.parser().merge(JSON.writeValueAsString(value), builder);
      return Optional.of(builder.build());
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      problems.add(where + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
