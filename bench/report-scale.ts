/** docs/performance.md's section 10 (inventories of any size, bench/scale.ts) and the targets it checks. */
import type { ScaleRow } from './scale.ts';

const LARGEST = 100_000;

export function scaleTargets(rows: ScaleRow[] | undefined): Record<string, boolean> {
  const largest = rows?.filter((r) => r.vms === LARGEST) ?? [];
  if (largest.length < 2) return {};
  return {
    'scale: the 100,000-VM dashboard answers, on v4 and v3': largest.every((r) => !r.error && r.answered >= LARGEST),
    'scale: server peak RSS at most 2 GB at 100,000 VMs': largest.every((r) => r.peakRssMB <= 2048),
    'scale: 4 engine requests per dashboard at every size': rows!.every((r) => r.engineRequests === 4),
  };
}

export function scaleSection(rows: ScaleRow[] | undefined): string {
  if (!rows?.length) return '';
  const head = [
    'API',
    'VMs',
    'answer',
    'time',
    'engine requests',
    'engine sent',
    'answer size',
    'server CPU',
    'server peak RSS',
    'heap two windows later',
  ];
  const line = (r: ScaleRow) =>
    [
      r.dialect,
      r.vms.toLocaleString('en'),
      r.error ?? `${r.answered.toLocaleString('en')} VMs`,
      `${(r.ms / 1000).toFixed(1)} s`,
      r.engineRequests,
      `${r.engineMB.toFixed(0)} MB`,
      `${r.answerMB.toFixed(1)} MB`,
      `${(r.cpuMs / 1000).toFixed(1)} s`,
      `${r.peakRssMB.toFixed(0)} MB`,
      `${r.heapAfterWindowMB.toFixed(0)} MB`,
    ].join(' | ');
  return `
## 10. Inventories of any size

The dashboard query once per inventory, the simulator and the server each a process of its own, the engine's answers read
as they stream (engine request and operation limits raised to 10 minutes for these rows; from 12-06's second run on, the server
with \`--max-old-space-size=1792\`, as for a 2 GiB container). *heap two windows later*: the
server's heap in use after the freshness window has ended twice, from its metrics, after a full collection (asked through the
inspector; before 12-06's third run, read without one).

| ${head.join(' | ')} |
|${head.map(() => '---').join('|')}|
${rows.map((r) => `| ${line(r)} |`).join('\n')}
`;
}
