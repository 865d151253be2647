/**
 * The explorer a browser gets at /graphql: GraphiQL, served from this
 * package's own dependencies (React, GraphiQL and graphql-ws as the files
 * they publish for browsers), so it works where engines usually are, on
 * networks without internet. Apollo's Sandbox, which loads from Apollo's CDN,
 * stays one link away for those who can reach it.
 *
 * Queries and mutations go over HTTP, subscriptions over graphql-ws on the
 * same URL; both carry the headers set in the explorer's header editor, so a
 * person can work as themselves (`{"authorization": "Basic …"}`): HTTP sends
 * them as headers, the WebSocket as its connection parameters (one socket per
 * distinct set of headers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type express from 'express';

const require = createRequire(import.meta.url);

/** The browser files the explorer is made of, by the name it serves them under. */
const ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'graphql-ws.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' },
};

/** A package's own folder: where its main module is, up to its package.json (its exports may not list these files). */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${pkg}`);
    dir = up;
  }
  return dir;
}

const PREFIX = '/explorer/';

/** Serves the explorer's files below /explorer/ and the page at `path` to browsers (HTML wanted, GET). */
export function serveExplorer(app: express.Express, path: string): void {
  const cache = new Map<string, Buffer>();
  app.get(`${PREFIX}:file`, (req, res) => {
    const asset = ASSETS[String(req.params.file)];
    if (!asset) {
      res.status(404).end();
      return;
    }
    const key = `${asset.pkg}/${asset.file}`;
    let body = cache.get(key);
    if (!body) cache.set(key, (body = readFileSync(join(packageDir(asset.pkg), asset.file))));
    res.set({ 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' }).send(body);
  });
  app.get(path, (req, res, next) => {
    // A browser navigating here asks for HTML; a GraphQL GET asks for JSON and goes on to Apollo.
    if (!/text\/html/.test(String(req.headers.accept ?? ''))) return next();
    res.set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(page(path));
  });
}

function page(path: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rhev-graphql explorer</title>
<link rel="stylesheet" href="${PREFIX}graphiql.css">
<style>body{margin:0;height:100vh;display:flex;flex-direction:column}#explorer{flex:1}#bar{font:13px sans-serif;padding:4px 8px;background:#f3f3f3}</style>
</head>
<body>
<div id="bar">rhev-graphql · set <code>{"authorization": "Basic …"}</code> in Headers to work as yourself ·
<a id="sandbox" href="#">Apollo Sandbox</a> (needs internet)</div>
<div id="explorer"></div>
<script src="${PREFIX}react.js"></script>
<script src="${PREFIX}react-dom.js"></script>
<script src="${PREFIX}graphql-ws.js"></script>
<script src="${PREFIX}graphiql.js"></script>
<script>
(function () {
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
  // ?query= and ?headers= prefill the editors (a link can carry a query, and whom to ask as).
  var search = new URLSearchParams(location.search);
  var initial = search.get('query') || undefined;
  var headers = search.get('headers') || undefined;
  ReactDOM.createRoot(document.getElementById('explorer')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher, defaultQuery: initial, query: initial, defaultHeaders: headers, headers: headers,
      isHeadersEditorEnabled: true, shouldPersistHeaders: true,
    })
  );
})();
</script>
</body>
</html>
`;
}
