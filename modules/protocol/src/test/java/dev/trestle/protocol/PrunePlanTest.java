package dev.trestle.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.PrunePlan.Owned;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrunePlanTest {
  private static final String T = "organizations/o/tenants/t";
  private static final String WS = T + "/workspaces/w";
  private static final String G = WS + "/groups/g";
  private static final String R1 = G + "/serviceroutes/r1";
  private static final String R2 = G + "/serviceroutes/r2";

  private static List<Owned> owned(String... fqns) {
    return Arrays.stream(fqns).map(f -> new Owned(f, false)).toList();
  }

  @Test
  void deletesWhatIsGoneDeepestFirst() {
    var plan = PrunePlan.of(owned(WS, G, R1, R2, T), Set.of(T, R2), 100, false);
    assertThat(plan.refusal()).isNull();
    assertThat(plan.candidates()).containsExactly(R1, G, WS);
  }

  @Test
  void neverDeletesProtectedResources() {
    var plan =
        PrunePlan.of(
            List.of(new Owned(WS, true), new Owned(R1, false), new Owned(T, false)),
            Set.of(T),
            100,
            false);
    assertThat(plan.candidates()).containsExactly(R1);
    assertThat(plan.protectedOnes()).containsExactly(WS);
  }

  @Test
  void refusesMoreThanTheAllowedShare() {
    var plan = PrunePlan.of(owned(WS, G, R1, R2), Set.of(WS), 0, false);
    assertThat(plan.refusal()).contains("mass-delete guard").contains("3 of 4").contains("25%");
    assertThat(PrunePlan.of(owned(WS, G, R1, R2), Set.of(WS, G, R2), 0, false).refusal()).isNull();
    assertThat(PrunePlan.of(owned(WS, G, R1, R2), Set.of(WS), 75, false).refusal()).isNull();
  }

  @Test
  void anEmptySetDeletesNothingUnlessAllowed() {
    assertThat(PrunePlan.of(owned(WS, G), Set.of(), 100, false).refusal()).contains("no documents");
    var allowed = PrunePlan.of(owned(WS, G), Set.of(), 0, true);
    assertThat(allowed.refusal()).isNull();
    assertThat(allowed.candidates()).containsExactly(G, WS);
  }

  @Test
  void ownerNamesFitADnsLabelAndDifferPerTenant() {
    String a = Ownership.gitSourceOwner(Fqn.parse(T + "/gitsources/config"));
    String b = Ownership.gitSourceOwner(Fqn.parse("organizations/o/tenants/u/gitsources/config"));
    assertThat(a).startsWith("gitsource-config-").isNotEqualTo(b);
    String longName = "a".repeat(63);
    assertThat(Ownership.gitSourceOwner(Fqn.parse(T + "/gitsources/" + longName)).length())
        .isLessThanOrEqualTo(63);
    assertThat(Ownership.gitSourcePrincipal(Fqn.parse(T + "/gitsources/config")))
        .isEqualTo("serviceaccounts/" + a);
  }
}
