package dev.trestle.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of the server's packages as rules over a root package ({@code dev.trestle} for the
 * server; a fixture root in the test that shows each rule can fail). The kernel ({@code core}) and
 * {@code storage} sit below every context; contexts may use them, never the reverse. ArchUnit reads
 * bytecode: a use of another class's compile-time constant alone leaves no trace there.
 */
final class ArchitectureRules {
  private ArchitectureRules() {}

  /** The kernel uses nothing of the server but itself (and the wire protocol). */
  static ArchRule coreBelowEveryContext(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + ".core..")
        .should()
        .dependOnClassesThat(
            resideInAPackage(root + "..")
                .and(not(resideInAnyPackage(root + ".core..", root + ".protocol.."))))
        .because("core is the shared kernel every context may use; it may use none of them");
  }

  /** Storage knows no context: each context registers its schema with storage start-up. */
  static ArchRule storageBelowEveryContext(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + ".storage..")
        .should()
        .dependOnClassesThat(
            resideInAPackage(root + "..")
                .and(
                    not(
                        resideInAnyPackage(
                            root + ".storage..", root + ".core..", root + ".protocol.."))))
        .because("storage is the ground floor; contexts register their schemas with it");
  }

  /** No two top-level packages use each other, directly or through others. */
  static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  /** Metrics label REST routes with a function the API gives them, not by calling into it. */
  static ArchRule observabilityDoesNotUseApi(String root) {
    return noClasses()
        .that()
        .resideInAPackage(root + ".observability..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(root + ".api..")
        .because("observability serves every façade and must not depend on one");
  }
}
