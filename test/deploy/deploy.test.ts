/**
 * The deployment files agree with the settings registry and with the
 * server: the Containerfile (checked as text: no base image can be pulled
 * here) and the Kubernetes manifests name only settings that exist, probe
 * the server's own health paths on the port it listens on, run as a user
 * without privileges; and the command they run, given their environment,
 * starts and answers /health/live and /health/ready (ready although the
 * placeholder service account is refused: callers bring their own
 * credentials under `RHEV_ANONYMOUS=refuse`).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SETTINGS } from '../../src/settings/index.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { command } from '../command.ts';
import { freePort, simulator } from '../helpers.ts';
import { REDIS_SERVER, RedisServer, until } from '../shared/replicas.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const containerfile = readFileSync(join(root, 'Containerfile'), 'utf8');
/** A manifest file's documents. */
const manifestsOf = (file: string) => parseAllDocuments(readFileSync(join(root, 'deploy/kubernetes', file), 'utf8')).map((d) => d.toJS());
const manifests = manifestsOf('rhev-graphql.yaml');
const kind = (k: string) => manifests.find((m) => m.kind === k);
const replicaManifests = manifestsOf('rhev-graphql-replicas.yaml');
/** A document of the replicas' file by kind and name. */
const replicaDoc = (k: string, name: string) => replicaManifests.find((m) => m.kind === k && m.metadata.name === name);

/** Every variable a setting reads, `*_FILE` of the secrets included, and what Node itself reads. */
const KNOWN = new Set([...SETTINGS.flatMap((s) => (s.secret ? [s.env, `${s.env}_FILE`] : [s.env])), 'NODE_ENV', 'NODE_OPTIONS']);

/** The Containerfile's ENV of its last stage, as name -> value. */
function containerEnv(): Map<string, string> {
  const last = containerfile.slice(containerfile.lastIndexOf('\nFROM '));
  const env = new Map<string, string>();
  for (const m of last.matchAll(/^ENV ((?:.*\\\n)*.*)$/gm))
    for (const [, k, v] of m[1].replace(/\\\n/g, ' ').matchAll(/([A-Z_]+)=(\S+)/g)) env.set(k, v);
  return env;
}

