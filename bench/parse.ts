/**
 * Scenario 1: reading a 10,000-VM list (real-shaped: actions, links,
 * statistics inlined) into typed objects, against fast-xml-parser's default
 * parse of the same bytes and JSON.parse of the equivalent JSON; and writing
 * the list (the simulator's path).
 */
import { XMLParser } from 'fast-xml-parser';
import { bundledModel } from '../src/model/index.ts';
import { Engine } from '../src/simulator/index.ts';
import { readDocument, writeDocument } from '../src/xml/index.ts';
import { type Figure, measure, time } from './lib.ts';

export interface ParseResult {
  vms: number;
  listMB: number;
  figures: Figure[];
  buildMs: number;
  ratios: Record<string, number>;
}

export function parseScenario(vms: number, reps: number): ParseResult {
  const model = bundledModel();
  let engine!: Engine;
  const buildMs = time(() => {
    engine = new Engine({ vms, hosts: 100, clusters: 10, datacenters: 2 });
  });
  const items = [...engine.store.table('vms').values()].map((v) => ({ ...v, statistics: { statistic: v._computed.statistics(v) } }));
  let xml = '';
  const figures: Figure[] = [];
  figures.push(
    measure('write the list (simulator)', 'MB/s', reps, () => {
      const ms = time(() => {
        xml = writeDocument(model, 'vms', { vm: items }, { hrefBase: '/api' });
      });
      return Buffer.byteLength(xml) / 1e6 / (ms / 1000);
    }),
  );
  const mb = Buffer.byteLength(xml) / 1e6;
  const fxp = new XMLParser({ ignoreAttributes: false });
  const json = JSON.stringify(readDocument(model, xml).value);
  const ours = measure('read into typed objects (ours)', 'MB/s', reps, () => mb / (time(() => readDocument(model, xml)) / 1000));
  const theirs = measure('fast-xml-parser, default parse', 'MB/s', reps, () => mb / (time(() => fxp.parse(xml)) / 1000));
  const jsonFig = measure(
    'JSON.parse of the same data',
    'MB/s',
    reps,
    () => Buffer.byteLength(json) / 1e6 / (time(() => JSON.parse(json)) / 1000),
  );
  const value = JSON.parse(json);
  const stringifyFig = measure(
    'JSON.stringify of the same data',
    'MB/s',
    reps,
    () => Buffer.byteLength(json) / 1e6 / (time(() => JSON.stringify(value)) / 1000),
  );
  figures.push(ours, theirs, jsonFig, stringifyFig);
  return {
    vms: engine.store.table('vms').size,
    listMB: mb,
    figures,
    buildMs,
    ratios: { 'read: ours / fast-xml-parser': ours.median / theirs.median, 'read: ours / JSON.parse': ours.median / jsonFig.median },
  };
}
