package dev.trestle.edge.telemetry;

import java.util.List;

/** Lists the endpoints to scrape this round (pods come and go). */
public interface ScrapeTargets {
  List<ScrapeTarget> list() throws Exception;

  String describe();

  /** A fixed list of URLs (the inventory file's {@code telemetry.scrape}). */
  static ScrapeTargets fixed(List<ScrapeTarget> targets) {
    List<ScrapeTarget> copy = List.copyOf(targets);
    return new ScrapeTargets() {
      @Override
      public List<ScrapeTarget> list() {
        return copy;
      }

      @Override
      public String describe() {
        return copy.size() + " URL(s) from the inventory file";
      }
    };
  }
}
