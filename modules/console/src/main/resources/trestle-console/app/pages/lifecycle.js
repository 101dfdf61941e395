// Create from a template per kind, and delete showing what would be removed. The server decides:
// the buttons are shown only with CREATE / DELETE (POST /api/v1/can-i), and deletionProtection is
// the server's rule (a protected resource is refused unless "force" is asked and allowed).
import { html, useEffect, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api, apiRaw } from '../api.js';
import { descendantCollections, parentFqn, parseFqn } from '../lib/fqn.js';
import { resourceUrl, withQuery } from '../lib/route.js';
import { templateFor } from '../lib/templates.js';
import { ErrorBox, Link, navigate } from '../ui.js';
import { Impact } from './impact.js';

/** The error of an apply answer: the first failed document's message, or the call's. */
function failure(r) {
  if (!r) return undefined;
  const failed = (r.body?.results ?? []).find((x) => x.error);
  return failed?.error?.message ?? (!r.ok ? r.error.message : undefined);
}

/** A new `kind` under parentFqn: a template to edit, a dry run with its impact, then Create. */
export function Creator({ parentFqn: parent, kind, onCancel }) {
  const [text, setText] = useState(() => templateFor(kind, parent));
  const [dry, setDry] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = (path) => apiRaw(path, { method: 'POST', body: text, contentType: 'application/yaml' });
  async function dryRun() {
    setBusy(true);
    setResult(null);
    setDry(await send('/api/v1/impact'));
    setBusy(false);
  }
  async function create() {
    setBusy(true);
    const r = await send('/api/v1/apply');
    setBusy(false);
    setResult(r);
    const created = r.ok && r.body.results?.[0];
    if (created && !failure(r)) navigate(resourceUrl(created.fqn));
  }
  return html`<section class="editor" data-test="creator">
    <h2>New ${kind}</h2>
    <p class="muted">Edit the template (name, labels, spec), run the dry run to see what it would do, then create it.</p>
    <textarea data-test="creator-text" spellcheck="false" rows="18" value=${text} onInput=${(e) => { setText(e.target.value); setDry(null); }}></textarea>
    <div class="actions">
      <button onClick=${dryRun} disabled=${busy} data-test="creator-dry-run">Dry run</button>
      <button class="primary" onClick=${create} disabled=${busy || !dry || !!failure(dry)} data-test="creator-create">Create</button>
      <button onClick=${onCancel} data-test="creator-cancel">Cancel</button>
    </div>
    ${dry && failure(dry) && html`<div class="error" role="alert" data-test="creator-error">${failure(dry)}</div>`}
    ${dry && !failure(dry) && html`<div data-test="creator-dry-run-result"><p>Dry run: would be created as ${dry.body.results?.[0]?.fqn ?? ''}</p><${Impact} response=${dry.body} /></div>`}
    ${result && failure(result) && html`<div class="error" role="alert" data-test="creator-error">${failure(result)}</div>`}
  </section>`;
}

/** Every resource below fqn, parents first, as [{fqn, kind, protected}]. */
async function descendants(fqn) {
  const { kind } = parseFqn(fqn);
  const pages = await Promise.all(
    descendantCollections(kind).map((c) => api(withQuery(`/api/v1/${fqn}/${c}`, { recursive: true, pageSize: 1000 }))),
  );
  return pages.flatMap((p) =>
    (p.resources ?? []).map((r) => ({ fqn: r.metadata.fqn, kind: r.kind, protected: !!r.metadata.deletionProtection })),
  );
}

/**
 * Delete: lists what would be removed (the resource and its descendants, protected ones marked)
 * and the impact preview of the delete (POST /api/v1/impact?delete=FQN), asks for the name typed,
 * and sends DELETE ?cascade=true (with force only when asked).
 */
export function Deleter({ fqn, isProtected, onCancel }) {
  const { name } = parseFqn(fqn);
  const [below, setBelow] = useState(null);
  const [typed, setTyped] = useState('');
  const [force, setForce] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    setBelow({ loading: true });
    descendants(fqn).then(
      (items) => live && setBelow({ items }),
      (e) => live && setBelow({ error: e }),
    );
    return () => {
      live = false;
    };
  }, [fqn]);
  // The server's delete preview: per cluster, the Istio objects the delete would remove or change.
  const [impact, setImpact] = useState(null);
  useEffect(() => {
    let live = true;
    setImpact(null);
    apiRaw(withQuery('/api/v1/impact', { delete: fqn, cascade: 'true', force: 'true' }), { method: 'POST' }).then((r) => live && setImpact(r));
    return () => {
      live = false;
    };
  }, [fqn]);
  const items = below?.items ?? [];
  const anyProtected = isProtected || items.some((i) => i.protected);
  async function remove() {
    setBusy(true);
    setError(null);
    const r = await apiRaw(withQuery(`/api/v1/${fqn}`, { cascade: items.length > 0 ? 'true' : '', force: force ? 'true' : '' }), { method: 'DELETE' });
    setBusy(false);
    if (r.ok) navigate(resourceUrl(parentFqn(fqn)));
    else setError(r.error);
  }
  return html`<section class="danger" data-test="deleter">
    <h2>Delete ${fqn}</h2>
    ${below?.loading && html`<p class="muted">Finding what lies below…</p>`}
    <${ErrorBox} error=${below?.error} />
    ${below?.items &&
    html`<p data-test="deleter-summary">This removes ${items.length === 0 ? 'only this resource' : `this resource and ${items.length} below it`}:</p>
      <ul class="doomed" data-test="deleter-list">
        <li>${fqn}${isProtected && html` <span class="badge bad">deletionProtection</span>`}</li>
        ${items.map((i) => html`<li><${Link} href=${resourceUrl(i.fqn)}>${i.fqn}<//>${i.protected && html` <span class="badge bad">deletionProtection</span>`}</li>`)}
      </ul>
      ${anyProtected && html`<p class="bad-text" data-test="deleter-protected">Protected resources are refused unless you force the delete (the server checks that you may).
        <label class="check"><input type="checkbox" data-test="deleter-force" checked=${force} onChange=${(e) => setForce(e.target.checked)} /> force</label></p>`}
      ${!impact && html`<p class="muted">Translating the configuration without it…</p>`}
      ${impact?.ok && html`<div data-test="deleter-impact"><${Impact} response=${impact.body} /></div>`}
      ${impact && !impact.ok && html`<${ErrorBox} error=${impact.error} />`}
      <label>Type <strong>${name}</strong> to confirm: <input data-test="deleter-confirm" value=${typed} onInput=${(e) => setTyped(e.target.value)} /></label>
      <div class="actions">
        <button class="danger" data-test="deleter-delete" disabled=${busy || typed !== name} onClick=${remove}>Delete</button>
        <button onClick=${onCancel} data-test="deleter-cancel">Cancel</button>
      </div>`}
    <${ErrorBox} error=${error} />
  </section>`;
}
