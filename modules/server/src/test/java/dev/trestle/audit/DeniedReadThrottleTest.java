package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.Fqn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeniedReadThrottleTest {
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  /** A clock the test moves. */
  private static final class Hands extends Clock {
    Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private record Row(String principal, String operation, String fqn, String message) {}

  private final List<Row> rows = new ArrayList<>();
  private final RefusalLog recorder =
      (caller, operation, kind, fqn, problem) ->
          rows.add(new Row(caller.principal(), operation, fqn, problem.message()));
  private final Hands clock = new Hands();
  private final DeniedReadThrottle throttle = new DeniedReadThrottle(recorder, clock);

  private void denyGet(String principal, String fqn) {
    throttle.deniedRead(
        new Caller(principal, "r"), "GET", fqn, Guard.denied(principal, Perm.READ, Fqn.parse(fqn)));
  }

  @Test
  void aScrapersThousandDeniedReadsLeaveABoundedNumberOfRowsTheFirstAmongThem() {
    for (int i = 0; i < 1000; i++) {
      denyGet("users/scraper", "organizations/o/tenants/t" + i);
    }
    assertThat(rows).hasSize(DeniedReadThrottle.ROWS_PER_WINDOW);
    assertThat(rows.get(0))
        .isEqualTo(
            new Row(
                "users/scraper",
                "READ",
                "organizations/o/tenants/t0",
                "GET: permission denied: users/scraper may not READ organizations/o/tenants/t0"));

    clock.now = T0.plus(DeniedReadThrottle.WINDOW);
    throttle.flushExpired();
    assertThat(rows).hasSize(DeniedReadThrottle.ROWS_PER_WINDOW + 1);
    assertThat(rows.get(rows.size() - 1).message())
        .startsWith("SUMMARY: 990 more denied read(s) by users/scraper in the 60 s from " + T0);
    throttle.flushExpired();
    assertThat(rows).as("a count is recorded once").hasSize(DeniedReadThrottle.ROWS_PER_WINDOW + 1);
  }

  @Test
  void repeatsAreCountedOncePerWindowAndANewWindowRecordsAgain() {
    for (int i = 0; i < 50; i++) {
      denyGet("users/bob", "organizations/o");
    }
    denyGet("users/alice", "organizations/o");
    assertThat(rows).extracting(Row::principal).containsExactly("users/bob", "users/alice");

    clock.now = T0.plus(DeniedReadThrottle.WINDOW).plus(Duration.ofSeconds(1));
    denyGet("users/bob", "organizations/o");
    assertThat(rows)
        .extracting(Row::message)
        .containsExactly(
            "GET: permission denied: users/bob may not READ organizations/o",
            "GET: permission denied: users/alice may not READ organizations/o",
            rows.get(2).message(),
            "GET: permission denied: users/bob may not READ organizations/o");
    assertThat(rows.get(2).message()).startsWith("SUMMARY: 49 more denied read(s) by users/bob");
  }

  @Test
  void refusedWritesAreNeverThrottled() {
    for (int i = 0; i < 100; i++) {
      throttle.refused(
          new Caller("users/bob", "r"),
          "UPDATE",
          "Tenant",
          "organizations/o/tenants/t",
          Problem.of(Problem.Code.PERMISSION_DENIED, "", "no"));
    }
    assertThat(rows).hasSize(100);
  }
}
