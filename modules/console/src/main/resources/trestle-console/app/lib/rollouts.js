// Revision rollouts and the fleet's Istio versions as the Upgrades page shows them: the same rows
// as `trestle rollouts status` and `trestle clusters versions` (docs/upgrades.md). Pure
// (unit-tested).
import { enumLabel, timestamp } from './format.js';

/** "HALTED at stage 2 of 2, stable -> canary, restarting workloads". */
export function rolloutSummary(r) {
  const parts = [enumLabel(r.phase, 'ROLLOUT_')];
  if (r.currentStage > 0) parts[0] += ` at stage ${r.currentStage} of ${(r.stages ?? []).length}`;
  parts.push(`${r.fromRevision ?? ''} -> ${r.toRevision ?? ''}`);
  if (r.restartWorkloads) parts.push('restarting workloads');
  return parts.join(', ');
}

/** The UTC clock time of a timestamp ("01:02:03"), or "-". */
function clock(t) {
  return t ? timestamp(t).slice(11, 19) : '-';
}

/**
 * One row per stage and cluster: stage "1 name", cluster, phase, "relabelled/namespaces", each
 * namespace with the label its edge reports, the pause (with "until" while it runs), the start,
 * labelled and finish times (UTC) and the detail (verification outcome or why it failed). A stage
 * with no namespace gets one row with cluster "-".
 */
export function stageRows(r) {
  const rows = [];
  for (const s of r.stages ?? []) {
    let pause = s.pause || '-';
    if (s.pauseUntil && !s.finishedTime) pause += ` until ${clock(s.pauseUntil)}`;
    const common = {
      stage: `${s.index} ${s.name}`,
      phase: enumLabel(s.phase, 'STAGE_'),
      pause,
      started: clock(s.startedTime),
      labelled: clock(s.labelledTime),
      finished: clock(s.finishedTime),
      detail: s.detail ?? '',
    };
    const clusters = s.clusters ?? [];
    if (clusters.length === 0) {
      rows.push({ ...common, cluster: '-', relabelled: '0/0', namespaces: `(none labelled ${r.fromRevision ?? ''})` });
    }
    for (const c of clusters) {
      const ns = c.namespaces ?? [];
      rows.push({
        ...common,
        cluster: c.cluster,
        relabelled: `${c.relabelled ?? 0}/${ns.length}`,
        namespaces: ns.map((n) => `${n.namespace}=${n.reported || '-'}`).join(', '),
      });
    }
  }
  return rows;
}

/** The fleet view's rows: one per version and cluster, as `trestle clusters versions` prints. */
export function versionRows(fleet) {
  const rows = [];
  for (const v of fleet?.versions ?? []) {
    for (const c of v.clusters ?? []) {
      rows.push({ version: v.version || 'unknown', cluster: c.cluster, istiod: (c.revisions ?? []).join(', '), proxies: c.proxies ?? 0 });
    }
  }
  return rows;
}

/** The first `max` names, then how many more: a fleet may have a thousand clusters without istiod. */
export function someOf(names, max = 10) {
  const list = names ?? [];
  const shown = list.slice(0, max).join(', ');
  return list.length > max ? `${shown} … and ${list.length - max} more` : shown;
}
