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
 * - *read and answer*: both, the floor of a query that asks the engine;
 * - the same reads of the answers in JSON (`engine.format json`, json/read.ts),
 *   as the engine writes them when asked, for point 5 of issue 26: which
 *   representation the server should read.
 *
 * The server's own figures in section 5 are set against these.
 */

import { JsonDocumentStream } from '../src/json/index.ts';
import { bundledV4Model } from '../src/model/index.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { type Doc, DocumentStream } from '../src/xml/index.ts';
import { measure, percentile } from './lib.ts';

export interface FloorsRow {
  vms: number;
  /** The engine's bytes, all four answers. */
  engineMB: number;
  answerMs: number;
  readMs: number;
  readAndAnswerMs: number;
  /** Reading speed, MB/s of the engine's bytes. */
  readMBps: number;
  /** The same four answers in JSON (absent from runs before the JSON reader). */
  json?: { engineMB: number; readMs: number; readMBps: number; readAndAnswerMs: number };
}

const LISTS = ['vms?follow=disk_attachments.disk,nics', 'clusters', 'hosts', 'datacenters'];

export async function floorsScenario(vms: number, reps: number): Promise<FloorsRow> {
  const sim = await startSimulator({ vms, hosts: Math.max(4, Math.round(vms / 50)), clusters: 4, datacenters: 2, port: 0, dialects: 'v4' });
  try {
    const auth = `Basic ${Buffer.from('admin@internal:admin').toString('base64')}`;
    const fetched = (accept: string) =>
      Promise.all(
        LISTS.map(async (l) =>
          (await fetch(`${sim.url}/ovirt-engine/api/${l}`, { headers: { authorization: auth, version: '4', accept } })).text(),
        ),
      );
    const [texts, jsonTexts] = [await fetched('application/xml'), await fetched('application/json')];
    const model = bundledV4Model();
    const read = () => texts.map((t) => inChunks(new DocumentStream(model), t).end().value as Doc);
    const readJson = () => jsonTexts.map((t, i) => inChunks(new JsonDocumentStream(model, ROOTS[i]), t).end().value as Doc);
    const docs = read();
    const answerMs = measure('answer', 'ms', reps, () => timeOf(() => answer(docs))).median;
    // XML and JSON measured in turn, rep by rep, so that the machine's moods fall on both alike.
    const [readMs, jsonReadMs] = alternate(
      reps,
      () => timeOf(read),
      () => timeOf(readJson),
    );
    const [readAndAnswerMs, jsonBothMs] = alternate(
      reps,
      () => timeOf(() => answer(read())),
      () => timeOf(() => answer(readJson())),
    );
    const mb = (t: string[]) => t.reduce((n, x) => n + Buffer.byteLength(x), 0) / 1e6;
    const [engineMB, jsonMB] = [mb(texts), mb(jsonTexts)];
    return {
      vms: docs[0].vm.length,
      engineMB,
      answerMs,
      readMs,
      readAndAnswerMs,
      readMBps: engineMB / (readMs / 1000),
      json: { engineMB: jsonMB, readMs: jsonReadMs, readMBps: jsonMB / (jsonReadMs / 1000), readAndAnswerMs: jsonBothMs },
    };
  } finally {
    await sim.close();
  }
}

/** The document elements of LISTS, which JSON does not name. */
const ROOTS = ['vms', 'clusters', 'hosts', 'data_centers'];

/** `text` written to `stream` in 64 KB chunks, as it arrives from a socket. */
function inChunks<S extends { write(chunk: string): void }>(stream: S, text: string): S {
  for (let i = 0; i < text.length; i += 65_536) stream.write(text.slice(i, i + 65_536));
  return stream;
}

/** The medians of `a` and `b`, run in turn `reps` times after two runs of each to warm up. */
function alternate(reps: number, a: () => number, b: () => number): [number, number] {
  const [as, bs]: number[][] = [[], []];
  for (let i = -2; i < reps; i++) {
    const [x, y] = [a(), b()];
    if (i < 0) continue;
    as.push(x);
    bs.push(y);
  }
  return [percentile(as, 0.5), percentile(bs, 0.5)];
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
