package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input through the real CLI against a real server holding the acme example: every case must
 * fail with the right exit code and a message that says what is wrong, and change nothing (the full
 * REST listing, documents and versions, is the same before and after).
 */
class CliBadInputIT {
  @RegisterExtension static final CentralServer central = new CentralServer();

  private static final String PAYMENTS = "organizations/acme/tenants/payments";

  @BeforeAll
  static void applyExamples() {
    CliResult r = central.cli().run("apply", "-f", TrestleRuntime.examples("acme").toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(central.rest().snapshot()).hasSize(44);
  }

  @Test
  void malformedYamlIsRefusedNamingFileDocumentAndLineAndNothingIsSent() {
    Path dir = central.workDir().resolve("malformed");
    // A valid new tenant first: it must not be applied either, since the batch cannot be read.
    file(dir.resolve("01-good.yaml"), tenant("good", "Good"));
    Path broken =
        file(
            dir.resolve("02-broken.yaml"),
            tenant("fine", "Fine")
                + "---\n"
                + """
                apiVersion: trestle.dev/v1
                kind: Tenant
                metadata:
                  name: broken
                  organization: acme
                  labels: [unclosed
                spec:
                  displayName: Broken
                """);

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", dir.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout()).as(r.toString()).isEmpty();
    assertThat(r.stderrLines()).as(r.toString()).hasSize(1);
    Matcher where =
        Pattern.compile(
                "^error: "
                    + Pattern.quote(broken.toString())
                    + ": document 2 \\(line (\\d+)\\): malformed YAML")
            .matcher(r.stderr());
    assertThat(where.find()).as(r.toString()).isTrue();
    // Document 2 starts on line 9; the unclosed sequence is on line 14, detected on line 15.
    assertThat(Integer.parseInt(where.group(1))).as(r.toString()).isBetween(14, 15);
  }

  @Test
  void yamlAliasesResolveAndAnAliasBombIsRefusedCheaply() {
    // Issue 16: an alias used to be stored as its anchor's name ("d"); a file ending in '---'
    // (kubectl, helm) and a createTime rewritten by PyYAML used to be refused.
    Path aliased =
        file(
            central.workDir().resolve("aliases/aliased.yaml"),
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata:
              name: aliased
              organization: acme
              description: &d Hello-Alias
              createTime: 2026-12-07 13:04:03.620979+00:00
            spec:
              displayName: *d
            ---
            """);
    CliResult dry =
        unchanged(
            () -> central.cli().run("apply", "--dry-run", "-o", "json", "-f", aliased.toString()));
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.stdout().split("Hello-Alias", -1)).as(dry.toString()).hasSizeGreaterThan(2);

    String lol = "  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
    var anchors = new StringBuilder(lol);
    for (char c = 'b'; c <= 'i'; c++) {
      anchors.append("  ").append(c).append(": &").append(c).append(" [");
      anchors.append(String.join(",", Collections.nCopies(9, "*" + (char) (c - 1))));
      anchors.append("]\n");
    }
    Path bombFile =
        file(
            central.workDir().resolve("aliases/bomb.yaml"),
            tenant("bomb", "Bomb") + "---\nkind: Tenant\nlaughs:\n" + anchors);
    CliResult r = unchanged(() -> central.cli().run("apply", "-f", bombFile.toString()));
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr())
        .as(r.toString())
        .contains(bombFile + ": document 2")
        .contains("aliases expand this document beyond");
  }

  @Test
  void unknownKindIsRefusedListingTheKnownKinds() {
    Path file =
        file(
            central.workDir().resolve("unknown-kind.yaml"),
            """
            apiVersion: trestle.dev/v1
            kind: Spaceship
            metadata:
              name: enterprise
              organization: acme
            spec: {}
            """);

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", file.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr())
        .as(r.toString())
        .contains(file + ": document 1 (line 1)")
        .contains("unknown kind 'Spaceship'")
        .contains("Organization, Tenant, Workspace");

    CliResult get = unchanged(() -> central.cli().run("get", "spaceships"));
    assertThat(get.exitCode()).as(get.toString()).isEqualTo(2);
    assertThat(get.stderr()).as(get.toString()).contains("unknown kind 'spaceships'");
  }

  @Test
  void invalidNameIsRefusedNamingTheField() {
    Path file = file(central.workDir().resolve("bad-name.yaml"), tenant("Bad_Name!", "Bad"));

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", file.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdoutLines())
        .as(r.toString())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith(
                        "tenant organizations/acme/tenants/Bad_Name! FAILED: metadata.name: ")
                    .contains("'Bad_Name!' is not a DNS-1123 label")
                    .endsWith("(at " + file + ": document 1 (line 1))"));
    assertThat(r.stderr()).as(r.toString()).contains("error: 1 of 1 documents failed");
  }

  @Test
  void staleVersionIsRefusedNamingTheCurrentVersion() {
    String retail = "organizations/acme/tenants/retail";
    CliResult read = central.cli().run("get", retail, "-o", "yaml");
    assertThat(read.exitCode()).as(read.toString()).isZero();
    long seen = Documents.version(Documents.yaml(read.stdout()).get(0));
    // Someone else updates retail after we read it ...
    Path update =
        file(
            central.workDir().resolve("stale/update.yaml"),
            read.stdout()
                .replaceAll("(?m)^ *version: " + seen + "\n", "")
                .replace("displayName: Retail", "displayName: Retail (updated)"));
    CliResult other = central.cli().run("apply", "-f", update.toString());
    assertThat(other.stdoutLines())
        .as(other.toString())
        .containsExactly("tenant " + retail + " updated (version " + (seen + 1) + ")");
    // ... so our change, made to the version we read, is stale.
    Path ours =
        file(
            central.workDir().resolve("stale/ours.yaml"),
            read.stdout().replace("displayName: Retail", "displayName: Retail (ours)"));

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", ours.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout())
        .as(r.toString())
        .contains("tenant " + retail + " FAILED: ")
        .contains("metadata.version " + seen + " is stale")
        .contains("the current version of " + retail + " is " + (seen + 1));
  }

  @Test
  void missingParentIsRefusedNamingTheParent() {
    Path file =
        file(
            central.workDir().resolve("missing-parent.yaml"),
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata:
              name: orphan
              organization: acme
              tenant: nosuchtenant
            spec:
              displayName: Orphan
              namespaceSelectors: ["*/orphan"]
            """);

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", file.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout())
        .as(r.toString())
        .contains("workspace organizations/acme/tenants/nosuchtenant/workspaces/orphan FAILED: ")
        .contains("parent organizations/acme/tenants/nosuchtenant does not exist");
  }

  @Test
  void fileOverFourMebibytesIsRefusedBeforeAnythingIsSent() {
    int limit = 4 * 1024 * 1024;
    String padding = "#" + "x".repeat(1023) + "\n"; // comment lines: valid YAML of any size
    var text = new StringBuilder(tenant("huge", "Huge"));
    while (text.length() <= limit) {
      text.append(padding);
    }
    Path file = file(central.workDir().resolve("huge.yaml"), text.toString());
    long size = text.length();

    CliResult r = unchanged(() -> central.cli().run("apply", "-f", file.toString()));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout()).as(r.toString()).isEmpty();
    assertThat(r.stderr())
        .as(r.toString())
        .contains(file + ": file is " + size + " bytes; the limit is " + limit);

    CliResult stdin = unchanged(() -> central.cli().runWithStdin(file, "apply", "-f", "-"));
    assertThat(stdin.exitCode()).as(stdin.toString()).isEqualTo(1);
    assertThat(stdin.stderr())
        .as(stdin.toString())
        .contains("<stdin>: input is " + size + " bytes; the limit is " + limit);
  }

