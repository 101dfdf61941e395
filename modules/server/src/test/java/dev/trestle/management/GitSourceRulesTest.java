package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitSourceRulesTest {
  private static List<Problem.Violation> check(String spec) {
    Resource r =
        ResourceDocuments.parse(
                """
                apiVersion: trestle.dev/v1
                kind: GitSource
                metadata: {name: config, organization: o, tenant: t}
                spec: %s
                """
                    .formatted(spec))
            .get(0)
            .resource();
    return ResourceValidator.checkAlone(r);
  }

  @Test
  void acceptsAFullSpec() {
    assertThat(
            check(
                "{url: \"https://git.example.com/a/b.git\", ref: release/v1, paths: [config,"
                    + " apps/x.yaml], interval: 30s, prune: true, selfHeal: true,"
                    + " maxDeletePercent: 50, allowEmpty: false, credentialsRef: bot}"))
        .isEmpty();
    assertThat(check("{url: \"file:///tmp/repo\"}")).isEmpty();
  }

  @Test
  void refusesBadFieldsWithTheirPaths() {
    assertThat(check("{}")).extracting(Problem.Violation::field).containsExactly("spec.url");
    assertThat(check("{url: \"ftp://x/y\"}"))
        .extracting(Problem.Violation::field)
        .containsExactly("spec.url");
    assertThat(
            check(
                "{url: \"https://h/r\", ref: \"a..b\", paths: [\"/abs\", \"../up\", x, x],"
                    + " interval: 1s, maxDeletePercent: 101, credentialsRef: Bad_Name}"))
        .extracting(Problem.Violation::field)
        .containsExactlyInAnyOrder(
            "spec.ref",
            "spec.paths[0]",
            "spec.paths[1]",
            "spec.paths[3]",
            "spec.interval",
            "spec.maxDeletePercent",
            "spec.credentialsRef");
  }

  @Test
  void refusesAPasswordInTheUrlWithoutEchoingIt() {
    var violations = check("{url: \"https://bot:s3cret@git.example.com/r.git\"}");
    assertThat(violations).extracting(Problem.Violation::field).containsExactly("spec.url");
    assertThat(violations.get(0).description()).contains("credentialsRef").doesNotContain("s3cret");
  }
}
