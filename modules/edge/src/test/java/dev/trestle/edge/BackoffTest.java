package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), new Random(42));

  @Test
  void ceilingDoublesFromTheInitialDelayUpToTheCap() {
    assertThat(backoff.ceilingMillis(0)).isEqualTo(200);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(400);
    assertThat(backoff.ceilingMillis(7)).isEqualTo(25_600);
    assertThat(backoff.ceilingMillis(8)).isEqualTo(30_000);
    assertThat(backoff.ceilingMillis(63)).isEqualTo(30_000);
    assertThat(backoff.ceilingMillis(1_000)).isEqualTo(30_000);
  }

  @Test
  void delaysAreFullJitterBelowTheCeilingAndRepeatableWithASeed() {
    var again = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), new Random(42));
    for (int n = 0; n < 40; n++) {
      long delay = backoff.next().toMillis();
      assertThat(delay).isBetween(0L, backoff.ceilingMillis(n));
      assertThat(again.next().toMillis()).isEqualTo(delay);
    }
    assertThat(backoff.attempts()).isEqualTo(40);
  }

  @Test
  void jitterSpreadsOverTheWholeRange() {
    var b = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1000), new Random(7));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long d = b.next().toMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isLessThan(50);
    assertThat(max).isGreaterThan(950);
  }

  @Test
  void resetStartsAgainFromTheInitialDelay() {
    for (int i = 0; i < 10; i++) {
      backoff.next();
    }
    backoff.reset();
    assertThat(backoff.attempts()).isZero();
    assertThat(backoff.next().toMillis()).isLessThanOrEqualTo(200);
  }

  @Test
  void capBelowInitialIsRefused() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(1), Duration.ofMillis(10), new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
