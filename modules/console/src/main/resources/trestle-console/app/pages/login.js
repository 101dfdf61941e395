// Login: paste a bearer token; it is kept in sessionStorage only.
import { html, useState } from '../../vendor/htm-3.1.1/standalone.module.js';

export function LoginPage({ message, onLogin }) {
  const [value, setValue] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (value.trim()) onLogin(value.trim());
  };
  return html`<div class="login" data-test="login-page">
    <h1>Trestle console</h1>
    ${message && html`<div class="error" role="alert" data-test="login-message">${message}</div>`}
    <form onSubmit=${submit}>
      <label for="token">Bearer token</label>
      <input id="token" name="token" type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.target.value)} />
      <button type="submit" data-test="login-submit">Sign in</button>
    </form>
    <div class="help">
      <p>How to get a token:</p>
      <ul>
        <li>The first start of <code>trestle server</code> writes the initial admin's token to <code>data/admin.token</code> (<code>${'<data-dir>/admin.token'}</code>).</li>
        <li>An admin issues one for another principal: <code>trestle iam issue-token users/alice</code> (after <code>trestle iam create-user alice</code>).</li>
      </ul>
      <p class="muted">The token stays in this browser tab (sessionStorage) and is sent as <code>authorization: Bearer …</code>; no cookies are used.</p>
    </div>
  </div>`;
}
