package dev.trestle.translator;

import static dev.trestle.translator.SecurityTranslationTest.setting;
import static dev.trestle.translator.SecurityTranslationTest.translate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenyRulesTest {

  private static List<JsonNode> policies(DesiredObjects out, String action) {
    return Fixtures.objects(out, "AuthorizationPolicy", "pay").stream()
        .map(o -> o.tree().path("spec"))
        .filter(s -> s.path("action").asText().equals(action))
        .toList();
  }

  @Test
  void aServiceDenyRuleNarrowsAGroupWideAllow() {
    var out =
        translate(
            setting("base", "allow: [{fromNamespaces: [pay]}]\n"),
            setting(
                "webhooks",
                """
                service: pay/webhooks
                deny: [{name: no-peers, fromNamespaces: [pay]}]
                allow: [{fromNamespaces: [edge], paths: [/hooks/*]}]
                """));
    List<JsonNode> deny = policies(out, "DENY");
    assertThat(deny).hasSize(1);
    assertThat(deny.get(0).at("/selector/matchLabels/app").asText()).isEqualTo("webhooks");
    assertThat(deny.get(0).at("/rules/0/from/0/source/namespaces").toString())
        .isEqualTo("[\"pay\"]");
    assertThat(policies(out, "ALLOW")).hasSize(2);
    // With a deny rule the service setting does narrow: no "cannot narrow" report any more.
    assertThat(out.diagnostics()).isEmpty();
  }

  @Test
  void denyRulesResolveWorkspacesAndOperationsLikeAllowRules() {
    var out =
        translate(
            setting(
                "base",
                """
                deny:
                  - fromWorkspaces: [organizations/org/tenants/t/workspaces/shop]
                    methods: [DELETE]
                    paths: [/admin/*]
                """));
    JsonNode rule = policies(out, "DENY").get(0).at("/rules/0");
    assertThat(rule.at("/from/0/source/namespaces").toString())
        .isEqualTo("[\"shop\",\"shop-edge\"]");
    assertThat(rule.at("/to/0/operation/methods/0").asText()).isEqualTo("DELETE");
    assertThat(policies(out, "DENY").get(0).has("selector")).isFalse();
    assertThat(policies(out, "ALLOW")).as("deny rules alone add no ALLOW policy").isEmpty();
  }

  @Test
  void aDenyRuleWhoseCallersResolveToNothingDeniesNobodyAndNeverEveryone() {
    var out =
        translate(
            setting(
                "base",
                "deny: [{name: ghosts, fromWorkspaces:"
                    + " [organizations/org/tenants/t/workspaces/empty]}]\n"));
    // Written with an empty `from` the rule would refuse every caller; it is left out instead.
    assertThat(policies(out, "DENY")).isEmpty();
    assertThat(out.diagnostics().stream().map(Diagnostic::message))
        .anySatisfy(m -> assertThat(m).contains("deny rule 'ghosts'").contains("refuses nobody"));
  }
}
