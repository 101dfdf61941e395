package dev.trestle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerfileTest {
  private static final Path ROOT = RepoFiles.root();
  private static final String TEXT = RepoFiles.read(ROOT.resolve("docker/Dockerfile"));
  static final Map<String, Set<Integer>> TARGETS =
      Map.of(
          "central", Set.of(9080, 9081, 8558, 25520),
          "edge", Set.of(18000));

  private static List<String> lint(String text) {
    return DockerfileLint.problems(
        Dockerfile.parse(text), TARGETS, ROOT, DockerIgnore.load(ROOT.resolve(".dockerignore")));
  }

  @Test
  void centralAndEdgeTargetsRunAsNonRootExposeTheirPortsAndCheckHealth() {
    assertThat(lint(TEXT)).isEmpty();
    Dockerfile file = Dockerfile.parse(TEXT);
    assertThat(file.stages())
        .extracting(Dockerfile.Stage::name)
        .containsExactly("build", "runtime", "edge", "central");
    assertThat(file.user(file.stage("central").orElseThrow())).isEqualTo("10001:10001");
  }

  @Test
  void runtimeStagesStartFromAJreAndTakeOnlyTheBuildOutputFromTheBuildStage() {
    Dockerfile file = Dockerfile.parse(TEXT);
    assertThat(file.stage("build").orElseThrow().base()).contains("maven").contains("17");
    Dockerfile.Stage runtime = file.stage("runtime").orElseThrow();
    assertThat(runtime.base()).contains("17-jre");
    assertThat(Dockerfile.instructions(runtime, "COPY"))
        .extracting(Dockerfile.Instruction::args)
        .anyMatch(a -> a.startsWith("--from=build /out/ /opt/trestle/"));
    assertThat(Dockerfile.instructions(file.stage("edge").orElseThrow(), "ENTRYPOINT"))
        .extracting(Dockerfile.Instruction::args)
        .containsExactly("[\"/opt/trestle/bin/trestle\", \"edge\"]");
  }

  @Test
  void scriptsTheImagesRunAreExecutable() {
    for (String script :
        List.of(
            "docker/bin/trestle",
            "docker/bin/healthcheck",
            "docker/bin/collect-runtime.sh",
            "docker/bootstrap/bootstrap.sh")) {
      assertThat(Files.isExecutable(ROOT.resolve(script))).as(script).isTrue();
    }
  }

  @Test
  void lintCatchesRootUserMissingPortsMissingHealthcheckAndBadCopySources() {
    assertThat(lint(TEXT.replace("USER 10001:10001", "USER root")))
        .anyMatch(p -> p.contains("target central runs as root"))
        .anyMatch(p -> p.contains("target edge runs as root"));
    assertThat(lint(TEXT.replace("USER 10001:10001\n", "")))
        .anyMatch(p -> p.contains("runs as root"));
    assertThat(lint(TEXT.replace("EXPOSE 18000", "EXPOSE 18001")))
        .containsExactly("target edge does not EXPOSE [18000]");
    assertThat(lint(TEXT.replaceAll("(?s)HEALTHCHECK --interval=15s.*?/status\"]\n", "")))
        .containsExactly("target edge has no HEALTHCHECK");
    assertThat(lint(TEXT + "COPY conf/nonexistent.conf /etc/\n"))
        .anyMatch(p -> p.contains("no such file in the build context"));
    assertThat(lint(TEXT + "COPY docs/api.md /etc/\n"))
        .anyMatch(p -> p.contains("left out of the build context by .dockerignore"));
    assertThat(lint(TEXT.replace("AS central", "AS centre")))
        .contains("no stage named central (FROM ... AS central)");
  }
}
