/**
 * The simulator as a v4 engine: which dialect each root and Version header
 * gets, the SSO service (tokens, Bearer, logout, Basic after a challenge),
 * its self-description (`?schema`, `/model.json`), and every GET route of
 * its v4 route table answering a document valid against the v4 schema (ours,
 * and the engine's own 4.6 schema where ../shared exists).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiModel, bundledV4ApiModel, bundledV4Model, parseModelJson, readServices } from '../../src/model/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { v4Routes, walk } from '../../src/simulator/routes.ts';
import { api, basic, SMALL, simulator, stats, validateMany } from '../helpers.ts';

const V4 = '/ovirt-engine/api';
const get = (sim: Simulator, path: string, headers: Record<string, string> = {}) => api(sim, 'GET', path, { root: V4, headers });

async function token(sim: Simulator, form: Record<string, string>) {
  const res = await fetch(`${sim.url}/ovirt-engine/sso/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

const password = { grant_type: 'password', scope: 'ovirt-app-api', username: 'admin@internal', password: 'admin' };

describe('dialects by root and Version header', () => {
  it('fills in the entry point summary for administrators only: empty unfiltered for a user, absent filtered', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const as = (user: 'admin' | 'user', filter: boolean) =>
        api(sim, 'GET', '', { root: V4, user, headers: filter ? { filter: 'true' } : {} }).then((r) => r.text);
      expect(await as('admin', false)).toMatch(/<summary><hosts><active>\d+<\/active><total>\d+<\/total><\/hosts>/);
      const user = await as('user', false);
      expect(user).toContain('<summary>');
      expect(user).not.toMatch(/<total>/);
      expect(await as('user', true)).not.toContain('<summary>');
    } finally {
      await sim.close();
    }
  });

  it('says which release it is: 4.3 in both dialects when it speaks both, 4.5 when only v4, RHEV 3.6 when only v3', async () => {
    for (const [dialects, full] of [
      ['both', '4.3.10.4-1.el7'],
      ['v4', '4.5.7-1.el9'],
      ['v3', '3.6.8.1-0.1.el6'],
    ] as const) {
      const sim = await simulator({ ...SMALL, dialects });
      try {
        const root = dialects === 'v3' ? '/api' : V4;
        const asked: Record<string, string>[] = dialects === 'both' ? [{}, { version: '3' }] : [{}];
        for (const headers of asked)
          expect((await api(sim, 'GET', '', { root, headers })).text, `${dialects} ${JSON.stringify(headers)}`).toContain(
            `<full_version>${full}</full_version>`,
          );
      } finally {
        await sim.close();
      }
    }
  });

  it('speaks v4 at /ovirt-engine/api unless asked for v3, as 4.0-4.3 engines do', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'both' });
    try {
      const isV4 = (xml: string) => xml.includes('rel="clusterlevels"') && !xml.includes('rel="capabilities"');
      const isV3 = (xml: string) => xml.includes('rel="capabilities"') && !xml.includes('rel="clusterlevels"');
      expect(isV4((await get(sim, '')).text)).toBe(true);
      expect(isV4((await get(sim, '', { version: '4' })).text)).toBe(true);
      expect(isV3((await get(sim, '', { version: '3' })).text)).toBe(true);
      expect(isV3((await api(sim, 'GET', '', { root: '/ovirt-engine/api/v3' })).text)).toBe(true);
      const v4 = await api(sim, 'GET', '/vms?max=1', { root: '/ovirt-engine/api/v4' });
      // v4 names its resources below /ovirt-engine/api whichever prefix chose it.
      expect(v4.text).toMatch(/<vm href="\/ovirt-engine\/api\/vms\/[0-9a-f-]+" id=/);
      expect(v4.text).toMatch(/<status>(up|down)<\/status>/);
      expect((await api(sim, 'GET', '', { root: '/api' })).status).toBe(404);
      expect(sim.apiUrl).toBe(`${sim.url}/ovirt-engine/api`);
    } finally {
      await sim.close();
    }
  });

  it('speaks only v4 when it is a 4.4 or later engine, and only v3 when it is a 3.6 one', async () => {
    const v4only = await simulator({ ...SMALL, dialects: 'v4' });
    const v3only = await simulator(SMALL);
    try {
      expect((await get(v4only, '', { version: '3' })).text).toContain('rel="clusterlevels"');
      expect((await api(v4only, 'GET', '', { root: '/ovirt-engine/api/v3' })).status).toBe(404);
      expect((await api(v4only, 'GET', '', { root: '/api' })).status).toBe(404);
      expect((await get(v3only, '')).text).toContain('rel="capabilities"');
      expect((await fetch(`${v3only.url}/ovirt-engine/sso/oauth/token`, { method: 'POST' })).status).toBe(404);
    } finally {
      await v4only.close();
      await v3only.close();
    }
  });
});

describe('SSO', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator({ ...SMALL, dialects: 'v4' });
  });
  afterAll(() => sim.close());

  it('gives a Bearer token for the password grant, which the API takes until it is logged out', async () => {
    const { status, json } = await token(sim, password);
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'bearer', scope: 'ovirt-app-api' });
    expect(json.access_token).toMatch(/^[\w-]{20,}$/);
    const bearer = { authorization: `Bearer ${json.access_token}` };
    const before = await stats(sim);
    expect((await get(sim, '/hosts', bearer)).status).toBe(200);
    expect((await get(sim, '/vms', bearer)).status).toBe(200);
    // The token is the login: using it logs nobody in again.
    expect((await stats(sim)).logins).toBe(before.logins);
    const out = await fetch(`${sim.url}/ovirt-engine/services/sso-logout?scope=&token=${encodeURIComponent(json.access_token)}`);
    expect(out.status).toBe(200);
    const after = await get(sim, '/hosts', bearer);
    expect(after.status).toBe(401);
    // The challenge says Basic still works; it does.
    expect(after.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await get(sim, '/hosts', { authorization: basic('admin@internal', 'admin') })).status).toBe(200);
    expect((await stats(sim)).tokensRevoked).toBeGreaterThanOrEqual(1);
  });

  it("filters a user's token as its Basic credentials are filtered (Filter: true)", async () => {
    const { json } = await token(sim, { ...password, username: 'user@internal', password: 'user' });
    const bearer = { authorization: `Bearer ${json.access_token}` };
    const mine = await get(sim, '/vms', { ...bearer, filter: 'true' });
    expect(mine.text.split(/<vm href="[^"]+" id="[^"]+">/).length - 1).toBe(3);
    // Unfiltered, a non-admin user is refused, as with Basic credentials.
    expect((await get(sim, '/vms', bearer)).status).toBe(403);
  });

  it('refuses wrong credentials, other grants and a missing scope with a JSON error', async () => {
    const wrong = await token(sim, { ...password, password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ error_code: 'access_denied' });
    expect(wrong.json.error).toMatch(/admin@internal/);
    expect(JSON.stringify(wrong.json)).not.toContain('nope');
    expect((await token(sim, { ...password, grant_type: 'client_credentials' })).json.error_code).toBe('unsupported_grant_type');
    const { scope: _s, ...noScope } = password;
    expect((await token(sim, noScope)).json.error_code).toBe('invalid_scope');
    expect((await get(sim, '/vms', { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });
});

describe("the v4 engine's self-description", () => {
  it('serves its XSD at ?schema and its model at /model.json, which read to the same API model', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const schema = await get(sim, '?schema');
      expect(schema.status).toBe(200);
      expect(schema.text).toContain('<xs:complexType name="DiskAttachment">');
      const model = await get(sim, '/model.json');
      expect(model.headers.get('content-type')).toBe('application/json');
      const ops = readServices(bundledV4Model(), parseModelJson(model.text, 'model.json'));
      expect(new ApiModel(bundledV4Model(), ops).collections.size).toBe(bundledV4ApiModel().collections.size);
      expect((await get(sim, '?rsdl')).text).toContain('<api>');
    } finally {
      await sim.close();
    }
  });
});

describe('writes on v4', () => {
  it("keeps the engine's rules: unique names, legal values, v4 bodies", async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const list = (await get(sim, '/vms?max=2')).text;
      const [a, b] = [...list.matchAll(/<vm href="[^"]+" id="([^"]+)"><actions>[\s\S]*?<name>([^<]+)<\/name>/g)].map((m) => ({
        id: m[1],
        name: m[2],
      }));
      const put = (id: string, body: string) => api(sim, 'PUT', `/vms/${id}`, { root: V4, body });
      expect((await put(a.id, `<vm><name>${b.name}</name></vm>`)).status).toBe(409);
      expect((await put(a.id, '<vm><type>spaceship</type></vm>')).status).toBe(400);
      const ok = await put(a.id, '<vm><description>from v4</description></vm>');
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('<description>from v4</description>');
      const added = await api(sim, 'POST', '/vms', {
        root: V4,
        body: '<vm><name>v4-made</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>',
      });
      expect(added.status).toBe(201);
      expect(added.text).toMatch(/<status>down<\/status>/);
      expect(await validateMany([{ name: 'added.xml', xml: added.text }], 'v4')).toEqual(new Map());
    } finally {
      await sim.close();
    }
  });
});

describe('follow=', () => {
  it('inlines the links a request names, and what their items reference, in one valid answer', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const before = (await stats(sim)).requests;
      const res = await get(sim, '/vms?max=3&follow=disk_attachments.disk,nics');
      expect(res.status).toBe(200);
      expect((await stats(sim)).requests - before).toBe(1);
      // Top-level VMs open an element; the attachments' and NICs' references to their VM close at once.
      const vms = res.text.split(/<vm href="[^"]+" id="[^"]+">/).slice(1);
      expect(vms).toHaveLength(3);
      for (const vm of vms) {
        expect(vm).toMatch(/<disk_attachments><disk_attachment href="[^"]+\/diskattachments\/[^"]+"/);
        // The attachment's disk is the disk itself, not a reference to it.
        expect(vm).toMatch(/<disk href="\/ovirt-engine\/api\/disks\/[^"]+" id="[^"]+">.*<provisioned_size>\d+<\/provisioned_size>/s);
        expect(vm).toMatch(/<nics><nic href=/);
      }
      expect(await validateMany([{ name: 'followed.xml', xml: res.text }], 'v4')).toEqual(new Map());
      const one = await get(sim, `${/href="\/ovirt-engine\/api(\/vms\/[^"]+)"/.exec(res.text)![1]}?follow=statistics`);
      expect(one.text).toMatch(/<statistics><statistic href=[^>]+><name>[^<]+<\/name>.*?<kind>gauge<\/kind>/s);
      expect((await get(sim, '/vms?follow=nowhere')).status).toBe(400);
      expect((await get(sim, `/vms?follow=${'a.'.repeat(8)}b`)).status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});

/** The items a collection document lists (their paths below the API root). */
function itemsIn(collection: string, xml: string): string[] {
  const prefix = `href="${V4}${collection}/`;
  const out = new Set<string>();
  for (const rest of xml.split(prefix).slice(1)) {
    const id = rest.slice(0, rest.indexOf('"'));
    if (!id.includes('/')) out.add(`${collection}/${id}`);
  }
  return [...out].slice(0, 6);
}

