/**
 * A hostile fake engine on loopback, for the attacks a real engine (or
 * whoever sits in its place) can make on the server: answers too large to
 * hold, answers that never end, a byte every so often, links and redirects
 * to another host, HTML error pages, and silence. It speaks just enough of
 * API v3 for a client to get there: an entry point, a VM list, a VM's disks.
 *
 * A list asked for with `Accept: application/json` (a client reading API v4
 * as JSON) is answered in JSON, in the same sizes and with the same faults.
 *
 * It records every request (with whether it carried credentials) and how
 * many sockets are open, so tests can assert what reached it and what was
 * given back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Behaviour =
  | { kind: 'ok' }
  /**
   * A well-formed list padded to this many bytes, sent as fast as the socket
   * takes it: in VMs of 1 KB, or (`oneItem`) as one VM whose name is that long;
   * with another `status` (an error answer) if asked.
   */
  | { kind: 'huge'; bytes: number; declareLength?: boolean; oneItem?: boolean; status?: number }
  /** A list that never ends: chunks forever until the socket closes. */
  | { kind: 'endless' }
  /** One byte every `everyMs`, forever. */
  | { kind: 'dribble'; everyMs: number }
  /** Headers never sent, no byte ever. */
  | { kind: 'hang' }
  /** An HTML error page, as a proxy in front of an engine would send (with a stack trace and a password in it). */
  | { kind: 'html'; status: number }
  /** A list of this many minimal VMs, written as fast as the socket takes it. */
  | { kind: 'many'; items: number }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; to: string }
  /** The usual list, but its VMs' hrefs and links point at `origin`. */
  | { kind: 'links'; origin: string }
  /** A list whose second item is cut off in the middle, then closed as if nothing happened. */
  | { kind: 'garbled' }
  /** VMs without a description or comment, listing an action named `description` and a link named `comment`. */
  | { kind: 'fieldNames' };

export interface HostileOptions {
  /** Where the entry point's links point (default: this server). */
  linkOrigin?: string;
  /** What each route does: `api`, `vms`, `disks` (default ok). */
  routes?: Partial<Record<'api' | 'vms' | 'disks', Behaviour>>;
  /** What the VM list does when searched for a key of this map (`?search=huge`), whatever `routes` says. */
  searches?: Record<string, Behaviour>;
  /** The only password accepted (any user); default: any credentials. */
  password?: string;
  /** VMs in the list. */
  vms?: number;
}

export interface Hostile {
  readonly url: string;
  readonly apiUrl: string;
  readonly origin: string;
  readonly requests: { method: string; path: string; authorized: boolean; accept?: string }[];
  /** Sockets open now. */
  readonly openSockets: number;
  set(options: HostileOptions): void;
  close(): Promise<void>;
}

const VM_ID = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

