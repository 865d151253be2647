/**
 * Which of API v4's writes the simulator serves (docs/protocol.md §13.3):
 * every POST the v4 model has (adds to collections, actions) and whether a
 * request for it reaches a rule that does what the engine does, or is
 * answered 405 (an add with nowhere to keep what it makes) or 404 (an
 * action without a handler, a service without a route).
 *
 * The list is computed, so the documentation of the gaps cannot drift from
 * the simulator: a test compares the two.
 */
import { bundledV4Model, bundledV4ModelText, type EngineModelJson, parseModelJson, readServices } from '../model/index.ts';
import { actionHandler } from './actions/index.ts';
import { ADD_ONLY } from './collections/imports.ts';
import { v3TypeName, v4Routes, walk } from './routes.ts';

/** One POST of the v4 model: its URL template as the model gives it, and how the simulator answers it. */
export interface PostCoverage {
  readonly path: string;
  readonly served: boolean;
  /** For what is not served: 405 (add) or 404 (action, or a service with no route). */
  readonly status?: 405 | 404;
}

/** Every POST of API v4 and whether the simulator serves it, in the model's order. */
export function v4PostCoverage(model: EngineModelJson = bundledV4ModelJson()): PostCoverage[] {
  const out: PostCoverage[] = [];
  const routed = new Set<string>();
  walk(v4Routes().root, (s) => {
    const key = s.key;
    routed.add(key);
    if (s.add) {
      const kept = !!s.behaviour.add || (!!s.source.table && !key.includes('/')) || (!!s.source.sub && key.includes('/'));
      out.push({ path: key, served: kept, status: kept ? undefined : 405 });
    }
    for (const a of [...s.actions, ...s.collectionActions]) {
      const owner = s.collectionActions.includes(a) ? s.collection : v3TypeName(s.type);
      const has = !!actionHandler(owner, a.name);
      const path = s.collectionActions.includes(a) ? `${key}/${a.name}` : `${key}/{id}/${a.name}`;
      routed.add(path);
      out.push({ path, served: has, status: has ? undefined : 404 });
    }
  });
  // POSTs of services the route table has no collection for (a service that only adds).
  const xsd = bundledV4Model();
  for (const op of readServices(xsd, model)) {
    if (op.method !== 'POST') continue;
    const path = op.href.replace(/\{[a-z_]+:id\}/g, '{id}').replace(/^\//, '');
    if (routed.has(path) || routed.has(path.replace(/\/[a-z]+$/, '')) || out.some((c) => c.path === path)) continue;
    const served = Object.hasOwn(ADD_ONLY, path);
    out.push({ path, served, status: served ? undefined : 404 });
  }
  return out;
}

let cached: EngineModelJson | undefined;
function bundledV4ModelJson(): EngineModelJson {
  cached ??= parseModelJson(bundledV4ModelText(), 'api/v4/model.json');
  return cached;
}
