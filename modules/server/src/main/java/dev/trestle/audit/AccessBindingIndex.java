package dev.trestle.audit;

import dev.trestle.iam.Binding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Where each principal is bound: one (target, subject) row per subject of the access bindings on a
 * target, kept by the audit projection in the transaction of the change (so it lags the write by
 * the projection's delay, like the audit log). It answers "on which targets does this principal
 * hold any binding?" without asking every policy entity; the API uses it to refuse a large body
 * from a principal who may write nowhere before reading it.
 *
 * <p>The index knows every binding only if it existed before the first one was made: a data
 * directory from a version without it has bindings the index never saw. {@link #targetsOf} is then
 * empty-handed (not "none"), and callers must not conclude anything.
 */
public final class AccessBindingIndex {
  static final String TABLE = "trestle_binding_subjects";
  static final String STATE = "trestle_binding_index_state";

  /** Re-runnable; appended to the audit schema's steps (see {@link AuditSchema}). */
  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (target VARCHAR(1024) NOT NULL, subject VARCHAR(256) NOT NULL,"
              + " PRIMARY KEY (target, subject))",
          "CREATE INDEX IF NOT EXISTS trestle_binding_subject_idx ON " + TABLE + " (subject)",
          "CREATE TABLE IF NOT EXISTS " + STATE + " (audit_rows_at_start BIGINT NOT NULL)",
          // Complete only when created before any change was audited (a new data directory).
          "INSERT INTO "
              + STATE
              + " (audit_rows_at_start) SELECT COUNT(*) FROM "
              + AuditSchema.TABLE
              + " HAVING NOT EXISTS (SELECT 1 FROM "
              + STATE
              + ")");

  private final DataSource dataSource;
  private final Executor blocking;
  private volatile Boolean complete;

  public AccessBindingIndex(DataSource dataSource, Executor blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  /** Replaces the subjects bound on {@code target} with those of {@code after}. */
  static void replace(Connection c, String target, List<Binding> after) throws SQLException {
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM " + TABLE + " WHERE target = ?")) {
      delete.setString(1, target);
      delete.executeUpdate();
    }
    var subjects = new TreeSet<String>();
    after.forEach(b -> subjects.addAll(b.subjects()));
    if (subjects.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO " + TABLE + " (target, subject) VALUES (?, ?)")) {
      for (String subject : subjects) {
        insert.setString(1, target);
        insert.setString(2, subject);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * The targets ({@code ""} is the root) where {@code subject} is named in a binding, or empty when
   * the index cannot know (it started after bindings were made).
   */
  public CompletionStage<Optional<List<String>>> targetsOf(String subject) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            if (!isComplete(c)) {
              return Optional.empty();
            }
            try (PreparedStatement ps =
                c.prepareStatement("SELECT target FROM " + TABLE + " WHERE subject = ?")) {
              ps.setString(1, subject);
              var out = new ArrayList<String>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(rs.getString(1));
                }
              }
              return Optional.of(out);
            }
          } catch (SQLException e) {
            throw new IllegalStateException("the access binding index cannot be read", e);
          }
        },
        blocking);
  }

  private boolean isComplete(Connection c) throws SQLException {
    if (complete == null) {
      try (PreparedStatement ps = c.prepareStatement("SELECT audit_rows_at_start FROM " + STATE);
          ResultSet rs = ps.executeQuery()) {
        complete = rs.next() && rs.getLong(1) == 0;
      }
    }
    return complete;
  }
}