describe('Containerfile', () => {
  it('builds in one stage and runs the build with production dependencies in another, as a user without privileges', () => {
    expect(containerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(containerfile).toMatch(/npm prune --omit=dev/);
    const last = containerfile.slice(containerfile.lastIndexOf('\nFROM '));
    expect(last).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(last).toMatch(/^CMD \["node", "bin\/rhev-graphql\.js", "serve"\]/m);
  });

  it('copies into the build stage every file the build script names', () => {
    const build = containerfile.slice(0, containerfile.lastIndexOf('\nFROM '));
    const copied = [...build.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
    const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.build;
    const named = script.match(/[\w./-]+\.(?:json|ts)\b/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((file) => !copied.some((c) => file === c || file.startsWith(`${c.replace(/\/$/, '')}/`)))).toEqual([]);
  });

  it('holds every folder the package ships in the image it runs (what the server reads at run time)', () => {
    const last = containerfile.slice(containerfile.lastIndexOf('\nFROM '));
    const present = [...last.matchAll(/^COPY (?:--from=\S+ )?\S+ \.\/(\S+)$/gm)].map((m) => m[1].replace(/\/$/, ''));
    const shipped: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files;
    const folders = shipped.filter((f) => statSync(join(root, f), { throwIfNoEntry: false })?.isDirectory() ?? f === 'dist');
    expect(folders).toContain('examples/dashboard');
    expect(folders.filter((f) => !present.includes(f))).toEqual([]);
  });

  it('listens on every address of the container, on the port it exposes, and checks itself on /health/live', () => {
    const env = containerEnv();
    expect([...env.keys()].filter((k) => !KNOWN.has(k))).toEqual([]);
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(containerfile).toMatch(new RegExp(`^EXPOSE ${env.get('PORT')}$`, 'm'));
    expect(containerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
  });
});

for (const [file, docs] of [
  ['rhev-graphql.yaml', manifests],
  ['rhev-graphql-replicas.yaml', replicaManifests],
] as const)
  describe(`Kubernetes manifests: ${file}`, () => {
    const doc = (k: string, name = k === 'Secret' ? 'rhev-graphql-engine' : 'rhev-graphql') =>
      docs.find((m) => m.kind === k && m.metadata.name === name);
    const deployment = doc('Deployment');
    const container = deployment.spec.template.spec.containers[0];
    const env = new Map<string, { value?: string; valueFrom?: unknown }>(container.env.map((e: { name: string }) => [e.name, e]));

    it('set only variables the registry knows, and the secret from the Secret, as a file', () => {
      expect([...env.keys()].filter((k) => !KNOWN.has(k))).toEqual([]);
      expect(env.has('RHEV_PASSWORD')).toBe(false); // never a plain value
      const secret = doc('Secret');
      const mounted = container.volumeMounts.find((v: { name: string }) => v.name === 'engine-password');
      const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'engine-password');
      expect(volume.secret.secretName).toBe(secret.metadata.name);
      expect(env.get('RHEV_PASSWORD_FILE')?.value).toBe(`${mounted.mountPath}/${volume.secret.items[0].path}`);
      expect(Object.keys(secret.stringData)).toContain(volume.secret.items[0].key);
    });

    it('probe the live and ready paths on the port the server listens on, which the Service targets', () => {
      const port = container.ports[0];
      expect(String(port.containerPort)).toBe(env.get('PORT')?.value);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: port.name });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: port.name });
      expect(doc('Service').spec.ports[0].targetPort).toBe(port.name);
      expect(env.get('HOST')?.value).toBe('0.0.0.0');
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    });

    it("set Node's heap limit to about 7/8 of the container's memory limit, so V8 collects before the kernel kills", () => {
      const heapMB = Number(/--max-old-space-size=(\d+)/.exec(String(env.get('NODE_OPTIONS')?.value))?.[1]);
      const limit = /^(\d+)(Mi|Gi)$/.exec(container.resources.limits.memory)!;
      const limitMB = Number(limit[1]) * (limit[2] === 'Gi' ? 1024 : 1);
      expect(heapMB / limitMB).toBeGreaterThanOrEqual(0.75);
      expect(heapMB / limitMB).toBeLessThanOrEqual(0.9);
    });
  });

describe('Kubernetes manifests: three replicas and their Redis', () => {
  const container = replicaDoc('Deployment', 'rhev-graphql').spec.template.spec.containers[0];
  const redis = replicaDoc('Deployment', 'rhev-graphql-redis').spec.template.spec.containers[0];

  it('run three replicas, given the Redis URL as a file from its Secret (a secret setting)', () => {
    expect(replicaDoc('Deployment', 'rhev-graphql').spec.replicas).toBe(3);
    const env = new Map(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env.has('RHEV_REDIS_URL')).toBe(false);
    const mounted = container.volumeMounts.find((v: { name: string }) => v.name === 'redis-url');
    const volume = replicaDoc('Deployment', 'rhev-graphql').spec.template.spec.volumes.find(
      (v: { name: string }) => v.name === 'redis-url',
    );
    expect(env.get('RHEV_REDIS_URL_FILE')).toBe(`${mounted.mountPath}/${volume.secret.items[0].path}`);
    expect(SETTINGS.find((s) => s.env === 'RHEV_REDIS_URL')?.secret).toBe(true);
    const secret = replicaDoc('Secret', volume.secret.secretName).stringData;
    // The URL names the Redis Service and carries the password Redis is started with.
    const url = new URL(secret[volume.secret.items[0].key]);
    expect(url.hostname).toBe(replicaDoc('Service', 'rhev-graphql-redis').metadata.name);
    expect(decodeURIComponent(url.password)).toBe(secret.password);
  });

  it('keep Redis private, behind a password, bounded in memory and evicting by time left, with nothing on disk', () => {
    const args: string[] = redis.args;
    const arg = (name: string) => args[args.indexOf(name) + 1];
    expect(arg('--requirepass')).toBe('$(REDIS_PASSWORD)');
    expect(redis.env.find((e: { name: string }) => e.name === 'REDIS_PASSWORD').valueFrom.secretKeyRef.name).toBe('rhev-graphql-redis');
    expect(arg('--maxmemory-policy')).toBe('volatile-ttl');
    expect(arg('--maxmemory')).toMatch(/^\d+mb$/);
    expect(arg('--save')).toBe('');
    expect(replicaDoc('Service', 'rhev-graphql-redis').spec.type).toBe('ClusterIP');
    const policy = replicaDoc('NetworkPolicy', 'rhev-graphql-redis');
    expect(policy.spec.podSelector.matchLabels).toEqual(replicaDoc('Deployment', 'rhev-graphql-redis').spec.template.metadata.labels);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: replicaDoc('Deployment', 'rhev-graphql').spec.template.metadata.labels } }],
        ports: [{ port: 'redis' }],
      },
    ]);
  });
});

