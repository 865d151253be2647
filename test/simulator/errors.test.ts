import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModel } from '../../src/model/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { readDocument } from '../../src/xml/index.ts';
import { api, firstId, simulator, until, validate } from '../helpers.ts';

const parses = (xml: string) => {
  try {
    readDocument(bundledModel(), xml);
    return true;
  } catch {
    return false;
  }
};

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ maxBodyBytes: 64 * 1024, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
});
afterAll(async () => {
  await sim.close();
});

const anyVm = async () => firstId((await api(sim, 'GET', '/vms;max=1')).text, 'vm');

describe('errors a real engine gives', () => {
  it('404 with an empty body for unknown ids and paths; 400 text for malformed ids', async () => {
    const unknown = await api(sim, 'GET', '/vms/11111111-2222-4333-8444-555555555555');
    expect([unknown.status, unknown.text]).toEqual([404, '']);
    expect((await api(sim, 'GET', '/nosuch')).status).toBe(404);
    const bad = await api(sim, 'GET', '/vms/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('text/plain');
  });

  it('405 with Allow for the wrong method, 415 for a wrong Content-Type', async () => {
    const r = await api(sim, 'PUT', '/vms', { body: '<vms/>' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, POST');
    expect((await api(sim, 'DELETE', '')).status).toBe(405);
    const wrongType = await api(sim, 'POST', '/vms', { body: '{"vm":{}}', headers: { 'content-type': 'application/json' } });
    expect(wrongType.status).toBe(415);
  });

  it('400 with a usage message for unparseable bodies, garbage bytes and DOCTYPEs', async () => {
    for (const body of [
      '<vm><name>x</vm>',
      '\u0000\u0001\u00ff garbage',
      '<!DOCTYPE vm [<!ENTITY x "y">]><vm><name>&x;</name></vm>',
      '<host><name>x</name></host>',
    ]) {
      const r = await api(sim, 'POST', '/vms', { body });
      expect(r.status).toBe(400);
      expect(r.text).toContain('<usage_message><message>Request syntactically incorrect.');
      expect(r.text).toContain('<detailedLink href="vms" rel="add"><description>');
      expect(r.text).toContain('<name>vm.cluster.id|name</name>');
      expect((await validate(r.text)).ours).toEqual([]);
    }
  });

  it('400 Incomplete parameters naming what is missing', async () => {
    const r = await api(sim, 'POST', '/vms', { body: '<vm><name>incomplete</name></vm>' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(
      '<fault><reason>Incomplete parameters</reason><detail>VM [template.id|name, cluster.id|name] required for add</detail></fault>',
    );
  });

  it('409 for names in use and immutable fields; partial updates change only what was sent', async () => {
    const id = await anyVm();
    const name = /<name>([^<]+)<\/name>/.exec((await api(sim, 'GET', `/vms/${id}`)).text)![1];
    const dup = await api(sim, 'POST', '/vms', {
      body: `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`,
    });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]');
    const imm = await api(sim, 'PUT', `/vms/${id}`, { body: '<vm id="11111111-2222-4333-8444-555555555555"/>' });
    expect(imm.status).toBe(409);
    expect(imm.text).toContain('<reason>Broken immutability constraint</reason><detail>Attempt to set immutable field: id</detail>');
    const before = (await api(sim, 'GET', `/vms/${id}`)).text;
    const upd = await api(sim, 'PUT', `/vms/${id}`, {
      body: '<vm><description>updated</description><high_availability><enabled>true</enabled></high_availability></vm>',
    });
    expect(upd.status).toBe(200);
    expect(upd.text).toContain('<description>updated</description>');
    expect(upd.text).toContain('<high_availability><enabled>true</enabled><priority>0</priority></high_availability>');
    expect(/<memory>(\d+)/.exec(upd.text)![1]).toBe(/<memory>(\d+)/.exec(before)![1]);
  });

  it('400 Invalid value for enumeration fields, changing nothing', async () => {
    const r = await api(sim, 'POST', '/vms', {
      body: '<vm><name>bad-enum</name><type>mainframe</type><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>',
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain(
      '<reason>Invalid value</reason><detail>mainframe is not a member of VmType. Possible values for VmType are: desktop, server</detail>',
    );
    expect((await api(sim, 'GET', '/vms?search=name%3Dbad-enum')).text).not.toContain('<vm ');
    const id = await anyVm();
    const disk = firstId((await api(sim, 'GET', `/vms/${id}/disks`)).text, 'disk');
    const bad = await api(sim, 'PUT', `/vms/${id}/disks/${disk}`, { body: '<disk><interface>scsi-3000</interface></disk>' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('is not a member of DiskInterface');
    expect((await api(sim, 'GET', `/vms/${id}/disks/${disk}`)).text).toContain('<interface>virtio</interface>');
    const upper = await api(sim, 'PUT', `/vms/${id}`, { body: '<vm><type>DESKTOP</type></vm>' });
    expect(upper.status).toBe(200);
    expect(upper.text).toContain('<type>desktop</type>');
  });

  it('400 for a non-numeric max and for malformed searches, naming the problem', async () => {
    expect((await api(sim, 'GET', '/vms;max=ten')).status).toBe(400);
    for (const q of ['name=', 'and name=x', 'nosuchfield=1', 'name=x sortby', 'name=x page zero']) {
      const r = await api(sim, 'GET', `/vms?search=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      expect(r.text).toContain('Search query is invalid');
    }
  });

  it('413 for oversized bodies', async () => {
    const big = await api(sim, 'POST', '/vms', { body: `<vm><description>${'x'.repeat(100 * 1024)}</description></vm>` });
    expect(big.status).toBe(413);
    expect((await api(sim, 'GET', '/clusters')).status).toBe(200);
  });
  it('drops a client that stalls mid-request and keeps serving others', async () => {
    const slow = await simulator({ vms: 5, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const s = connect(slow.port, '127.0.0.1', () => s.write('GET /api HTTP/1.1\r\nHost: x\r\n'));
        s.resume(); // read what the server sends, so its close reaches us
        s.on('close', () => resolve(true));
        s.on('error', () => resolve(true));
        setTimeout(() => {
          s.destroy();
          resolve(false);
        }, 10_000).unref();
      });
      expect(closed).toBe(true);
      expect((await api(slow, 'GET', '/clusters')).status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});

describe('search, max, paging, detail and events', () => {
  const names = (xml: string, el = 'vm') =>
    [...xml.matchAll(new RegExp(`<${el} href="[^"]+" id="[^"]+">(?:<actions>.*?</actions>)?<name>([^<]+)</name>`, 'g'))].map((m) => m[1]);

  it('wildcards, and/or, case sensitivity, sortby and page', async () => {
    const web = names((await api(sim, 'GET', '/vms?search=name%3Dweb-*')).text);
    expect(web.length).toBeGreaterThan(0);
    expect(web.every((n) => n.startsWith('web-'))).toBe(true);
    expect(names((await api(sim, 'GET', '/vms?search=name%3DWEB-*')).text)).toEqual([]);
    expect(names((await api(sim, 'GET', '/vms;case_sensitive=false?search=name%3DWEB-*')).text)).toEqual(web);
    const both = names((await api(sim, 'GET', `/vms?search=${encodeURIComponent('name=web-* or name=db-*')}`)).text);
    expect(both.length).toBeGreaterThan(web.length);
    const upWeb = names((await api(sim, 'GET', `/vms?search=${encodeURIComponent('name=web-* and status=up')}`)).text);
    expect(upWeb.every((n) => web.includes(n))).toBe(true);
    const sorted = names((await api(sim, 'GET', `/vms?search=${encodeURIComponent('sortby name desc')}`)).text);
    expect(sorted).toEqual([...sorted].sort().reverse());
    const page2 = names((await api(sim, 'GET', `/vms;max=5?search=${encodeURIComponent('sortby name asc page 2')}`)).text);
    const all = names((await api(sim, 'GET', `/vms?search=${encodeURIComponent('sortby name asc')}`)).text);
    expect(page2).toEqual(all.slice(5, 10));
    expect(names((await api(sim, 'GET', '/vms;max=3')).text)).toHaveLength(3);
    expect((await api(sim, 'GET', '/vms?search=name%3Dnothing-matches')).text).toMatch(/<vms\/>$/);
  });

  it('cross-object terms on hosts and cluster/datacenter terms on VMs', async () => {
    const hosts = await api(sim, 'GET', '/hosts?search=vms.status%3Dup');
    expect(names(hosts.text, 'host').length).toBeGreaterThan(0);
    const inDefault = await api(sim, 'GET', '/vms?search=cluster%3DDefault');
    expect(names(inDefault.text).length).toBeGreaterThan(0);
    expect((await api(sim, 'GET', '/vms?search=datacenter%3DDefault')).status).toBe(200);
  });

  it('inlines sub-collections with detail, in the Accept header or as a parameter', async () => {
    const plain = (await api(sim, 'GET', '/vms;max=2')).text;
    expect(plain).not.toContain('<disks>');
    const detailed = (await api(sim, 'GET', '/vms;max=2', { headers: { accept: 'application/xml; detail=disks+nics+statistics' } })).text;
    expect(detailed).toMatch(/<disks><disk href=/);
    expect(detailed).toMatch(/<nics><nic href=/);
    expect(detailed).toMatch(/<statistics><statistic href=[^>]+><name>memory.installed/);
    const separate = (await api(sim, 'GET', '/vms;max=2', { headers: { accept: 'application/xml; detail=disks; detail=nics' } })).text;
    expect(separate).toMatch(/<disks><disk href=/);
    expect((await api(sim, 'GET', '/hosts;max=1?detail=statistics')).text).toContain('<name>cpu.load.avg.5m</name>');
  });

  it('statistics move over time', async () => {
    const up = firstId((await api(sim, 'GET', '/vms?search=status%3Dup')).text, 'vm');
    const read = async () =>
      /<name>cpu.current.total<\/name>[\s\S]*?<datum>([^<]+)/.exec((await api(sim, 'GET', `/vms/${up}/statistics`)).text)![1];
    const first = await read();
    await until(async () => (await read()) !== first, 10_000);
  });

  it('events come newest first and ;from= returns only later ones', async () => {
    const last = firstId((await api(sim, 'GET', '/events;max=1')).text, 'event');
    const vm = firstId((await api(sim, 'GET', '/vms?search=status%3Ddown')).text, 'vm');
    await api(sim, 'POST', `/vms/${vm}/start`, { body: '<action/>' });
    const newer = (await api(sim, 'GET', `/events;from=${last}`)).text;
    const ids = [...newer.matchAll(/<event href="[^"]+" id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((i) => i > Number(last))).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe('fault injection', () => {
  it('injects each fault kind, counts it, and keeps serving', async () => {
    for (const kind of ['503', 'reset', 'truncated', 'malformed', 'slow'] as const) {
      sim.configure({ faults: { rate: 1, kinds: [kind], slowMs: 300 } });
      let outcome: string;
      try {
        const r = await api(sim, 'GET', '/clusters');
        outcome = r.status === 503 ? '503' : parses(r.text) ? 'complete' : 'broken';
      } catch {
        outcome = 'reset';
      }
      const expected = { '503': '503', reset: 'reset', truncated: 'broken', malformed: 'broken', slow: 'complete' }[kind];
      expect(outcome, kind).toBe(expected);
    }
    sim.configure({ faults: { rate: 0, kinds: ['503'], slowMs: 300 } });
    const s = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { faultsInjected: Record<string, number> };
    expect(Object.keys(s.faultsInjected).sort()).toEqual(['503', 'malformed', 'reset', 'slow', 'truncated']);
    expect((await api(sim, 'GET', '/clusters')).status).toBe(200);
  });

  it('rejects bad configuration without changing anything', async () => {
    const r = await fetch(`${sim.url}/__simulator/config`, { method: 'POST', body: JSON.stringify({ faults: { rate: 2 } }) });
    expect(r.status).toBe(400);
    expect(sim.options.faults.rate).toBe(0);
  });
});

describe('size', () => {
  it('builds a 10,000-VM inventory', async () => {
    const big = await simulator({ vms: 10_000, hosts: 50, clusters: 10, transitionMs: 1000 });
    try {
      expect(big.engine.store.table('vms').size).toBeGreaterThanOrEqual(10_000);
      const r = await api(big, 'GET', '/vms;max=2?search=name%3Dweb-09*');
      expect(r.status).toBe(200);
    } finally {
      await big.close();
    }
  });
});
