package dev.trestle.iam.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import dev.trestle.cli.CliEnvironment;
import dev.trestle.cli.CliException;
import dev.trestle.cli.DeviceCodeLogin;
import dev.trestle.cli.TrestleCli;
import dev.trestle.testing.TestCentral;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trestle login --oidc-device} (RFC 8628) against a real device-authorization issuer on
 * 127.0.0.1 ({@link TestIssuer}) and a real secure central in-process: the token the CLI stores
 * works for {@code whoami}; the polling honours {@code interval}, {@code authorization_pending},
 * {@code slow_down}, {@code expired_token}, {@code access_denied} and the code's lifetime.
 */
class DeviceCodeLoginTest {
  private static TestIssuer issuer;
  private static TestCentral central;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    issuer = new TestIssuer();
    RSAKey key = issuer.newKey("k1");
    issuer.device.key = key;
    issuer.device.subject = "alice";
    issuer.device.groups = List.of("mesh-admins");
    central = TestCentral.startSecure(issuer.centralConfig(""));
  }

  @AfterAll
  static void stop() throws Exception {
    central.close();
    issuer.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private Run cli(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var env =
        new CliEnvironment(
            new ByteArrayInputStream(new byte[0]), Map.of(), home, Clock.systemUTC());
    int code = TrestleCli.execute(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theCliLogsInWithTheDeviceFlowAndItsStoredTokenWorksForWhoami() throws Exception {
    // The issuer answers slow_down to a poll sooner than the interval: none may come.
    issuer.device.script(1, 60, true, "authorization_pending", "approve");
    Run login =
        cli(
            "login",
            "--server",
            "127.0.0.1:" + central.apiPort(),
            "--oidc-device",
            "--oidc-issuer",
            issuer.url(),
            "--oidc-client-id",
            TestIssuer.AUDIENCE);

    assertThat(login.exitCode()).as(login.toString()).isZero();
    assertThat(login.err())
        .contains(
            "To log in, open "
                + issuer.url()
                + "/activate and enter the code "
                + TestDeviceEndpoints.USER_CODE)
        .contains("(or open " + issuer.url() + "/activate?user_code=")
        .contains("Waiting for the approval (the code is valid 60 s)");
    assertThat(login.out())
        .isEqualTo("logged in to 127.0.0.1:" + central.apiPort() + " as oidc:alice\n");
    assertThat(issuer.device.requests.get(0))
        .containsEntry("client_id", TestIssuer.AUDIENCE)
        .containsEntry("scope", "openid");
    assertThat(issuer.device.polls).hasSize(2);
    assertThat(Duration.between(issuer.device.polls.get(0), issuer.device.polls.get(1)))
        .as("the second poll waited the interval")
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));

    Path config = home.resolve(".config/trestle/cli.yaml");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
    String token =
        Files.readAllLines(config).stream()
            .filter(l -> l.startsWith("token: "))
            .map(l -> l.substring("token: ".length()).replace("\"", "").strip())
            .findFirst()
            .orElseThrow();
    assertThat(token).as("the ID token (a JWT), not the opaque access token").startsWith("ey");

    Run whoami = cli("whoami");
    assertThat(whoami.exitCode()).as(whoami.toString()).isZero();
    assertThat(whoami.out())
        .contains("principal:      oidc:alice")
        .contains(
            "authenticated:  oidc (issuer "
                + issuer.url()
                + ", subject alice, groups mesh-admins) from the CLI config");
    assertThat(login.out() + login.err() + whoami.out() + whoami.err())
        .as("the token is never printed")
        .doesNotContain(token)
        .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
  }

  @Test
  void pollingHonoursIntervalPendingAndSlowDown() {
    issuer.device.script(
        3, 600, false, "authorization_pending", "slow_down", "authorization_pending", "approve");
    List<Duration> waits = new ArrayList<>();
    var result =
        new DeviceCodeLogin(Duration.ofSeconds(10), waits::add)
            .login(issuer.url(), TestIssuer.AUDIENCE, "openid groups", p -> {});
    assertThat(result.tokenType()).isEqualTo("id_token");
    assertThat(result.toString()).doesNotContain(result.token());
    // 3 s; 3 s (pending); 3 s (then slow_down: 5 s more from now on); 8 s (pending); approved
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8));
    assertThat(issuer.device.requests.get(0)).containsEntry("scope", "openid groups");
  }

  @Test
  void expiredDeniedAndOutlivedCodesFailWithAClearMessage() {
    var login = new DeviceCodeLogin(Duration.ofSeconds(10), d -> {});

    issuer.device.script(1, 600, false, "authorization_pending", "expired_token");
    assertThatThrownBy(() -> login.login(issuer.url(), TestIssuer.AUDIENCE, "openid", p -> {}))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("the device code expired before the login was approved");

    issuer.device.script(1, 600, false, "access_denied");
    assertThatThrownBy(() -> login.login(issuer.url(), TestIssuer.AUDIENCE, "openid", p -> {}))
        .isInstanceOf(CliException.class)
        .hasMessage("the login was denied at the issuer (access_denied)");

    // Never approved: the CLI stops once the code's lifetime (12 s) is spent, 3 polls of 5 s.
    issuer.device.script(5, 12, false);
    assertThatThrownBy(() -> login.login(issuer.url(), TestIssuer.AUDIENCE, "openid", p -> {}))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("expired")
        .hasMessageContaining("valid 12 s");
    assertThat(issuer.device.polls).hasSize(3);
  }

  @Test
  void badIssuerArgumentsAreRefusedBeforeAnyCall() {
    Run plain =
        cli(
            "login",
            "--oidc-device",
            "--oidc-issuer",
            "http://login.example.com",
            "--oidc-client-id",
            "x");
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err())
        .contains("must be an https URL (plain http only to a loopback address)");

    Run noClient = cli("login", "--oidc-device", "--oidc-issuer", issuer.url());
    assertThat(noClient.exitCode()).isEqualTo(1);
    assertThat(noClient.err()).contains("--oidc-client-id is required");

    Run mixed = cli("login", "--oidc-issuer", issuer.url());
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.err()).contains("go with --oidc-device");
    assertThat(Files.exists(home.resolve(".config/trestle/cli.yaml"))).isFalse();
  }
}
