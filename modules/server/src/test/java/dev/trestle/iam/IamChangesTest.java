package dev.trestle.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A revocation or binding change made on one node of a central cluster is forgotten by the other
 * nodes' caches too, over the pub-sub topic, well within the cache's TTL.
 */
class IamChangesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private ActorSystem<Void> a;
  private ActorSystem<Void> b;

  @AfterEach
  void stop() {
    for (var system : new ActorSystem<?>[] {b, a}) {
      if (system != null) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
    }
  }

  @Test
  void aChangeOnOneNodeIsForgottenOnTheOther() {
    Config config =
        ConfigFactory.parseString(
                "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "trestle.iam.cache-ttl = 1h\n")
            .withFallback(ConfigFactory.load());
    a = ActorSystem.create(Behaviors.empty(), "trestle", config);
    b = ActorSystem.create(Behaviors.empty(), "trestle", config);
    Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    await("two members up")
        .atMost(WAIT)
        .until(
            () ->
                Cluster.get(b).selfMember().status() == MemberStatus.up()
                    && Cluster.get(a).state().members().size() == 2);
    IamChanges onA = IamChanges.get(a);
    IamCache cacheOnB = IamChanges.get(b).cache();
    Instant now = Instant.now();

    // The topic delivers once a node's subscription has spread: until then a notice may be
    // missed (the TTL bounds that), so publish again until the first one arrives.
    await("a revocation on node a reaches node b")
        .atMost(WAIT)
        .until(
            () -> {
              cacheOnB.putVerified(cacheOnB.epoch(), "users/x", "t1", "h", null);
              onA.changed(new IamChanges.Changed("users/x", null));
              try {
                await()
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> cacheOnB.verifiedSubject("users/x", "t1", "h", now) == null);
                return true;
              } catch (ConditionTimeoutException e) {
                return false;
              }
            });

    // Once subscribed, every notice arrives: bindings, then a token again.
    cacheOnB.putBindings(
        cacheOnB.epoch(),
        "orgs/o",
        new PolicyEntity.State(List.of(new Binding("admin", List.of("users/x"))), 1, now, ""));
    cacheOnB.putVerified(cacheOnB.epoch(), "users/x", "t1", "h", null);
    assertThat(cacheOnB.bindings("orgs/o")).isNotNull();
    onA.changed(new IamChanges.Changed(null, "orgs/o"));
    await("binding change forgotten on b")
        .atMost(Duration.ofSeconds(5))
        .until(() -> cacheOnB.bindings("orgs/o") == null);
    assertThat(cacheOnB.verifiedSubject("users/x", "t1", "h", now)).isEqualTo("users/x");
    onA.changed(new IamChanges.Changed("users/x", null));
    await("revocation forgotten on b")
        .atMost(Duration.ofSeconds(5))
        .until(() -> cacheOnB.verifiedSubject("users/x", "t1", "h", now) == null);
  }
}
