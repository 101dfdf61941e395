package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.edge.telemetry.IstioBody.Call;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AggregationTest {
  private static final Call PRODUCTPAGE_REVIEWS = new Call("productpage", "c1", "reviews", "c1");
  private static final Call REMOTE_RATINGS = new Call("reviews", "c2", "ratings", "c1");
  private static final Call TO_EXTERNAL = new Call("productpage", "c1", "external", "unknown");
  private static final Instant START = Instant.parse("2026-12-07T18:00:00Z");

  private final PrometheusTextParser parser = new PrometheusTextParser();
  private final CounterTracker tracker = new CounterTracker(10_000);

  private TelemetryWindow round(Set<String> listed, String... targetsAndBodies) {
    var window = new WindowAggregator(1_000);
    for (int i = 0; i < targetsAndBodies.length; i += 2) {
      var scrape = tracker.scrape(targetsAndBodies[i], window);
      var report = parser.parse(targetsAndBodies[i + 1], scrape::accept);
      assertThat(report.errors()).as(report.summary()).isZero();
      scrape.finish();
    }
    tracker.endRound(listed);
    return window.build(START, 30);
  }

  private static TrafficSeries series(TelemetryWindow w, String service, String responseClass) {
    return w.getSeriesList().stream()
        .filter(
            s ->
                s.getDestination().getService().startsWith(service + ".")
                    || s.getDestination().getService().equals(service))
        .filter(s -> s.getResponseClass().equals(responseClass))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + service + " " + responseClass + " in " + w));
  }

  private static String body(long ok, long errors, long[] cumulative, double sum, long tcpOpened) {
    return new IstioBody()
        .requests(PRODUCTPAGE_REVIEWS, "destination", "200", ok)
        .requests(PRODUCTPAGE_REVIEWS, "source", "200", ok) // the caller's view: not counted again
        .requests(PRODUCTPAGE_REVIEWS, "destination", "503", errors)
        .durations(PRODUCTPAGE_REVIEWS, "200", cumulative, ok, sum)
        .bytes(PRODUCTPAGE_REVIEWS, "200", ok * 100, ok * 1000)
        .requests(TO_EXTERNAL, "source", "404", errors)
        .tcp(REMOTE_RATINGS, tcpOpened, tcpOpened * 10, tcpOpened * 20)
        .build();
  }

  @Test
  void countsIncreasesPerKeyAfterABaselineRound() {
    String pod = "bookinfo/reviews-v1-abc";
    TelemetryWindow first =
        round(Set.of(pod), pod, body(100, 3, new long[] {10, 50, 90, 100, 100}, 900, 4));
    assertThat(first.getSeriesList())
        .isEmpty(); // totals since the proxy started: not this window's

    TelemetryWindow second =
        round(Set.of(pod), pod, body(160, 5, new long[] {12, 80, 140, 158, 160}, 1500, 9));

    assertThat(second.getSeconds()).isEqualTo(30);
    assertThat(second.getStart().getSeconds()).isEqualTo(START.getEpochSecond());
    assertThat(second.getBucketBoundsMsList()).containsExactly(5.0, 10.0, 25.0, 100.0, 1000.0);
    TrafficSeries ok = series(second, "reviews", "2xx");
    assertThat(ok.getRequests()).isEqualTo(60);
    assertThat(ok.getLatencyBucketsList()).containsExactly(2L, 28L, 20L, 8L, 2L, 0L);
    assertThat(ok.getLatencySumMs()).isEqualTo(600.0);
    assertThat(ok.getRequestBytes()).isEqualTo(6000);
    assertThat(ok.getResponseBytes()).isEqualTo(60000);
    assertThat(ok.getSource().getName()).isEqualTo("productpage-v1");
    assertThat(ok.getSource().getNamespace()).isEqualTo("bookinfo");
    assertThat(ok.getSource().getCluster()).isEqualTo("c1");
    assertThat(ok.getDestination().getWorkload()).isEqualTo("reviews-v1");
    assertThat(ok.getDestination().getNamespace()).isEqualTo("bookinfo");
    assertThat(series(second, "reviews", "5xx").getRequests()).isEqualTo(2);
    assertThat(series(second, "reviews", "5xx").getLatencyBucketsList()).isEmpty();
    assertThat(series(second, "api.example.com", "4xx").getRequests()).isEqualTo(2);
    TrafficSeries tcp = series(second, "ratings", "tcp");
    assertThat(tcp.getTcpConnectionsOpened()).isEqualTo(5);
    assertThat(tcp.getTcpSentBytes()).isEqualTo(50);
    assertThat(tcp.getTcpReceivedBytes()).isEqualTo(100);
    assertThat(tcp.getSource().getCluster()).isEqualTo("c2");
    assertThat(second.getSeriesCount()).isEqualTo(4);
  }

  @Test
  void aCounterResetCountsTheNewValueNeverANegativeOne() {
    String pod = "bookinfo/reviews-v1-abc";
    round(Set.of(pod), pod, body(1000, 10, new long[] {100, 500, 900, 1000, 1000}, 9000, 50));

    // The proxy restarted: every counter started again from zero.
    TelemetryWindow afterReset =
        round(Set.of(pod), pod, body(7, 1, new long[] {1, 3, 6, 7, 7}, 70, 2));

    TrafficSeries ok = series(afterReset, "reviews", "2xx");
    assertThat(ok.getRequests()).isEqualTo(7);
    assertThat(ok.getLatencyBucketsList()).containsExactly(1L, 2L, 3L, 1L, 0L, 0L);
    assertThat(ok.getLatencySumMs()).isEqualTo(70.0);
    assertThat(series(afterReset, "reviews", "5xx").getRequests()).isEqualTo(1);
    assertThat(series(afterReset, "ratings", "tcp").getTcpConnectionsOpened()).isEqualTo(2);
    assertThat(afterReset.getSeriesList())
        .allSatisfy(
            s ->
                assertThat(s.getLatencyBucketsList())
                    .allSatisfy(b -> assertThat(b).isNotNegative()));
  }

  @Test
  void podsThatAppearCountFromZeroAndPodsThatGoAreForgotten() {
    String a = "bookinfo/reviews-v1-a";
    String b = "bookinfo/reviews-v1-b";
    round(Set.of(a), a, body(100, 0, new long[] {0, 0, 0, 100, 100}, 10, 0));
    int trackedWithA = tracker.tracked();

    // b is new: it started from zero after the last round, so its whole count is this window's.
    TelemetryWindow both =
        round(
            Set.of(a, b),
            a,
            body(110, 0, new long[] {0, 0, 0, 110, 110}, 11, 0),
            b,
            body(5, 0, new long[] {0, 0, 0, 5, 5}, 1, 0));
    assertThat(series(both, "reviews", "2xx").getRequests()).isEqualTo(15);
    assertThat(tracker.tracked()).isEqualTo(2 * trackedWithA);

    // a is gone from the listing: its series are forgotten.
    TelemetryWindow onlyB = round(Set.of(b), b, body(8, 0, new long[] {0, 0, 0, 8, 8}, 2, 0));
    assertThat(series(onlyB, "reviews", "2xx").getRequests()).isEqualTo(3);
    assertThat(tracker.tracked()).isEqualTo(trackedWithA);
  }

  @Test
  void aTargetListedFirstButScrapedLateOnlySetsItsBaseline() {
    String a = "bookinfo/reviews-v1-a";
    round(Set.of(a)); // listed, scrape failed
    TelemetryWindow late =
        round(Set.of(a), a, body(5000, 0, new long[] {0, 0, 0, 5000, 5000}, 1, 0));
    assertThat(late.getSeriesList()).isEmpty();
    TelemetryWindow next =
        round(Set.of(a), a, body(5004, 0, new long[] {0, 0, 0, 5004, 5004}, 2, 0));
    assertThat(series(next, "reviews", "2xx").getRequests()).isEqualTo(4);
  }

  @Test
  void seriesOverTheLimitsAreDroppedAndCounted() {
    var window = new WindowAggregator(2);
    for (String code : new String[] {"200", "404", "503", "302"}) {
      window.add(
          IstioMetric.REQUESTS,
          Labels.of("reporter", "destination", "destination_service", "a", "response_code", code),
          1);
    }
    assertThat(window.series()).isEqualTo(2);
    assertThat(window.droppedSeries()).isEqualTo(2);

    var small = new CounterTracker(3);
    var w = new WindowAggregator(100);
    var scrape = small.scrape("pod", w);
    parser.parse(body(1, 1, new long[] {1, 1, 1, 1, 1}, 1, 1), scrape::accept);
    scrape.finish();
    assertThat(small.tracked()).isEqualTo(3);
    assertThat(small.droppedSeries()).isPositive();
  }

  @Test
  void responseClassesFollowTheFirstDigitAndNoResponseIsAnError() {
    assertThat(TrafficKey.responseClass("200")).isEqualTo("2xx");
    assertThat(TrafficKey.responseClass("101")).isEqualTo("2xx");
    assertThat(TrafficKey.responseClass("302")).isEqualTo("3xx");
    assertThat(TrafficKey.responseClass("429")).isEqualTo("4xx");
    assertThat(TrafficKey.responseClass("503")).isEqualTo("5xx");
    assertThat(TrafficKey.responseClass("0")).isEqualTo("5xx");
    assertThat(TrafficKey.responseClass(null)).isEqualTo("5xx");
  }
}
