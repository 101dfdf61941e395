package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.testing.TestCentral;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 3: a body of any size is read only after the caller is known to be able to write
 * somewhere (permission first: a caller who may not write gets 403 for a body that would not even
 * parse, never the 400 telling it what is wrong with it), and one principal may have at most two
 * large requests in progress. Raw sockets send the headers of a request without its body, so the
 * answer can only come from a server that did not wait to read it.
 */
class LargeBodyAdmissionTest {
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int LARGE = 300 * 1024;
  private static TestCentral central;
  private static String admin;
  private static String nobody;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure();
    admin = central.adminToken();
    var created = rest("POST", "/api/v1/iam/principals", admin, "{\"name\": \"users/nobody\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    var issued = rest("POST", "/api/v1/iam/principals/users/nobody/tokens", admin, "{}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    nobody = CanonicalJson.MAPPER.readTree(issued.body()).get("token").asText();
    // the admin's root binding reaches the binding index through the audit projection
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> send(headersOnly("POST", "/api/v1/apply?dryRun", admin), 1_000) == null);
  }

  @AfterAll
  static void stop() throws Exception {
    central.close();
  }

  @Test
  void aPrincipalWhoMayWriteNowhereIsRefusedBeforeItsBodyIsSent() throws Exception {
    var apply = send(headersOnly("POST", "/api/v1/apply", nobody), 20_000);
    assertThat(apply).as("answered without the body").isNotNull();
    assertThat(apply.status()).isEqualTo(403);
    JsonNode body = CanonicalJson.MAPPER.readTree(apply.body());
    assertThat(body.get("code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(body.get("message").asText())
        .contains("users/nobody may not write anywhere")
        .contains("the request body was not read");

    var put = send(headersOnly("PUT", "/api/v1/organizations/acme", nobody), 20_000);
    assertThat(put).as("answered without the body").isNotNull();
    assertThat(put.status()).isEqualTo(403);
    assertThat(CanonicalJson.MAPPER.readTree(put.body()).get("message").asText())
        .contains("users/nobody may not WRITE or CREATE organizations/acme");
  }

  @Test
  void anUnparsableSmallBodyFromACallerWhoMayNotWriteGets403NotAParseError() throws Exception {
    String unparsable = "apiVersion: [trestle.dev/v1\nkind: {{{\n";
    for (String[] call :
        new String[][] {
          {"POST", "/api/v1/apply"},
          {"POST", "/api/v1/apply?dryRun"},
          {"POST", "/api/v1/impact"},
          {"PUT", "/api/v1/organizations/acme"}
        }) {
      var r = rest(call[0], call[1], nobody, unparsable);
      assertThat(r.statusCode()).as(call[0] + " " + call[1] + ": " + r.body()).isEqualTo(403);
      JsonNode body = CanonicalJson.MAPPER.readTree(r.body());
      assertThat(body.get("code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(body.get("message").asText())
          .contains("users/nobody may not")
          .contains("the request body was not read");
    }
    // A writer still gets the parse error it needs.
    var mine = rest("POST", "/api/v1/apply?dryRun", admin, unparsable);
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(400);
    assertThat(CanonicalJson.MAPPER.readTree(mine.body()).get("code").asText())
        .isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void aSmallBodyIsNotWaitedForWhenTheCallerMayNotWrite() throws Exception {
    // 200 announced bytes that never come: only a server that checks permission before reading
    // answers, and with 403 (not 400 "could not be read within ... s").
    var apply = send(headersOnly("POST", "/api/v1/apply", nobody, 200), 8_000);
    assertThat(apply).as("answered without the body").isNotNull();
    assertThat(apply.status()).as(apply.body()).isEqualTo(403);
  }

  @Test
  void aWritersLargeBodyIsReadAndApplied() throws Exception {
    try (var socket = open(headersOnly("POST", "/api/v1/apply?dryRun", admin))) {
      socket.setSoTimeout(2_000);
      assertThatThrownBy(() -> HttpLayerErrorsTest.read(socket.getInputStream()))
          .as("the server waits for the body of a caller who may write")
          .isInstanceOf(SocketTimeoutException.class);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(largeDocument("big-dry-run"));
      var r = HttpLayerErrorsTest.read(socket.getInputStream());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void aThirdLargeRequestOfOnePrincipalAtOnceIsRefused() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      open.add(open(headersOnly("POST", "/api/v1/apply?dryRun", admin)));
      open.add(open(headersOnly("POST", "/api/v1/apply?dryRun", admin)));
      // the two hold their permits while the server waits for their bodies (up to 10 s)
      var third = new AtomicReference<HttpResponse<String>>();
      await()
          .atMost(Duration.ofSeconds(8))
          .until(
              () -> {
                third.set(largeDryRun("third"));
                return third.get().statusCode() == 429;
              });
      JsonNode body = CanonicalJson.MAPPER.readTree(third.get().body());
      assertThat(body.get("code").asText()).isEqualTo("RATE_LIMITED");
      assertThat(body.get("message").asText())
          .contains("users/admin already has 2 requests over 256 KiB in progress");
      assertThat(rest("GET", "/api/v1/organizations", admin, null).statusCode())
          .as("small calls are not held up")
          .isEqualTo(200);
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> largeDryRun("after").statusCode() == 200);
  }

  private static HttpResponse<String> largeDryRun(String name) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/api/v1/apply?dryRun"))
            .header("authorization", "Bearer " + admin)
            .POST(HttpRequest.BodyPublishers.ofByteArray(largeDocument(name)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] largeDocument(String name) {
    String head =
        "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: " + name + "}\n";
    var text = new StringBuilder(head);
    while (text.length() < LARGE) {
      text.append("# ").append("x".repeat(97)).append('\n');
    }
    text.setLength(LARGE - 1);
    text.append('\n');
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String headersOnly(String method, String path, String token) {
    return headersOnly(method, path, token, LARGE);
  }

  private static String headersOnly(String method, String path, String token, int length) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + token
        + "\r\nContent-Type: application/yaml\r\nContent-Length: "
        + length
        + "\r\n\r\n";
  }

  private static Socket open(String head) throws IOException {
    var socket = new Socket("127.0.0.1", central.apiPort());
    socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /** The answer to {@code head} without a body, or null when none came within {@code millis}. */
  private static HttpLayerErrorsTest.Response send(String head, int millis) throws IOException {
    try (var socket = open(head)) {
      socket.setSoTimeout(millis);
      return HttpLayerErrorsTest.read(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static HttpResponse<String> rest(String method, String path, String token, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + central.apiPort() + path);
  }
}
