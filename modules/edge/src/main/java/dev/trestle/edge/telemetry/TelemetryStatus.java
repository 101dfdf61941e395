package dev.trestle.edge.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;

/** The telemetry part of the agent's {@code /status}; every method is thread-safe. */
public final class TelemetryStatus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Clock clock;
  private String source = "";
  private long windowSeconds;
  private Instant lastCollect;
  private int targets;
  private long scrapeErrors;
  private String lastScrapeError;
  private Instant lastScrapeErrorAt;
  private long parseErrors;
  private Instant lastReport;
  private String lastReportError;
  private Instant lastReportErrorAt;
  private int bufferedWindows;
  private long windowsSent;
  private long droppedWindows;
  private long droppedSeries;
  private long centralDroppedWindows;

  public TelemetryStatus(Clock clock) {
    this.clock = clock;
  }

  public synchronized void started(String source, long windowSeconds) {
    this.source = source;
    this.windowSeconds = windowSeconds;
  }

  /** A collection round ended: how many targets it read and the parse errors it met. */
  public synchronized void collected(int targets, long parseErrors) {
    this.lastCollect = clock.instant();
    this.targets = targets;
    this.parseErrors += parseErrors;
  }

  public synchronized void scrapeFailed(String why) {
    scrapeErrors++;
    lastScrapeError = why;
    lastScrapeErrorAt = clock.instant();
  }

  public synchronized void reported(int windows, int buffered, long centralDropped) {
    lastReport = clock.instant();
    lastReportError = null;
    lastReportErrorAt = null;
    windowsSent += windows;
    bufferedWindows = buffered;
    centralDroppedWindows += centralDropped;
  }

  public synchronized void reportFailed(String why, int buffered) {
    lastReportError = why;
    lastReportErrorAt = clock.instant();
    bufferedWindows = buffered;
  }

  public synchronized void buffered(int buffered, long droppedWindows, long droppedSeries) {
    this.bufferedWindows = buffered;
    this.droppedWindows = droppedWindows;
    this.droppedSeries = droppedSeries;
  }

  public synchronized int bufferedWindows() {
    return bufferedWindows;
  }

  public synchronized long windowsSent() {
    return windowsSent;
  }

  public synchronized long droppedWindows() {
    return droppedWindows;
  }

  public synchronized String lastScrapeError() {
    return lastScrapeError;
  }

  public synchronized String lastReportError() {
    return lastReportError;
  }

  public synchronized Instant lastReport() {
    return lastReport;
  }

  /** The {@code telemetry} object of {@code GET /status}. */
  public synchronized ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", source);
    n.put("windowSeconds", windowSeconds);
    n.put("lastCollect", text(lastCollect));
    n.put("targets", targets);
    n.put("scrapeErrors", scrapeErrors);
    n.put("lastScrapeError", lastScrapeError);
    n.put("lastScrapeErrorAt", text(lastScrapeErrorAt));
    n.put("parseErrors", parseErrors);
    n.put("lastReport", text(lastReport));
    n.put("lastReportError", lastReportError);
    n.put("lastReportErrorAt", text(lastReportErrorAt));
    n.put("bufferedWindows", bufferedWindows);
    n.put("windowsSent", windowsSent);
    n.put("droppedWindows", droppedWindows);
    n.put("droppedSeries", droppedSeries);
    n.put("centralDroppedWindows", centralDroppedWindows);
    return n;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
