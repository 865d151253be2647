/**
 * What every scenario of the bench shares: timing, percentiles, a progress
 * bar on stderr, and GraphQL over HTTP.
 */

export const quick = process.argv.includes('--quick');

export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function percentile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

export interface Figure {
  name: string;
  median: number;
  min: number;
  max: number;
  unit: string;
}

/** `warmup` unmeasured rounds first, so compiled code is compared, not the compiler. */
export function measure(name: string, unit: string, reps: number, run: () => number, warmup = 2): Figure {
  for (let i = 0; i < warmup; i++) run();
  const values: number[] = [];
  for (let i = 0; i < reps; i++) values.push(run());
  return { name, unit, median: percentile(values, 0.5), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * A one-line progress bar on stderr (plain lines when stderr is not a
 * terminal), with the time left estimated from the steps done so far: each
 * step is given a weight (its expected share of the run), so a long step
 * does not make the estimate jump.
 */
export class Progress {
  private done = 0;
  private weightDone = 0;
  private readonly started = performance.now();
  constructor(
    private readonly total: number,
    private readonly totalWeight = total,
  ) {}

  step(label: string, weight = 1): void {
    this.done++;
    this.weightDone += weight;
    const width = 30;
    const filled = Math.min(width, Math.round((this.done / this.total) * width));
    const elapsed = (performance.now() - this.started) / 1000;
    const left = this.weightDone > 0 ? (elapsed / this.weightDone) * Math.max(0, this.totalWeight - this.weightDone) : Number.NaN;
    const eta = Number.isFinite(left) ? ` (about ${left >= 90 ? `${Math.round(left / 60)} min` : `${Math.round(left)} s`} left)` : '';
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${label} at ${Math.round(elapsed)} s${eta}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${bar.padEnd(100)}`);
    else process.stderr.write(`${bar}\n`);
  }

  log(line: string): void {
    process.stderr.write(`${process.stderr.isTTY ? `\r${' '.repeat(100)}\r` : ''}  ${line}\n`);
  }
}

export async function graphql(url: string, query: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const send = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  // A pooled keep-alive socket the server closed while this process's loop was busy (autocannon runs here) is
  // found closed only when reused: the one request it failed is sent again, once, on a new socket.
  const res = await send().catch((e: Error & { cause?: { code?: string } }) => {
    if (!/UND_ERR_SOCKET|ECONNRESET/.test(String(e.cause?.code))) throw e;
    return send();
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok || text.includes('"errors"')) throw new Error(`query failed: ${text.slice(0, 300)}`);
  return { ms, bytes: text.length };
}

export async function simStats(simUrl: string): Promise<{ requests: number; byRoute: Record<string, number> }> {
  return (await (await fetch(`${simUrl}/__simulator/stats`)).json()) as { requests: number; byRoute: Record<string, number> };
}

export async function resetStats(simUrl: string): Promise<void> {
  await fetch(`${simUrl}/__simulator/reset`, { method: 'POST' });
}
