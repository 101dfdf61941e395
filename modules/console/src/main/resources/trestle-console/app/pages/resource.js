// Configuration tree and resource page: children, YAML, per-cluster status, history, time travel,
// and edit with a server-side dry run before Apply (the YAML carries metadata.version, so a
// concurrent change is refused by the server).
import { html, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api, apiRaw } from '../api.js';
import { changeRows } from '../lib/diff.js';
import { ago, enumLabel, timestamp } from '../lib/format.js';
import { ancestry, childCollections, parseFqn } from '../lib/fqn.js';
import { BASE, resourceUrl, withQuery } from '../lib/route.js';
import { Badge, ErrorBox, Link, Loading, PagedTable, navigate, useLoad } from '../ui.js';

async function load(fqn, version) {
  const parsed = parseFqn(fqn);
  const collections = childCollections(parsed.kind);
  const children = await Promise.all(
    collections.map((c) =>
      api(withQuery(`/api/v1/${fqn ? `${fqn}/` : ''}${c}`, { pageSize: 1000 })).then(
        (page) => ({ collection: c, items: page.resources ?? [] }),
        (error) => ({ collection: c, items: [], error }),
      ),
    ),
  );
  if (!fqn) return { parsed, children };
  const [yaml, status, history, perms] = await Promise.all([
    api(withQuery(`/api/v1/${fqn}`, { version }), { accept: 'application/yaml' }),
    api(`/api/v1/status/${fqn}`).catch((e) => ({ error: e })),
    api(`/api/v1/history/${fqn}`).catch((e) => ({ error: e })),
    api('/api/v1/can-i', { method: 'POST', body: { fqns: [fqn] } }).catch(() => ({ results: [] })),
  ]);
  const permissions = perms.results?.[0]?.permissions ?? [];
  return { parsed, children, yaml, status, history, permissions };
}

export function ResourcePage({ fqn, query }) {
  let parsed;
  try {
    parsed = parseFqn(fqn);
  } catch (e) {
    return html`<h1>Configuration</h1><div class="error" role="alert">${e.message}</div>`;
  }
  const version = query?.version ?? '';
  const { data, error, loading, reload } = useLoad(() => load(parsed.fqn, version), [parsed.fqn, version]);
  return html`
    <${Breadcrumbs} fqn=${parsed.fqn} />
    <h1 data-test="resource-title">${parsed.fqn ? `${parsed.kind} ${parsed.name}` : 'Organizations'}</h1>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && html`<${Children} children=${data.children} />`}
    ${data && parsed.fqn && html`<${Resource} fqn=${parsed.fqn} data=${data} version=${version} reload=${reload} />`}
  `;
}

function Breadcrumbs({ fqn }) {
  return html`<div class="crumbs" data-test="breadcrumbs">
    <${Link} href=${`${BASE}/r/`}>root<//>
    ${fqn && ancestry(fqn).map((a) => html` / <${Link} href=${resourceUrl(a.fqn)}>${a.name}<//>`)}
  </div>`;
}

function Children({ children }) {
  const shown = children.filter((c) => c.items.length > 0 || c.error);
  if (shown.length === 0) return null;
  return html`<div class="children">
    ${shown.map(
      (c) => html`<section>
        <h2>${c.collection}</h2>
        <${ErrorBox} error=${c.error} />
        <${PagedTable}
          test=${`children-${c.collection}`}
          rows=${c.items}
          filterText=${(r) => `${r.metadata?.name} ${r.metadata?.description ?? ''}`}
          columns=${[
            { title: 'Name', cell: (r) => html`<${Link} href=${resourceUrl(r.metadata.fqn)} data-test="child-link">${r.metadata.name}<//>` },
            { title: 'Version', cell: (r) => String(r.metadata.version ?? '') },
            { title: 'Updated', cell: (r) => ago(r.metadata.updateTime) },
            { title: 'Description', cell: (r) => r.metadata.description ?? '' },
          ]}
        />
      </section>`,
    )}
  </div>`;
}

