package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class TelemetryOptionsTest {
  @Command(name = "t")
  static final class Holder {
    @Mixin TelemetryOptions options = new TelemetryOptions();
  }

  private static TelemetryOptions parse(String... args) {
    var holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.options;
  }

  @Test
  void theModeFollowsWhatThereIsToCollect(@TempDir Path dir) throws Exception {
    assertThat(parse().settings(false, Optional.empty()).mode()).isEqualTo(TelemetryMode.OFF);
    assertThat(parse().settings(true, Optional.empty()).mode()).isEqualTo(TelemetryMode.SCRAPE);
    var prometheus =
        parse("--prometheus-url", "http://127.0.0.1:9090").settings(true, Optional.empty());
    assertThat(prometheus.mode()).isEqualTo(TelemetryMode.PROMETHEUS);
    assertThat(prometheus.prometheusUrl()).contains(URI.create("http://127.0.0.1:9090"));
    Path inventory = dir.resolve("inv.yaml");
    Files.writeString(
        inventory, "telemetry: {window: 15s, scrape: ['http://127.0.0.1:1/stats/prometheus']}\n");
    var fromFile = parse().settings(false, Optional.of(inventory));
    assertThat(fromFile.mode()).isEqualTo(TelemetryMode.SCRAPE);
    assertThat(fromFile.window()).isEqualTo(Duration.ofSeconds(15));
    var flagWins =
        parse("--telemetry-window", "10s", "--telemetry-buffer", "1m")
            .settings(false, Optional.of(inventory));
    assertThat(flagWins.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(flagWins.bufferedWindows()).isEqualTo(6);
    assertThat(parse("--telemetry", "OFF").settings(true, Optional.empty()).mode())
        .isEqualTo(TelemetryMode.OFF);
  }

  @Test
  void badFlagsAreUsageErrorsNamingTheFlag() {
    assertThatThrownBy(() -> parse("--telemetry", "sometimes").settings(false, Optional.empty()))
        .hasMessage("--telemetry 'sometimes' is not one of off, scrape, prometheus");
    assertThatThrownBy(() -> parse("--telemetry", "scrape").settings(false, Optional.empty()))
        .hasMessageContaining("--telemetry scrape needs --kube");
    assertThatThrownBy(() -> parse("--telemetry", "prometheus").settings(false, Optional.empty()))
        .hasMessage("--telemetry prometheus needs --prometheus-url");
    assertThatThrownBy(() -> parse("--prometheus-url", "ftp://x").settings(false, Optional.empty()))
        .hasMessageContaining("is not an http(s) URL");
    assertThatThrownBy(() -> parse("--telemetry-window", "500ms").settings(true, Optional.empty()))
        .hasMessage("--telemetry-window must be at least 1s");
    assertThatThrownBy(
            () ->
                parse("--telemetry-window", "1m", "--telemetry-buffer", "30s")
                    .settings(true, Optional.empty()))
        .hasMessage("--telemetry-buffer must hold at least one window");
  }
}
