#!/usr/bin/env node
/*
 * Serves the fleet dashboard on an origin of its own, for a subgraph that
 * does not serve it (production, where the explorer and /dashboard/ are
 * off), as a static host would: the page's three files, graphql-ws's
 * browser build that rhev-graphql ships (dist/explorer/), and config.json
 * naming the endpoint. The subgraph must let this origin in:
 *
 *   node examples/dashboard/serve.mjs --endpoint https://graphql.example.com/graphql --port 8080
 *   rhev-graphql serve … --cors-origin http://localhost:8080
 *
 * Its content policy lets the page run its own files only and talk to that
 * endpoint only (HTTP and WebSocket). Node alone: no dependencies.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'refresh-seconds': { type: 'string', default: '30' },
  },
});
if (!args.endpoint) {
  process.stderr.write('usage: serve.mjs --endpoint <the subgraph\'s /graphql URL> [--port 8080] [--host 127.0.0.1] [--refresh-seconds 30]\n');
  process.exit(2);
}
const endpoint = new URL(args.endpoint);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const here = (file) => new URL(file, import.meta.url);
const FILES = new Map([
  ['/', { url: here('index.html'), type: 'text/html' }],
  ['/index.html', { url: here('index.html'), type: 'text/html' }],
  ['/dashboard.js', { url: here('dashboard.js'), type: 'text/javascript' }],
  ['/dashboard.css', { url: here('dashboard.css'), type: 'text/css' }],
  ['/graphql-ws.js', { url: here('../../dist/explorer/graphql-ws.js'), type: 'text/javascript' }],
]);
const config = JSON.stringify({ endpoint: endpoint.href, refreshSeconds: Number(args['refresh-seconds']) });
const policy = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `connect-src 'self' ${endpoint.origin} ${socket.origin}`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://here').pathname;
  const headers = { 'content-security-policy': policy, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
  } else if (path === '/config.json') {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(config);
  } else if (FILES.has(path)) {
    const file = FILES.get(path);
    res.writeHead(200, { ...headers, 'content-type': `${file.type}; charset=utf-8` }).end(readFileSync(file.url));
  } else {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
  }
});
server.listen(Number(args.port), args.host, () => {
  const { port } = server.address();
  process.stdout.write(`dashboard: http://${args.host}:${port}/ asking ${endpoint.href}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
