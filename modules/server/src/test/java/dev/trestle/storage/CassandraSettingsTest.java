package dev.trestle.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraSettingsTest {
  @TempDir Path dir;

  private static Config withCassandra(String hocon) {
    return ConfigFactory.parseString("trestle.storage.cassandra { " + hocon + " }")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void readsCommaSeparatedContactPointsAndDerivesThePluginKeys() {
    var settings =
        CassandraSettings.from(
            withCassandra(
                "contact-points = \" 10.0.0.1:9042, cass-2.example:9142 ,[::1]:9042\","
                    + " local-datacenter = dc-eu, keyspace = trestle_prod, replication-factor ="
                    + " 3"));

    assertThat(settings.contactPoints())
        .containsExactly("10.0.0.1:9042", "cass-2.example:9142", "[::1]:9042");
    assertThat(settings.pekkoKeys())
        .containsEntry(
            "trestle-metered-journal.target-plugin", "pekko.persistence.cassandra.journal")
        .containsEntry(
            "pekko.persistence.snapshot-store.plugin", "pekko.persistence.cassandra.snapshot")
        .containsEntry("datastax-java-driver.basic.load-balancing-policy.local-datacenter", "dc-eu")
        .containsEntry("pekko.persistence.cassandra.journal.keyspace", "trestle_prod")
        .containsEntry("pekko.persistence.cassandra.snapshot.keyspace", "trestle_prod")
        .containsEntry(
            "pekko.persistence.cassandra.journal.replication-strategy", "NetworkTopologyStrategy")
        .containsEntry(
            "pekko.persistence.cassandra.journal.data-center-replication-factors",
            List.of("dc-eu:3"));
  }

  @Test
  void defaultsPointAtALocalSingleNode() {
    var settings = CassandraSettings.from(ConfigFactory.defaultReference().resolve());
    assertThat(settings)
        .isEqualTo(new CassandraSettings(List.of("127.0.0.1:9042"), "datacenter1", "trestle", 1));
  }

  @Test
  void refusesBadValuesNamingTheKeyAndTheValue() {
    assertThatThrownBy(
            () -> CassandraSettings.from(withCassandra("contact-points = \"127.0.0.1\"")))
        .hasMessageContaining("trestle.storage.cassandra.contact-points")
        .hasMessageContaining("'127.0.0.1' is not host:port");
    assertThatThrownBy(() -> CassandraSettings.from(withCassandra("contact-points = \"h:70000\"")))
        .hasMessageContaining("'h:70000' is not host:port");
    assertThatThrownBy(() -> CassandraSettings.from(withCassandra("contact-points = \" , \"")))
        .hasMessageContaining("contact-points is empty");
    assertThatThrownBy(() -> CassandraSettings.from(withCassandra("keyspace = \"trestle-prod\"")))
        .hasMessageContaining(
            "trestle.storage.cassandra.keyspace = 'trestle-prod' is not a keyspace name");
    assertThatThrownBy(() -> CassandraSettings.from(withCassandra("local-datacenter = \" \"")))
        .hasMessageContaining("trestle.storage.cassandra.local-datacenter");
    assertThatThrownBy(() -> CassandraSettings.from(withCassandra("replication-factor = 0")))
        .hasMessageContaining(
            "trestle.storage.cassandra.replication-factor = 0 must be between 1 and 100");
  }

  @Test
  void theCassandraProfileSwitchesTheJournalPluginsAtLoad() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("t.conf"),
            "trestle.storage { profile = cassandra, cassandra.contact-points = \"127.0.0.1:19042\""
                + " }");
    Config loaded =
        Settings.load(
            new ServerArgs(
                Optional.of(conf),
                Optional.of(dir),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));

    assertThat(loaded.getString("pekko.persistence.journal.plugin"))
        .isEqualTo("trestle-metered-journal");
    assertThat(loaded.getString("trestle-metered-journal.target-plugin"))
        .isEqualTo("pekko.persistence.cassandra.journal");
    assertThat(loaded.getStringList("datastax-java-driver.basic.contact-points"))
        .containsExactly("127.0.0.1:19042");
    assertThat(loaded.getString("pekko.persistence.cassandra.journal.keyspace"))
        .isEqualTo("trestle");
  }

  @Test
  void aBadCassandraValueStopsTheLoadAndTheEmbeddedProfileIgnoresTheKeys() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.conf"),
            "trestle.storage { profile = cassandra, cassandra.keyspace = \"x y\" }");
    assertThatThrownBy(
            () ->
                Settings.load(
                    new ServerArgs(
                        Optional.of(bad),
                        Optional.of(dir),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyspace = 'x y'");

    Path embedded =
        Files.writeString(
            dir.resolve("embedded.conf"), "trestle.storage.cassandra.keyspace = \"x y\"");
    Config loaded =
        Settings.load(
            new ServerArgs(
                Optional.of(embedded),
                Optional.of(dir),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    assertThat(loaded.getString("trestle-metered-journal.target-plugin")).isEqualTo("jdbc-journal");
  }
}
