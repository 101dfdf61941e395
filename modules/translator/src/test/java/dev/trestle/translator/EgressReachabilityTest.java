package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.translator.EgressReachability.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressReachabilityTest {
  private static final DesiredObjects OUT = EgressFixtures.translate();

  @ParameterizedTest(name = "{0} -> {1}:{2} with mesh ALLOW_ANY={3}: {4}")
  @CsvSource({
    // namespace, host,          port, mesh allows any, outcome,   through / reason part
    "pay,        api.psp.example, 443, false, VIA_GATEWAY, pay-egress/",
    "pay,        rates.example,   80,  false, VIA_GATEWAY, pay-egress/",
    "pay,        cdn.example,     443, false, DIRECT,      ServiceEntry",
    "pay,        cdn.example,     80,  true,  DIRECT,      ServiceEntry",
    "pay,        cdn.example,     8443, false, BLOCKED,    REGISTRY_ONLY",
    "pay,        evil.example,    443, true,  BLOCKED,     REGISTRY_ONLY",
    "batch,      api.psp.example, 443, false, BLOCKED,     does not admit batch",
    "shop,       api.psp.example, 443, false, DIRECT,      ALLOW_ANY",
    "shop,       evil.example,    443, false, DIRECT,      ALLOW_ANY",
    "vault,      evil.example,    443, false, DIRECT,      ALLOW_ANY",
    "loose,      evil.example,    443, false, BLOCKED,     REGISTRY_ONLY",
    "loose,      evil.example,    443, true,  DIRECT,      ALLOW_ANY",
  })
  void whoReachesWhichExternalHost(
      String namespace,
      String host,
      int port,
      boolean meshAllowsAny,
      Outcome outcome,
      String detail) {
    var verdict = EgressReachability.of(OUT, meshAllowsAny).reach(namespace, host, port);
    assertThat(verdict.outcome()).as(verdict.reason()).isEqualTo(outcome);
    assertThat(verdict.through() + " " + verdict.reason()).contains(detail);
  }

  @ParameterizedTest(name = "without the gateway namespace's {0}: {1}")
  @CsvSource({
    "Gateway,             BLOCKED,     no Gateway in pay-egress serves api.psp.example",
    "VirtualService,      BLOCKED,     no VirtualService routes api.psp.example",
    "ServiceEntry,        BLOCKED,     has no ServiceEntry for api.psp.example",
    // Without any ALLOW policy on the gateway Istio admits everyone.
    "AuthorizationPolicy, VIA_GATEWAY, admits",
  })
  void eachHalfOfTheGatewayChainCounts(String missingKind, Outcome outcome, String reason) {
    var objects =
        OUT.objects().stream()
            .filter(
                o ->
                    !(o.key().namespace().equals("pay-egress")
                        && o.key().kind().equals(missingKind)))
            .toList();
    var broken = DesiredObjects.of("c1", objects, OUT.diagnostics());
    var verdict = EgressReachability.of(broken, false).reach("pay", "api.psp.example", 443);
    assertThat(verdict.outcome()).as(verdict.reason()).isEqualTo(outcome);
    assertThat(verdict.reason()).contains(reason);
  }
}
