package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.core.ProblemException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteLimiterTest {
  private final AtomicLong now = new AtomicLong();
  private final WriteLimiter limiter = new WriteLimiter(10, 5, now::get);

  @Test
  void allowsTheBurstThenRefusesWithRetryHint() {
    assertThatCode(() -> limiter.acquire("users/a", 5)).doesNotThrowAnyException();
    assertThatThrownBy(() -> limiter.acquire("users/a", 1))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("write rate limit for users/a exceeded")
        .hasMessageContaining("retry in 0.1 s");
  }

  @Test
  void refillsAtTheRateAndKeepsPrincipalsApart() {
    limiter.acquire("users/a", 5);
    assertThatCode(() -> limiter.acquire("users/b", 5)).as("own bucket").doesNotThrowAnyException();
    now.addAndGet(300_000_000L); // 0.3 s → 3 tokens
    assertThatCode(() -> limiter.acquire("users/a", 3)).doesNotThrowAnyException();
    assertThatThrownBy(() -> limiter.acquire("users/a", 1)).isInstanceOf(ProblemException.class);
  }

  @Test
  void zeroRateMeansUnlimited() {
    var open = new WriteLimiter(0, 1, now::get);
    for (int i = 0; i < 1000; i++) {
      open.acquire("users/a", 10);
    }
  }
}
