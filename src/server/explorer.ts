/**
 * The explorer a browser gets at /graphql: GraphiQL, served from this
 * package's own copy of React, GraphiQL and graphql-ws's browser builds
 * (explorer-assets.ts), so it works where engines usually are, on
 * networks without internet. Apollo's Sandbox, which loads from Apollo's CDN,
 * stays one link away for those who can reach it.
 *
 * Queries and mutations go over HTTP, subscriptions over graphql-ws on the
 * same URL; both carry the headers set in the explorer's header editor, so a
 * person can work as themselves (`{"authorization": "Basic …"}`): HTTP sends
 * them as headers, the WebSocket as its connection parameters (one socket per
 * distinct set of headers).
 *
 * What keeps the page from being used against the person at it:
 * - Credentials are taken only from what the person types into the header
 *   editor, never from the URL (a link could make them work as someone
 *   else), and kept in the tab's memory, never in the browser's storage.
 * - The page runs only its own files: no inline script, a Content-Security-
 *   Policy that allows this origin alone, `frame-ancestors 'none'` and
 *   `X-Frame-Options: DENY` (no framing, so no clickjacking of a prefilled
 *   mutation), `nosniff` (securityHeaders, applied to every answer).
 * - Asset names are looked up in a map of the files there are; anything else
 *   (`__proto__`, `constructor`) is 404.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type express from 'express';
import helmet from 'helmet';
import { EXPLORER_ASSETS, EXPLORER_ASSETS_DIR } from './explorer-assets.ts';

/**
 * Security headers for every answer of the server (helmet): the explorer's
 * policy allows scripts, styles, fonts, images and connections of this
 * origin only (GraphiQL sets inline styles on its panes, so styles may be
 * inline), and no page may frame any of it.
 */
export function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // TLS is the terminator's: it decides about HSTS.
    strictTransportSecurity: false,
  });
}

const PREFIX = '/explorer/';

