package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.core.ProblemException;
import org.junit.jupiter.api.Test;

class LargeRequestsTest {
  private final LargeRequests large = new LargeRequests(256 * 1024, 2);

  @Test
  void aPrincipalHasAtMostTwoLargeRequestsInProgressAndGetsThemBack() {
    var first = large.acquire("users/a", 300_000);
    var second = large.acquire("users/a", 300_000);
    assertThatThrownBy(() -> large.acquire("users/a", 300_000))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("users/a already has 2 requests over 256 KiB in progress");
    large.acquire("users/b", 300_000).close(); // others are not affected
    large.acquire("users/a", 1_000).close(); // nor are small requests
    first.close();
    large.acquire("users/a", 300_000).close();
    second.close();
  }

  @Test
  void onlyRequestsOverTheThresholdAreLarge() {
    assertThat(large.isLarge(256 * 1024)).isFalse();
    assertThat(large.isLarge(256 * 1024 + 1)).isTrue();
  }
}