  @Test
  void deleteOfAResourceWithChildrenIsRefusedListingThem() {
    CliResult r =
        unchanged(() -> central.cli().run("delete", "tenant", "payments", "--org", "acme"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout()).as(r.toString()).isEmpty();
    assertThat(r.stderrLines())
        .as(r.toString())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: " + PAYMENTS + " has 19 descendant(s)")
                    .contains(PAYMENTS + "/workspaces/checkout")
                    .contains(PAYMENTS + "/workspaces/ledger")
                    .contains("cascade"));
  }

  @Test
  void deletionProtectionBlocksACascadeDeleteUnlessForced() {
    CliResult acme =
        unchanged(() -> central.cli().run("delete", "organizations/acme", "--cascade"));
    assertThat(acme.exitCode()).as(acme.toString()).isEqualTo(1);
    assertThat(acme.stdout()).as(acme.toString()).isEmpty();
    assertThat(acme.stderr())
        .as(acme.toString())
        .contains("deletionProtection is set on organizations/acme")
        .contains("organizations/acme/tenants/payments/workspaces/ledger")
        .contains("force");

    // --force, on a protected organization of its own so that acme stays for the other tests.
    SortedMap<String, JsonNode> before = central.rest().snapshot();
    Path scratch =
        file(
            central.workDir().resolve("protected.yaml"),
            """
            apiVersion: trestle.dev/v1
            kind: Organization
            metadata:
              name: scratch
              deletionProtection: true
            spec:
              displayName: Scratch
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata:
              name: team
              organization: scratch
            spec:
              displayName: Team
            """);
    CliResult created = central.cli().run("apply", "-f", scratch.toString());
    assertThat(created.exitCode()).as(created.toString()).isZero();

    CliResult refused =
        unchanged(() -> central.cli().run("delete", "organizations/scratch", "--cascade"));
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr())
        .as(refused.toString())
        .contains("deletionProtection is set on organizations/scratch");

