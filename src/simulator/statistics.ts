/**
 * What moves while an engine runs: the statistics of VMs, hosts, NICs and
 * disks, and each host's count of the VMs on it.
 *
 * Statistics are a smooth function of the clock and the object, so two reads
 * a few seconds apart differ (as a dashboard expects) while every run sees
 * the same curve (as a test expects).
 */
import { type Rec, type Store, uuidOf } from './store.ts';

/** Recomputes each host's VM counts (after generation and after state changes). */
export function refreshHostSummaries(s: Store): void {
  const counts = new Map<string, { active: number; migrating: number }>();
  for (const v of s.table('vms').values()) {
    if (!v.host) continue;
    const c = counts.get(v.host.id) ?? { active: 0, migrating: 0 };
    c.active++;
    if (v.status.state === 'migrating') c.migrating++;
    counts.set(v.host.id, c);
  }
  for (const h of s.table('hosts').values()) {
    const c = counts.get(h.id) ?? { active: 0, migrating: 0 };
    h.summary = { active: c.active, migrating: c.migrating, total: c.active };
  }
}

function wave(id: string, name: string, periodS: number): number {
  const phase = parseInt(uuidOf(id + name).slice(0, 6), 16) / 0xffffff;
  return 0.5 + 0.5 * Math.sin((Date.now() / 1000 / periodS + phase) * 2 * Math.PI);
}

/** One statistic of `owner`, as the engine lists it below the owner. */
export function stat(
  owner: Rec,
  ownerField: string,
  name: string,
  description: string,
  unit: string,
  type: 'GAUGE' | 'COUNTER',
  value: number,
  valueType: 'INTEGER' | 'DECIMAL' = 'INTEGER',
): Rec {
  const id = uuidOf(`${owner.id}:${name}`);
  return {
    id,
    href: `${owner.href}/statistics/${id}`,
    name,
    description,
    values: { type: valueType, value: [{ datum: valueType === 'INTEGER' ? Math.round(value) : Math.round(value * 100) / 100 }] },
    type,
    unit,
    [ownerField]: { id: owner.id, href: owner.href },
  };
}

export function vmStatistics(vm: Rec): Rec[] {
  const running = vm.status.state === 'up' || vm.status.state === 'migrating';
  const mem = Number(vm.memory);
  const used = running ? (0.2 + 0.6 * wave(vm.id, 'mem', 300)) * mem : 0;
  const cpu = running ? 100 * wave(vm.id, 'cpu', 60) : 0;
  return [
    stat(vm, 'vm', 'memory.installed', 'Total memory configured', 'BYTES', 'GAUGE', mem),
    stat(vm, 'vm', 'memory.used', 'Memory used (agent)', 'BYTES', 'GAUGE', used),
    stat(vm, 'vm', 'cpu.current.guest', 'CPU used by guest', 'PERCENT', 'GAUGE', cpu * 0.9, 'DECIMAL'),
    stat(vm, 'vm', 'cpu.current.hypervisor', 'CPU overhead', 'PERCENT', 'GAUGE', cpu * 0.1, 'DECIMAL'),
    stat(vm, 'vm', 'cpu.current.total', 'Total CPU used', 'PERCENT', 'GAUGE', cpu, 'DECIMAL'),
  ];
}

export function hostStatistics(h: Rec): Rec[] {
  const mem = Number(h.memory);
  const used = (0.3 + 0.5 * wave(h.id, 'mem', 600)) * mem;
  const cpu = h.status.state === 'up' ? 100 * wave(h.id, 'cpu', 120) : 0;
  return [
    stat(h, 'host', 'memory.total', 'Total memory', 'BYTES', 'GAUGE', mem),
    stat(h, 'host', 'memory.used', 'Used memory', 'BYTES', 'GAUGE', used),
    stat(h, 'host', 'memory.free', 'Free memory', 'BYTES', 'GAUGE', mem - used),
    stat(h, 'host', 'cpu.current.user', 'User CPU usage', 'PERCENT', 'GAUGE', cpu * 0.7, 'DECIMAL'),
    stat(h, 'host', 'cpu.current.system', 'System CPU usage', 'PERCENT', 'GAUGE', cpu * 0.3, 'DECIMAL'),
    stat(h, 'host', 'cpu.current.idle', 'Idle CPU usage', 'PERCENT', 'GAUGE', 100 - cpu, 'DECIMAL'),
    stat(h, 'host', 'cpu.load.avg.5m', 'CPU 5 minute load average', 'PERCENT', 'GAUGE', cpu / 25, 'DECIMAL'),
  ];
}

export function nicStatistics(nic: Rec): Rec[] {
  const field = nic.host ? 'host_nic' : 'nic';
  const rate = 1e6 * wave(nic.id, 'rx', 90);
  return [
    stat(nic, field, 'data.current.rx', 'Receive data rate', 'BYTES_PER_SECOND', 'GAUGE', rate),
    stat(nic, field, 'data.current.tx', 'Transmit data rate', 'BYTES_PER_SECOND', 'GAUGE', rate * 0.6),
    stat(nic, field, 'errors.total.rx', 'Total receive errors', 'NONE', 'COUNTER', 0),
    stat(nic, field, 'errors.total.tx', 'Total transmit errors', 'NONE', 'COUNTER', 0),
  ];
}

export function diskStatistics(d: Rec): Rec[] {
  const rate = 5e6 * wave(d.id, 'rw', 45);
  return [
    stat(d, 'disk', 'data.current.read', 'Read data rate', 'BYTES_PER_SECOND', 'GAUGE', rate),
    stat(d, 'disk', 'data.current.write', 'Write data rate', 'BYTES_PER_SECOND', 'GAUGE', rate * 0.4),
  ];
}