describe('every GET route of the v4 route table', () => {
  it('answers 200 with a document valid against the v4 schema', async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4' });
    try {
      const templates: string[] = [];
      walk(v4Routes().root, (s) => templates.push(s.key, `${s.key}/{id}`));
      const instances = new Map<string, string[]>([['', ['']]]);
      const docs: { name: string; xml: string }[] = [];
      const failures: string[] = [];
      let withItems = 0;
      for (const template of templates) {
        const above = template.replace(/\/[^/]+$/, '');
        const isItem = template.endsWith('{id}');
        const paths: string[] = [];
        let sample: string | undefined;
        for (const parent of instances.get(isItem ? above : template.includes('/') ? above : '') ?? []) {
          const candidates = isItem ? itemsIn(parent, (await get(sim, parent)).text) : [`${parent}/${template.split('/').pop()}`];
          for (const path of candidates) {
            const res = await get(sim, path);
            if (res.status !== 200) {
              failures.push(`GET ${path}: ${res.status} ${res.text.slice(0, 160)}`);
              continue;
            }
            paths.push(path);
            if (!sample || (!isItem && itemsIn(path, res.text).length && !itemsIn(path, sample).length)) sample = res.text;
          }
          if (paths.length >= 6) break;
        }
        instances.set(template, paths);
        if (sample) {
          docs.push({ name: template.replace(/\W+/g, '_') || 'api', xml: sample });
          if (!isItem && itemsIn(paths[0], sample).length) withItems++;
        }
      }
      docs.push({ name: 'entry', xml: (await get(sim, '')).text });
      for (const [file, errors] of await validateMany(docs, 'v4')) failures.push(`${file}: ${errors[0]}`);
      expect(failures).toEqual([]);
      expect(docs.length).toBeGreaterThan(100);
      expect(withItems).toBeGreaterThan(40);
    } finally {
      await sim.close();
    }
  }, 300_000);
});

