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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide GitOps runner (a cluster singleton: when its node goes, another node starts it
 * and the next scan resumes every source). It scans for GitSource resources every {@code
 * scan-interval}, syncs each when its interval is due (one sync per source at a time) or when asked
 * ({@link SyncNow}), and keeps each source's last {@link SyncReport} for status queries. Each
 * report is journaled by the source's {@link SyncStatusEntity} (only when its outcome changed), and
 * a source seen for the first time starts from that journaled report: it keeps its schedule (next
 * sync at the last one plus its interval) unless it never synced or its last sync was cut short
 * after it began writing, which is repeated at once. Syncs are idempotent, so that repeat
 * converges.
 */
final class GitOpsReconciler extends AbstractBehavior<GitOpsReconciler.Command> {
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(GitOpsReconciler.class);
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

  private record Loaded(String fqn, SyncStatusEntity.State state, String error)
      implements Command {}

  /** A source as the status API shows it. */
  record SourceView(String fqn, GitSourceSpec spec, SyncReport report, boolean running) {}

  private static final class Entry {
    GitSourceSpec spec;
    SyncReport report = SyncReport.NONE;
    boolean loaded;
    boolean loading;
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
  private final SyncStatusStore store;
  private final Clock clock;
  private final Map<String, Entry> sources = new TreeMap<>();
  private boolean scanning;

  static Behavior<Command> create(
      ResourceService systemReads,
      GitSourceSync sync,
      SyncStatusStore store,
      GitOpsSettings settings,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new GitOpsReconciler(ctx, timers, systemReads, sync, store, settings, clock)));
  }

  private GitOpsReconciler(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ResourceService systemReads,
      GitSourceSync sync,
      SyncStatusStore store,
      GitOpsSettings settings,
      Clock clock) {
    super(ctx);
    this.systemReads = systemReads;
    this.sync = sync;
    this.store = store;
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
        .onMessage(Loaded.class, this::onLoaded)
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
                entry = new Entry(spec, now);
                sources.put(fqn, entry);
              } else if (!entry.spec.equals(spec)) {
                entry.spec = spec;
                entry.due = now;
              }
              load(fqn, entry);
            });
    return tick();
  }

  /** Reads a source's journaled status once before its first sync here (again if that failed). */
  private void load(String fqn, Entry entry) {
    if (entry.loaded || entry.loading) {
      return;
    }
    entry.loading = true;
    getContext()
        .pipeToSelf(
            store.load(fqn),
            (state, e) ->
                e == null
                    ? new Loaded(fqn, state, null)
                    : new Loaded(fqn, null, String.valueOf(e.getMessage())));
  }

  private Behavior<Command> onLoaded(Loaded m) {
    Entry entry = sources.get(m.fqn());
    if (entry == null) {
      return this;
    }
    entry.loading = false;
    if (m.error() != null) {
      getContext()
          .getLog()
          .warn(
              "GitOps status of {} unreadable, retrying at the next scan: {}", m.fqn(), m.error());
      return this;
    }
    entry.loaded = true;
    SyncRecord last = m.state().last();
    if (last != null) {
      entry.report = last.toReport();
      if (!m.state().interrupted() && last.at() != null) {
        entry.due = last.at().plus(interval(entry.spec));
      }
    }
    return tick();
  }

  private Behavior<Command> tick() {
    Instant now = clock.instant();
    sources.forEach(
        (fqn, entry) -> {
          if (entry.loaded
              && !entry.running
              && (!entry.due.isAfter(now) || !entry.next.isEmpty())) {
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
            sync.run(Fqn.parse(fqn), entry.spec, previous, commit -> store.beginWrites(fqn, commit))
                .thenCompose(report -> journal(fqn, report)),
            (report, e) ->
                new Finished(
                    fqn,
                    e == null
                        ? report
                        : previous.failed(
                            previous.fetchedCommit(), String.valueOf(e), clock.instant())));
  }

  /** Journals the report; the sync's answer does not wait on a journal that is down. */
  private CompletionStage<SyncReport> journal(String fqn, SyncReport report) {
    return store
        .record(fqn, report)
        .handle(
            (ok, e) -> {
              if (e != null) {
                LOG.warn("GitOps status of {} not journaled: {}", fqn, e.getMessage());
              }
              return report;
            });
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
    load(m.fqn(), entry);
    if (entry.loaded && !entry.running) {
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
