package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  static final String ORG =
      "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata:\n  name: %s\n";
  static final String TENANT =
      "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: %s\n  organization: acme\n";

  @TempDir Path dir;

  private static InputStream noStdin() {
    return new ByteArrayInputStream(new byte[0]);
  }

  private Path write(String relative, String text) throws Exception {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test
  void readsDirectoryRecursivelyInLexicalOrderSkippingOtherFilesAndHiddenOnes() throws Exception {
    write("20-tenants.yaml", TENANT.formatted("t1") + "---\n" + TENANT.formatted("t2"));
    write("00-org.yml", ORG.formatted("acme"));
    write(
        "10/nested.json",
        "{\"apiVersion\":\"trestle.dev/v1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\"nested\"}}");
    write("README.md", "not a document");
    write(".hidden/x.yaml", "garbage: [");

    InputFiles.Result r = InputFiles.read(List.of(dir.toString()), noStdin());

    assertThat(r.errors()).isEmpty();
    assertThat(r.resources())
        .extracting(res -> res.getMetadata().getName())
        .containsExactly("acme", "nested", "t1", "t2");
    assertThat(r.documents().get(3).where()).endsWith("20-tenants.yaml: document 2 (line 7)");
  }

  @Test
  void malformedDocumentIsReportedWithFileDocumentLineAndField() throws Exception {
    write("a.yaml", ORG.formatted("acme"));
    Path bad =
        write(
            "b.yaml",
            TENANT.formatted("ok")
                + "---\n"
                + TENANT.formatted("bad")
                + "spec:\n  displayName: Bad\n  colour: blue\n");

    InputFiles.Result r = InputFiles.read(List.of(dir.toString()), noStdin());

    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0))
        .startsWith(bad + ": document 2 (line 7): spec.colour: unknown field")
        .contains("displayName");
  }

  @Test
  void reportsEveryBrokenDocumentNotOnlyTheFirst() throws Exception {
    Path f =
        write(
            "x.yaml",
            "apiVersion: trestle.dev/v1\nkind: Tenat\nmetadata:\n  name: a\n---\n"
                + "apiVersion: trestle.dev/v2\nkind: Tenant\nmetadata:\n  name: b\n");
    InputFiles.Result r = InputFiles.read(List.of(f.toString()), noStdin());
    assertThat(r.errors())
        .containsExactly(
            f
                + ": document 1 (line 1): kind: unknown kind 'Tenat'; one of Organization, Tenant,"
                + " Workspace, Group, Cluster, ServiceRoute, TrafficSetting, SecuritySetting,"
                + " IngressGateway, EgressGateway, GitSource, RevisionRollout, WasmExtension,"
                + " ApiDefinition",
            f
                + ": document 2 (line 6): apiVersion: 'trestle.dev/v2' is not supported; use"
                + " trestle.dev/v1");
  }

  @Test
  void syntaxErrorNamesTheFileAndLine() throws Exception {
    Path f = write("broken.yaml", ORG.formatted("acme") + "---\nkind: [\n");
    InputFiles.Result r = InputFiles.read(List.of(f.toString()), noStdin());
    assertThat(r.errors())
        .singleElement()
        .asString()
        .startsWith(f + ": document 2 (line ")
        .contains("malformed YAML/JSON");
  }

  @Test
  void readsStdinOnce() {
    var stdin = new ByteArrayInputStream(ORG.formatted("acme").getBytes(StandardCharsets.UTF_8));
    InputFiles.Result r = InputFiles.read(List.of("-"), stdin);
    assertThat(r.errors()).isEmpty();
    assertThat(r.documents())
        .singleElement()
        .extracting(InputDocument::where)
        .isEqualTo("<stdin>: document 1 (line 1)");

    assertThat(InputFiles.read(List.of("-", "-"), noStdin()).errors())
        .contains("-f -: stdin can be read only once");
  }

  @Test
  void missingFileAndEmptyDirectoryAreErrors() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    InputFiles.Result r =
        InputFiles.read(List.of(dir.resolve("nope.yaml").toString(), empty.toString()), noStdin());
    assertThat(r.errors())
        .containsExactly(
            dir.resolve("nope.yaml") + ": no such file or directory",
            empty + ": no *.yaml, *.yml or *.json files in this directory");
  }

  @Test
  void nonUtf8FileIsAnError() throws Exception {
    Path f = dir.resolve("latin1.yaml");
    Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThat(InputFiles.read(List.of(f.toString()), noStdin()).errors())
        .containsExactly(f + ": not UTF-8 text");
  }
}
