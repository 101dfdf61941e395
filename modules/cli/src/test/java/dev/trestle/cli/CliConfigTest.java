package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {
  @TempDir Path home;

  private CliEnvironment env(Map<String, String> vars) {
    return new CliEnvironment(new ByteArrayInputStream(new byte[0]), vars, home, Clock.systemUTC());
  }

  @Test
  void readsServerAndDefaultParents() {
    CliConfig c =
        CliConfig.parse("server: central:9080\norganization: acme\ntenant: payments\n", "cli.yaml");
    assertThat(c.server()).contains("central:9080");
    assertThat(c.parents().organization()).contains("acme");
    assertThat(c.parents().tenant()).contains("payments");
    assertThat(c.parents().workspace()).isEmpty();
  }

  @Test
  void readsTokenAndTlsKeysAndNeverPrintsTheToken() {
    CliConfig c =
        CliConfig.parse(
            "server: central:9080\ntoken: trst.abc.def.SECRET\nca-file: certs/ca.pem\n",
            "cli.yaml",
            Path.of("/home/u/.config/trestle"));
    assertThat(c.token()).contains("trst.abc.def.SECRET");
    assertThat(c.caFile()).contains(Path.of("/home/u/.config/trestle/certs/ca.pem"));
    assertThat(c.tls()).isEmpty();
    assertThat(c.toString()).doesNotContain("SECRET").contains("token=(set)");
  }

  @Test
  void rejectsTokenAndTokenFileTogetherAndAMalformedTokenWithoutQuotingIt() {
    assertThatThrownBy(() -> CliConfig.parse("token: a\ntoken-file: b\n", "cli.yaml"))
        .hasMessage("CLI config cli.yaml: give either 'token' or 'token-file', not both");
    assertThatThrownBy(() -> CliConfig.parse("token: \"SECRET with space\"\n", "cli.yaml"))
        .hasMessageContaining("token: not a token")
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void rejectsUnknownKeyNamingIt() {
    assertThatThrownBy(() -> CliConfig.parse("sever: x:1\n", "cli.yaml"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("cli.yaml")
        .hasMessageContaining("unknown key 'sever'");
  }

  @Test
  void rejectsBadServerAddress() {
    assertThatThrownBy(() -> CliConfig.parse("server: nope\n", "cli.yaml"))
        .hasMessageContaining("server: 'nope' is not HOST:PORT");
  }

  @Test
  void emptyFileIsEmptyConfig() {
    assertThat(CliConfig.parse("", "cli.yaml")).isEqualTo(CliConfig.EMPTY);
  }

  @Test
  void locatesFlagThenEnvironmentThenXdgThenHome() {
    Path flag = Path.of("/etc/flag.yaml");
    assertThat(CliConfig.locate(Optional.of(flag), env(Map.of("TRESTLE_CONFIG", "/env.yaml"))))
        .isEqualTo(new CliConfig.Location(flag, true));
    assertThat(CliConfig.locate(Optional.empty(), env(Map.of("TRESTLE_CONFIG", "/env.yaml"))))
        .isEqualTo(new CliConfig.Location(Path.of("/env.yaml"), true));
    assertThat(CliConfig.locate(Optional.empty(), env(Map.of("XDG_CONFIG_HOME", "/xdg"))))
        .isEqualTo(new CliConfig.Location(Path.of("/xdg/trestle/cli.yaml"), false));
    assertThat(CliConfig.locate(Optional.empty(), env(Map.of())))
        .isEqualTo(new CliConfig.Location(home.resolve(".config/trestle/cli.yaml"), false));
  }

  @Test
  void homeFromTheEnvironmentWinsOverThePasswdHomeAndXdgOverBoth() {
    assertThat(CliConfig.locate(Optional.empty(), env(Map.of("HOME", "/x"))))
        .isEqualTo(new CliConfig.Location(Path.of("/x/.config/trestle/cli.yaml"), false));
    assertThat(
            CliConfig.locate(
                Optional.empty(), env(Map.of("HOME", "/x", "XDG_CONFIG_HOME", "/xdg"))))
        .isEqualTo(new CliConfig.Location(Path.of("/xdg/trestle/cli.yaml"), false));
  }

  @Test
  void relativeHomeAndXdgValuesAreIgnoredAsTheXdgSpecificationSays() {
    assertThat(
            CliConfig.locate(
                Optional.empty(), env(Map.of("HOME", "rel", "XDG_CONFIG_HOME", "also-rel"))))
        .isEqualTo(new CliConfig.Location(home.resolve(".config/trestle/cli.yaml"), false));
  }

  @Test
  void missingDefaultFileIsFineButMissingExplicitFileIsAnError() {
    assertThat(CliConfig.load(new CliConfig.Location(home.resolve("none.yaml"), false)))
        .isEqualTo(CliConfig.EMPTY);
    assertThatThrownBy(
            () -> CliConfig.load(new CliConfig.Location(home.resolve("none.yaml"), true)))
        .hasMessageContaining("none.yaml: no such file");
  }

  @Test
  void loadsFromDisk() throws Exception {
    Path file = home.resolve("c.yaml");
    Files.writeString(file, "group: traffic\n");
    assertThat(CliConfig.load(new CliConfig.Location(file, true)).parents().group())
        .contains("traffic");
  }
}
