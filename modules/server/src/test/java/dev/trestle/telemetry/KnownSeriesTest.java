package dev.trestle.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KnownSeriesTest {
  @Test
  void remembersAddedIdsAndNeverClaimsAnUnseenOne() {
    var known = new KnownSeries();
    assertThat(known.contains(42)).isFalse();
    known.add(42);
    assertThat(known.contains(42)).isTrue();
    // the same slot: the newer id pushes the older out, which is then written again (harmless)
    long sameSlot = 42 + KnownSeries.SLOTS;
    known.add(sameSlot);
    assertThat(known.contains(sameSlot)).isTrue();
    assertThat(known.contains(42)).isFalse();
    // 0 marks an empty slot and is never remembered
    known.add(0);
    assertThat(known.contains(0)).isFalse();
  }

  @Test
  void aFleetLargerThanAnLruOfTheOldBoundStaysKnownRoundAfterRound() {
    // 220,000 series (1,000 clusters x 220) in the same order every window: the LRU of 200,000
    // this replaced missed every one of them; the direct-mapped set keeps most
    var known = new KnownSeries();
    var ids = new SplittableRandom(7).longs(220_000).toArray();
    for (long id : ids) {
      known.add(id);
    }
    long hits = 0;
    for (long id : ids) {
      hits += known.contains(id) ? 1 : 0;
    }
    assertThat(hits).isGreaterThan(180_000);
  }
}
