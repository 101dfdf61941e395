package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {
  private final PrometheusTextParser parser = new PrometheusTextParser();

  static String resource(String name) throws IOException {
    try (InputStream in =
        PrometheusTextParserTest.class.getResourceAsStream("/telemetry/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsTheHandWrittenIstioSidecarSample() throws IOException {
    var parsed = parser.parse(resource("istio-sidecar.prom"));

    assertThat(parsed.report().errors()).as(parsed.report().summary()).isZero();
    assertThat(parsed.report().types())
        .containsEntry("istio_requests_total", MetricType.COUNTER)
        .containsEntry("istio_request_duration_milliseconds", MetricType.HISTOGRAM)
        .containsEntry("istio_agent_go_gc_duration_seconds", MetricType.SUMMARY);
    assertThat(parsed.report().help())
        .containsEntry(
            "istio_tcp_sent_bytes_total",
            "Total bytes sent during response in case of a TCP connection");
    List<Sample> requests =
        parsed.samples().stream().filter(s -> s.name().equals("istio_requests_total")).toList();
    assertThat(requests).hasSize(6);
    Sample first = requests.get(0);
    assertThat(first.labels().get("reporter")).isEqualTo("destination");
    assertThat(first.labels().get("destination_service"))
        .isEqualTo("reviews.bookinfo.svc.cluster.local");
    assertThat(first.labels().get("grpc_response_status")).isEmpty();
    assertThat(first.value()).isEqualTo(1043.0);
    assertThat(first.hasTimestamp()).isFalse();
    List<Sample> buckets =
        parsed.samples().stream()
            .filter(s -> s.name().equals("istio_request_duration_milliseconds_bucket"))
            .toList();
    assertThat(buckets).hasSize(20);
    assertThat(buckets.get(0).labels().get("le")).isEqualTo("0.5");
    assertThat(buckets.get(19).labels().get("le")).isEqualTo("+Inf");
    assertThat(buckets.get(19).value()).isEqualTo(1043.0);
    assertThat(
            parsed.samples().stream()
                .filter(s -> s.name().equals("istio_agent_process_virtual_memory_max_bytes"))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(1.8446744073709552e19);
    assertThat(
            parsed.samples().stream()
                .filter(s -> s.name().equals("envoy_server_uptime"))
                .findFirst()
                .orElseThrow()
                .labels()
                .size())
        .isZero();
  }

  @Test
  void readsSpecialValuesTimestampsEscapesAndBlanks() {
    String text =
        "# just a comment\n"
            + "\n"
            + "   \t\n"
            + "# HELP odd A help with a \\\\ backslash and a \\n newline.\n"
            + "# TYPE odd gauge\n"
            + "odd{a=\"quote \\\" backslash \\\\ newline \\n end\",b=\"\"} NaN\n"
            + "odd{a=\"x\" , b = \"y\" ,} +Inf 1712345678901\n"
            + "odd{a=\"unknown escape \\t kept\"} -Inf -5\n"
            + "odd\t1.5e3\t\n"
            + "odd{} -0.25\r\n"
            + "   odd 3";
    var parsed = parser.parse(text);

    assertThat(parsed.report().errors()).as(parsed.report().summary()).isZero();
    assertThat(parsed.report().lines()).isEqualTo(11);
    assertThat(parsed.report().help())
        .containsEntry("odd", "A help with a \\ backslash and a \n newline.");
    var s = parsed.samples();
    assertThat(s).hasSize(6);
    assertThat(s.get(0).labels().get("a")).isEqualTo("quote \" backslash \\ newline \n end");
    assertThat(s.get(0).labels().get("b")).isEmpty();
    assertThat(s.get(0).value()).isNaN();
    assertThat(s.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(s.get(1).timestampMs()).isEqualTo(1712345678901L);
    assertThat(s.get(1).labels().toMap()).containsExactly(Map.entry("a", "x"), Map.entry("b", "y"));
    assertThat(s.get(2).labels().get("a")).isEqualTo("unknown escape \\t kept");
    assertThat(s.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(s.get(2).timestampMs()).isEqualTo(-5);
    assertThat(s.get(3).value()).isEqualTo(1500.0);
    assertThat(s.get(4).value()).isEqualTo(-0.25);
    assertThat(s.get(5).value()).isEqualTo(3.0);
  }

  @Test
  void refusesEachBadLineWithItsNumberWhatAndWhyAndKeepsTheRest() {
    String[] bad = {
      "9metric 1", // name
      "metric", // no value
      "metric{a=\"1\"", // no closing brace... and no value
      "metric{a=\"unterminated} 1",
      "metric{a=1} 1",
      "metric{1a=\"x\"} 1",
      "metric{a=\"x\"b=\"y\"} 1",
      "metric{a=\"x\",a=\"y\"} 1",
      "metric 12abc",
      "metric 1d",
      "metric 0x1p3",
      "metric 1 12.5",
      "metric 1 2 3",
      "metric{a=\"x\"}1",
      "# TYPE metric flavour",
      "# TYPE",
      "# TYPE other counter extra",
      "# HELP",
      "h_bucket{x=\"1\"} 3",
      "h_bucket{le=\"ten\"} 3",
      "q{quantile=\"median\"} 1",
      "metric\u0000 1",
    };
    StringBuilder text = new StringBuilder("# TYPE h histogram\n# TYPE q summary\ngood 1\n");
    for (String line : bad) {
      text.append(line).append('\n');
    }
    text.append("good 2\n# TYPE h counter\n");
    var limits = new ParseLimits(1024, 8, 1000, 100);
    var parsed = new PrometheusTextParser(limits).parse(text.toString());

    assertThat(parsed.samples()).extracting(Sample::value).containsExactly(1.0, 2.0);
    assertThat(parsed.report().errors()).isEqualTo(bad.length + 1);
    List<ParseError> errors = parsed.report().firstErrors();
    assertThat(errors).extracting(ParseError::line).startsWith(4L, 5L, 6L, 7L).contains(27L);
    assertThat(errors.get(0).toString())
        .isEqualTo(
            "line 4: metric name: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) at column 1,"
                + " found '9'");
    assertThat(errors.get(1).why()).contains("missing after metric");
    assertThat(errors.get(3).why()).contains("unterminated quoted value");
    assertThat(errors.get(4).why()).contains("a quoted value at column 10");
    assertThat(errors.get(5).why()).contains("a label name");
    assertThat(errors.get(6).why()).contains("',' or '}' expected");
    assertThat(errors.get(7).why()).contains("appears twice");
    assertThat(errors.get(8).why()).contains("'12abc' of metric is not a number");
    assertThat(errors.get(9).why()).contains("'1d'");
    assertThat(errors.get(10).why()).contains("'0x1p3'");
    assertThat(errors.get(11).why()).contains("'12.5' is not a timestamp");
    assertThat(errors.get(12).what()).isEqualTo("timestamp");
    assertThat(errors.get(13).what()).isEqualTo("value");
    assertThat(errors.get(14).why()).contains("'flavour' is not a type");
    assertThat(errors.get(15).what()).isEqualTo("# TYPE");
    assertThat(errors.get(16).what()).isEqualTo("# TYPE");
    assertThat(errors.get(17).what()).isEqualTo("# HELP");
    assertThat(errors.get(18).toString()).contains("label le: missing on h_bucket");
    assertThat(errors.get(19).why()).contains("'ten' on h_bucket is not a number");
    assertThat(errors.get(20).why()).contains("'median' on q is not a number");
    assertThat(errors.get(21).why()).contains("\\u0000");
    assertThat(errors.get(22).why()).contains("a second TYPE line for h");
  }

  @Test
  void boundsLinesLabelsAndSeriesAndCountsWhatItDrops() {
    var limits = new ParseLimits(100, 3, 5, 10);
    StringBuilder text = new StringBuilder();
    text.append("long{a=\"").append("x".repeat(10_000)).append("\"} 1\n");
    text.append("wide{a=\"1\",b=\"2\",c=\"3\",d=\"4\"} 1\n");
    for (int i = 0; i < 8; i++) {
      text.append("s{i=\"").append(i).append("\"} ").append(i).append('\n');
    }
    var parsed = new PrometheusTextParser(limits).parse(text.toString());

    assertThat(parsed.samples()).hasSize(5);
    assertThat(parsed.report().droppedSeries()).isEqualTo(3);
    assertThat(parsed.report().errors()).isEqualTo(2);
    assertThat(parsed.report().firstErrors().get(0).toString())
        .isEqualTo("line 1: line too long: more than 100 characters (the limit); skipped");
    assertThat(parsed.report().firstErrors().get(1).toString())
        .startsWith("line 2: labels: more than 3 labels");
    assertThat(parsed.report().summary())
        .contains("5 samples, 2 bad lines, 3 series over the limit");
  }

  @Test
  void parseValueReadsWhatGoReadsAndNothingJavaAdds() {
    assertThat(PrometheusTextParser.parseValue("+Inf")).contains(Double.POSITIVE_INFINITY);
    assertThat(PrometheusTextParser.parseValue("inf")).contains(Double.POSITIVE_INFINITY);
    assertThat(PrometheusTextParser.parseValue("-Inf")).contains(Double.NEGATIVE_INFINITY);
    assertThat(PrometheusTextParser.parseValue("1e-3")).contains(0.001);
    assertThat(PrometheusTextParser.parseValue(".5")).contains(0.5);
    assertThat(PrometheusTextParser.parseValue("NaN").orElseThrow()).isNaN();
    assertThat(PrometheusTextParser.parseValue("Infinity")).isEmpty();
    assertThat(PrometheusTextParser.parseValue("1f")).isEmpty();
    assertThat(PrometheusTextParser.parseValue("")).isEmpty();
    assertThat(PrometheusTextParser.parseValue("+")).isEmpty();
    assertThat(PrometheusTextParser.parseValue("1e")).isEmpty();
  }
}
