package dev.trestle.gitops;

import dev.trestle.protocol.Hashes;
import dev.trestle.protocol.ResourceDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * Fetches repositories into bare clones under the cache directory (one per URL, no working copy)
 * and reads the documents of one commit straight from its tree. Branches are fetched with forced
 * refspecs, so a force-pushed branch moves to its new commit. Blocking: call it off the actor
 * threads.
 */
final class GitRepositories {
  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}");

  private final Path cacheDir;
  private final Duration fetchTimeout;
  private final ConcurrentHashMap<Path, Object> locks = new ConcurrentHashMap<>();

  GitRepositories(Path cacheDir, Duration fetchTimeout) {
    this.cacheDir = cacheDir;
    this.fetchTimeout = fetchTimeout;
  }

  /** A document file of the commit: its path in the repository and its text. */
  record GitFile(String path, String text) {}

  /** The commit {@code ref} resolved to, and its document files under the paths asked for. */
  record Snapshot(String commit, List<GitFile> files) {}

  /** Fetches {@code url} and reads {@code ref}; fails with {@link GitOpsException}. */
  Snapshot fetch(String url, String ref, List<String> paths, GitCredential credential) {
    Path dir = cacheDir.resolve(Hashes.sha256(url).substring(0, 20) + ".git");
    synchronized (locks.computeIfAbsent(dir, d -> new Object())) {
      try (Repository repo = open(dir);
          Git git = new Git(repo)) {
        var fetch =
            git.fetch()
                .setRemote(url)
                .setRefSpecs(
                    new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
                    new RefSpec("+refs/tags/*:refs/tags/*"))
                .setRemoveDeletedRefs(true)
                .setTimeout((int) Math.max(1, fetchTimeout.toSeconds()));
        if (credential != null) {
          fetch.setCredentialsProvider(
              new UsernamePasswordCredentialsProvider(
                  credential.username(), credential.password()));
        }
        fetch.call();
        ObjectId commit = resolve(repo, ref);
        return new Snapshot(commit.name(), read(repo, commit, paths));
      } catch (GitAPIException | IOException e) {
        throw new GitOpsException("fetching " + url + " failed: " + e.getMessage());
      }
    }
  }

  private static Repository open(Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!repo.getObjectDatabase().exists()) {
      repo.create(true);
    }
    return repo;
  }

  /** A branch, a tag, or a full commit SHA present after the fetch. */
  private static ObjectId resolve(Repository repo, String ref) throws IOException {
    var candidates = new ArrayList<String>();
    if (FULL_SHA.matcher(ref).matches()) {
      candidates.add(ref);
    }
    candidates.add(Constants.R_REMOTES + "origin/" + ref);
    candidates.add(Constants.R_TAGS + ref);
    for (String candidate : candidates) {
      ObjectId id = repo.resolve(candidate + "^{commit}");
      if (id != null) {
        return id;
      }
    }
    throw new GitOpsException("ref '" + ref + "' is neither a branch, a tag nor a fetched commit");
  }

  private static List<GitFile> read(Repository repo, ObjectId commitId, List<String> paths)
      throws IOException {
    var files = new ArrayList<GitFile>();
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      for (String path : paths) {
        try (TreeWalk found = TreeWalk.forPath(repo, path, commit.getTree())) {
          if (found == null) {
            throw new GitOpsException(
                "path '" + path + "' does not exist at commit " + commitId.name());
          }
        }
      }
      try (TreeWalk tree = new TreeWalk(repo)) {
        tree.addTree(commit.getTree());
        tree.setRecursive(true);
        if (!paths.isEmpty()) {
          tree.setFilter(PathFilterGroup.createFromStrings(paths));
        }
        while (tree.next()) {
          String path = tree.getPathString();
          if (!isDocument(path)) {
            continue;
          }
          var loader = repo.open(tree.getObjectId(0));
          if (loader.getSize() > ResourceDocuments.MAX_INPUT_BYTES) {
            throw new GitOpsException(
                path
                    + ":1: file is "
                    + loader.getSize()
                    + " bytes; the limit is "
                    + ResourceDocuments.MAX_INPUT_BYTES);
          }
          files.add(new GitFile(path, new String(loader.getBytes(), StandardCharsets.UTF_8)));
        }
      }
    }
    return files;
  }

  private static boolean isDocument(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".yaml") || p.endsWith(".yml") || p.endsWith(".json");
  }
}
