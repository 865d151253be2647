/**
 * How the simulator sends a list (src/simulator/streaming.ts): as the
 * engine's application server does, a short answer whole with its length,
 * a long one as a chunked stream written a buffer at a time; either way the
 * same document, counted in the statistics, and a fault injected into a
 * streamed answer still lands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledV4Model } from '../../src/model/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { readDocument } from '../../src/xml/index.ts';
import { api, simulator } from '../helpers.ts';

describe('lists sent as they are written', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator({ vms: 600, hosts: 8, dialects: 'v4' });
  });
  afterAll(() => sim.close());

  const v4 = { root: '/ovirt-engine/api' };

  it('sends a short list whole, with its length, and a long one chunked, as one document either way', async () => {
    const short = await api(sim, 'GET', '/vms?max=2', v4);
    expect(short.headers.get('content-length')).toBe(String(Buffer.byteLength(short.text)));
    expect(short.headers.get('transfer-encoding')).toBeNull();
    const long = await api(sim, 'GET', '/vms?follow=disk_attachments.disk,nics', v4);
    expect(Buffer.byteLength(long.text)).toBeGreaterThan(1024 * 1024);
    expect(long.headers.get('content-length')).toBeNull();
    expect(long.headers.get('transfer-encoding')).toBe('chunked');
    const doc = readDocument(bundledV4Model(), long.text);
    expect(doc.root).toBe('vms');
    expect(doc.value.vm.length).toBe(sim.engine.store.table('vms').size);
    expect(doc.value.vm[0].disk_attachments.disk_attachment[0].disk.id).toBeTruthy();
  });

  it('counts a streamed answer in its statistics: one request, all of its bytes', async () => {
    await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' });
    const long = await api(sim, 'GET', '/vms?follow=nics', v4);
    const stats = (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number; bytes: number };
    expect(stats.requests).toBe(1);
    expect(stats.bytes).toBe(Buffer.byteLength(long.text));
  });

  it('still answers an unknown follow= with its fault, before anything is sent', async () => {
    const r = await api(sim, 'GET', '/vms?follow=nowhere', v4);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/<fault>/);
  });

  it('injects a fault into a streamed answer as into any other', async () => {
    sim.configure({ faults: { rate: 1, kinds: ['truncated'], slowMs: 0 } });
    try {
      const r = await api(sim, 'GET', '/vms?follow=disk_attachments.disk,nics', v4);
      expect(r.text.length).toBeGreaterThan(0);
      expect(() => readDocument(bundledV4Model(), r.text)).toThrow();
    } finally {
      sim.configure({ faults: { rate: 0, kinds: [], slowMs: 0 } });
    }
  });
});
