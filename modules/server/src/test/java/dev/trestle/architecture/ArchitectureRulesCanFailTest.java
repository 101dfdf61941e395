package dev.trestle.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ArchitectureRules} fails on a fixture that breaks it (classes under {@code
 * fixture}, a small tree that does everything the server must not), so a passing {@link
 * ServerArchitectureTest} means something.
 */
class ArchitectureRulesCanFailTest {
  private static final String ROOT = "dev.trestle.architecture.fixture";
  private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages(ROOT);

  @Test
  void coreUsingAContextIsCaught() {
    assertThatThrownBy(() -> ArchitectureRules.coreBelowEveryContext(ROOT).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fixture.core.Kernel")
        .hasMessageContaining("fixture.iam.Policy");
  }

  @Test
  void storageUsingAContextIsCaught() {
    assertThatThrownBy(() -> ArchitectureRules.storageBelowEveryContext(ROOT).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fixture.storage.Schema")
        .hasMessageContaining("fixture.audit.AuditTable");
  }

  @Test
  void aPackageCycleIsCaught() {
    assertThatThrownBy(() -> ArchitectureRules.noPackageCycles(ROOT).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected");
  }

  @Test
  void observabilityUsingTheApiIsCaught() {
    assertThatThrownBy(() -> ArchitectureRules.observabilityDoesNotUseApi(ROOT).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fixture.observability.Metrics")
        .hasMessageContaining("fixture.api.Routes");
  }
}
