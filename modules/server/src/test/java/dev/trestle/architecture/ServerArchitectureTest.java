package dev.trestle.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.trestle.app.Central;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's package layering ({@link ArchitectureRules}) holds for its main classes. */
class ServerArchitectureTest {
  private static final String ROOT = "dev.trestle";
  private static JavaClasses server;

  @BeforeAll
  static void importServerClasses() throws URISyntaxException {
    // This module's compiled main classes only: not tests, not the protocol or translator modules.
    Path classes =
        Path.of(Central.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    server = new ClassFileImporter().importPath(classes);
  }

  @Test
  void coreIsBelowEveryContext() {
    ArchitectureRules.coreBelowEveryContext(ROOT).check(server);
  }

  @Test
  void storageIsBelowEveryContext() {
    ArchitectureRules.storageBelowEveryContext(ROOT).check(server);
  }

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(server);
  }

  @Test
  void observabilityDoesNotUseTheApi() {
    ArchitectureRules.observabilityDoesNotUseApi(ROOT).check(server);
  }
}
