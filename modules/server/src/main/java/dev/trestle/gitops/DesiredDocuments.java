package dev.trestle.gitops;

import dev.trestle.core.Problem;
import dev.trestle.gitops.GitRepositories.GitFile;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.management.ResourceValidator;
import dev.trestle.protocol.DocumentException;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The documents of one commit as the source will apply them: read with the same reader as {@code
 * apply} ({@link ResourceDocuments}), checked alone ({@link ResourceValidator#checkAlone}) and
 * labelled with the owner. Any unreadable or invalid document refuses the whole commit with {@code
 * file:line: reason}, so a broken commit applies nothing.
 */
final class DesiredDocuments {
  private DesiredDocuments() {}

  /** One document: where it is in git, and what it asks for (owner label included). */
  record Desired(String path, int line, Resource resource, ResourceSnapshot snapshot) {
    String fqn() {
      return snapshot.fqn();
    }

    String digest() {
      return SyncReport.digest(snapshot);
    }

    int depth() {
      return Fqn.parse(snapshot.fqn()).depth();
    }
  }

  static List<Desired> read(List<GitFile> files, String owner) {
    var out = new ArrayList<Desired>();
    var seen = new HashMap<String, String>();
    for (GitFile file : files) {
      List<ParsedDocument> docs;
      try {
        docs = ResourceDocuments.parse(file.text());
      } catch (DocumentException e) {
        throw new GitOpsException(file.path() + ":1: " + e.getMessage());
      }
      for (ParsedDocument doc : docs) {
        String where = file.path() + ":" + doc.line();
        if (doc.error() != null) {
          throw new GitOpsException(where + ": " + doc.error().getMessage());
        }
        Resource owned = owned(doc.resource(), owner, where);
        var violations = ResourceValidator.checkAlone(owned);
        if (!violations.isEmpty()) {
          Problem.Violation v = violations.get(0);
          throw new GitOpsException(where + ": " + v.field() + ": " + v.description());
        }
        ResourceSnapshot snapshot;
        try {
          snapshot = ResourceMapper.snapshotOf(owned);
        } catch (IllegalArgumentException e) {
          throw new GitOpsException(where + ": " + e.getMessage());
        }
        String earlier = seen.putIfAbsent(snapshot.fqn(), where);
        if (earlier != null) {
          throw new GitOpsException(
              where + ": " + snapshot.fqn() + " is already defined at " + earlier);
        }
        out.add(new Desired(file.path(), doc.line(), owned, snapshot));
      }
    }
    return out;
  }

  private static Resource owned(Resource resource, String owner, String where) {
    String given = resource.getMetadata().getLabelsMap().get(Ownership.OWNER_LABEL);
    if (given != null && !given.equals(owner)) {
      throw new GitOpsException(
          where
              + ": metadata.labels."
              + Ownership.OWNER_LABEL
              + ": '"
              + given
              + "' names another owner; the source sets this label itself ("
              + owner
              + ")");
    }
    var builder = resource.toBuilder();
    builder.getMetadataBuilder().putLabels(Ownership.OWNER_LABEL, owner);
    return builder.build();
  }
}
