package dev.trestle.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import dev.trestle.audit.AuditSchema;
import dev.trestle.desiredstate.DesiredStateSchema;
import dev.trestle.testing.OnPostgres;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema creation on PostgreSQL as several nodes do it at once: every node's start-up succeeds and
 * the schema is complete; an unusable database is refused with a clear reason and no password.
 */
@OnPostgres
@ExtendWith(StorageSelection.class)
class StorageStartupPostgresTest {
  private static final int NODES = 3;
  private static final List<ReadModelSchema> SCHEMAS =
      List.of(AuditSchema::migrate, DesiredStateSchema::migrate);
  private static final Set<String> TABLES =
      Set.of(
          "event_journal",
          "event_tag",
          "snapshot",
          "trestle_audit_log",
          "trestle_desired_objects",
          "trestle_desired_clusters",
          "pekko_projection_offset_store",
          "pekko_projection_management");

  @Test
  void concurrentStartsOnOneDatabaseAllSucceed(TestStorage storage) throws Exception {
    Config config = config(storage.centralConfig() + "pekko.actor.provider = local\n");
    StorageSettings settings = Settings.from(config).storage();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(NODES);
    try {
      for (int i = 0; i < NODES; i++) {
        systems.add(ActorSystem.create(Behaviors.empty(), "schema-" + i, config));
      }
      var gate = new CountDownLatch(1);
      List<Future<ReadModelDatabase>> starts = new ArrayList<>();
      for (ActorSystem<Void> system : systems) {
        starts.add(
            pool.submit(
                () -> {
                  gate.await();
                  return StorageStartup.prepare(system, settings, Duration.ofSeconds(60), SCHEMAS);
                }));
      }
      gate.countDown();
      for (Future<ReadModelDatabase> start : starts) {
        start.get(120, TimeUnit.SECONDS).close(); // throws if that node's migration failed
      }
      assertThat(tables(settings)).containsAll(TABLES);
      // Re-runnable: a later start finds everything in place.
      StorageStartup.prepare(systems.get(0), settings, Duration.ofSeconds(60), SCHEMAS).close();
    } finally {
      pool.shutdownNow();
      for (ActorSystem<Void> system : systems) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anUnreachableDatabaseIsRefusedWithoutThePassword() throws Exception {
    Config config =
        config(
            """
            trestle.storage.profile = postgres
            trestle.storage.postgres.url = "jdbc:postgresql://127.0.0.1:1/trestle?ApplicationName=x"
            trestle.storage.postgres.user = trestle
            trestle.storage.postgres.password = "s3cret-Pa55"
            """);
    StorageSettings settings = Settings.from(config).storage();
    assertThat(settings.toString()).doesNotContain("s3cret-Pa55");
    assertThatThrownBy(() -> StorageStartup.checkReachable(settings))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageStartingWith(
            "cannot connect to PostgreSQL jdbc:postgresql://127.0.0.1:1/trestle as user trestle: ")
        .hasMessageNotContaining("s3cret-Pa55")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aMissingDatabaseIsNamedInTheRefusal(TestStorage storage) throws Exception {
    String url = storage.database().url().replace(storage.database().name(), "no_such_db");
    Config config = config(storage.centralConfig().replace(storage.database().url(), url));
    assertThatThrownBy(() -> StorageStartup.checkReachable(Settings.from(config).storage()))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("database \"no_such_db\" does not exist");
  }

  private static Set<String> tables(StorageSettings settings) throws Exception {
    var names = new TreeSet<String>();
    try (var c = settings.openConnection();
        var rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }

  private static Config config(String hocon) throws Exception {
    Path dir = Files.createTempDirectory("trestle-storage-");
    Path file = dir.resolve("test.conf");
    Files.writeString(file, hocon);
    try {
      return Settings.load(
          new ServerArgs(
              Optional.of(file), Optional.of(dir), Optional.of(0), Optional.of(0), Optional.of(0)));
    } finally {
      Files.delete(file);
      Files.delete(dir);
    }
  }
}
