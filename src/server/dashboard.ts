/**
 * The example fleet dashboard (examples/dashboard/) at /dashboard/, served
 * with the explorer (the `landingPage` setting: on in development, so
 * `npm start` shows it with nothing else to run).
 *
 * Same origin as /graphql, so the page needs no CORS and runs under the
 * explorer's content policy (its own files only). It gets graphql-ws from
 * the browser files the package ships (explorer-assets.ts) and learns where
 * to ask from config.json, written here; the same page on another origin
 * gets both from examples/dashboard/serve.mjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import { EXPLORER_ASSETS_DIR } from './explorer-assets.ts';

const DASHBOARD_DIR = fileURLToPath(new URL('../../examples/dashboard/', import.meta.url));

/** The page's files by the name they are served under, with where each is and its content type. */
const FILES: ReadonlyMap<string, { path: string; type: string }> = new Map([
  ['index.html', { path: join(DASHBOARD_DIR, 'index.html'), type: 'text/html' }],
  ['dashboard.js', { path: join(DASHBOARD_DIR, 'dashboard.js'), type: 'text/javascript' }],
  ['dashboard.css', { path: join(DASHBOARD_DIR, 'dashboard.css'), type: 'text/css' }],
  ['graphql-ws.js', { path: join(EXPLORER_ASSETS_DIR, 'graphql-ws.js'), type: 'text/javascript' }],
]);

const PREFIX = '/dashboard/';

/** Serves the dashboard below /dashboard/, asking `endpoint` (a path of this server). */
export function serveDashboard(app: express.Express, endpoint: string): void {
  const cache = new Map<string, Buffer>();
  // Its files are named relative to the page, so the page's URL ends in a slash (Express matches both here).
  app.get('/dashboard', (req, res, next) => (req.path.endsWith('/') ? next() : res.redirect(301, PREFIX)));
  app.get(`${PREFIX}config.json`, (_req, res) => {
    res.set('cache-control', 'no-store').json({ endpoint });
  });
  app.get([PREFIX, `${PREFIX}:file`], (req, res) => {
    const name = req.params.file === undefined ? 'index.html' : String(req.params.file);
    const file = FILES.get(name);
    if (!file) {
      res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    let body = cache.get(name);
    if (!body) cache.set(name, (body = readFileSync(file.path)));
    res.set({ 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-cache' }).send(body);
  });
}
