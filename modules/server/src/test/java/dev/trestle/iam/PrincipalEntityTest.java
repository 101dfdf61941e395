package dev.trestle.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.trestle.core.Problem;
import dev.trestle.iam.PrincipalEntity.Command;
import dev.trestle.iam.PrincipalEntity.Event;
import dev.trestle.iam.PrincipalEntity.Reply;
import dev.trestle.iam.PrincipalEntity.State;
import dev.trestle.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrincipalEntityTest {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;
  private String name;

  @BeforeEach
  void setUp() {
    name = "users/u" + COUNTER.incrementAndGet();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            PrincipalEntity.create(name, clock),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.clear();
    kit.<Reply>runCommand(r -> new PrincipalEntity.CreatePrincipal("", "users/admin", "req", r));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private void issue(String id, String hash, Duration ttl) {
    var result =
        kit.<Reply>runCommand(
            r -> new PrincipalEntity.IssueToken(id, hash, "", ttl, "users/admin", "req", r));
    assertThat(result.reply().problem()).isNull();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Reply> verify(
      String id, String hash) {
    return kit.runCommand(r -> new PrincipalEntity.VerifyToken(id, hash, r));
  }

  @Test
  void aTokenWithTtlExpiresAndIsRefusedSayingWhen() {
    issue("t1", "h1", Duration.ofHours(24));
    assertThat(kit.getState().tokens().get("t1").expiresAt()).isEqualTo(T0.plusSeconds(86400));

    clock.set(T0.plusSeconds(86399));
    assertThat(verify("t1", "h1").reply().problem()).isNull();

    clock.set(T0.plusSeconds(86400));
    Problem refused = verify("t1", "h1").reply().problem();
    assertThat(refused.code()).isEqualTo(Problem.Code.UNAUTHENTICATED);
    assertThat(refused.message()).startsWith("token expired at 2030-01-02T12:00:00Z");
  }

  @Test
  void aWrongSecretNeverLearnsAboutExpiry() {
    issue("t1", "h1", Duration.ofSeconds(1));
    clock.set(T0.plusSeconds(5));
    Problem refused = verify("t1", "wrong").reply().problem();
    assertThat(refused.message()).doesNotContain("expired").contains("invalid");
  }

  @Test
  void aTokenWithoutTtlNeverExpires() {
    issue("t1", "h1", null);
    clock.set(T0.plus(Duration.ofDays(4000)));
    assertThat(verify("t1", "h1").reply().problem()).isNull();
    assertThat(kit.getState().tokens().get("t1").expiresAt()).isNull();
  }

  @Test
  void lastUseIsRecordedAtMostOnceAMinutePerToken() {
    issue("t1", "h1", null);
    issue("t2", "h2", null);
    assertThat(kit.getState().tokens().get("t1").lastUsedAt()).isNull();

    var first = verify("t1", "h1");
    assertThat(first.events()).hasSize(1);
    assertThat(first.event()).isInstanceOf(PrincipalEntity.TokenUsed.class);
    assertThat(kit.getState().tokens().get("t1").lastUsedAt()).isEqualTo(T0);

    clock.set(T0.plusSeconds(59));
    assertThat(verify("t1", "h1").events()).isEmpty();
    assertThat(verify("t1", "h1").events()).isEmpty();
    // Another token of the same principal has its own minute.
    assertThat(verify("t2", "h2").events()).hasSize(1);

    clock.set(T0.plusSeconds(60));
    assertThat(verify("t1", "h1").events()).hasSize(1);
    assertThat(kit.getState().tokens().get("t1").lastUsedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void usingATokenIsNotAConfigurationChange() {
    issue("t1", "h1", null);
    long version = kit.getState().version();
    var used = verify("t1", "h1");
    assertThat(used.stateOfType(State.class).version()).isEqualTo(version);
    assertThat(((PrincipalEntity) PrincipalEntity.create(name, clock)).tagsFor(used.event()))
        .isEmpty();
  }

  @Test
  void expiryAndLastUseSurviveARestart() {
    issue("t1", "h1", Duration.ofMinutes(5));
    verify("t1", "h1");
    kit.restart();
    var token = kit.getState().tokens().get("t1");
    assertThat(token.expiresAt()).isEqualTo(T0.plusSeconds(300));
    assertThat(token.lastUsedAt()).isEqualTo(T0);
  }
}
