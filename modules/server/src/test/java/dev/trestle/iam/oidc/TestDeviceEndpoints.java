package dev.trestle.iam.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The device authorization grant (RFC 8628) of {@link TestIssuer}: {@code POST /device} issues a
 * device code, {@code POST /token} answers each poll with the next scripted answer ({@code
 * authorization_pending}, {@code slow_down}, {@code expired_token}, {@code access_denied}, or
 * {@code approve}: an ID token for {@link #subject} with {@link #groups}, audience the client id,
 * signed by {@link #key}). A poll sooner than the current interval after the previous one is
 * answered {@code slow_down} whatever the script says, as a real issuer would.
 */
public final class TestDeviceEndpoints {
  public static final String USER_CODE = "WDJB-MJHT";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestIssuer issuer;
  private final Deque<String> script = new ArrayDeque<>();
  private long intervalSeconds = 5;
  private long expiresIn = 600;
  private String deviceCode = "";
  private Instant lastPoll;
  private boolean enforceInterval;
  volatile RSAKey key;
  volatile String subject = "alice";
  volatile List<String> groups = List.of();

  /** The time of every poll of the token endpoint, and the form of every request. */
  public final List<Instant> polls = new CopyOnWriteArrayList<>();

  public final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

  TestDeviceEndpoints(TestIssuer issuer) {
    this.issuer = issuer;
  }

  /**
   * The next device code gets {@code interval} and {@code expiresIn} (seconds) and these answers,
   * one per poll; with {@code enforceInterval} a too-early poll gets {@code slow_down}.
   */
  public synchronized void script(
      long interval, long expiresIn, boolean enforceInterval, String... answers) {
    this.intervalSeconds = interval;
    this.expiresIn = expiresIn;
    this.enforceInterval = enforceInterval;
    script.clear();
    script.addAll(List.of(answers));
    polls.clear();
    requests.clear();
    lastPoll = null;
  }

  void authorize(HttpExchange x) throws IOException {
    Map<String, String> form = form(x);
    requests.add(form);
    ObjectNode out = JSON.createObjectNode();
    synchronized (this) {
      deviceCode = "dc-" + System.nanoTime();
      out.put("device_code", deviceCode);
      out.put("user_code", USER_CODE);
      out.put("verification_uri", issuer.url() + "/activate");
      out.put("verification_uri_complete", issuer.url() + "/activate?user_code=" + USER_CODE);
      out.put("expires_in", expiresIn);
      out.put("interval", intervalSeconds);
    }
    TestIssuer.reply(x, 200, out.toString());
  }

  void token(HttpExchange x) throws IOException {
    Map<String, String> form = form(x);
    requests.add(form);
    Instant now = Instant.now();
    polls.add(now);
    String answer;
    synchronized (this) {
      if (!"urn:ietf:params:oauth:grant-type:device_code".equals(form.get("grant_type"))
          || !deviceCode.equals(form.get("device_code"))) {
        answer = "invalid_grant";
      } else if (enforceInterval
          && lastPoll != null
          && now.isBefore(lastPoll.plusSeconds(intervalSeconds))) {
        intervalSeconds += 5;
        answer = "slow_down";
      } else {
        answer = script.isEmpty() ? "authorization_pending" : script.poll();
        if (answer.equals("slow_down")) {
          intervalSeconds += 5;
        }
      }
      lastPoll = now;
    }
    if (!answer.equals("approve")) {
      TestIssuer.reply(x, 400, "{\"error\": \"" + answer + "\"}");
      return;
    }
    String idToken;
    try {
      String audience = form.get("client_id");
      idToken = issuer.mint(key, subject, c -> c.audience(audience).claim("groups", groups));
    } catch (JOSEException e) {
      throw new IOException(e);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("access_token", "opaque-access-token-not-a-jwt");
    out.put("token_type", "Bearer");
    out.put("expires_in", 300);
    out.put("id_token", idToken);
    TestIssuer.reply(x, 200, out.toString());
  }

  private static Map<String, String> form(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
