package dev.trestle.telemetry;

import java.util.List;

/** Writes a batch of windows in one go; one outcome per window, in order (STORED or DUPLICATE). */
@FunctionalInterface
interface WindowWriter {
  List<IncomingWindow.Outcome> write(List<IncomingWindow> batch) throws Exception;
}