describe.skipIf(!REDIS_SERVER)('the command of the three replicas, with their environment and a Redis as theirs', () => {
  it('starts and shares through Redis, given its URL (with the password) as a file', async () => {
    const secret = replicaDoc('Secret', 'rhev-graphql-redis').stringData;
    const redis = await RedisServer.start(['--requirepass', secret.password, '--maxmemory', '64mb', '--maxmemory-policy', 'volatile-ttl']);
    const sim = await simulator({ vms: 3, dialects: 'v4' });
    const dir = mkdtempSync(join(tmpdir(), 'rhev-graphql-replicas-'));
    const container = replicaDoc('Deployment', 'rhev-graphql').spec.template.spec.containers[0];
    const env: Record<string, string> = Object.fromEntries(containerEnv());
    for (const e of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[])
      env[e.name] = e.value ?? replicaDoc('Secret', 'rhev-graphql-engine').stringData[e.valueFrom!.secretKeyRef.key];
    const url = new URL(secret.url);
    url.hostname = '127.0.0.1';
    url.port = String(redis.port);
    Object.assign(env, {
      RHEV_URL: sim.apiUrl,
      RHEV_PASSWORD_FILE: join(dir, 'password'),
      RHEV_REDIS_URL_FILE: join(dir, 'url'),
      PORT: String(await freePort()),
    });
    writeFileSync(env.RHEV_PASSWORD_FILE, 'replace-me');
    writeFileSync(env.RHEV_REDIS_URL_FILE, `${url.href}\n`);
    const serve = command(['serve'], env);
    try {
      await serve.waitFor(/subgraph at/);
      const metrics = () => fetch(`http://127.0.0.1:${env.PORT}/metrics`).then((r) => r.text());
      await until(async () => /^rhev_shared_cache_up 1$/m.test(await metrics()), 10_000, 'sharing through Redis');
      expect(serve.output()).not.toContain(secret.password);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      await redis.kill();
      await sim.close();
    }
  });
});

describe('the command the container runs, with their environment', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator({ vms: 3, dialects: 'v4' });
  });
  afterAll(() => sim.close());

  it('starts, is live, and is ready while callers bring their own credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhev-graphql-deploy-'));
    const deployment = kind('Deployment');
    const container = deployment.spec.template.spec.containers[0];
    const secret = kind('Secret').stringData;
    const port = await freePort();
    const env: Record<string, string> = Object.fromEntries(containerEnv());
    for (const e of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[])
      env[e.name] = e.value ?? secret[e.valueFrom!.secretKeyRef.key];
    // What differs on this machine: the engine, the file the Secret is mounted as, and a free port.
    env.RHEV_URL = sim.apiUrl;
    env.RHEV_PASSWORD_FILE = join(dir, 'password');
    writeFileSync(env.RHEV_PASSWORD_FILE, secret.password);
    env.PORT = String(port);
    const serve = command(['serve'], env);
    try {
      await serve.waitFor(/subgraph at/);
      const base = `http://127.0.0.1:${port}/health`;
      expect((await fetch(`${base}/live`)).status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { engine: string }).engine).toMatch(/refused the credentials of graphql@internal.*ready/);
      // Anonymous callers are refused; a caller with credentials is served.
      const ask = (auth?: string) =>
        fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: JSON.stringify({ query: '{ api { productInfo { name } } }' }),
        });
      expect((await ask()).status).toBe(401);
      const served = await ask(`Basic ${Buffer.from('user@internal:user').toString('base64')}`);
      expect(served.status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