export async function hostileEngine(initial: HostileOptions = {}): Promise<Hostile> {
  let options = initial;
  const requests: Hostile['requests'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push({
      method: req.method ?? 'GET',
      path,
      authorized: req.headers.authorization !== undefined || /JSESSIONID/.test(req.headers.cookie ?? ''),
      accept: req.headers.accept,
    });
    if (options.password !== undefined) {
      const auth = req.headers.authorization;
      const pass = auth?.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') : undefined;
      if (pass !== options.password) {
        res
          .writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="RESTAPI"' })
          .end('<html><body>Unauthorized</body></html>');
        return;
      }
    }
    // A client speaking API v4 logs in through SSO first (docs/protocol.md): any credentials get a token.
    if (path === '/ovirt-engine/sso/oauth/token')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"hostile-token","token_type":"bearer"}');
    const route =
      path === '/api' || path === '/api/'
        ? 'api'
        : /^\/api\/vms\/?$/.test(path)
          ? 'vms'
          : /^\/api\/vms\/[^/]+\/disks\/?$/.test(path)
            ? 'disks'
            : undefined;
    if (!route) return void res.writeHead(404, { 'content-type': 'application/xml' }).end('<fault><reason>Not Found</reason></fault>');
    const search = route === 'vms' ? new URL(req.url ?? '/', 'http://x').searchParams.get('search') : null;
    behave(req, res, route, (search !== null ? options.searches?.[search] : undefined) ?? options.routes?.[route] ?? { kind: 'ok' });
  });

  const behave = (req: IncomingMessage, res: ServerResponse, route: 'api' | 'vms' | 'disks', b: Behaviour) => {
    const links = options.linkOrigin ?? origin;
    const list = route === 'vms' && /application\/json/.test(req.headers.accept ?? '') ? JSON_LIST : XML_LIST;
    const body =
      route === 'api'
        ? entryPoint(links)
        : route === 'vms'
          ? vmList(list, links, options.vms ?? 3)
          : '<disks><disk id="10000000-0000-4000-8000-000000000001"><name>d1</name></disk></disks>';
    switch (b.kind) {
      case 'ok':
        return void res.writeHead(200, { 'content-type': route === 'vms' ? list.type : 'application/xml' }).end(body);
      case 'garbled': {
        const [first, second] = [list.item(VM_ID(0), 'vm0'), list.item(VM_ID(1), 'vm1')];
        return void res
          .writeHead(200, { 'content-type': list.type })
          .end(`${list.open}${first}${list.sep}${second.slice(0, -9)}${list.close}`);
      }
      case 'huge': {
        const pad = b.oneItem ? 'x'.repeat(64 * 1024) : list.sep + list.item(VM_ID(0), 'x'.repeat(1000));
        const count = Math.ceil(b.bytes / pad.length);
        const [head, tail] = list.item(VM_ID(0), '\u0000').split('\u0000');
        const [open, close] = b.oneItem ? [list.open + head, tail + list.close] : [list.open + list.item(VM_ID(0), 'first'), list.close];
        res.writeHead(b.status ?? 200, {
          'content-type': list.type,
          ...(b.declareLength ? { 'content-length': String(count * pad.length + open.length + close.length) } : {}),
        });
        res.write(open);
        let sent = 0;
        const pump = () => {
          while (sent < count) {
            sent++;
            if (!res.write(pad)) return void res.once('drain', pump);
          }
          res.end(close);
        };
        res.on('close', () => {
          sent = count;
        });
        return pump();
      }
      case 'endless': {
        res.writeHead(200, { 'content-type': list.type });
        res.write(list.open + list.item(VM_ID(1), 'first'));
        const chunk = list.sep + list.item(VM_ID(1), 'y'.repeat(60_000));
        const pump = () => {
          if (res.destroyed) return;
          while (res.write(chunk)) {
            /* until the socket pushes back */
          }
          res.once('drain', pump);
        };
        return pump();
      }
      case 'dribble': {
        res.writeHead(200, { 'content-type': 'application/xml' });
        const t = setInterval(() => {
          if (res.destroyed) {
            clearInterval(t);
            timers.delete(t);
          } else res.write(' ');
        }, b.everyMs);
        timers.add(t);
        res.on('close', () => {
          clearInterval(t);
          timers.delete(t);
        });
        return;
      }
      case 'many': {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.write('<vms>');
        let i = 0;
        const pump = () => {
          while (i < b.items) {
            // Written in slices of a thousand: few writes, little held at once.
            let slice = '';
            for (const end = Math.min(b.items, i + 1000); i < end; i++) slice += `<vm id="${VM_ID(i)}"/>`;
            if (!res.write(slice)) return void res.once('drain', pump);
          }
          res.end('</vms>');
        };
        res.on('close', () => {
          i = b.items;
        });
        return pump();
      }
      case 'hang':
        return;
      case 'html':
        return void res
          .writeHead(b.status, { 'content-type': 'text/html' })
          .end(
            `<!DOCTYPE html><html><head><title>Proxy error</title><script>steal(document.cookie)</script></head><body><pre>password=hunter2-secret at Login.java:42</pre><h1>${b.status} Bad gateway</h1><pre>java.lang.IllegalStateException at org.ovirt.engine.Login(Login.java:42)</pre><p>${'The upstream server did not answer. '.repeat(40)}</p></body></html>`,
          );
      case 'status':
        return void res
          .writeHead(b.status, { 'content-type': 'application/xml' })
          .end('<fault><reason>Service Unavailable</reason></fault>');
      case 'redirect':
        return void res.writeHead(302, { location: b.to }).end();
      case 'links':
        return void res.writeHead(200, { 'content-type': list.type }).end(vmList(list, b.origin, options.vms ?? 3));
      case 'fieldNames': {
        const vm = (i: number) =>
          `<vm href="${links}/api/vms/${VM_ID(i)}" id="${VM_ID(i)}"><actions><link href="${links}/api/vms/${VM_ID(i)}/description" rel="description"/></actions><name>vm${i}</name><link href="${links}/api/vms/${VM_ID(i)}/comment" rel="comment"/></vm>`;
        return void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<vms>${vm(0)}${vm(1)}</vms>`);
      }
    }
  };

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: origin,
    apiUrl: `${origin}/api`,
    origin,
    requests,
    get openSockets() {
      return sockets.size;
    },
    set(o) {
      options = o;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function entryPoint(origin: string): string {
  return `<api><link href="${origin}/api/vms" rel="vms"/><link href="${origin}/api/vms?search={query}" rel="vms/search"/><time>2026-01-01T00:00:00Z</time></api>`;
}

/** How a VM list is written in each representation the fake engine speaks. */
interface ListText {
  readonly type: string;
  readonly open: string;
  readonly close: string;
  /** Between two items. */
  readonly sep: string;
  item(id: string, name: string, origin?: string): string;
}

const XML_LIST: ListText = {
  type: 'application/xml',
  open: '<vms>',
  close: '</vms>',
  sep: '',
  item: (id, name, origin) =>
    origin === undefined
      ? `<vm id="${id}"><name>${name}</name></vm>`
      : `<vm href="${origin}/api/vms/${id}" id="${id}"><name>${name}</name><link href="${origin}/api/vms/${id}/disks" rel="disks"/></vm>`,
};

const JSON_LIST: ListText = {
  type: 'application/json',
  open: '{\n  "vm" : [ ',
  close: ' ]\n}',
  sep: ', ',
  item: (id, name, origin) =>
    origin === undefined
      ? `{ "id" : "${id}", "name" : "${name}" }`
      : `{ "href" : "${origin}/api/vms/${id}", "id" : "${id}", "name" : "${name}", "link" : [ { "href" : "${origin}/api/vms/${id}/disks", "rel" : "disks" } ] }`,
};

function vmList(list: ListText, origin: string, n: number): string {
  return list.open + Array.from({ length: n }, (_, i) => list.item(VM_ID(i), `vm${i}`, origin)).join(list.sep) + list.close;
}
