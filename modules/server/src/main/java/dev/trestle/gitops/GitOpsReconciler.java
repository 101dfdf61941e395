package dev.trestle.gitops;

import dev.trestle.core.Caller;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.GitSourceSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The cluster-wide GitOps runner (a cluster singleton: when its node goes, another node starts it
 * and the next scan resumes every source). It scans for GitSource resources every {@code
 * scan-interval}, syncs each when its interval is due (one sync per source at a time) or when asked
 * ({@link SyncNow}), and keeps each source's last {@link SyncReport} for status queries. Syncs are
 * idempotent, so one interrupted by a crash converges on the next run.
 */
final class GitOpsReconciler extends AbstractBehavior<GitOpsReconciler.Command> {
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Caller SCANNER = new Caller("system:gitops", "gitops-scan");

  sealed interface Command {}

  /**
   * Sync now with {@code spec} (as just read by the caller, so a spec changed a moment ago counts);
   * the reply comes after that sync.
   */
  record SyncNow(String fqn, GitSourceSpec spec, ActorRef<List<SourceView>> replyTo)
      implements Command {}

  /** Every known source with its last report. */
  record GetStatus(ActorRef<List<SourceView>> replyTo) implements Command {}

  private record Scan() implements Command {}

  private record Tick() implements Command {}

  private record Scanned(Map<String, GitSourceSpec> sources, String error) implements Command {}

  private record Finished(String fqn, SyncReport report) implements Command {}

  /** A source as the status API shows it. */
  record SourceView(String fqn, GitSourceSpec spec, SyncReport report, boolean running) {}

  private static final class Entry {
    GitSourceSpec spec;
    SyncReport report = SyncReport.NONE;
    boolean running;
    Instant due;
    List<ActorRef<List<SourceView>>> waiting = new ArrayList<>();
    List<ActorRef<List<SourceView>>> next = new ArrayList<>();

    Entry(GitSourceSpec spec, Instant due) {
      this.spec = spec;
      this.due = due;
    }
  }

  private final ResourceService systemReads;
  private final GitSourceSync sync;
  private final Clock clock;
  private final Map<String, Entry> sources = new TreeMap<>();
  private boolean scanning;

  static Behavior<Command> create(
      ResourceService systemReads, GitSourceSync sync, GitOpsSettings settings, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new GitOpsReconciler(ctx, timers, systemReads, sync, settings, clock)));
  }

  private GitOpsReconciler(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ResourceService systemReads,
      GitSourceSync sync,
      GitOpsSettings settings,
      Clock clock) {
    super(ctx);
    this.systemReads = systemReads;
    this.sync = sync;
    this.clock = clock;
    timers.startTimerWithFixedDelay("scan", new Scan(), Duration.ZERO, settings.scanInterval());
    timers.startTimerWithFixedDelay("tick", new Tick(), TICK);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Scan.class, m -> scan())
        .onMessage(Scanned.class, this::onScanned)
        .onMessage(Tick.class, m -> tick())
        .onMessage(SyncNow.class, this::onSyncNow)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Behavior<Command> scan() {
    if (scanning) {
      return this;
    }
    scanning = true;
    getContext()
        .pipeToSelf(
            listSources("", new TreeMap<>()),
            (found, e) ->
                e == null
                    ? new Scanned(found, null)
                    : new Scanned(Map.of(), String.valueOf(e.getMessage())));
    return this;
  }

  private CompletionStage<Map<String, GitSourceSpec>> listSources(
      String token, Map<String, GitSourceSpec> acc) {
    return systemReads
        .list("", "GitSource", true, "", 1000, token, SCANNER)
        .thenCompose(
            page -> {
              for (ResourceEntity.View v : page.items()) {
                var resource = ResourceMapper.toResource(v.snapshot());
                acc.put(v.snapshot().fqn(), resource.getGitSource());
              }
              return page.nextPageToken().isEmpty()
                  ? CompletableFuture.completedFuture(acc)
                  : listSources(page.nextPageToken(), acc);
            });
  }

  private Behavior<Command> onScanned(Scanned m) {
    scanning = false;
    if (m.error() != null) {
      getContext().getLog().warn("GitOps scan failed, retrying at the next scan: {}", m.error());
      return this;
    }
    Instant now = clock.instant();
    sources
        .entrySet()
        .removeIf(
            e -> {
              Entry entry = e.getValue();
              if (m.sources().containsKey(e.getKey()) || entry.running || !entry.next.isEmpty()) {
                return false; // a source created after the scan began is asked for already
              }
              return true;
            });
    m.sources()
        .forEach(
            (fqn, spec) -> {
              Entry entry = sources.get(fqn);
              if (entry == null) {
                sources.put(fqn, new Entry(spec, now));
              } else if (!entry.spec.equals(spec)) {
                entry.spec = spec;
                entry.due = now;
              }
            });
    return tick();
  }

  private Behavior<Command> tick() {
    Instant now = clock.instant();
    sources.forEach(
        (fqn, entry) -> {
          if (!entry.running && (!entry.due.isAfter(now) || !entry.next.isEmpty())) {
            start(fqn, entry);
          }
        });
    return this;
  }

  private void start(String fqn, Entry entry) {
    entry.running = true;
    entry.waiting = entry.next;
    entry.next = new ArrayList<>();
    SyncReport previous = entry.report;
    getContext()
        .pipeToSelf(
            sync.run(Fqn.parse(fqn), entry.spec, previous),
            (report, e) ->
                new Finished(
                    fqn,
                    e == null
                        ? report
                        : previous.failed(
                            previous.fetchedCommit(), String.valueOf(e), clock.instant())));
  }

  private Behavior<Command> onFinished(Finished m) {
    Entry entry = sources.get(m.fqn());
    if (entry == null) {
      return this;
    }
    entry.running = false;
    entry.report = m.report();
    entry.due = clock.instant().plus(interval(entry.spec));
    answer(entry.waiting, List.of(view(m.fqn(), entry)));
    entry.waiting = new ArrayList<>();
    if (!entry.next.isEmpty()) {
      start(m.fqn(), entry);
    }
    return this;
  }

  private Behavior<Command> onSyncNow(SyncNow m) {
    Entry entry = sources.computeIfAbsent(m.fqn(), k -> new Entry(m.spec(), clock.instant()));
    entry.spec = m.spec();
    entry.next.add(m.replyTo());
    if (!entry.running) {
      start(m.fqn(), entry);
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus m) {
    var out = new ArrayList<SourceView>();
    sources.forEach((fqn, entry) -> out.add(view(fqn, entry)));
    m.replyTo().tell(out);
    return this;
  }

  private static SourceView view(String fqn, Entry entry) {
    return new SourceView(fqn, entry.spec, entry.report, entry.running);
  }

  private static void answer(List<ActorRef<List<SourceView>>> waiters, List<SourceView> reply) {
    waiters.forEach(w -> w.tell(reply));
  }

  static Duration interval(GitSourceSpec spec) {
    return spec.getInterval().isEmpty()
        ? DEFAULT_INTERVAL
        : Durations.parse(spec.getInterval()).orElse(DEFAULT_INTERVAL);
  }
}
