// Upgrades: which clusters run which Istio versions (the fleet view, GET /api/v1/istio-versions,
// as `trestle clusters versions`) and where each revision rollout stands (GET /api/v1/rollouts, as
// `trestle rollouts status`): per stage and cluster its phase, namespaces, pause and times.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { enumLabel } from '../lib/format.js';
import { rolloutSummary, someOf, stageRows, versionRows } from '../lib/rollouts.js';
import { clusterUrl, resourceUrl } from '../lib/route.js';
import { ErrorBox, Link, Loading, PagedTable, useLoad, useRenderedMark } from '../ui.js';

const PHASE_BADGE = { SUCCEEDED: 'ok', PASSED: 'ok', HALTED: 'bad', REVERTED: 'bad', RUNNING: 'warn', PENDING: 'warn', LABELING: 'warn', PAUSING: 'warn', VERIFYING: 'warn' };

function PhaseBadge({ value }) {
  return html`<span class=${`badge ${PHASE_BADGE[value] ?? 'neutral'}`}>${value}</span>`;
}

function Fleet({ fleet }) {
  const rows = versionRows(fleet);
  return html`<section data-test="istio-versions">
    <h2>Istio versions</h2>
    <p class="muted">Per version, the clusters with an istiod of it (its revisions) and how many proxies run it, as the edges report them (<code>trestle clusters versions</code>).</p>
    <${PagedTable}
      test="istio-versions-table"
      rows=${rows}
      columns=${[
        { title: 'Version', cell: (r) => r.version },
        { title: 'Cluster', cell: (r) => html`<${Link} href=${clusterUrl(r.cluster)}>${r.cluster}<//>` },
        { title: 'istiod', cell: (r) => r.istiod || '-' },
        { title: 'Proxies', cell: (r) => String(r.proxies) },
      ]}
    />
    ${(fleet.clustersWithoutIstio ?? []).length > 0 && html`<p data-test="without-istiod">Without istiod (${fleet.clustersWithoutIstio.length}): ${someOf(fleet.clustersWithoutIstio)}</p>`}
    ${(fleet.warnings ?? []).map((w) => html`<p class="bad-text" data-test="istio-warning">! ${w}</p>`)}
  </section>`;
}

function Rollout({ r }) {
  const rows = stageRows(r);
  return html`<article class="rollout" data-test="rollout">
    <h3><${Link} href=${resourceUrl(r.rollout)}>${r.rollout}<//> <${PhaseBadge} value=${enumLabel(r.phase, 'ROLLOUT_')} /></h3>
    <p data-test="rollout-summary">${rolloutSummary(r)}</p>
    <p class="muted">Verification: ${r.verification || 'none'}${r.startedTime ? `; started ${r.startedTime}` : ''}${r.finishedTime ? `; finished ${r.finishedTime}` : ''}</p>
    ${r.haltReason && html`<div class="error" role="alert" data-test="rollout-halt">Halted: ${r.haltReason}</div>`}
    <table data-test="rollout-stages">
      <thead><tr><th>Stage</th><th>Cluster</th><th>Phase</th><th>Relabelled</th><th>Namespaces (label reported)</th><th>Pause</th><th>Started</th><th>Labelled</th><th>Finished</th><th>Detail</th></tr></thead>
      <tbody>
        ${rows.map(
          (s) => html`<tr>
            <td>${s.stage}</td>
            <td>${s.cluster === '-' ? '-' : html`<${Link} href=${clusterUrl(`${r.rollout.split('/').slice(0, 2).join('/')}/clusters/${s.cluster}`)}>${s.cluster}<//>`}</td>
            <td><${PhaseBadge} value=${s.phase} /></td>
            <td>${s.relabelled}</td>
            <td>${s.namespaces}</td>
            <td>${s.pause}</td>
            <td>${s.started}</td>
            <td>${s.labelled}</td>
            <td>${s.finished}</td>
            <td>${s.detail}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </article>`;
}

export function UpgradesPage() {
  const { data, error, loading, reload } = useLoad(async () => {
    const [fleet, rollouts] = await Promise.all([api('/api/v1/istio-versions'), api('/api/v1/rollouts')]);
    return { fleet, rollouts: rollouts.rollouts ?? [] };
  }, []);
  useRenderedMark('trestle:upgrades-rendered', !!data);
  return html`<h1>Upgrades</h1>
    <p class="muted">Istio control planes across the fleet and the revision rollouts moving namespaces between them (docs/upgrades.md). Times are UTC. <button class="link" data-test="upgrades-reload" onClick=${reload}>Reload</button></p>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && html`<${Fleet} fleet=${data.fleet} />`}
    ${data &&
    html`<section data-test="rollouts">
      <h2>Revision rollouts</h2>
      ${data.rollouts.length === 0 && html`<p class="muted" data-test="no-rollouts">No RevisionRollouts you may read (create one under an organization).</p>`}
      ${data.rollouts.map((r) => html`<${Rollout} key=${r.rollout} r=${r} />`)}
    </section>`}`;
}
