package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParsePoolTest {
  @Test
  void aFullPoolRefusesAtOnceWithUnavailableAndARetryAfterAnswer() throws Exception {
    var release = new CountDownLatch(1);
    var started = new CountDownLatch(1);
    try (var pool = new ParsePool(1, 1)) {
      var running =
          pool.submit(
              () -> {
                started.countDown();
                await(release);
                return "first";
              });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      var queued = pool.submit(() -> "second");
      var refused = pool.submit(() -> "third").toCompletableFuture();

      assertThat(refused).isCompletedExceptionally();
      Throwable cause = refused.handle((r, e) -> e).join();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertThat(cause).isInstanceOf(ProblemException.class);
      Problem p = ((ProblemException) cause).problem();
      assertThat(p.code()).isEqualTo(Problem.Code.UNAVAILABLE);
      assertThat(p.message()).contains("busy").contains("retry in 1 s");

      var response = RestReplies.error(p);
      assertThat(response.status().intValue()).isEqualTo(503);
      assertThat(response.getHeader("Retry-After").map(h -> h.value())).contains("1");

      release.countDown();
      assertThat(running.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("first");
      assertThat(queued.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("second");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
