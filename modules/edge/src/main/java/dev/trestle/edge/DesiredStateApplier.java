package dev.trestle.edge;

import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredSnapshot;
import dev.trestle.protocol.v1.Nack;
import dev.trestle.protocol.v1.ObjectError;
import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns snapshots and deltas into the running state, all or nothing: the next state is computed and
 * every new or changed object validated ({@link ObjectValidator}), the set hash recomputed and
 * compared with central's, the target's own checks run — any problem rejects the whole version
 * (NACK) and nothing is touched. Only then is the target written and the state saved. Not
 * thread-safe: the agent calls it from its one sync thread.
 */
public final class DesiredStateApplier {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateApplier.class);
  private final ApplyTarget target;
  private final StateStore store;
  private volatile AppliedState state;

  public DesiredStateApplier(ApplyTarget target, StateStore store, AppliedState initial) {
    EdgeSchemas.istio(); // fail at start, not on the first version, if the jar lacks the schemas
    this.target = target;
    this.store = store;
    this.state = initial;
  }

  public AppliedState state() {
    return state;
  }

  public Outcome snapshot(DesiredSnapshot s) {
    var objects = new TreeMap<ObjectKey, EdgeObject>();
    var errors = new TreeMap<ObjectKey, String>();
    for (var proto : s.getObjectsList()) {
      EdgeObject o = EdgeObject.fromProto(proto);
      if (objects.put(o.key(), o) != null) {
        errors.put(o.key(), "appears twice in the snapshot");
      }
    }
    AppliedState next = new AppliedState(s.getVersion(), s.getSetHash(), objects);
    AppliedState current = state;
    if (next.version() == current.version()
        && next.setHash().equals(current.setHash())
        && next.objects().equals(current.objects())) {
      return new Outcome.Applied(current, 0, 0, true);
    }
    var deletes = current.objects().keySet().stream().filter(k -> !objects.containsKey(k)).toList();
    return applyChecked(current, next, new ArrayList<>(objects.values()), deletes, errors);
  }

  public Outcome delta(DesiredDelta d) {
    AppliedState current = state;
    if (d.getFromVersion() != current.version()) {
      if (d.getVersion() == current.version() && d.getSetHash().equals(current.setHash())) {
        return new Outcome.Applied(current, 0, 0, true); // a repeat of what is already running
      }
      return new Outcome.OutOfSync(
          "delta from version "
              + d.getFromVersion()
              + " to "
              + d.getVersion()
              + ", but the applied version is "
              + current.version());
    }
    var objects = new TreeMap<>(current.objects());
    var errors = new TreeMap<ObjectKey, String>();
    var upserts = new ArrayList<EdgeObject>();
    var deletes = new ArrayList<ObjectKey>();
    for (var key : d.getDeletesList()) {
      ObjectKey k = ObjectKey.fromProto(key);
      if (objects.remove(k) != null) {
        deletes.add(k);
      }
    }
    for (var proto : d.getUpsertsList()) {
      EdgeObject o = EdgeObject.fromProto(proto);
      if (deletes.contains(o.key())) {
        errors.put(o.key(), "both upserted and deleted in one delta");
      }
      objects.put(o.key(), o);
      upserts.add(o);
    }
    AppliedState next = new AppliedState(d.getVersion(), d.getSetHash(), objects);
    return applyChecked(current, next, upserts, deletes, errors);
  }

  private Outcome applyChecked(
      AppliedState current,
      AppliedState next,
      List<EdgeObject> upserts,
      List<ObjectKey> deletes,
      Map<ObjectKey, String> errors) {
    for (EdgeObject o : upserts) {
      List<String> problems = ObjectValidator.problems(o);
      if (!problems.isEmpty()) {
        errors.merge(o.key(), String.join("; ", problems), (a, b) -> a + "; " + b);
      }
    }
    errors.putAll(target.check(next));
    if (!errors.isEmpty()) {
      return reject(next.version(), errors, null);
    }
    if (next.version() <= 0) {
      return reject(
          next.version(), Map.of(), "version " + next.version() + " is not a valid version");
    }
    String computed = SetHash.of(next.objects().values());
    if (!computed.equals(next.setHash())) {
      return reject(
          next.version(),
          Map.of(),
          "set hash mismatch: central sent "
              + (next.setHash().isEmpty() ? "none" : next.setHash())
              + ", the objects hash to "
              + computed);
    }
    try {
      target.apply(current, next, upserts, deletes);
    } catch (ApplyException e) {
      return reject(next.version(), e.errors(), e.getMessage());
    }
    try {
      store.save(next);
    } catch (IOException e) {
      // The target runs `next`, so that is what is ACKed; a restart would bring back `current`.
      LOG.error(
          "applied version {} but could not save it in {}: {}",
          next.version(),
          store.file(),
          e.getMessage());
    }
    state = next;
    return new Outcome.Applied(next, upserts.size(), deletes.size(), false);
  }

  private Outcome reject(long version, Map<ObjectKey, String> errors, String summary) {
    var nack = Nack.newBuilder().setVersion(version).setKeptVersion(state.version());
    errors.forEach(
        (k, msg) -> nack.addErrors(ObjectError.newBuilder().setKey(k.toProto()).setMessage(msg)));
    String reason;
    if (!errors.isEmpty()) {
      var first = errors.entrySet().iterator().next();
      reason = first.getKey() + ": " + first.getValue();
      if (errors.size() > 1) {
        reason += " (and " + (errors.size() - 1) + " more object(s))";
      }
      if (summary != null) {
        reason = summary + ": " + reason;
      }
    } else {
      reason = summary;
    }
    nack.setReason(oneLine(reason));
    return new Outcome.Rejected(nack.build());
  }

  static String oneLine(String text) {
    String s = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return s.length() > 1000 ? s.substring(0, 997) + "..." : s;
  }
}