/** Serves the explorer's files below /explorer/ and the page at `path` to browsers (HTML wanted, GET). */
export function serveExplorer(app: express.Express, path: string, dialect: 'v3' | 'v4'): void {
  const cache = new Map<string, Buffer>();
  app.get(`${PREFIX}explorer.js`, (_req, res) => {
    res.set({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).send(script(path, SAMPLES[dialect]));
  });
  app.get(`${PREFIX}:file`, (req, res) => {
    const name = String(req.params.file);
    const asset = EXPLORER_ASSETS.get(name);
    if (!asset) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    let body = cache.get(name);
    if (!body) cache.set(name, (body = readFileSync(join(EXPLORER_ASSETS_DIR, name))));
    res.set({ 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' }).send(body);
  });
  app.get(path, (req, res, next) => {
    // A browser navigating here asks for HTML; a GraphQL GET asks for JSON and goes on to Apollo.
    if (!/text\/html/.test(String(req.headers.accept ?? ''))) return next();
    res.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(PAGE);
  });
}

/**
 * Without the explorer, a browser navigating to the endpoint still gets a
 * page saying what is here and how to ask, not a JSON error about CSRF.
 */
export function serveEndpointPage(app: express.Express, path: string): void {
  app.get(path, (req, res, next) => {
    if (!/text\/html/.test(String(req.headers.accept ?? ''))) return next();
    res.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(ENDPOINT_PAGE);
  });
}

const ENDPOINT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rhev-graphql</title>
<style>body{font:15px/1.6 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#1f2937}code{background:#f3f4f6;padding:1px 5px;border-radius:4px}</style>
</head>
<body>
<h1>rhev-graphql</h1>
<p>This is a GraphQL endpoint. Send queries as <code>POST</code> with <code>content-type: application/json</code>,
or subscribe over WebSocket (graphql-ws) at this same address.</p>
<p>The explorer is off on this server (it is, unless asked, when <code>NODE_ENV=production</code>);
<code>--landing-page</code> or <code>RHEV_LANDING_PAGE=true</code> turns it on.</p>
</body>
</html>
`;

/** What the explorer opens with: a dashboard's query in the dialect served, ready to run. */
const SAMPLES: Record<'v3' | 'v4', string> = {
  v4: `# rhev-graphql serves API v4 here. Run this with the ▶ button; the Docs pane lists every type.
# To ask as yourself, set Headers: {"authorization": "Basic <base64 of user@domain:password>"}
query Dashboard {
  vms(max: 20) {
    name
    status
    cluster { name dataCenter { name } }
    host { name }
    disks { name provisionedSize }
    nics { name mac { address } }
  }
}
`,
  v3: `# rhev-graphql serves API v3 here. Run this with the ▶ button; the Docs pane lists every type.
# To ask as yourself, set Headers: {"authorization": "Basic <base64 of user@domain:password>"}
query Dashboard {
  vms(max: 20) {
    name
    status { state }
    cluster { name dataCenter { name } }
    host { name }
    disks { name provisionedSize }
    nics { name mac { address } }
  }
}
`,
};

/** The page: nothing inline but styles; its script is a file of its own (the policy allows no inline script). */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rhev-graphql explorer</title>
<link rel="stylesheet" href="${PREFIX}graphiql.css">
<style>body{margin:0;height:100vh;display:flex;flex-direction:column}#explorer{flex:1}
#bar{font:13px/1.6 system-ui,sans-serif;padding:6px 12px;background:#1f2937;color:#e5e7eb;display:flex;gap:.6em;align-items:center}
#bar strong{color:#fff}#bar code{background:#374151;color:#f9fafb;padding:1px 5px;border-radius:4px;font-size:12px}
#bar a{color:#93c5fd}#bar .rest{margin-left:auto}</style>
</head>
<body>
<div id="bar"><strong>rhev-graphql</strong><span>set <code>{"authorization": "Basic …"}</code> in Headers to work as yourself (kept in this tab only)</span>
<span class="rest"><a id="sandbox" href="#" rel="noopener noreferrer">Apollo Sandbox</a> (needs internet)</span></div>
<div id="explorer"></div>
<script src="${PREFIX}react.js"></script>
<script src="${PREFIX}react-dom.js"></script>
<script src="${PREFIX}graphql-ws.js"></script>
<script src="${PREFIX}graphiql.js"></script>
<script src="${PREFIX}explorer.js"></script>
</body>
</html>
`;

/** The page's own script: GraphiQL with a fetcher for HTTP and graphql-ws. */
function script(path: string, sample: string): string {
  return `(function () {
  var httpUrl = new URL(${JSON.stringify(path)}, location.href).href;
  var wsUrl = httpUrl.replace(/^http/, 'ws');
  document.getElementById('sandbox').href = 'https://studio.apollographql.com/sandbox/explorer?endpoint=' + encodeURIComponent(httpUrl);
  var clients = {};
  function wsClient(headers) {
    var key = JSON.stringify(headers || {});
    if (!clients[key]) clients[key] = graphqlWs.createClient({ url: wsUrl, connectionParams: headers || {}, lazy: true });
    return clients[key];
  }
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    var isSubscription = /^\\s*subscription\\b/.test(params.query || '') ||
      (params.operationName && new RegExp('subscription\\\\s+' + params.operationName + '\\\\b').test(params.query || ''));
    if (!isSubscription) {
      return fetch(httpUrl, {
        method: 'POST',
        headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers),
        body: JSON.stringify(params),
      }).then(function (r) { return r.json(); });
    }
    var client = wsClient(headers);
    return {
      subscribe: function (sink) {
        var dispose = client.subscribe(params, {
          next: function (v) { sink.next(v); },
          error: function (e) { sink.error(e); },
          complete: function () { sink.complete(); },
        });
        return { unsubscribe: dispose };
      },
    };
  }
  // ?query= prefills the query (a link can carry one); whom to ask as is never taken from a link.
  var initial = new URLSearchParams(location.search).get('query') || ${JSON.stringify(sample)};
  // Headers live in this tab's memory: nothing of them goes to the browser's storage.
  var memory = {};
  var storage = {
    getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
    setItem: function (k, v) { memory[k] = String(v); },
    removeItem: function (k) { delete memory[k]; },
    clear: function () { memory = {}; },
    get length() { return Object.keys(memory).length; },
  };
  ReactDOM.createRoot(document.getElementById('explorer')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher, defaultQuery: initial, query: initial,
      isHeadersEditorEnabled: true, shouldPersistHeaders: false, storage: storage,
    })
  );
})();
`;
}
