/**
 * `npm run bench`: the performance record. Every figure is measured side by
 * side in one run (this machine is shared and noisy), repeated, and reported
 * as the median with the spread; ratios compare runs made in the same process.
 *
 * Throughput figures follow two unmeasured warm-up rounds.
 *
 * Scenarios so far:
 *  - the simulator building a 10,000-VM inventory;
 *  - the simulator serializing the 10,000-VM list (plain, and with
 *    disks+nics+statistics inlined), MB/s;
 *  - reading the same bytes into typed objects with our reader, against
 *    fast-xml-parser's default parse and JSON.parse of the equivalent JSON.
 *
 * `--quick` runs fewer repetitions on a smaller inventory (a smoke run).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { bundledModel } from '../src/model/index.ts';
import { readDocument, writeDocument } from '../src/xml/index.ts';
import { Engine } from '../src/simulator/index.ts';

const quick = process.argv.includes('--quick');
const VMS = quick ? 2_000 : 10_000;
const REPS = quick ? 3 : 7;

interface Figure { name: string; median: number; min: number; max: number; unit: string; note?: string }
const figures: Figure[] = [];

/** Runs `warmup` unmeasured rounds first (so JIT-compiled code is compared, not the compiler), then `reps`. */
function measure(name: string, unit: string, reps: number, run: () => number, note?: string, warmup = 2): Figure {
  for (let i = 0; i < warmup; i++) run();
  const values: number[] = [];
  for (let i = 0; i < reps; i++) values.push(run());
  values.sort((a, b) => a - b);
  const f = { name, unit, median: values[Math.floor(values.length / 2)], min: values[0], max: values[values.length - 1], note };
  figures.push(f);
  process.stderr.write(`  ${name}: ${f.median.toFixed(1)} ${unit} (${f.min.toFixed(1)}..${f.max.toFixed(1)})\n`);
  return f;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

process.stderr.write(`rhev-graphql bench${quick ? ' (quick)' : ''}: ${VMS} VMs, ${REPS} repetitions each\n`);
const model = bundledModel();
let engine!: Engine;
measure(`build a ${VMS}-VM inventory`, 'ms', quick ? 2 : 3, () => time(() => { engine = new Engine({ vms: VMS, hosts: 100, clusters: 10, datacenters: 2 }); }), 'cold: what starting a simulator costs', 0);
const vms = [...engine.store.table('vms').values()];

let xml = '';
const mb = () => Buffer.byteLength(xml) / 1e6;
measure('serialize the VM list', 'MB/s', REPS, () => { let ms = 0; ms = time(() => { xml = writeDocument(model, 'vms', { vm: vms }, { hrefBase: '/api' }); }); return mb() / (ms / 1000); });
const plainMb = mb();
let detailed = '';
measure('serialize with disks+nics+statistics', 'MB/s', REPS, () => {
  const ms = time(() => {
    const items = vms.map((v) => ({ ...v, disks: { disk: [...v._sub.disks.values()] }, nics: { nic: [...v._sub.nics.values()] }, statistics: { statistic: v._computed.statistics(v) } }));
    detailed = writeDocument(model, 'vms', { vm: items }, { hrefBase: '/api' });
  });
  return Buffer.byteLength(detailed) / 1e6 / (ms / 1000);
});
const detailedMb = Buffer.byteLength(detailed) / 1e6;

const fxp = new XMLParser({ ignoreAttributes: false });
const json = JSON.stringify(readDocument(model, detailed).value);
const ours = measure('read into typed objects (ours)', 'MB/s', REPS, () => detailedMb / (time(() => readDocument(model, detailed)) / 1000));
const theirs = measure('fast-xml-parser default parse', 'MB/s', REPS, () => detailedMb / (time(() => fxp.parse(detailed)) / 1000));
const jsonFig = measure('JSON.parse of the same data', 'MB/s', REPS, () => (Buffer.byteLength(json) / 1e6) / (time(() => JSON.parse(json)) / 1000));

const ratios = {
  'ours / fast-xml-parser': ours.median / theirs.median,
  'ours / JSON.parse': ours.median / jsonFig.median,
};
const result = {
  date: new Date().toISOString(), quick, node: process.version, vms: VMS,
  bytes: { plainListMB: Number(plainMb.toFixed(2)), detailedListMB: Number(detailedMb.toFixed(2)) },
  figures, ratios,
};
const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/latest.json`, JSON.stringify(result, null, 2) + '\n');

const rows = figures.map((f) => `| ${f.name} | ${f.median.toFixed(1)} ${f.unit} | ${f.min.toFixed(1)} – ${f.max.toFixed(1)} |`).join('\n');
const md = `# Performance

Written by \`npm run bench\` (last run ${result.date.slice(0, 10)}, Node ${process.version}${quick ? ', --quick' : ''}); do not edit by hand.
Figures are medians of repeated runs in one process, with the range seen;
this machine is shared, so compare ratios measured in the same run.

Inventory: ${VMS} VMs. The plain list is ${plainMb.toFixed(1)} MB; with disks, NICs and statistics inlined ${detailedMb.toFixed(1)} MB.

| scenario | median | range |
|---|---|---|
${rows}

| ratio (same run) | value |
|---|---|
${Object.entries(ratios).map(([k, v]) => `| ${k} | ${v.toFixed(2)}x |`).join('\n')}

Reproduce: \`npm run bench\` (minutes) or \`npm run bench -- --quick\` (a smoke run).
`;
mkdirSync(`${root}docs`, { recursive: true });
writeFileSync(`${root}docs/performance.md`, md);
process.stderr.write('written bench/results/latest.json and docs/performance.md\n');
