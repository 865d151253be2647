/*
 * The fleet dashboard's script: what a dashboard author writes against
 * rhev-graphql, with nothing but the browser and graphql-ws.
 *
 * - Totals and counts by status come from `vmCount`, `vmStatusCounts`, … :
 *   the engine's lightest answers, never the whole inventory.
 * - Hosts carry their load (statistics, VMs running); clusters are summed
 *   from their hosts, so no VM list is fetched at all.
 * - One `vmsChanged` subscription tells of every VM that changes state; each
 *   one is a row in the live table and brings the counts up to date.
 * - Both API dialects: the names of the root fields are the same; the status
 *   is an enum on v4 (`UP`) and an object on v3 (`{ state: "up" }`), and the
 *   page asks which one it talks to (`api { __typename }`), which works with
 *   introspection off.
 * - Everything the engine says (names, descriptions) is untrusted text: it
 *   goes into the page as text nodes only, never as HTML.
 * - Credentials, when the server wants them, are typed into the page and
 *   kept in this tab's memory: HTTP sends them as `Authorization`, the
 *   WebSocket as its connection parameters.
 */
'use strict';

/** The queries of each dialect. */
const QUERIES = {
  dialect: '{ api { __typename } }',
  fleet: (v4) => `query Fleet {
    vmCount hostCount clusterCount dataCenterCount storageDomainCount
    vmStatusCounts { status count }
    hostStatusCounts { status count }
    clusters(sortBy: "name") { id name dataCenter { name } }
    hosts(sortBy: "name") {
      id name memory ${v4 ? 'status' : 'status { state }'}
      cluster { id name }
      summary { active total }
      statistics { name ${v4 ? 'values { datum }' : 'values { value { datum } }'} }
    }
    ${QUERIES.eventsField}
  }`,
  eventsField: 'events(max: 20, sortBy: "time", descending: true) { id time severity description }',
  live: () => `query Live {
    vmCount hostCount
    vmStatusCounts { status count }
    hostStatusCounts { status count }
    ${QUERIES.eventsField}
  }`,
  changes: `subscription Changes {
    vmsChanged { id state deleted vm { name host { name } } }
  }`,
};

const page = {
  where: document.getElementById('where'),
  live: document.getElementById('live'),
  error: document.getElementById('error'),
  signin: document.getElementById('signin'),
  signinError: document.getElementById('signin-error'),
};

const session = {
  endpoint: '/graphql',
  refreshSeconds: 30,
  authorization: undefined,
  v4: true,
  socket: undefined,
  stopChanges: undefined,
  timer: undefined,
  soon: undefined,
};

