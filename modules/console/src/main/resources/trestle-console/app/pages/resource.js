// Configuration tree and resource page: children, YAML, per-cluster status, history, time travel,
// and edit with a server-side dry run before Apply (the YAML carries metadata.version, so a
// concurrent change is refused by the server).
import { html, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api, apiRaw } from '../api.js';
import { ago, enumLabel, timestamp } from '../lib/format.js';
import { ancestry, childCollections, parseFqn } from '../lib/fqn.js';
import { creatableKinds } from '../lib/templates.js';
import { BASE, resourceUrl, withQuery } from '../lib/route.js';
import { Badge, ChangeTable, ErrorBox, Link, Loading, PagedTable, navigate, useLoad } from '../ui.js';
import { Impact } from './impact.js';
import { Creator, Deleter } from './lifecycle.js';

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
  // The server decides which buttons show (New: CREATE here; Edit: WRITE; Delete: DELETE).
  const canI = api('/api/v1/can-i', { method: 'POST', body: { fqns: [fqn] } })
    .then((r) => r.results?.[0]?.permissions ?? [])
    .catch(() => []);
  if (!fqn) return { parsed, children, permissions: await canI };
  const [yaml, status, history, permissions] = await Promise.all([
    api(withQuery(`/api/v1/${fqn}`, { version }), { accept: 'application/yaml' }),
    api(`/api/v1/status/${fqn}`).catch((e) => ({ error: e })),
    api(`/api/v1/history/${fqn}`).catch((e) => ({ error: e })),
    canI,
  ]);
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
  const [creating, setCreating] = useState(null);
  return html`
    <${Breadcrumbs} fqn=${parsed.fqn} />
    <h1 data-test="resource-title">${parsed.fqn ? `${parsed.kind} ${parsed.name}` : 'Organizations'}</h1>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && !version && data.permissions.includes('CREATE') && html`<div class="actions" data-test="create-actions">
      ${creatableKinds(parsed.fqn).map((k) => html`<button data-test=${`new-${k}`} onClick=${() => setCreating(k)}>New ${k}</button>`)}
    </div>`}
    ${creating && html`<${Creator} key=${creating} parentFqn=${parsed.fqn} kind=${creating} onCancel=${() => setCreating(null)} />`}
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
  const [following, setFollowing] = useState(false);
  // After an Apply: show the status and follow it until applied everywhere, failed (the NACK
  // reason is in the status rows) or 30 s; the page reloads with the final status.
  function follow() {
    setTab('status');
    setFollowing(true);
    reload();
    const done = () => {
      setFollowing(false);
      reload();
    };
    api(`/api/v1/status/${fqn}?wait=applied&timeout=30s`).then(done, done);
  }
  const canWrite = data.permissions.includes('WRITE');
  const tabs = [
    ['yaml', 'YAML'],
    ['status', 'Status'],
    ['history', 'History'],
  ];
  return html`<div class="resource">
    ${!version && html`<${Refusals} status=${data.status} />`}
    ${version && html`<div class="notice" data-test="time-travel">Showing version ${version} (read-only). <${Link} href=${resourceUrl(fqn)}>Show the current version<//></div>`}
    <div class="tabs">
      ${tabs.map(([id, label]) => html`<button class=${tab === id ? 'active' : ''} data-test=${`tab-${id}`} onClick=${() => setTab(id)}>${label}</button>`)}
      ${!version && canWrite && html`<button class=${tab === 'edit' ? 'active primary' : 'primary'} data-test="edit-button" onClick=${() => setTab('edit')}>Edit</button>`}
      ${!version && data.permissions.includes('DELETE') && html`<button class=${tab === 'delete' ? 'active danger' : 'danger'} data-test="delete-button" onClick=${() => setTab('delete')}>Delete…</button>`}
    </div>
    ${tab === 'yaml' && html`<pre class="yaml" data-test="yaml">${data.yaml}</pre>`}
    ${tab === 'status' && following && html`<p class="notice" data-test="status-following">Following the rollout: waiting until every cluster has applied this version or one refuses it…</p>`}
    ${tab === 'status' && html`<${Status} status=${data.status} />`}
    ${tab === 'history' && html`<${History} fqn=${fqn} history=${data.history} />`}
    ${tab === 'delete' && html`<${Deleter} fqn=${fqn} isProtected=${/^\s*deletionProtection: true\s*$/m.test(data.yaml)} onCancel=${() => setTab('yaml')} />`}
    ${tab === 'edit' && html`<${Editor} fqn=${fqn} yaml=${data.yaml} reload=${reload} onApplied=${follow} onDone=${() => setTab('status')} />`}
  </div>`;
}

/** The clusters whose edge refused (NACKed) the resource, with the edge's reason; on every tab. */
function Refusals({ status }) {
  const failed = (status?.clusters ?? []).filter((c) => c.state === 'SYNC_FAILED');
  if (failed.length === 0) return null;
  return html`<div class="error" role="alert" data-test="nack-banner">
    ${failed.map((c) => html`<div><strong>${c.cluster}</strong> refused desired version ${c.desiredVersion ?? 0}: <span data-test="nack-reason">${c.reason ?? ''}</span></div>`)}
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
        { title: 'Cluster', cls: 'nowrap', cell: (c) => c.cluster },
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



function Editor({ fqn, yaml, reload, onApplied, onDone }) {
  const [text, setText] = useState(yaml);
  const [dry, setDry] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const put = (dryRun) =>
    apiRaw(withQuery(`/api/v1/${fqn}`, { dryRun }), { method: 'PUT', body: text, contentType: 'application/yaml' });

  // The dry run is the impact preview: the server's dry run plus the Istio objects per cluster.
  async function dryRun() {
    setBusy(true);
    setResult(null);
    setDry(await apiRaw('/api/v1/impact', { method: 'POST', body: text, contentType: 'application/yaml' }));
    setBusy(false);
  }
  async function apply() {
    setBusy(true);
    const r = await put(false);
    setResult(r);
    setBusy(false);
    if (r.ok) onApplied();
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
      <${Impact} response=${dry.body} />
    </div>`}
    ${result && failure(result) && html`<div class="error" role="alert" data-test="apply-error">
      ${failure(result)}
      <div><button data-test="reload" onClick=${() => { reload(); navigate(resourceUrl(fqn), { replace: true }); onDone(); }}>Reload the current version</button></div>
    </div>`}
  </div>`;
}
