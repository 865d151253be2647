/**
 * The explorer in a real browser with no network beyond the subgraph: Debian's
 * Chromium (`/usr/bin/chromium`, driven by playwright-core; `.ci/run` installs
 * it) loads the page and every file it needs from the subgraph itself, runs a
 * query over HTTP and a subscription over WebSocket, and sends the headers typed
 * in the explorer as the caller's credentials (never those of a link, never
 * kept in the browser's storage); the page cannot be framed. Any request to another host is
 * refused, as it would be on an engine's network without internet. Where the
 * browser is absent, the test says so and skips (README: how to run it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic } from '../helpers.ts';
import { gql, type Stack, stack } from '../server/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`browser test skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`);

describe.skipIf(!present)('the explorer, offline, in Chromium', () => {
  let s: Stack;
  let browser: Browser;
  const offsite: string[] = [];
  beforeAll(async () => {
    s = await stack({ vms: 10, hosts: 2, transitionMs: 50 }, { landingPage: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function open(query?: string, headers?: Record<string, string>) {
    const page = await browser.newPage();
    const origin = new URL(s.server.url).origin;
    // No internet: anything but the subgraph is refused (and noted).
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const h = headers ? `&headers=${encodeURIComponent(JSON.stringify(headers))}` : '';
    await page.goto(query === undefined ? s.server.url : `${s.server.url}?query=${encodeURIComponent(query)}${h}`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    return page;
  }

  const result = (page: Awaited<ReturnType<typeof open>>) =>
    page
      .locator('.result-window')
      .textContent()
      .then((t) => t ?? '');

  it('opens on a dashboard query in the served dialect, which runs as it is', async () => {
    const page = await open();
    await page.click('.graphiql-execute-button');
    await expect.poll(() => result(page), { timeout: 20_000 }).toMatch(/"provisionedSize"/);
    // This stack serves API v3 (the simulator's default dialect): its status is `{ state }`, which v4's sample would not ask.
    expect(await result(page)).toMatch(/"status": \{\s*"state": "[a-z_]+"/);
    expect(offsite).toEqual([]);
    await page.close();
  }, 60_000);

  it('runs a query from the page with nothing but the subgraph', async () => {
    const page = await open('{ vms(max: 2) { name } }');
    await page.click('.graphiql-execute-button');
    await expect.poll(() => result(page), { timeout: 20_000 }).toMatch(/"name": "web-00001"/);
    expect(offsite).toEqual([]);
    await page.close();
  }, 60_000);

  it('asks as the person whose credentials are typed into its headers, and keeps them out of the browser storage', async () => {
    const page = await open('{ vms { name } }');
    await page.getByText('Headers', { exact: true }).click();
    const editor = page.locator('.graphiql-editor-tool .graphiql-editor:visible .CodeMirror').first();
    await editor.click();
    await page.keyboard.insertText(JSON.stringify({ authorization: basic('user@internal', 'user') }));
    await page.click('.graphiql-execute-button');
    // user@internal sees the three VMs it holds a permission on, not all ten.
    await expect.poll(async () => ((await result(page)).match(/"name":/g) ?? []).length, { timeout: 20_000 }).toBe(3);
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as { localStorage: object; sessionStorage: object };
      return JSON.stringify({ ...g.localStorage }) + JSON.stringify({ ...g.sessionStorage });
    });
    expect(stored).not.toContain(basic('user@internal', 'user').slice(6));
    expect(stored).not.toMatch(/authorization/i);
    await page.close();
  }, 60_000);

  it('takes no credentials from a link: ?headers= is ignored', async () => {
    const page = await open('{ vms { name } }', { authorization: basic('user@internal', 'user') });
    await page.click('.graphiql-execute-button');
    // Served as the service account (all ten), not as the user the link named.
    await expect.poll(async () => ((await result(page)).match(/"name":/g) ?? []).length, { timeout: 20_000 }).toBe(10);
    await page.close();
  }, 60_000);

  it('cannot be framed, sniffed or told about its framework, and looks up only the files it has', async () => {
    const page = await browser.newPage();
    const res = await page.goto(s.server.url);
    const h = res!.headers();
    expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(h['content-security-policy']).toMatch(/script-src 'self'/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-powered-by']).toBeUndefined();
    // A page of another origin frames it: the browser refuses to show it.
    const other = await browser.newPage();
    await other.setContent(`<iframe id="f" src="${s.server.url}"></iframe>`);
    // Chromium puts its error page in a frame the policy refused; an allowed frame would keep the explorer's URL.
    await expect
      .poll(
        () =>
          other
            .frames()
            .find((f) => f !== other.mainFrame())
            ?.url() ?? '',
        { timeout: 10_000 },
      )
      .toMatch(/^chrome-error:/);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await page.goto(`${new URL(s.server.url).origin}/explorer/${name}`);
      expect(r!.status()).toBe(404);
    }
    await Promise.all([page.close(), other.close()]);
  }, 60_000);

  it('runs a subscription over WebSocket until it completes', async () => {
    const up = await gql(s, '{ vms(search: "status=up", max: 1) { id } }');
    const id = up.data.vms[0].id;
    const page = await open(`subscription { vmStatus(id: "${id}", status: ["down"]) { state done } }`);
    await page.click('.graphiql-execute-button');
    await expect.poll(() => result(page), { timeout: 20_000 }).toMatch(/"state": "up"/);
    await gql(s, `mutation { stopVm(id: "${id}") { status } }`);
    await expect.poll(() => result(page), { timeout: 20_000 }).toMatch(/"done": true/);
    expect(offsite).toEqual([]);
    await page.close();
  }, 60_000);
});
