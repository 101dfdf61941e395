package dev.trestle.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.trestle.membership.MembershipSettings.Discovery;
import dev.trestle.membership.MembershipSettings.SeedNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipSettingsTest {

  private static MembershipSettings parse(String hocon) {
    return MembershipSettings.from(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void defaultsToAStandaloneNodeOnAnyPort() {
    var s = parse("");
    assertThat(s.standalone()).isTrue();
    assertThat(s.port()).isZero();
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.discovery()).isEqualTo(Discovery.SEED_NODES);
  }

  @Test
  void readsSeedNodesAsAListOrAsTheCommaSeparatedEnvironmentForm() {
    var list =
        parse(
            "trestle.cluster { port = 25520, seed-nodes = [\"10.0.0.1:25520\", \"[::1]:25521\"] }");
    assertThat(list.seedNodes())
        .containsExactly(new SeedNode("10.0.0.1", 25520), new SeedNode("::1", 25521));
    assertThat(list.seedNodes().get(1).pekkoAddress()).isEqualTo("pekko://trestle@[::1]:25521");
    assertThat(list.standalone()).isFalse();

    var env =
        parse("trestle.cluster.seed-nodes = \"central-0.central:25520, central-1.central:25520,\"");
    assertThat(env.seedNodes())
        .extracting(SeedNode::toString)
        .isEqualTo(List.of("central-0.central:25520", "central-1.central:25520"));
  }

  @Test
  void refusesMalformedSeedNodesNamingTheEntry() {
    assertThatThrownBy(() -> parse("trestle.cluster.seed-nodes = [\"10.0.0.1\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trestle.cluster.seed-nodes: '10.0.0.1': expected HOST:PORT");
    assertThatThrownBy(() -> parse("trestle.cluster.seed-nodes = \"a:1,b:http\""))
        .hasMessage("trestle.cluster.seed-nodes: 'b:http': 'http' is not a port number");
    assertThatThrownBy(() -> parse("trestle.cluster.seed-nodes = [\"a:70000\"]"))
        .hasMessage("trestle.cluster.seed-nodes: 'a:70000': 70000 is not a port (1-65535)");
    assertThatThrownBy(() -> parse("trestle.cluster.seed-nodes = [\"pekko://trestle@a:1\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pekko://trestle@a:1");
  }

  @Test
  void refusesAnUnknownDiscoveryOrABadPort() {
    assertThatThrownBy(() -> parse("trestle.cluster.discovery = dns"))
        .hasMessage(
            "trestle.cluster.discovery = 'dns' is not supported; use seed-nodes or kubernetes");
    assertThatThrownBy(() -> parse("trestle.cluster.port = 65536"))
        .hasMessage("trestle.cluster.port = 65536 is not a port (0-65535)");
    assertThat(parse("trestle.cluster.discovery = Kubernetes").discovery())
        .isEqualTo(Discovery.KUBERNETES);
  }
}