function Resource({ fqn, data, version, reload }) {
  const [tab, setTab] = useState('yaml');
  const canWrite = data.permissions.includes('WRITE');
  const tabs = [
    ['yaml', 'YAML'],
    ['status', 'Status'],
    ['history', 'History'],
  ];
  return html`<div class="resource">
    ${version && html`<div class="notice" data-test="time-travel">Showing version ${version} (read-only). <${Link} href=${resourceUrl(fqn)}>Show the current version<//></div>`}
    <div class="tabs">
      ${tabs.map(([id, label]) => html`<button class=${tab === id ? 'active' : ''} data-test=${`tab-${id}`} onClick=${() => setTab(id)}>${label}</button>`)}
      ${!version && canWrite && html`<button class=${tab === 'edit' ? 'active primary' : 'primary'} data-test="edit-button" onClick=${() => setTab('edit')}>Edit</button>`}
    </div>
    ${tab === 'yaml' && html`<pre class="yaml" data-test="yaml">${data.yaml}</pre>`}
    ${tab === 'status' && html`<${Status} status=${data.status} />`}
    ${tab === 'history' && html`<${History} fqn=${fqn} history=${data.history} />`}
    ${tab === 'edit' && html`<${Editor} fqn=${fqn} yaml=${data.yaml} reload=${reload} onDone=${() => setTab('status')} />`}
  </div>`;
}

export function Status({ status }) {
  if (!status) return null;
  if (status.error) return html`<${ErrorBox} error=${status.error} />`;
  const overall = enumLabel(status.state, 'SYNC_');
  return html`<div data-test="status">
    <p>Overall: <span data-test="status-overall"><${Badge} value=${overall} /></span> (resource version ${status.resourceVersion ?? 0})</p>
    <${PagedTable}
      rows=${status.clusters ?? []}
      columns=${[
        { title: 'Cluster', cell: (c) => c.cluster },
        { title: 'State', cell: (c) => html`<${Badge} value=${enumLabel(c.state, 'SYNC_')} />` },
        { title: 'Desired', cell: (c) => String(c.desiredVersion ?? 0) },
        { title: 'Applied', cell: (c) => String(c.appliedVersion ?? 0) },
        { title: 'Reason', cell: (c) => html`<span data-test="status-reason">${c.reason ?? ''}</span>` },
      ]}
    />
  </div>`;
}

function History({ fqn, history }) {
  if (history?.error) return html`<${ErrorBox} error=${history.error} />`;
  return html`<div data-test="history">
    ${(history?.entries ?? []).map(
      (h) => html`<div class="history-entry">
        <div><${Link} href=${resourceUrl(fqn, h.version)}>version ${h.version}<//> · ${timestamp(h.time)} · ${h.principal} · ${enumLabel(h.operation, '')}</div>
        <${ChangeTable} changes=${h.changes} />
      </div>`,
    )}
  </div>`;
}

export function ChangeTable({ changes, test }) {
  const rows = changeRows(changes);
  if (rows.length === 0) return html`<p class="muted" data-test=${test}>No field changes.</p>`;
  return html`<table class="changes" data-test=${test}>
    <thead><tr><th>Path</th><th>Before</th><th>After</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr class=${r.kind}><td>${r.path}</td><td class="before">${r.before}</td><td class="after">${r.after}</td></tr>`)}</tbody>
  </table>`;
}

function Editor({ fqn, yaml, reload, onDone }) {
  const [text, setText] = useState(yaml);
  const [dry, setDry] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const put = (dryRun) =>
    apiRaw(withQuery(`/api/v1/${fqn}`, { dryRun }), { method: 'PUT', body: text, contentType: 'application/yaml' });

  async function dryRun() {
    setBusy(true);
    setResult(null);
    setDry(await put(true));
    setBusy(false);
  }
  async function apply() {
    setBusy(true);
    const r = await put(false);
    setResult(r);
    setBusy(false);
    if (r.ok) {
      onDone();
      reload();
      // Follow the status until applied everywhere (or failed / 30 s).
      api(`/api/v1/status/${fqn}?wait=applied&timeout=30s`).then(reload, reload);
    }
  }
  const failure = (r) => r && (r.body?.results?.[0]?.error?.message ?? (!r.ok ? r.error.message : undefined));
  return html`<div class="editor" data-test="editor">
    <textarea data-test="editor-text" spellcheck="false" rows="24" value=${text} onInput=${(e) => { setText(e.target.value); setDry(null); }}></textarea>
    <div class="actions">
      <button onClick=${dryRun} disabled=${busy} data-test="dry-run">Dry run</button>
      <button class="primary" onClick=${apply} disabled=${busy || !dry || !!failure(dry)} data-test="apply">Apply</button>
    </div>
    ${dry && failure(dry) && html`<div class="error" role="alert" data-test="dry-run-error">${failure(dry)}</div>`}
    ${dry && !failure(dry) && html`<div data-test="dry-run-result">
      <p>Dry run: ${enumLabel(dry.body.results?.[0]?.outcome, '')} (would be version ${dry.body.results?.[0]?.version ?? '?'})</p>
      <${ChangeTable} changes=${dry.body.results?.[0]?.changes} test="change-table" />
    </div>`}
    ${result && failure(result) && html`<div class="error" role="alert" data-test="apply-error">
      ${failure(result)}
      <div><button data-test="reload" onClick=${() => { reload(); navigate(resourceUrl(fqn), { replace: true }); onDone(); }}>Reload the current version</button></div>
    </div>`}
  </div>`;
}
