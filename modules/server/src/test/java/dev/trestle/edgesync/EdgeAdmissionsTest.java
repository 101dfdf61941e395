package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class EdgeAdmissionsTest {

  @Test
  void connectsBeyondTheLimitWaitInArrivalOrderAndEachReleasePassesTheTurnOn() {
    var gate = new EdgeAdmissions(2, 10);
    var first = gate.acquire();
    var second = gate.acquire();
    var third = gate.acquire();
    var fourth = gate.acquire();
    assertThat(first).isDone();
    assertThat(second).isDone();
    assertThat(third).isNotDone();
    assertThat(fourth).isNotDone();

    gate.release();
    assertThat(third).isDone();
    assertThat(fourth).isNotDone();
    assertThat(gate.running()).isEqualTo(2);

    gate.release();
    assertThat(fourth).isDone();
    gate.release();
    gate.release();
    assertThat(gate.running()).isZero();
    assertThat(gate.acquire()).isDone();
  }

  @Test
  void aWaiterThatGaveUpIsSkippedAndItsTurnGoesToTheNext() {
    var gate = new EdgeAdmissions(1, 10);
    gate.acquire();
    var gaveUp = gate.acquire();
    var next = gate.acquire();
    gaveUp.completeExceptionally(new TimeoutException("ask timeout"));

    gate.release();
    assertThat(next).isDone();
    assertThat(next.isCompletedExceptionally()).isFalse();
    assertThat(gate.waitingCount()).isZero();
    gate.release();
    assertThat(gate.running()).isZero();
  }

  @Test
  void aFullWaitingLineRefusesAtOnceWithWhatIsGoingOn() {
    var gate = new EdgeAdmissions(1, 1);
    gate.acquire();
    gate.acquire();
    var refused = gate.acquire();
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(EdgeAdmissions.Full.class)
        .hasMessageContaining("1 edge connects are being decided and 1 are waiting");
  }

  @Test
  void badLimitsAreRefusedWithTheKeyName() {
    assertThatThrownBy(() -> new EdgeAdmissions(0, 5))
        .hasMessageContaining("trestle.edge.max-concurrent-admissions");
    assertThatThrownBy(() -> new EdgeAdmissions(5, -1))
        .hasMessageContaining("trestle.edge.max-waiting-admissions");
  }
}
