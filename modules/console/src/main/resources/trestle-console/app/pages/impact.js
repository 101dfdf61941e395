// The impact preview: per cluster, the Istio objects a change would create, change or delete
// (POST /api/v1/impact, with ?delete=FQN for a delete), shown by the editor, the "New ..." form and
// the delete dialog.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { impactClusters, impactSummary } from '../lib/impact.js';
import { ChangeTable } from '../ui.js';

/** Per cluster, the Istio objects the change would create, change or delete. */
export function Impact({ response }) {
  const clusters = impactClusters(response);
  const badge = { CREATE: 'ok', CHANGE: 'warn', DELETE: 'bad' };
  return html`<section class="impact" data-test="impact">
    <h3>Impact on clusters</h3>
    <p class="muted" data-test="impact-summary">${impactSummary(response)}</p>
    ${clusters.map(
      (c) => html`<div class="impact-cluster" data-test="impact-cluster">
        <h4><span data-test="impact-cluster-name">${c.cluster}</span> <span class="muted">(desired version ${c.version})</span></h4>
        ${c.objects.map(
          (o) => html`<details class="impact-object" data-test="impact-object" open>
            <summary><span class=${`badge ${badge[o.label]}`} data-test="impact-change">${o.label}</span> <span data-test="impact-title">${o.title}</span> <span class="muted">${o.detail}</span></summary>
            ${o.label === 'CHANGE' ? html`<${ChangeTable} changes=${o.changes} test="impact-changes" />` : html`<pre class="yaml">${o.body}</pre>`}
          </details>`,
        )}
        ${c.diagnostics.length > 0 && html`<ul class="diagnostics" data-test="impact-diagnostics">${c.diagnostics.map((d) => html`<li>${d}</li>`)}</ul>`}
      </div>`,
    )}
  </section>`;
}
