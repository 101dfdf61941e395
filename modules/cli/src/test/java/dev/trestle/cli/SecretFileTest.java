package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {
  @TempDir Path dir;

  @Test
  void writesTheSecretIntoANewOwnerOnlyFile() throws Exception {
    Path file = dir.resolve("c1.token");
    String issued = SecretFile.issueInto(file, () -> "S3CR3T");
    assertThat(file).exists().isEmptyFile();
    SecretFile.write(file, issued, "token t1", "trestle iam revoke-token users/a t1");
    assertThat(file).hasContent("S3CR3T\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void anExistingFileIsRefusedBeforeAnythingIsIssued() throws Exception {
    Path file = Files.writeString(dir.resolve("old.token"), "keep");
    var issued = new AtomicBoolean();
    assertThatThrownBy(() -> SecretFile.issueInto(file, () -> issued.getAndSet(true)))
        .isInstanceOf(CliException.class)
        .hasMessage(file + " already exists; nothing was issued (choose a new file)");
    assertThat(issued).isFalse();
    assertThat(file).hasContent("keep");
  }

  @Test
  void theReservedFileIsDeletedWhenIssuingFails() {
    Path file = dir.resolve("c1.token");
    assertThatThrownBy(
            () ->
                SecretFile.issueInto(
                    file,
                    () -> {
                      assertThat(file).exists();
                      throw new IllegalStateException("refused");
                    }))
        .hasMessage("refused");
    assertThat(file).doesNotExist();
  }

  @Test
  void aFailedWriteSaysHowToRevokeAndNeverShowsTheSecret() {
    Path notAFile = dir;
    assertThatThrownBy(
            () -> SecretFile.write(notAFile, "S3CR3T", "join token j1", "trestle cluster x"))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("join token j1 was issued but could not be written to " + dir)
        .hasMessageEndingWith("; revoke it: trestle cluster x")
        .hasMessageNotContaining("S3CR3T");
  }

  @Test
  void withoutAFileTheSecretGoesToTheCaller() {
    assertThat(SecretFile.issueInto(null, () -> "S3CR3T")).isEqualTo("S3CR3T");
    assertThat(dir).isEmptyDirectory();
  }
}
