package dev.trestle.loadtest.audit;

import dev.trestle.loadtest.LatencyStats;
import java.util.Arrays;

/** The samples of one series (a query shape and a page number). */
final class SeriesRecorder {
  final AuditQueryShape shape;
  final int page;
  private long[] nanos = new long[256];
  private int count;
  private long rows;
  private int emptyPages;
  private int partialPages;
  private long rowsExamined;
  private int errors;
  private String firstError;
  private AuditQueryRunner.Sample slowest;
  private Long coldNanos;

  SeriesRecorder(AuditQueryShape shape, int page) {
    this.shape = shape;
    this.page = page;
  }

  String label() {
    return shape.label() + (page == 1 ? "" : " page " + page);
  }

  /** The first warm-up call of the series, right after the load: cold caches, cold JIT. */
  void cold(AuditQueryRunner.Sample s) {
    if (coldNanos == null && s.error() == null) {
      coldNanos = s.nanos();
    }
  }

  void add(AuditQueryRunner.Sample s) {
    if (s.error() != null) {
      errors++;
      if (firstError == null) {
        firstError = s.error();
      }
      return;
    }
    if (count == nanos.length) {
      nanos = Arrays.copyOf(nanos, count * 2);
    }
    nanos[count++] = s.nanos();
    rows += s.rows();
    rowsExamined += s.rowsExamined();
    if (s.partial()) {
      partialPages++;
    }
    if (s.rows() == 0) {
      emptyPages++;
    }
    if (slowest == null || s.nanos() > slowest.nanos()) {
      slowest = s;
    }
  }

  long[] samples() {
    return Arrays.copyOf(nanos, count);
  }

  int count() {
    return count;
  }

  double meanRows() {
    return count == 0 ? 0 : (double) rows / count;
  }

  double meanRowsExamined() {
    return count == 0 ? 0 : (double) rowsExamined / count;
  }

  /** Pages the server returned short because its scan budget ran out. */
  int partialPages() {
    return partialPages;
  }

  int emptyPages() {
    return emptyPages;
  }

  int errors() {
    return errors;
  }

  String firstError() {
    return firstError;
  }

  AuditQueryRunner.Sample slowest() {
    return slowest;
  }

  Double coldMs() {
    return coldNanos == null ? null : coldNanos / 1e6;
  }

  LatencyStats stats() {
    return LatencyStats.of(samples());
  }
}