    CliResult forced = central.cli().run("delete", "organizations/scratch", "--cascade", "--force");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(forced.stdoutLines())
        .as(forced.toString())
        .containsExactlyInAnyOrder(
            "deleted organizations/scratch/tenants/team", "deleted organizations/scratch");
    assertThat(central.rest().snapshot()).isEqualTo(before);
  }

  @Test
  void unknownVerbAndBadFlagAreUsageErrors() {
    CliResult verb = unchanged(() -> central.cli().run("frobnicate", "tenants"));
    assertThat(verb.exitCode()).as(verb.toString()).isEqualTo(2);
    assertThat(verb.stdout()).as(verb.toString()).isEmpty();
    assertThat(verb.stderr()).as(verb.toString()).startsWith("error: ").contains("'frobnicate'");

    CliResult flag = unchanged(() -> central.cli().run("get", "tenants", "--bogus-flag"));
    assertThat(flag.exitCode()).as(flag.toString()).isEqualTo(2);
    assertThat(flag.stdout()).as(flag.toString()).isEmpty();
    assertThat(flag.stderr()).as(flag.toString()).contains("Unknown option: '--bogus-flag'");

    CliResult noFiles = unchanged(() -> central.cli().run("apply"));
    assertThat(noFiles.exitCode()).as(noFiles.toString()).isEqualTo(2);
    assertThat(noFiles.stderr()).as(noFiles.toString()).contains("apply needs -f");
  }

  /** Runs {@code action} and asserts the server's whole state is the same before and after. */
  private static CliResult unchanged(Supplier<CliResult> action) {
    Map<String, JsonNode> before = central.rest().snapshot();
    CliResult r = action.get();
    assertThat(central.rest().snapshot()).as("state after %s", r).isEqualTo(before);
    return r;
  }

  private static String tenant(String name, String displayName) {
    return """
    apiVersion: trestle.dev/v1
    kind: Tenant
    metadata:
      name: %s
      organization: acme
    spec:
      displayName: %s
    """
        .formatted(name, displayName);
  }

  private static Path file(Path path, String text) {
    try {
      Files.createDirectories(path.getParent());
      return Files.writeString(path, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
