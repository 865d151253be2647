/**
 * The example dashboard (issue 24 point 8) in Debian's Chromium, on v4 and v3:
 * - served by the subgraph at /dashboard/ (what `npm start` gives), with
 *   nothing from any other host: its counts, hosts and clusters agree with
 *   the engine, and a VM started through the API appears in its live table,
 *   and in its counts and events, without a reload;
 * - served by examples/dashboard/serve.mjs on an origin of its own, against
 *   a subgraph that lets that origin in (`corsOrigins`) and wants
 *   credentials: the page asks for them, and shows what that user may see.
 * The v4 run's page is the README's picture: RHEV_WRITE_SCREENSHOTS=1 writes
 * it to docs/images/dashboard.png (otherwise to a temporary file, so every
 * run still takes it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { freePort } from '../helpers.ts';
import { countRequests, gql, type Stack, stack } from '../server/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`dashboard test skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`);

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOT = process.env.RHEV_WRITE_SCREENSHOTS
  ? join(root, 'docs/images/dashboard.png')
  : join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'dashboard.png');

let browser: Browser;
beforeAll(async () => {
  if (present) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** A page that may load from `origins` only; anything else is noted in `offsite` and refused (no internet). */
async function open(url: string, origins: string[], offsite: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route('**/*', (route) => {
    const asked = route.request().url();
    if (origins.some((o) => asked.startsWith(o)) || asked.startsWith('data:')) return route.continue();
    offsite.push(asked);
    return route.abort();
  });
  await page.goto(url);
  return page;
}

/** How many of the simulator's objects of `table` are in each status, in the engine's word. */
function statusCounts(sim: Simulator, table: 'vms' | 'hosts'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rec of sim.engine.store.table(table).values()) {
    const status = String(rec.status?.state ?? rec.status);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** The page's counts by status, as it shows them. */
const shownStatuses = (page: Page, list: string) =>
  page.$$eval(`#${list} li`, (items) =>
    Object.fromEntries(items.map((li) => [li.getAttribute('data-status'), Number(li.querySelector('b')?.textContent)])),
  );
const shown = (page: Page, selector: string) => page.locator(selector).textContent();

for (const dialect of ['v4', 'v3'] as const) {
  describe.skipIf(!present)(`the dashboard at /dashboard/, API ${dialect}`, () => {
    let s: Stack;
    beforeAll(async () => {
      s = await stack({ vms: 30, hosts: 4, transitionMs: 50, dialects: dialect, seed: 11 }, { landingPage: true });
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it("shows the engine's totals, counts by status, hosts and clusters, from nothing but the subgraph", async () => {
      const offsite: string[] = [];
      const origin = new URL(s.server.url).origin;
      const store = s.sim.engine.store;
      let page!: Page;
      const cost = await countRequests(s, async () => {
        page = await open(`${origin}/dashboard`, [origin], offsite);
        await expect.poll(() => shown(page, '[data-count="vms"]'), { timeout: 20_000 }).toBe(String(store.table('vms').size));
        await page.waitForSelector('#live[data-state="open"]', { timeout: 20_000 });
      });
      // Loading costs the engine a dozen requests whatever the fleet's size: one per collection (counts,
      // hosts with their statistics inlined, the subscription's first poll), none per object.
      expect(cost.total).toBeLessThanOrEqual(14);
      expect(Object.keys(cost.byRoute).filter((route) => !/^(GET \/[a-z]*|POST \/ovirt-engine\/sso\/oauth\/token)$/.test(route))).toEqual(
        [],
      );
      expect(await shown(page, '[data-count="hosts"]')).toBe(String(store.table('hosts').size));
      expect(await shown(page, '[data-count="clusters"]')).toBe(String(store.table('clusters').size));
      expect(await shown(page, '[data-count="dataCenters"]')).toBe(String(store.table('datacenters').size));
      expect(await shownStatuses(page, 'vm-statuses')).toEqual(statusCounts(s.sim, 'vms'));
      expect(await shownStatuses(page, 'host-statuses')).toEqual(statusCounts(s.sim, 'hosts'));
      expect(await page.locator('#hosts tbody tr').count()).toBe(store.table('hosts').size);
      expect(await page.locator('#clusters tbody tr').count()).toBe(store.table('clusters').size);
      expect(await shown(page, '#where')).toContain(`API ${dialect}`);
      expect(offsite).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows a VM started through the API in its live table, counts and events, without a reload', async () => {
      const offsite: string[] = [];
      const origin = new URL(s.server.url).origin;
      const page = await open(`${origin}/dashboard/`, [origin], offsite);
      await page.waitForSelector('#live[data-state="open"]', { timeout: 20_000 });
      const down = [...s.sim.engine.store.table('vms').values()].find((vm) => String(vm.status?.state ?? vm.status) === 'down');
      if (!down) throw new Error('the simulator has no VM that is down');
      const upBefore = statusCounts(s.sim, 'vms').up ?? 0;
      const started = await gql(s, 'mutation ($id: ID!) { startVm(id: $id) { status } }', { id: down.id });
      expect(started.errors).toBeUndefined();
      const row = page.locator(`#changes tr[data-vm="${down.id}"]`).first();
      await row.waitFor({ timeout: 20_000 });
      expect(await row.textContent()).toContain(down.name);
      await expect.poll(() => shownStatuses(page, 'vm-statuses').then((c) => c.up), { timeout: 20_000 }).toBe(upBefore + 1);
      await page.locator(`#changes tr[data-vm="${down.id}"] td[data-status="up"]`).first().waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('#events li').count(), { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await page.locator('#events').textContent()).toContain(down.name);
      if (dialect === 'v4') await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(offsite).toEqual([]);
      await page.close();
    }, 60_000);
  });
}

describe.skipIf(!present)('the dashboard on an origin of its own (serve.mjs, corsOrigins), signing in', () => {
  let s: Stack;
  let host: ChildProcess;
  let site: string;
  beforeAll(async () => {
    const port = await freePort();
    site = `http://127.0.0.1:${port}`;
    s = await stack({ vms: 30, hosts: 4, transitionMs: 50, dialects: 'v4', seed: 11 }, { corsOrigins: [site], anonymous: 'refuse' });
    host = spawn(process.execPath, ['examples/dashboard/serve.mjs', '--endpoint', s.server.url, '--port', String(port)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => host.stdout!.on('data', (d) => String(d).includes('dashboard: ') && resolve()));
  }, 60_000);
  afterAll(async () => {
    host?.kill();
    await s?.close();
  });

  it('asks who you are, then shows what that user may see, live', async () => {
    const offsite: string[] = [];
    const page = await open(`${site}/`, [site, new URL(s.server.url).origin], offsite);
    await page.waitForSelector('#signin:not([hidden])', { timeout: 20_000 });
    await page.fill('#signin input[name="username"]', s.sim.credentials.user.username);
    await page.fill('#signin input[name="password"]', s.sim.credentials.user.password);
    await page.click('#signin button');
    const theirs = await gql(s, '{ vmCount }', undefined, s.sim.credentials.user);
    expect(theirs.data.vmCount).toBeLessThan(s.sim.engine.store.table('vms').size);
    await expect.poll(() => shown(page, '[data-count="vms"]'), { timeout: 20_000 }).toBe(String(theirs.data.vmCount));
    expect(await page.isHidden('#signin')).toBe(true);
    await page.waitForSelector('#live[data-state="open"]', { timeout: 20_000 });
    expect(offsite).toEqual([]);
    await page.close();
  }, 60_000);
});
