package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.StringMatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpMatchesTest {
  private static StringMatch prefix(String p) {
    return StringMatch.newBuilder().setPrefix(p).build();
  }

  private static StringMatch exact(String e) {
    return StringMatch.newBuilder().setExact(e).build();
  }

  private static StringMatch regex(String r) {
    return StringMatch.newBuilder().setRegex(r).build();
  }

  private static HttpMatch uri(StringMatch m) {
    return HttpMatch.newBuilder().setUri(m).build();
  }

  @Test
  void fieldsOnOneSideAreCopiedAndNamesJoined() {
    var a = HttpMatch.newBuilder().setName("a").setUri(prefix("/")).setMethod("GET").build();
    var b =
        HttpMatch.newBuilder()
            .setName("b")
            .putHeaders("Cookie", regex(".*x.*"))
            .setPort(80)
            .build();
    var and = HttpMatches.and(a, b);
    assertThat(and.outcome()).isEqualTo(HttpMatches.Outcome.MATCH);
    assertThat(and.match().getName()).isEqualTo("a-b");
    assertThat(and.match().getUri()).isEqualTo(prefix("/"));
    assertThat(and.match().getMethod()).isEqualTo("GET");
    assertThat(and.match().getHeadersMap()).containsOnlyKeys("cookie");
    assertThat(and.match().getPort()).isEqualTo(80);
  }

  @Test
  void uriConditionsNarrowOrTurnOutDisjoint() {
    assertThat(HttpMatches.and(uri(prefix("/")), uri(prefix("/v1"))).match().getUri())
        .isEqualTo(prefix("/v1"));
    assertThat(HttpMatches.and(uri(exact("/v1/x")), uri(prefix("/v1"))).match().getUri())
        .isEqualTo(exact("/v1/x"));
    assertThat(HttpMatches.and(uri(prefix("/v1")), uri(exact("/v2"))).outcome())
        .isEqualTo(HttpMatches.Outcome.EMPTY);
    assertThat(HttpMatches.and(uri(prefix("/a")), uri(prefix("/b"))).outcome())
        .isEqualTo(HttpMatches.Outcome.EMPTY);
    assertThat(HttpMatches.and(uri(exact("/a")), uri(exact("/b"))).outcome())
        .isEqualTo(HttpMatches.Outcome.EMPTY);
    assertThat(HttpMatches.and(uri(regex("a")), uri(regex("a"))).outcome())
        .isEqualTo(HttpMatches.Outcome.MATCH);
    assertThat(HttpMatches.and(uri(regex("a")), uri(prefix("/"))).outcome())
        .isEqualTo(HttpMatches.Outcome.UNREPRESENTABLE);
  }

  @Test
  void differentMethodsOrPortsNeverMeet() {
    var get = HttpMatch.newBuilder().setMethod("GET").build();
    var post = HttpMatch.newBuilder().setMethod("POST").build();
    assertThat(HttpMatches.and(get, post).outcome()).isEqualTo(HttpMatches.Outcome.EMPTY);
    var p80 = HttpMatch.newBuilder().setPort(80).build();
    var p443 = HttpMatch.newBuilder().setPort(443).build();
    assertThat(HttpMatches.and(p80, p443).outcome()).isEqualTo(HttpMatches.Outcome.EMPTY);
  }

  @Test
  void listsCombinePairwiseAndAnEmptyListMeansAnyRequest() {
    var a = uri(prefix("/a"));
    var b = uri(prefix("/b"));
    var h = HttpMatch.newBuilder().putHeaders("x", exact("1")).build();
    assertThat(HttpMatches.and(List.of(), List.of(a, b))).hasSize(2);
    assertThat(HttpMatches.and(List.of(a, b), List.of())).hasSize(2);
    assertThat(HttpMatches.and(List.of(a, b), List.of(h)))
        .extracting(i -> i.match().getUri().getPrefix())
        .containsExactly("/a", "/b");
    assertThat(HttpMatches.and(List.of(), List.of())).isEmpty();
  }

  @Test
  void istioMatchesLowerCaseHeaderNames() {
    var m =
        HttpMatch.newBuilder()
            .putHeaders("X-Acme-Canary", exact("always"))
            .setMethod("GET")
            .build();
    var istio = HttpMatches.toIstio(m);
    assertThat(istio.getHeaders()).containsOnlyKeys("x-acme-canary");
    assertThat(CanonicalForm.json(CanonicalForm.tree(istio)))
        .isEqualTo(
            "{\"headers\":{\"x-acme-canary\":{\"exact\":\"always\"}},\"method\":{\"exact\":\"GET\"}}");
  }
}
