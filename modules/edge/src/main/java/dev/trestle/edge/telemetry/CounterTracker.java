package dev.trestle.edge.telemetry;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns the cumulative counters of successive scrapes into increases per window. Per target (a pod
 * or URL) it keeps the last value of each counted Istio series:
 *
 * <ul>
 *   <li>a value below the last one is a counter reset (the proxy restarted): the increase is the
 *       new value, never negative;
 *   <li>a series first seen on a target already scraped started from zero since: its whole value is
 *       the increase; a target first seen after the first round (a new pod) likewise;
 *   <li>targets listed in the first round only set the baseline with their first good scrape: their
 *       totals since whenever they started are not this window's traffic;
 *   <li>a series a target stops reporting is forgotten, and so is a target no longer listed; a
 *       target whose scrape failed keeps its values, so the next good scrape counts the whole gap.
 * </ul>
 *
 * At most {@code maxTracked} series are kept over all targets: the rest are dropped and counted.
 * Not thread-safe: one round at a time.
 */
public final class CounterTracker {
  private final int maxTracked;
  private final Map<String, Map<SeriesId, Double>> lastByTarget = new HashMap<>();
  private int tracked;
  private boolean firstRoundDone;
  // Targets listed in the first round whose first good scrape is still to come.
  private final Set<String> baselinePending = new HashSet<>();
  private long droppedSeries;

  public CounterTracker(int maxTracked) {
    this.maxTracked = maxTracked;
  }

  private record SeriesId(String name, Labels labels) {}

  /** One target's scrape, sample by sample; {@link #finish()} it when the scrape is over. */
  public final class TargetScrape {
    private final Map<SeriesId, Double> previous;
    private final Map<SeriesId, Double> current = new HashMap<>();
    private final boolean baselineOnly;
    private final String target;
    private final WindowAggregator window;

    private TargetScrape(String target, WindowAggregator window) {
      this.target = target;
      this.window = window;
      this.previous = lastByTarget.getOrDefault(target, Map.of());
      this.baselineOnly =
          !lastByTarget.containsKey(target)
              && (!firstRoundDone || baselinePending.contains(target));
    }

    /** Feeds one parsed sample; those that are not counted Istio series are ignored. */
    public void accept(Sample sample) {
      IstioMetric metric = IstioMetric.ofSample(sample.name());
      double value = sample.value();
      if (metric == null
          || Double.isNaN(value)
          || value < 0
          || !TrafficKey.counted(sample.labels())) {
        return;
      }
      var id = new SeriesId(sample.name(), sample.labels());
      Double last = previous.get(id);
      if (last == null && tracked + current.size() >= maxTracked) {
        droppedSeries++;
        return;
      }
      current.put(id, value);
      double increase;
      if (last == null) {
        increase = baselineOnly ? 0 : value;
      } else {
        increase = value >= last ? value - last : value;
      }
      window.add(metric, sample.labels(), increase);
    }

    /** The scrape succeeded: its values are the new baseline of the target. */
    public void finish() {
      Map<SeriesId, Double> old = lastByTarget.put(target, current);
      tracked += current.size() - (old == null ? 0 : old.size());
      baselinePending.remove(target);
    }
  }

  /** Starts a scrape of {@code target} whose increases go to {@code window}. */
  public TargetScrape scrape(String target, WindowAggregator window) {
    return new TargetScrape(target, window);
  }

  /** Ends a round: forgets targets no longer listed; later new targets count from zero. */
  public void endRound(Set<String> listedTargets) {
    var it = lastByTarget.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!listedTargets.contains(e.getKey())) {
        tracked -= e.getValue().size();
        it.remove();
      }
    }
    if (!firstRoundDone) {
      for (String target : listedTargets) {
        if (!lastByTarget.containsKey(target)) {
          baselinePending.add(target);
        }
      }
      firstRoundDone = true;
    }
    baselinePending.retainAll(listedTargets);
  }

  /** Series dropped (over {@code maxTracked}) since the tracker started. */
  public long droppedSeries() {
    return droppedSeries;
  }

  /** Series kept over all targets. */
  public int tracked() {
    return tracked;
  }
}
