package dev.trestle.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The document reader under careless and hostile input (issue 16, points 1, 8 and 10). */
class ResourceDocumentsHostileInputTest {
  private static final String TENANT_HEAD =
      "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: payments\n"
          + "  organization: acme\n";

  private static Resource one(String text) {
    List<ParsedDocument> docs = ResourceDocuments.parse(text);
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0).error()).as("error").isNull();
    return docs.get(0).resource();
  }

  private static String error(String text) {
    List<ParsedDocument> docs = ResourceDocuments.parse(text);
    ParsedDocument last = docs.get(docs.size() - 1);
    assertThat(last.error()).as("an error for " + text).isNotNull();
    return last.position() + ": " + last.error().getMessage();
  }

  @Test
  void resolvesScalarAliasesInsteadOfStoringTheAnchorName() {
    Resource r =
        one(
            "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: payments\n"
                + "  organization: acme\n  description: &d \"hello\"\nspec:\n  displayName: *d\n");
    assertThat(r.getMetadata().getDescription()).isEqualTo("hello");
    assertThat(r.getTenant().getDisplayName()).isEqualTo("hello");
  }

  @Test
  void resolvesAliasesInMappingAndListPositionsAndMergeKeys() {
    List<ParsedDocument> docs =
        ResourceDocuments.parse(
            "apiVersion: trestle.dev/v1\nkind: Workspace\nmetadata:\n  name: checkout\n"
                + "  organization: acme\n  tenant: payments\n"
                + "  labels: &l {team: payments}\n"
                + "spec:\n  namespaceSelectors: &sel [\"*/checkout\"]\n"
                + "  displayName: x\n"
                + "---\n"
                + "apiVersion: trestle.dev/v1\nkind: Workspace\nmetadata:\n  name: w2\n"
                + "  organization: acme\n  tenant: payments\n"
                + "  labels:\n    <<: {team: ops, tier: gold}\n    team: payments\n"
                + "spec:\n  namespaceSelectors: [&ns \"*/ledger\", *ns]\n");
    assertThat(docs).hasSize(2);
    assertThat(docs.get(0).error()).isNull();
    assertThat(docs.get(0).resource().getMetadata().getLabelsMap())
        .containsEntry("team", "payments");
    assertThat(docs.get(0).resource().getWorkspace().getNamespaceSelectorsList())
        .containsExactly("*/checkout");
    assertThat(docs.get(1).error()).isNull();
    assertThat(docs.get(1).resource().getMetadata().getLabelsMap())
        .containsEntry("team", "payments")
        .containsEntry("tier", "gold");
    assertThat(docs.get(1).resource().getWorkspace().getNamespaceSelectorsList())
        .containsExactly("*/ledger", "*/ledger");
  }

  @Test
  void refusesTheBillionLaughsBombQuicklyWithAClearMessage() {
    var bomb =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ",").append('*').append(p);
      }
      bomb.append("]\n");
    }
    String text =
        "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: payments\n"
            + "  organization: acme\n  labels:\n"
            + bomb.toString().indent(4);
    long start = System.nanoTime();
    String message = error(text);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(message).contains("aliases expand this document beyond").contains("alias bomb");
    assertThat(millis).as("refused before expanding").isLessThan(2_000);
  }

  @Test
  void refusesRecursiveAndUnknownAliases() {
    assertThat(error("a: &x [1, *x]\n")).contains("alias *x refers to a node that contains it");
    assertThat(error("a: *nope\n")).contains("nope");
  }

  @Test
  void ignoresOutputOnlyMetadataWrittenAsYamlTimestampsByOtherTools() {
    Resource r =
        one(
            TENANT_HEAD
                + "  fqn: organizations/acme/tenants/payments\n"
                + "  createTime: 2026-12-07 13:04:03.620979+00:00\n"
                + "  updateTime: 2026-12-07T13:04:03Z\n"
                + "  createdBy: users/admin\n  updatedBy: users/admin\n"
                + "spec:\n  displayName: Payments\n");
    assertThat(r.getTenant().getDisplayName()).isEqualTo("Payments");
    assertThat(Timestamps.toString(r.getMetadata().getCreateTime()))
        .isEqualTo("2026-12-07T13:04:03.620979Z");
    Resource rewritten =
        one(TENANT_HEAD + "  updateTime: last tuesday\n  fqn: [1]\nspec:\n  displayName: P\n");
    assertThat(rewritten.getMetadata().hasUpdateTime()).isFalse();
  }

  @Test
  void skipsEmptyDocumentsSuchAsATrailingSeparator() {
    List<ParsedDocument> docs =
        ResourceDocuments.parse("---\n" + TENANT_HEAD + "---\n---\n# only a comment\n---\n");
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0).error()).isNull();
  }

  @Test
  void typeErrorsNameTheFullFieldPath() {
    String text =
        "apiVersion: trestle.dev/v1\nkind: ServiceRoute\nmetadata:\n  name: cart\n"
            + "  organization: acme\n  tenant: payments\n  workspace: checkout\n"
            + "  group: checkout-traffic\n"
            + "spec:\n  service: checkout/cart\n  httpRoutes:\n  - destinations:\n"
            + "    - {subset: v1, weight: 50}\n    - {subset: v2, weight: abc}\n";
    assertThat(error(text))
        .contains("spec.httpRoutes[0].destinations[1].weight: expected an integer, found \"abc\"");
    assertThat(error(TENANT_HEAD + "  deletionProtection: maybe\n"))
        .contains("metadata.deletionProtection: expected true or false, found \"maybe\"");
    assertThat(error(TENANT_HEAD + "  version: 99999999999999999999\n"))
        .contains("metadata.version: 99999999999999999999 is out of range");
  }

  @Test
  void keepsPlainScalarsVerbatimInStringFields() {
    Resource r = one(TENANT_HEAD + "spec:\n  displayName: 1.10\n  securityDomain: 007\n");
    assertThat(r.getTenant().getDisplayName()).isEqualTo("1.10");
    assertThat(r.getTenant().getSecurityDomain()).isEqualTo("007");
  }

  @Test
  void refusesDuplicateKeysAndOneofConflicts() {
    assertThat(error(TENANT_HEAD + "  name: other\n")).contains("duplicate key 'name'");
    assertThat(error(TENANT_HEAD + "spec:\n  displayName: a\n  display_name: b\n"))
        .contains("spec.display_name: is given twice");
    String route =
        "apiVersion: trestle.dev/v1\nkind: ServiceRoute\nmetadata:\n  name: cart\n"
            + "  organization: acme\n  tenant: payments\n  workspace: checkout\n"
            + "  group: checkout-traffic\n"
            + "spec:\n  service: checkout/cart\n  httpRoutes:\n  - match:\n"
            + "    - uri: {exact: /a, prefix: /b}\n";
    assertThat(error(route))
        .contains("spec.httpRoutes[0].match[0].uri.prefix: only one of exact, prefix, regex");
  }

  @Test
  void nestingTooDeepIsNamedWithoutLibraryInternals() {
    String deep = "[".repeat(500) + "]".repeat(500);
    for (String text : List.of(deep, "a: " + deep + "\n")) {
      String message = error(text);
      assertThat(message)
          .contains("nests deeper than 64 levels")
          .doesNotContain("StreamReadConstraints");
    }
  }

  @Test
  void theSizeLimitIsFourMebibytesOfInputAndNamesTheLimit() {
    String filler = "# " + "x".repeat(97) + "\n";
    String justUnder =
        TENANT_HEAD
            + filler.repeat((ResourceDocuments.MAX_INPUT_BYTES - TENANT_HEAD.length()) / 100);
    assertThat(justUnder.length()).isGreaterThan(3 * 1024 * 1024 + 1);
    one(justUnder);
    String over = justUnder + filler.repeat(2);
    assertThatThrownBy(() -> ResourceDocuments.parse(over))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining("the limit is 4194304 bytes (4 MiB)");
    // multi-byte characters count as bytes
    String wide = TENANT_HEAD + "# " + "é".repeat(ResourceDocuments.MAX_INPUT_BYTES / 2) + "\n";
    assertThatThrownBy(() -> ResourceDocuments.parse(wide)).hasMessageContaining("bytes");
  }

  @Test
  void jsonInputReadsTheSameAndRefusesDuplicateKeys() {
    Resource r =
        one(
            "{\"apiVersion\":\"trestle.dev/v1\",\"kind\":\"Tenant\",\"metadata\":{\"name\":\"payments\","
                + "\"organization\":\"acme\",\"version\":\"3\"},\"spec\":{\"displayName\":\"P\"}}");
    assertThat(r.getMetadata().getVersion()).isEqualTo(3);
    assertThat(error("{\"apiVersion\":\"trestle.dev/v1\",\"apiVersion\":\"x\"}"))
        .contains("duplicate key 'apiVersion'");
  }
}
