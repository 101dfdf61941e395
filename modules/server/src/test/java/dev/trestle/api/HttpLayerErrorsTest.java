package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.testing.TestCentral;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that pekko-http refuses before any route sees them, and rejections no route takes, are
 * answered in the JSON error shape of docs/api.md, not plain text. Raw sockets, because an HTTP
 * client would not send these.
 */
class HttpLayerErrorsTest {
  private static TestCentral central;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.start();
  }

  @AfterAll
  static void stop() throws Exception {
    central.close();
  }

  @Test
  void http10WithoutHostGetsTheJsonErrorShape() throws Exception {
    var r = send("GET /api/v1/organizations HTTP/1.0\r\n\r\n");
    assertJsonError(r);
  }

  @Test
  void anOversizedHeaderGets431InTheJsonErrorShape() throws Exception {
    var r = send("GET /api/v1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
    assertThat(r.status).isEqualTo(431);
    JsonNode body = assertJsonError(r);
    assertThat(body.get("code").asText()).isEqualTo("TOO_LARGE");
    assertThat(body.get("message").asText()).doesNotContain("aaaa");
  }

  @Test
  void tooManyHeadersGetTheJsonErrorShape() throws Exception {
    var request = new StringBuilder("GET /api/v1 HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 100; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    var r = send(request.append("\r\n").toString());
    assertThat(r.status).isEqualTo(400);
    JsonNode body = assertJsonError(r);
    assertThat(body.get("code").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(body.get("message").asText()).containsIgnoringCase("header");
  }

  @Test
  void aMalformedRequestLineGetsTheJsonErrorShape() throws Exception {
    var r = send("THIS IS NOT HTTP\r\n\r\n");
    assertThat(r.status).isBetween(400, 505);
    assertJsonError(r);
  }

  @Test
  void anUnknownMethodAndAnUnknownPathGetTheJsonErrorShape() throws Exception {
    var patch =
        send("PATCH /api/v1/organizations/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(patch.status).isEqualTo(405);
    assertThat(assertJsonError(patch).get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");

    var nowhere = send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(nowhere.status).isEqualTo(404);
    assertThat(assertJsonError(nowhere).get("code").asText()).isEqualTo("NOT_FOUND");
  }

  private static JsonNode assertJsonError(Response r) throws Exception {
    assertThat(r.status).as(r.toString()).isGreaterThanOrEqualTo(400);
    assertThat(r.headers.get("content-type")).as(r.toString()).startsWith("application/json");
    JsonNode body = CanonicalJson.MAPPER.readTree(r.body);
    assertThat(body.path("code").asText()).as(r.body).isNotEmpty();
    assertThat(body.path("message").asText()).as(r.body).isNotEmpty();
    return body;
  }

  record Response(int status, Map<String, String> headers, String body) {}

  /** Sends raw bytes and reads one response (headers, then Content-Length bytes or to EOF). */
  static Response send(String raw) throws IOException {
    try (var socket = new Socket("127.0.0.1", central.apiPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  static Response read(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(),
            lines[i].substring(colon + 1).strip());
      }
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }
}
