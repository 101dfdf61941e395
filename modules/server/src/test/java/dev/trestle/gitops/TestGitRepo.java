package dev.trestle.gitops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real git repository for tests: a bare repository in a temp dir (what the source fetches, over
 * {@code file://} or, with {@link #serve()}, over the git protocol from JGit's daemon on 127.0.0.1)
 * and an author's clone that commits and pushes to it.
 */
final class TestGitRepo implements AutoCloseable {
  private final Path dir;
  private final Path bare;
  private final Git author;
  private Daemon daemon;

  TestGitRepo() throws Exception {
    dir = Files.createTempDirectory("trestle-git-");
    bare = dir.resolve("origin.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    author = Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call();
  }

  String fileUrl() {
    return bare.toUri().toString();
  }

  /** Serves the bare repository over git:// on an ephemeral loopback port; answers its URL. */
  String serve() throws IOException {
    daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
    daemon.setRepositoryResolver(
        (request, name) -> {
          try {
            return new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
          } catch (IOException e) {
            throw new RepositoryNotFoundException(name, e);
          }
        });
    daemon.start();
    return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/origin.git";
  }

  /** Writes (or, for a null text, deletes) files, commits and pushes main; answers the SHA. */
  String commit(String message, Map<String, String> files) throws Exception {
    Path work = dir.resolve("work");
    for (var e : files.entrySet()) {
      Path file = work.resolve(e.getKey());
      if (e.getValue() == null) {
        Files.deleteIfExists(file);
        author.rm().addFilepattern(e.getKey()).call();
      } else {
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue());
        author.add().addFilepattern(e.getKey()).call();
      }
    }
    RevCommit c =
        author.commit().setMessage(message).setAuthor("t", "t@example.test").setSign(false).call();
    push();
    return c.name();
  }

  /** Moves main back to {@code sha} and force-pushes it (history rewritten). */
  void forcePush(String sha) throws Exception {
    author.reset().setMode(ResetCommand.ResetType.HARD).setRef(sha).call();
    push();
  }

  private void push() throws Exception {
    author
        .push()
        .setRemote(fileUrl())
        .setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
        .setForce(true)
        .call();
  }

  @Override
  public void close() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
    author.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
