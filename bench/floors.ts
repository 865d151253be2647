/**
 * Scenario 6b: the floors of the v4 1,000-VM dashboard, in one process.
 * What no server can avoid, measured on the same engine answers the server
 * reads (the four lists the dashboard asks for, as the simulator writes
 * them):
 *
 * - *answer*: the answer made from typed objects already in memory by a
 *   hand-written projection (a map per list, a loop per VM) and
 *   JSON.stringify: the floor of a query over shared engine data;
 * - *read*: the four answers read into typed objects by our reader, in
 *   64 KB chunks as they arrive from a socket;
 * - *read and answer*: both, the floor of a query that asks the engine.
 *
 * The server's own figures in section 5 are set against these.
 */
import { bundledV4Model } from '../src/model/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { type Doc, DocumentStream } from '../src/xml/index.ts';
import { measure } from './lib.ts';

export interface FloorsRow {
  vms: number;
  /** The engine's bytes, all four answers. */
  engineMB: number;
  answerMs: number;
  readMs: number;
  readAndAnswerMs: number;
  /** Reading speed, MB/s of the engine's bytes. */
  readMBps: number;
}

const LISTS = ['vms?follow=disk_attachments.disk,nics', 'clusters', 'hosts', 'datacenters'];

export async function floorsScenario(vms: number, reps: number): Promise<FloorsRow> {
  const sim = await startSimulator({ vms, hosts: Math.max(4, Math.round(vms / 50)), clusters: 4, datacenters: 2, port: 0, dialects: 'v4' });
  try {
    const auth = `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`;
    const texts = await Promise.all(
      LISTS.map(async (l) => (await fetch(`${sim.url}/ovirt-engine/api/${l}`, { headers: { authorization: auth, version: '4' } })).text()),
    );
    const model = bundledV4Model();
    const read = () =>
      texts.map((t) => {
        const s = new DocumentStream(model);
        for (let i = 0; i < t.length; i += 65_536) s.write(t.slice(i, i + 65_536));
        return s.end().value as Doc;
      });
    const docs = read();
    const answerMs = measure('answer', 'ms', reps, () => timeOf(() => answer(docs))).median;
    const readMs = measure('read', 'ms', reps, () => timeOf(read)).median;
    const readAndAnswerMs = measure('read and answer', 'ms', reps, () => timeOf(() => answer(read()))).median;
    const engineMB = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
    return { vms: docs[0].vm.length, engineMB, answerMs, readMs, readAndAnswerMs, readMBps: engineMB / (readMs / 1000) };
  } finally {
    await sim.close();
  }
}

function timeOf(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** The dashboard's answer (bench/dashboard.ts QUERIES_V4) from the four lists, written out. */
function answer([vmList, clusterList, hostList, dcList]: Doc[]): string {
  const byId = (items: Doc[] | undefined) => new Map((items ?? []).map((i) => [i.id, i]));
  const clusters = byId(clusterList.cluster);
  const hosts = byId(hostList.host);
  const dcs = byId(dcList.data_center);
  const vms = (vmList.vm as Doc[]).map((vm) => {
    const cluster = clusters.get(vm.cluster?.id);
    const host = hosts.get(vm.host?.id);
    return {
      name: vm.name,
      status: vm.status,
      cluster: cluster ? { name: cluster.name, dataCenter: { name: dcs.get(cluster.data_center?.id)?.name } } : null,
      host: host ? { name: host.name } : null,
      disks: (vm.disk_attachments?.disk_attachment ?? []).map((a: Doc) => ({
        name: a.disk?.name,
        provisionedSize: a.disk?.provisioned_size,
      })),
      nics: (vm.nics?.nic ?? []).map((n: Doc) => ({ name: n.name, mac: n.mac ? { address: n.mac.address } : null })),
    };
  });
  return JSON.stringify({ data: { vms } });
}
