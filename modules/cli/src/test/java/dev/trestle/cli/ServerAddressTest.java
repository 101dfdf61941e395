package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerAddressTest {
  @Test
  void parsesHostAndPort() {
    assertThat(ServerAddress.parse("trestle.example.com:9443"))
        .isEqualTo(new ServerAddress("trestle.example.com", 9443));
  }

  @Test
  void parsesBracketedIpv6() {
    ServerAddress a = ServerAddress.parse("[::1]:9080");
    assertThat(a.host()).isEqualTo("::1");
    assertThat(a).hasToString("[::1]:9080");
  }

  @Test
  void rejectsMissingPortNamingTheInput() {
    assertThatThrownBy(() -> ServerAddress.parse("localhost"))
        .hasMessageContaining("'localhost' is not HOST:PORT");
  }

  @Test
  void rejectsPortOutOfRange() {
    assertThatThrownBy(() -> ServerAddress.parse("h:70000")).hasMessageContaining("not in 1-65535");
    assertThatThrownBy(() -> ServerAddress.parse("h:http")).hasMessageContaining("not a number");
  }

  @Test
  void knowsLoopbackHostsWithoutResolvingNames() {
    org.assertj.core.api.Assertions.assertThat(ServerAddress.parse("127.0.0.1:9080").loopback())
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(ServerAddress.parse("localhost:9080").loopback())
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(ServerAddress.parse("[::1]:9080").loopback())
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(
            ServerAddress.parse("trestle.example.com:9080").loopback())
        .isFalse();
    org.assertj.core.api.Assertions.assertThat(ServerAddress.parse("10.0.0.1:9080").loopback())
        .isFalse();
  }
}