/** An answer that did not come: its GraphQL code (UNAUTHENTICATED, …) and message. */
class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** One GraphQL operation over HTTP. Answers the data, or throws a Refusal. */
async function ask(query) {
  const headers = { 'content-type': 'application/json' };
  if (session.authorization) headers.authorization = session.authorization;
  const res = await fetch(session.endpoint, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const body = await res.json().catch(() => undefined);
  const first = body?.errors?.[0];
  if (first && !body.data) throw new Refusal(first.extensions?.code ?? `HTTP_${res.status}`, first.message);
  if (!body?.data) throw new Refusal(`HTTP_${res.status}`, `the server answered ${res.status} without data`);
  if (first) showError(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`);
  return body.data;
}

/** An element with attributes and children (strings become text nodes: engine text is never HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

/** A status in the engine's word, whichever dialect: `UP` and `{ state: "up" }` are both `up`. */
const statusOf = (status) => String((typeof status === 'object' && status !== null ? status.state : status) ?? 'unknown').toLowerCase();
const statusCell = (status) => el('td', { class: 'status', 'data-status': status }, status.replace(/_/g, ' '));
const percent = (share) => (Number.isFinite(share) ? `${Math.round(share * 100)} %` : '–');
const bar = (share) => el('td', { class: 'num' }, el('span', { class: 'bar' }, el('i', { style: `width:${Math.round(Math.min(1, share || 0) * 100)}%` })), percent(share));

function showError(message) {
  page.error.hidden = !message;
  page.error.textContent = message ?? '';
}

/** A host's CPU (share busy) and memory (share used) from its statistics. */
function loadOf(host) {
  const stats = new Map((host.statistics ?? []).map((s) => [s.name, Number((session.v4 ? s.values : s.values?.value)?.[0]?.datum)]));
  const cpu = ((stats.get('cpu.current.user') ?? 0) + (stats.get('cpu.current.system') ?? 0)) / 100;
  const total = stats.get('memory.total') || Number(host.memory);
  return { cpu, memUsed: stats.get('memory.used') ?? 0, memTotal: total || 0 };
}

function renderCounts(data) {
  for (const [name, value] of Object.entries({
    vms: data.vmCount,
    hosts: data.hostCount,
    clusters: data.clusterCount,
    dataCenters: data.dataCenterCount,
    storageDomains: data.storageDomainCount,
  }))
    if (value !== undefined) document.querySelector(`[data-count="${name}"]`).textContent = String(value);
  for (const [id, counts] of [
    ['vm-statuses', data.vmStatusCounts],
    ['host-statuses', data.hostStatusCounts],
  ]) {
    const list = document.getElementById(id);
    list.replaceChildren(
      ...counts
        .filter((c) => c.count > 0)
        .sort((a, b) => b.count - a.count)
        .map((c) => el('li', { class: 'status', 'data-status': statusOf(c.status) }, statusOf(c.status).replace(/_/g, ' '), el('b', {}, c.count))),
    );
  }
}

function renderHosts(hosts, clusters) {
  const byCluster = new Map(clusters.map((c) => [c.id, { cluster: c, hosts: 0, up: 0, running: 0, cpu: 0, memUsed: 0, memTotal: 0 }]));
  const rows = hosts.map((host) => {
    const status = statusOf(host.status);
    const load = loadOf(host);
    const sum = byCluster.get(host.cluster?.id);
    if (sum) {
      sum.hosts += 1;
      sum.running += host.summary?.active ?? 0;
      sum.memUsed += load.memUsed;
      sum.memTotal += load.memTotal;
      if (status === 'up') {
        sum.up += 1;
        sum.cpu += load.cpu;
      }
    }
    return el('tr', { 'data-host': host.id }, el('td', {}, host.name), el('td', {}, host.cluster?.name), statusCell(status), el('td', { class: 'num' }, host.summary?.active ?? 0), bar(load.cpu), bar(load.memUsed / load.memTotal));
  });
  document.querySelector('#hosts tbody').replaceChildren(...rows);
  document.querySelector('#clusters tbody').replaceChildren(
    ...[...byCluster.values()].map((s) =>
      el('tr', { 'data-cluster': s.cluster.id }, el('td', {}, s.cluster.name), el('td', {}, s.cluster.dataCenter?.name), el('td', { class: 'num' }, `${s.up} / ${s.hosts}`), el('td', { class: 'num' }, s.running), bar(s.up ? s.cpu / s.up : Number.NaN), bar(s.memUsed / s.memTotal)),
    ),
  );
}

function renderEvents(events) {
  document.getElementById('events').replaceChildren(
    ...events.map((e) => el('li', { 'data-severity': statusOf(e.severity) }, el('time', { datetime: e.time }, new Date(e.time).toLocaleTimeString()), e.description)),
  );
}

/** A VM that changed state: a new first row of the live table (the last 50 are kept). */
function renderChange(change) {
  const body = document.querySelector('#changes tbody');
  const state = change.deleted ? 'removed' : statusOf(change.state);
  body.prepend(el('tr', { 'data-vm': change.id }, el('td', {}, new Date().toLocaleTimeString()), el('td', {}, change.vm?.name ?? change.id), statusCell(state), el('td', {}, change.vm?.host?.name ?? '')));
  while (body.rows.length > 50) body.lastElementChild.remove();
}

/** Everything, once now and then every refreshSeconds. */
async function refreshAll() {
  try {
    const data = await ask(QUERIES.fleet(session.v4));
    renderCounts(data);
    renderHosts(data.hosts, data.clusters);
    renderEvents(data.events);
  } catch (e) {
    failed(e);
  }
}

/** Counts and events, soon after a change (changes in a burst make one request). */
function refreshSoon() {
  clearTimeout(session.soon);
  session.soon = setTimeout(async () => {
    try {
      const data = await ask(QUERIES.live());
      renderCounts(data);
      renderEvents(data.events);
    } catch (e) {
      failed(e);
    }
  }, 500);
}

function setLive(state, text) {
  page.live.dataset.state = state;
  page.live.textContent = `live updates: ${text}`;
}

/** The one subscription, on a socket carrying this tab's credentials (a new socket when they change). */
function subscribeToChanges() {
  session.stopChanges?.();
  session.socket?.dispose();
  const url = new URL(session.endpoint, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  session.socket = globalThis.graphqlWs.createClient({
    url: url.href,
    connectionParams: () => (session.authorization ? { authorization: session.authorization } : {}),
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connected: () => setLive('open', 'on'),
      closed: () => setLive('closed', 'reconnecting'),
    },
  });
  session.stopChanges = session.socket.subscribe(
    { query: QUERIES.changes },
    {
      next: ({ data, errors }) => {
        if (errors?.length) return showError(`${errors[0].extensions?.code ?? 'ERROR'}: ${errors[0].message}`);
        renderChange(data.vmsChanged);
        refreshSoon();
      },
      error: (e) => failed(e instanceof Error ? e : new Refusal('SUBSCRIPTION', String(e?.reason ?? e?.message ?? e))),
      complete: () => setLive('closed', 'ended'),
    },
  );
}

function failed(error) {
  if (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') {
    page.signin.hidden = false;
    page.signinError.textContent = session.authorization ? error.message : '';
    return;
  }
  showError(`${error.code ?? 'ERROR'}: ${error.message}`);
}

/** Basic credentials in UTF-8 (btoa alone takes Latin-1 only). */
function basic(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** Which dialect, then everything; anything refused asks for credentials. */
async function start() {
  try {
    const { api } = await ask(QUERIES.dialect);
    session.v4 = api.__typename === 'Api';
  } catch (e) {
    return failed(e);
  }
  page.signin.hidden = true;
  showError(undefined);
  page.where.textContent = `${new URL(session.endpoint, location.href).href} · API ${session.v4 ? 'v4' : 'v3'}`;
  await refreshAll();
  subscribeToChanges();
  clearInterval(session.timer);
  session.timer = setInterval(refreshAll, session.refreshSeconds * 1000);
}

page.signin.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(page.signin);
  session.authorization = basic(form.get('username'), form.get('password'));
  page.signin.reset();
  start();
});

/** config.json says where the GraphQL endpoint is (the server that serves this page writes it). */
fetch('config.json')
  .then((res) => (res.ok ? res.json() : {}))
  .catch(() => ({}))
  .then((config) => {
    if (typeof config.endpoint === 'string') session.endpoint = config.endpoint;
    if (Number(config.refreshSeconds) > 0) session.refreshSeconds = Number(config.refreshSeconds);
    start();
  });
