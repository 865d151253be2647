/**
 * The browser files the explorer (and the example dashboard) are made of:
 * React, GraphiQL and graphql-ws as the builds they publish for browsers.
 *
 * They are copied at build time (`npm run build`, scripts/copy-explorer-
 * assets.ts) into dist/explorer/, each beside its package's licence, so an
 * installed rhev-graphql serves them without React or GraphiQL among its
 * dependencies (those are the build's). The same folder is found from
 * src/server/ and from dist/server/: both are two levels below the package.
 */
import { fileURLToPath } from 'node:url';

export interface ExplorerAsset {
  /** The package it comes from, and its file there. */
  readonly pkg: string;
  readonly file: string;
  /** The content type it is served with. */
  readonly type: 'text/javascript' | 'text/css';
}

/** The files by the name they are served under (a Map: no inherited names such as `__proto__`). */
export const EXPLORER_ASSETS: ReadonlyMap<string, ExplorerAsset> = new Map([
  ['react.js', { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' }],
  ['react-dom.js', { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' }],
  ['graphiql.js', { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' }],
  ['graphiql.css', { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' }],
  ['graphql-ws.js', { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' }],
]);

/** Where the build puts them. */
export const EXPLORER_ASSETS_DIR = fileURLToPath(new URL('../../dist/explorer/', import.meta.url));
