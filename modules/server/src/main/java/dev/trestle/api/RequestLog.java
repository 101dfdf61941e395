package dev.trestle.api;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per API call outcome. Never logs payloads (they may hold secrets). */
final class RequestLog {
  private static final Logger LOG = LoggerFactory.getLogger("trestle.api");

  private RequestLog() {}

  static void ok(
      String api, String operation, String target, Caller caller, long startNanos, String summary) {
    LOG.info(
        "{} {} {} -> OK {} principal={} request={} {}ms",
        api,
        operation,
        target,
        summary,
        caller.principal(),
        caller.requestId(),
        elapsed(startNanos));
  }

  static void failed(
      String api, String operation, String target, Caller caller, long startNanos, Problem p) {
    LOG.info(
        "{} {} {} -> {} \"{}\" principal={} request={} {}ms",
        api,
        operation,
        target,
        p.code(),
        p.message(),
        caller.principal(),
        caller.requestId(),
        elapsed(startNanos));
  }

  private static long elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
