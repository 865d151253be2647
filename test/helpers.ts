/**
 * Test helpers: real HTTP to a real simulator on an ephemeral port, and XSD
 * validation with libxml2 (compiled to WebAssembly).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { basicAuthorization } from '../src/http/basic.ts';
import { bundledV4XsdText, bundledXsdText } from '../src/model/index.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../src/simulator/index.ts';

export const SMALL: Partial<SimulatorOptions> = { vms: 40, hosts: 6, clusters: 3, datacenters: 2, templates: 2, transitionMs: 15, seed: 7 };

export async function simulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return startSimulator({ ...SMALL, ...options });
}

export interface Call {
  user?: 'admin' | 'user' | 'none';
  body?: string;
  headers?: Record<string, string>;
  root?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export const basic = basicAuthorization;

export async function api(sim: Simulator, method: string, path: string, call: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  const who = call.user ?? 'admin';
  if (who !== 'none' && !headers.authorization && !headers.cookie)
    headers.authorization = who === 'admin' ? basic('admin@internal', 'admin') : basic('user@internal', 'user');
  if (call.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/xml';
  // node:http rather than fetch: fetch refuses headers the engine protocol uses (Expect).
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}${call.root ?? '/api'}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

export async function stats(sim: Simulator): Promise<any> {
  return (await fetch(`${sim.url}/__simulator/stats`)).json();
}

/** Polls `check` until it returns a value (bounded: gives up after `ms`). */
export async function until<T>(check: () => Promise<T | undefined | false>, ms = 5000, what = 'the condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Whether a file of ../shared is there. Where it is not (a clone without
 * ../shared), the checks that need it are skipped, and this says so, once
 * per check, naming it: a skipped check is never silent.
 */
export function present(path: string | URL, checks: string): boolean {
  const ok = existsSync(path);
  if (!ok) console.warn(`skipped: ${checks} (${String(path).replace(/^.*\/shared\//, '../shared/')} is absent)`);
  return ok;
}

const referenceXsd = fileURLToPath(new URL('../../shared/reference/xsd/api-v3.6.xsd', import.meta.url));
export const hasReference = present(referenceXsd, "validation against the 3.6 engine's own XSD");

/** Validates against our XSD, and against the engine's own 3.6 XSD where ../shared is present. */
export async function validate(xml: string, name = 'doc.xml'): Promise<{ ours: string[]; reference: string[] }> {
  const run = async (schema: string) => {
    const r = await validateXML({ xml: { fileName: name, contents: xml }, schema: { fileName: 'api.xsd', contents: schema } });
    return r.errors.map((e) => e.message);
  };
  return {
    ours: await run(bundledXsdText()),
    reference: hasReference ? await run(readFileSync(referenceXsd, 'utf8')) : [],
  };
}

export function firstId(xml: string, element: string): string {
  const m = new RegExp(`<${element} [^>]*id="([^"]+)"`).exec(xml);
  if (!m) throw new Error(`no <${element}> with an id in ${xml.slice(0, 200)}`);
  return m[1];
}

export function stateOf(xml: string): string | undefined {
  return /<status><state>([^<]+)<\/state>/.exec(xml)?.[1];
}

/**
 * Validates many documents against our XSD and the engine's in one run of
 * xmllint per schema (compiling the schema is most of the cost); answers the
 * errors by file name.
 */
export async function validateMany(docs: { name: string; xml: string }[], dialect: 'v3' | 'v4' = 'v3'): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const run = async (schema: string) => {
    if (!docs.length) return;
    const r = await validateXML({
      xml: docs.map((d) => ({ fileName: d.name, contents: d.xml })),
      schema: { fileName: 'api.xsd', contents: schema },
    });
    for (const e of r.errors) {
      const file = e.loc?.fileName ?? '?';
      out.set(file, [...(out.get(file) ?? []), e.message]);
    }
  };
  if (dialect === 'v4') {
    await run(bundledV4XsdText());
    if (hasV4Reference) await run(readFileSync(referenceV4Xsd, 'utf8'));
    return out;
  }
  await run(bundledXsdText());
  if (hasReference) await run(readFileSync(referenceXsd, 'utf8'));
  return out;
}

const referenceV4Xsd = fileURLToPath(new URL('../../shared/reference/v4/api-v4.6.xsd', import.meta.url));
/** Where ../shared exists, v4 documents are validated against the engine's own v4.6 schema too. */
export const hasV4Reference = existsSync(referenceV4Xsd);

/** The sub-collections of a 3.6 engine's VM, in order (its RSDL's, and so the model's and the client's). */
export const V3_VM_SUBCOLLECTIONS = [
  'applications',
  'cdroms',
  'disks',
  'graphicsconsoles',
  'hostdevices',
  'katelloerrata',
  'nics',
  'numanodes',
  'permissions',
  'reporteddevices',
  'sessions',
  'snapshots',
  'statistics',
  'tags',
  'watchdogs',
];

/** A TCP port free on the loopback address now (for a process that must be told its port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
