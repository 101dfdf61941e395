package dev.trestle.iam.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real OpenID Connect issuer for tests, on 127.0.0.1 (ephemeral port): the discovery document, a
 * JWKS of the keys it publishes, with tokens minted and signed by nimbus-jose-jwt, and the device
 * authorization grant ({@link TestDeviceEndpoints}).
 */
public final class TestIssuer implements AutoCloseable {
  public static final String AUDIENCE = "trestle";

  private final HttpServer server;
  private final List<RSAKey> published = new CopyOnWriteArrayList<>();
  final AtomicInteger jwksFetches = new AtomicInteger();

  /** The device authorization grant (RFC 8628): {@code /device} and {@code /token}. */
  public final TestDeviceEndpoints device;

  public TestIssuer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/.well-known/openid-configuration",
        x ->
            reply(
                x,
                "{\"issuer\": \""
                    + url()
                    + "\", \"jwks_uri\": \""
                    + url()
                    + "/jwks\", \"device_authorization_endpoint\": \""
                    + url()
                    + "/device\", \"token_endpoint\": \""
                    + url()
                    + "/token\", \"response_types_supported\": [\"code\"]}"));
    server.createContext(
        "/jwks",
        x -> {
          jwksFetches.incrementAndGet();
          reply(
              x,
              new JWKSet(published.stream().map(k -> (JWK) k.toPublicJWK()).toList()).toString());
        });
    device = new TestDeviceEndpoints(this);
    server.createContext("/device", device::authorize);
    server.createContext("/token", device::token);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The central's configuration trusting this issuer, with {@code more} keys of the section. */
  public String centralConfig(String more) {
    return "trestle.iam.oidc { issuer = \""
        + url()
        + "\", audience = \""
        + AUDIENCE
        + "\""
        + (more.isEmpty() ? "" : ", " + more)
        + " }";
  }

  /** A new RSA signing key with id {@code kid}, published in the JWKS from now on. */
  public RSAKey newKey(String kid) throws JOSEException {
    RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
    published.add(key);
    return key;
  }

  /** A token signed RS256 by {@code key}, with valid defaults that {@code edit} may change. */
  public String mint(RSAKey key, String subject, UnaryOperator<JWTClaimsSet.Builder> edit)
      throws JOSEException {
    Instant now = Instant.now();
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(url())
            .audience(AUDIENCE)
            .subject(subject)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)));
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            edit.apply(claims).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static void reply(HttpExchange x, String json) throws IOException {
    reply(x, 200, json);
  }

  static void reply(HttpExchange x, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, body.length);
    try (var out = x.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
