package dev.trestle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) against an OpenID Connect issuer: discovery
 * ({@code /.well-known/openid-configuration}: {@code device_authorization_endpoint}, {@code
 * token_endpoint}), a device code, the verification URI and user code shown to the user, then
 * polling the token endpoint every {@code interval} seconds ({@code authorization_pending}: again;
 * {@code slow_down}: 5 s more from then on; {@code expired_token}, {@code access_denied} or the
 * code's {@code expires_in} passed: fail). Plain HTTP is accepted for a loopback issuer only.
 * Messages never quote a token or the device code.
 */
public final class DeviceCodeLogin {
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Waits between polls; tests pass one that records instead of sleeping. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** What the user must do: open {@code verificationUri} and enter {@code userCode}. */
  public record Prompt(
      String verificationUri,
      String verificationUriComplete,
      String userCode,
      Duration expiresIn) {}

  /** The issuer's answer: the token to present ({@code id_token}, else {@code access_token}). */
  public record Result(String token, String tokenType) {
    @Override
    public String toString() {
      return "Result[" + tokenType + "]"; // never the token
    }
  }

  private final HttpClient http;
  private final Duration timeout;
  private final Sleeper sleeper;

  public DeviceCodeLogin(Duration timeout, Sleeper sleeper) {
    this.timeout = timeout;
    this.sleeper = sleeper;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Runs the whole flow; {@code show} is told what the user must do once the code is issued. */
  public Result login(String issuer, String clientId, String scope, Consumer<Prompt> show) {
    URI base = checkIssuer(issuer);
    if (clientId == null || clientId.isBlank()) {
      throw new CliException("--oidc-client-id is required (the client registered at the issuer)");
    }
    JsonNode discovery = getJson(URI.create(strip(base) + "/.well-known/openid-configuration"));
    if (!issuer.equals(discovery.path("issuer").asText())) {
      throw new CliException(
          "the OIDC discovery document of "
              + issuer
              + " names issuer '"
              + oneLine(discovery.path("issuer").asText())
              + "'; the issuer URL must be exactly the token's iss");
    }
    URI deviceEndpoint = endpoint(discovery, "device_authorization_endpoint", base);
    URI tokenEndpoint = endpoint(discovery, "token_endpoint", base);

    var form = new LinkedHashMap<String, String>();
    form.put("client_id", clientId);
    if (!scope.isBlank()) {
      form.put("scope", scope);
    }
    HttpResponse<String> issued = post(deviceEndpoint, form);
    JsonNode code = parse(issued, deviceEndpoint);
    if (issued.statusCode() != 200) {
      throw new CliException(
          "the issuer refused the device authorization request: " + oauthError(code, issued));
    }
    String deviceCode = required(code, "device_code", deviceEndpoint);
    String userCode = required(code, "user_code", deviceEndpoint);
    String verificationUri =
        code.hasNonNull("verification_uri")
            ? code.get("verification_uri").asText()
            : required(code, "verification_url", deviceEndpoint); // some issuers' older name
    Duration expiresIn = Duration.ofSeconds(code.path("expires_in").asLong(600));
    Duration interval =
        code.hasNonNull("interval")
            ? Duration.ofSeconds(Math.max(1, code.get("interval").asLong()))
            : DEFAULT_INTERVAL;
    show.accept( // what the issuer says goes to a terminal: one line each, no control characters
        new Prompt(
            oneLine(verificationUri),
            oneLine(code.path("verification_uri_complete").asText("")),
            oneLine(userCode),
            expiresIn));

    var poll = new LinkedHashMap<String, String>();
    poll.put("grant_type", GRANT_TYPE);
    poll.put("device_code", deviceCode);
    poll.put("client_id", clientId);
    Duration waited = Duration.ZERO;
    while (true) {
      if (waited.compareTo(expiresIn) >= 0) {
        throw expired(expiresIn);
      }
      pause(interval);
      waited = waited.plus(interval);
      HttpResponse<String> answer = post(tokenEndpoint, poll);
      JsonNode body = parse(answer, tokenEndpoint);
      if (answer.statusCode() == 200) {
        return token(body, tokenEndpoint);
      }
      String error = body.path("error").asText("");
      switch (error) {
        case "authorization_pending" -> {}
        case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
        case "expired_token" -> throw expired(expiresIn);
        case "access_denied" ->
            throw new CliException("the login was denied at the issuer (access_denied)");
        default ->
            throw new CliException("the issuer refused the login: " + oauthError(body, answer));
      }
    }
  }

  private static Result token(JsonNode body, URI tokenEndpoint) {
    for (String field : new String[] {"id_token", "access_token"}) {
      String value = body.path(field).asText("");
      if (!value.isEmpty()) {
        if (!Credential.wellFormed(value)) {
          throw new CliException(
              "the issuer's " + field + " from " + tokenEndpoint + " is " + Credential.MALFORMED);
        }
        return new Result(value, field);
      }
    }
    throw new CliException(
        "the issuer's token response from "
            + tokenEndpoint
            + " has neither id_token nor access_token");
  }

  private void pause(Duration interval) {
    try {
      sleeper.sleep(interval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the login to be approved");
    }
  }

  private static CliException expired(Duration expiresIn) {
    return new CliException(
        "the device code expired before the login was approved (it was valid "
            + expiresIn.toSeconds()
            + " s); run the login again");
  }

  /** https, or http to a loopback address (a local issuer, as in tests). */
  static URI checkIssuer(String issuer) {
    if (issuer == null || issuer.isBlank()) {
      throw new CliException(
          "--oidc-issuer is required (or $TRESTLE_OIDC_ISSUER): the issuer URL the server's"
              + " trestle.iam.oidc.issuer names");
    }
    URI uri;
    try {
      uri = URI.create(issuer);
    } catch (IllegalArgumentException e) {
      throw new CliException("--oidc-issuer: '" + oneLine(issuer) + "' is not a URL");
    }
    if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
      return uri;
    }
    if ("http".equals(uri.getScheme()) && uri.getHost() != null && loopback(uri.getHost())) {
      return uri;
    }
    throw new CliException(
        "--oidc-issuer: '"
            + oneLine(issuer)
            + "' must be an https URL (plain http only to a loopback address)");
  }

  /** localhost or a loopback IP literal; never a DNS lookup. */
  private static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static URI endpoint(JsonNode discovery, String field, URI issuer) {
    String value = discovery.path(field).asText("");
    if (value.isEmpty()) {
      throw new CliException(
          "the OIDC issuer "
              + issuer
              + " offers no "
              + field
              + " in its discovery document (it does not support the device-code login)");
    }
    return checkIssuerEndpoint(value, field);
  }

  private static URI checkIssuerEndpoint(String value, String field) {
    try {
      return checkIssuer(value);
    } catch (CliException e) {
      throw new CliException(
          "the issuer's " + field + " '" + oneLine(value) + "' must be https (or loopback http)");
    }
  }

  private JsonNode getJson(URI uri) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
    if (r.statusCode() != 200) {
      throw new CliException("the OIDC issuer answered " + r.statusCode() + " for " + uri);
    }
    return parse(r, uri);
  }

  private HttpResponse<String> post(URI uri, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(
          "cannot reach the OIDC issuer at " + request.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while calling " + request.uri());
    }
  }

  private static JsonNode parse(HttpResponse<String> r, URI uri) {
    try {
      JsonNode node = JSON.readTree(r.body());
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new CliException(
          "the OIDC issuer's answer from " + uri + " (HTTP " + r.statusCode() + ") is not JSON");
    }
  }

  private static String required(JsonNode node, String field, URI uri) {
    String value = node.path(field).asText("");
    if (value.isEmpty()) {
      throw new CliException("the issuer's answer from " + uri + " has no " + field);
    }
    return value;
  }

  private static String oauthError(JsonNode body, HttpResponse<String> r) {
    String error = body.path("error").asText("");
    if (error.isEmpty()) {
      return "HTTP " + r.statusCode();
    }
    String description = body.path("error_description").asText("");
    return oneLine(error) + (description.isEmpty() ? "" : " (" + oneLine(description) + ")");
  }

  private static String strip(URI base) {
    return base.toString().replaceAll("/+$", "");
  }

  private static String oneLine(String s) {
    String flat = s == null ? "" : s.replaceAll("\\p{Cntrl}", " ");
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }
}
