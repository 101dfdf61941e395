package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Inventory;
import org.junit.jupiter.api.Test;

class HeartbeatBatchTest {
  private static Heartbeat beat(long second, String... namespaces) {
    return Heartbeat.newBuilder()
        .setSentAt(Timestamp.newBuilder().setSeconds(second))
        .setInventory(Inventory.newBuilder().addAllNamespaces(java.util.List.of(namespaces)))
        .build();
  }

  @Test
  void heartbeatsArrivingWhileABatchIsInFlightGoTogetherInOrderAsTheNextBatch() {
    var batch = new HeartbeatBatch(10, 10);
    batch.add(beat(1, "shop"));
    assertThat(batch.takeIfIdle()).hasSize(1);
    batch.add(beat(2, "shop"));
    batch.add(beat(3, "shop", "pay"));
    assertThat(batch.takeIfIdle()).as("one batch in flight at a time").isEmpty();
    batch.done();
    var next = batch.takeIfIdle();
    assertThat(next).extracting(b -> b.sentAt().getEpochSecond()).containsExactly(2L, 3L);
    assertThat(next.get(1).inventory().namespaces()).containsExactly("pay", "shop");
    batch.done();
    assertThat(batch.takeIfIdle()).isEmpty();
  }

  @Test
  void beyondTheBoundHeartbeatsAreRefusedForTheCallerToCount() {
    var batch = new HeartbeatBatch(2, 10);
    batch.add(beat(1, "shop"));
    batch.takeIfIdle();
    assertThat(batch.add(beat(2, "shop"))).isTrue();
    assertThat(batch.add(beat(3, "shop"))).isTrue();
    assertThat(batch.add(beat(4, "shop"))).isFalse();
    assertThat(batch.pending()).isEqualTo(2);
  }

  @Test
  void aBatchIsCappedAndTheRestWaitsForTheNextWrite() {
    var batch = new HeartbeatBatch(1000, 5);
    for (int i = 0; i < 7; i++) {
      batch.add(beat(i, "shop"));
    }
    var first = batch.takeIfIdle();
    assertThat(first).hasSize(5);
    assertThat(first.get(0).sentAt().getEpochSecond()).isZero();
    batch.done();
    var rest = batch.takeIfIdle();
    assertThat(rest).hasSize(2);
    assertThat(rest.get(0).sentAt().getEpochSecond()).isEqualTo(5);
  }

  @Test
  void aSessionThatEndsDrainsWhatWaitsEvenWithABatchInFlight() {
    var batch = new HeartbeatBatch(10, 10);
    batch.add(beat(1, "shop"));
    batch.takeIfIdle();
    batch.add(beat(2, "shop"));
    batch.add(beat(3, "shop"));
    assertThat(batch.drain()).extracting(b -> b.sentAt().getEpochSecond()).containsExactly(2L, 3L);
    assertThat(batch.pending()).isZero();
  }

  @Test
  void anUnchangedInventoryIsConvertedOnceAndSharedByItsHeartbeats() {
    var batch = new HeartbeatBatch(10, 10);
    batch.add(beat(1, "shop"));
    batch.add(beat(2, "shop"));
    batch.add(beat(3, "pay"));
    var beats = batch.takeIfIdle();
    assertThat(beats.get(1).inventory()).isSameAs(beats.get(0).inventory());
    assertThat(beats.get(2).inventory()).isNotEqualTo(beats.get(0).inventory());
  }
}
