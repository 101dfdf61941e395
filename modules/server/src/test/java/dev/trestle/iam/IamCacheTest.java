package dev.trestle.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IamCacheTest {
  private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");
  private final AtomicLong clock = new AtomicLong(1_000);
  private final IamCache cache = new IamCache(Duration.ofSeconds(5), clock::get);

  @Test
  void aVerifiedTokenIsTrustedForTheTtlOnlyAndOnlyWithItsOwnSecret() {
    cache.putVerified(cache.epoch(), "users/a", "t1", "hash-1", null);
    assertThat(cache.verifiedSubject("users/a", "t1", "hash-1", NOW)).isEqualTo("users/a");
    assertThat(cache.verifiedSubject("users/a", "t1", "hash-2", NOW)).isNull();
    assertThat(cache.verifiedSubject("users/b", "t1", "hash-1", NOW)).isNull();
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(cache.verifiedSubject("users/a", "t1", "hash-1", NOW)).isNull();
  }

  @Test
  void anExpiredTokenIsNotTrusted() {
    cache.putVerified(cache.epoch(), "users/a", "t1", "h", NOW.plusSeconds(1));
    assertThat(cache.verifiedSubject("users/a", "t1", "h", NOW)).isEqualTo("users/a");
    assertThat(cache.verifiedSubject("users/a", "t1", "h", NOW.plusSeconds(1))).isNull();
  }

  @Test
  void aRevocationForgetsEveryTokenOfThatPrincipalOnly() {
    cache.putVerified(cache.epoch(), "users/a", "t1", "h", null);
    cache.putVerified(cache.epoch(), "users/a", "t2", "h", null);
    cache.putVerified(cache.epoch(), "users/ab", "t1", "h", null);
    cache.tokensChanged("users/a");
    assertThat(cache.verifiedSubject("users/a", "t1", "h", NOW)).isNull();
    assertThat(cache.verifiedSubject("users/a", "t2", "h", NOW)).isNull();
    assertThat(cache.verifiedSubject("users/ab", "t1", "h", NOW)).isEqualTo("users/ab");
  }

  @Test
  void anAnswerReadBeforeAChangeIsNotStored() {
    long before = cache.epoch();
    cache.tokensChanged("users/a"); // the revocation overtook the verification's answer
    cache.putVerified(before, "users/a", "t1", "h", null);
    assertThat(cache.verifiedSubject("users/a", "t1", "h", NOW)).isNull();

    long start = cache.epoch();
    cache.bindingsChanged("orgs/o");
    cache.putBindings(start, "orgs/o", bindings("admin"));
    assertThat(cache.bindings("orgs/o")).isNull();
  }

  @Test
  void bindingsAreKeptForTheTtlUntilTheyChange() {
    cache.putBindings(cache.epoch(), "orgs/o", bindings("admin"));
    cache.putBindings(cache.epoch(), "", bindings("viewer"));
    assertThat(cache.bindings("orgs/o").bindings())
        .extracting(Binding::role)
        .containsExactly("admin");
    cache.bindingsChanged("orgs/o");
    assertThat(cache.bindings("orgs/o")).isNull();
    assertThat(cache.bindings("")).isNotNull();
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(cache.bindings("")).isNull();
  }

  @Test
  void aZeroTtlCachesNothing() {
    var off = new IamCache(Duration.ZERO, clock::get);
    off.putVerified(off.epoch(), "users/a", "t1", "h", null);
    off.putBindings(off.epoch(), "", bindings("admin"));
    assertThat(off.verifiedSubject("users/a", "t1", "h", NOW)).isNull();
    assertThat(off.bindings("")).isNull();
  }

  private static PolicyEntity.State bindings(String role) {
    return new PolicyEntity.State(List.of(new Binding(role, List.of("users/a"))), 1, NOW, "");
  }
}