describe('every action of the v4 route table', () => {
  it("reaches a handler: an answer or the engine's refusal, never 404 or 500, in a valid document", async () => {
    const sim = await simulator({ ...SMALL, dialects: 'v4', transitionMs: 5 });
    try {
      const failures: string[] = [];
      const docs: { name: string; xml: string }[] = [];
      let reached = 0;
      const specs: { key: string; actions: string[] }[] = [];
      walk(v4Routes().root, (spec, depth) => {
        if (depth <= 1 && spec.actions.length) specs.push({ key: spec.key, actions: spec.actions.map((a) => a.name) });
      });
      for (const { key, actions } of specs) {
        // One live item where the collection is: below the first item of its parent, if it has one.
        const parentPath = key.includes('/') ? itemsIn(`/${key.split('/')[0]}`, (await get(sim, `/${key.split('/')[0]}`)).text)[0] : '';
        if (parentPath === undefined) continue;
        const collection = `${parentPath}/${key.split('/').pop()}`;
        const item = itemsIn(collection, (await get(sim, collection)).text)[0];
        if (!item) continue;
        for (const action of actions) {
          const res = await api(sim, 'POST', `${item}/${action}`, { root: V4, body: '<action><async>false</async></action>' });
          // An earlier action may have removed the item (a job cleared): its 404 is the engine's.
          const gone = res.status === 404 && (await get(sim, item)).status === 404;
          if (gone) continue;
          if (res.status === 404 || res.status >= 500) failures.push(`POST ${key}/{id}/${action}: ${res.status} ${res.text.slice(0, 120)}`);
          else {
            reached++;
            if (res.text) docs.push({ name: `${key}_${action}`.replace(/\W+/g, '_'), xml: res.text });
          }
        }
      }
      for (const [file, errors] of await validateMany(docs, 'v4')) failures.push(`${file}: ${errors[0]}`);
      expect(failures).toEqual([]);
      expect(reached).toBeGreaterThan(80);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
