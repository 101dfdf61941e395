package dev.trestle.iam;

import dev.trestle.core.Caller;
import dev.trestle.core.TokenKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start of a secure server: creates "users/admin", binds it as admin at the root,
 * mints its token and writes it to a file only the server's user can read. The token is never
 * logged. Later starts do nothing (the principal exists); of central nodes starting together, only
 * the one whose create the entity accepted mints and writes a token.
 */
public final class InitialAdmin {
  public static final String NAME = "users/admin";
  private static final Logger LOG = LoggerFactory.getLogger(InitialAdmin.class);

  private InitialAdmin() {}

  public static void ensure(ActorSystem<?> system, Path tokenFile, Duration timeout)
      throws Exception {
    var sharding = ClusterSharding.get(system);
    var principal = sharding.entityRefFor(PrincipalEntity.TYPE_KEY, NAME);
    var state =
        await(
            principal.<PrincipalEntity.Reply>ask(PrincipalEntity.GetPrincipal::new, timeout),
            timeout);
    if (state.state().exists()) {
      return;
    }
    var system_ = new Caller("system", "bootstrap");
    var created =
        await(
            principal.<PrincipalEntity.Reply>ask(
                r ->
                    new PrincipalEntity.CreatePrincipal(
                        "Initial administrator", system_.principal(), system_.requestId(), r),
                timeout),
            timeout);
    if (created.problem() != null) {
      // Central nodes started together: another node created it first (the entity, one in the
      // cluster, decides), and that node writes the one token file.
      LOG.info("{} was created by another central node; its token file is on that node", NAME);
      return;
    }
    await(
        sharding
            .entityRefFor(PolicyEntity.TYPE_KEY, PolicyEntity.ROOT_ID)
            .<PolicyEntity.Reply>ask(
                r ->
                    new PolicyEntity.Grant(
                        "admin", NAME, system_.principal(), system_.requestId(), r),
                timeout),
        timeout);
    TokenKind.Minted minted = Tokens.mint(NAME);
    await(
        principal.<PrincipalEntity.Reply>ask(
            r ->
                new PrincipalEntity.IssueToken(
                    minted.tokenId(),
                    minted.secretSha256(),
                    "initial admin token",
                    null,
                    system_.principal(),
                    system_.requestId(),
                    r),
            timeout),
        timeout);
    writePrivate(tokenFile, minted.text() + "\n");
    LOG.warn(
        "created the initial administrator {}; its token is in {} (readable only by this user). Run"
            + " './trestle login --token-file {}', then store the token safely and delete the"
            + " file.",
        NAME,
        tokenFile,
        tokenFile);
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, content);
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
    return stage.toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }
}
