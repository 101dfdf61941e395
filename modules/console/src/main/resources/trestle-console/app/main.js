// Entry point: session (token, whoami), the router and the page frame.
import { html, render, useEffect, useState } from '../vendor/htm-3.1.1/standalone.module.js';
import { api, ApiError, onUnauthenticated, setToken, token } from './api.js';
import { BASE, parseRoute } from './lib/route.js';
import { Link, setNavigate } from './ui.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { ClustersPage, ClusterPage } from './pages/clusters.js';
import { ResourcePage } from './pages/resource.js';
import { AuditPage } from './pages/audit.js';
import { AccessPage } from './pages/access.js';
import { ServicesPage } from './pages/services.js';
import { UpgradesPage } from './pages/upgrades.js';

const NAV = [
  ['Overview', `${BASE}/`, 'overview'],
  ['Clusters', `${BASE}/clusters`, 'clusters'],
  ['Services', `${BASE}/services`, 'services'],
  ['Upgrades', `${BASE}/upgrades`, 'upgrades'],
  ['Configuration', `${BASE}/r/`, 'resource'],
  ['Audit', `${BASE}/audit`, 'audit'],
  ['Access', `${BASE}/access`, 'access'],
];

function currentRoute() {
  return parseRoute(location.pathname, location.search);
}

function App() {
  const [route, setRoute] = useState(currentRoute());
  // session: undefined = checking, null = signed out, the whoami answer {principal, authenticatedBy, oidc: {issuer, subject, groups}}
  const [session, setSession] = useState(undefined);
  const [loginMessage, setLoginMessage] = useState('');

  useEffect(() => {
    setNavigate((url, replace) => {
      if (replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      setRoute(currentRoute());
      window.scrollTo(0, 0);
    });
    const onPop = () => setRoute(currentRoute());
    addEventListener('popstate', onPop);
    onUnauthenticated((err) => {
      setToken('');
      setLoginMessage(`The server refused the token: ${err.message}`);
      setSession(null);
    });
    checkSession();
    return () => removeEventListener('popstate', onPop);
  }, []);

  async function checkSession() {
    try {
      const who = await api('/api/v1/whoami');
      setSession(who);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setToken('');
        setLoginMessage(token() ? `The server refused the token: ${e.message}` : loginMessageFor(e));
        setSession(null);
      } else {
        setSession({ error: e });
      }
    }
  }

  function loginMessageFor(e) {
    return sessionStorage.getItem('trestle.loginError') ?? (e.message.includes('token') ? '' : e.message);
  }

  if (session === undefined) return html`<p class="boot">Connecting…</p>`;
  if (session === null) {
    return html`<${LoginPage}
      message=${loginMessage}
      onLogin=${async (t) => {
        setToken(t);
        try {
          const who = await api('/api/v1/whoami');
          setLoginMessage('');
          setSession(who);
        } catch (e) {
          setToken('');
          setLoginMessage(`The server refused the token: ${e.message}`);
          setSession(null);
        }
      }}
    />`;
  }
  if (session.error) {
    return html`<div class="page"><div class="error" role="alert">${session.error.message}</div></div>`;
  }
  const insecure = session.authenticatedBy === 'insecure-dev';
  return html`
    ${insecure &&
    html`<div class="insecure-banner" data-test="insecure-banner">
      INSECURE DEV MODE: authentication is off and every caller is an admin. Never expose this server.
    </div>`}
    <header class="top">
      <span class="brand">Trestle</span>
      <nav>
        ${NAV.map(([label, href, page]) => html`<${Link} href=${href} class=${route.page === page || (page === 'clusters' && route.page === 'cluster') ? 'active' : ''}>${label}<//>`)}
      </nav>
      <span class="who" data-test="whoami">${session.principal}</span>
      ${!insecure &&
      html`<button class="link" data-test="logout" onClick=${() => {
        setToken('');
        setLoginMessage('Signed out.');
        setSession(null);
      }}>Sign out</button>`}
    </header>
    <main class="page">${page(route, session)}</main>
  `;
}

function page(route, session) {
  switch (route.page) {
    case 'overview':
      return html`<${OverviewPage} />`;
    case 'clusters':
      return html`<${ClustersPage} query=${route.query} />`;
    case 'cluster':
      return html`<${ClusterPage} fqn=${route.fqn} />`;
    case 'resource':
      return html`<${ResourcePage} key=${route.fqn} fqn=${route.fqn} query=${route.query} session=${session} />`;
    case 'audit':
      return html`<${AuditPage} query=${route.query} />`;
    case 'access':
      return html`<${AccessPage} session=${session} />`;
    case 'services':
      return html`<${ServicesPage} />`;
    case 'upgrades':
      return html`<${UpgradesPage} />`;
    case 'login':
      return html`<p>You are signed in as ${session.principal}. <${Link} href=${`${BASE}/`}>Go to the overview<//></p>`;
    default:
      return html`<div class="error" role="alert">No console page at /ui/${route.path}. <${Link} href=${`${BASE}/`}>Go to the overview<//></div>`;
  }
}

render(html`<${App} />`, document.getElementById('app'));
