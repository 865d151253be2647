/**
 * The connection: everything a script does with an engine goes through one.
 *
 * It never builds a URL by hand. It starts from the entry point's links,
 * follows `<link rel>`s of the resources it has, uses `rel/search` templates
 * for searches, and the `<actions>` links a resource lists for actions, so
 * it works against any engine generation that publishes its links
 * (`/api`, `/ovirt-engine/api`, `/rhevm-api`).
 */

import { credentialsOfUrl } from '../http/basic.ts';
import type { ApiModel, Operation } from '../model/index.ts';
import { bundledV4ApiModel, readRsdl } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { type Channel, runAction, waitForStatus, waitUntil } from './acting.ts';
import { checkAnswer, dialectOfEntry, isBeingCreated, parseAnswer } from './answers.ts';
import { model, newResourceOf, tag, toXml, typeInfo, typeOf } from './binding.ts';
import { bindResource, hrefOf, ResourceList, type ResourceMethods, resourceList } from './bound.ts';
import { ConnectionError, CredentialsRefused, IllegalMethod, NotFound, RhevError } from './errors.ts';
import { checkFilter, matchesFilter } from './filter.ts';
import { FreshWindow, Generation, type Stamp } from './fresh.ts';
import { Joiner } from './join.ts';
import type { Logger } from './log.ts';
import type { ActionOptions, CallOptions, ConnectionOptions, GetOptions, ListOptions, WaitOptions } from './options.ts';
import { type HttpResponse, Transport } from './transport.ts';
import type { Action, API, Capabilities, Collections } from './types.generated.ts';
import { expand, listRequest, quoteValue, relativePath, templateMatches } from './urls.ts';

export class Connection {
  /** Default retries of idempotent requests on transient errors. */
  static retries = 5;
  /** Default verbosity (1..10). */
  static verbosity = 1;

  retries: number;
  verbosity: number;
  url?: string;
  username?: string;
  password?: string;
  /** `http` or `https`, once connected. */
  scheme?: string;
  /** The entry point's path (such as `/api`), once connected. */
  entrypoint?: string;
  readonly logger?: Logger;

  private transport?: Transport;
  private entry?: Obj;
  /** API v4's model, once the connection speaks v4 (told so, or the entry point said so). */
  private api4?: ApiModel;
  private rsdl?: Promise<Operation[] | undefined>;
  private readonly docCache = new Map<string, Obj>();
  /** Identical GETs in flight, joined (see join.ts): the connection's one joining layer. */
  private readonly gets = new Joiner<HttpResponse>();
  /**
   * Collection documents parsed from a joined answer, by that answer: every
   * caller that joined one GET gets the same response object, so the first
   * to parse it parses for all of them.
   */
  private readonly parsedLists = new WeakMap<HttpResponse, Obj>();
  /**
   * Bound answers kept for the freshness window (fresh.ts), by request: off
   * unless `freshnessMs` is given; the server turns it on for every caller.
   */
  private readonly answers: FreshWindow<Obj | { items: Obj[]; meta: Obj }>;
  /** The objects the window has shared with callers: reload leaves them as they are. */
  private readonly shared = new WeakSet<object>();

  /** GETs answered by joining an identical one already in flight. */
  get coalesced(): number {
    return this.gets.joined;
  }

  /** Answers served from the freshness window, and lookups that found none fresh. */
  get freshness(): { hits: number; misses: number; windowMs: number } {
    return { hits: this.answers.hits, misses: this.answers.misses, windowMs: this.answers.windowMs };
  }

  /**
   * Something changed that the engine did not tell this connection of (an
   * event in its feed): nothing read before is served from the freshness
   * window, here or in any connection sharing its generation.
   */
  invalidate(): void {
    this.answers.generation.bump();
  }

  /** Prepares a connection; nothing is sent until it is used. */
  constructor(private readonly options: ConnectionOptions = {}) {
    this.url = options.url;
    this.username = options.username;
    this.password = options.password;
    this.retries = options.retries ?? Connection.retries;
    this.verbosity = options.verbosity ?? Connection.verbosity;
    this.logger = options.logger;
    this.answers = new FreshWindow(options.freshnessMs ?? 0, options.generation ?? new Generation());
    if (options.apiVersion === 4 || options.apiVersion === '4') this.speak('v4');
  }

  /** Opens the connection (no request yet); arguments replace the defaults. */
  connect(url?: string, username?: string, password?: string): this {
    if (url !== undefined) this.url = url;
    if (username !== undefined) this.username = username;
    if (password !== undefined) this.password = password;
    if (!this.url) throw new ConnectionError('No URL to connect to: give one to the constructor or to connect()');
    let u: URL;
    try {
      u = new URL(this.url);
    } catch {
      throw new ConnectionError(`Not a URL: ${this.url}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ConnectionError(`Unsupported scheme ${u.protocol} (use http or https)`);
    // Credentials written into the URL are taken as credentials, and taken out of the URL.
    if (u.username || u.password) {
      const given = credentialsOfUrl(u);
      this.username ??= given.username;
      this.password ??= given.password;
      u = new URL((this.url = given.url));
    }
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    void this.transport?.close();
    this.transport = new Transport(
      u,
      {
        ...this.options,
        username: this.username,
        password: this.password,
        // API v4 engines log in through their SSO service; told v4, so does the connection.
        auth: this.options.auth ?? (String(this.options.apiVersion) === '4' ? 'sso' : 'basic'),
      },
      {
        retries: () => this.retries,
        verbosity: () => this.verbosity,
        logger: this.logger,
      },
    );
    this.scheme = u.protocol.slice(0, -1);
    this.entrypoint = u.pathname.replace(/\/$/, '') || '/';
    this.entry = undefined;
    this.docCache.clear();
    this.rsdl = undefined;
    return this;
  }

  /** Ends the engine session and closes the sockets. */
  async close(): Promise<void> {
    const t = this.transport;
    this.transport = undefined;
    this.entry = undefined;
    this.docCache.clear();
    await t?.close();
  }

  /** Request counters (requests, retries, logins) of this connection. */
  get counters(): Transport['counters'] | undefined {
    return this.transport?.counters;
  }

  /** Checks that the entry point answers: OPTIONS must allow GET (falls back to GET). */
  async ping(options: CallOptions = {}): Promise<void> {
    const res = await this.http('OPTIONS', this.entryUrl(), options);
    const allow = String(res.headers.allow ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase());
    if (res.status === 200 && allow.includes('GET')) return;
    const got = await this.http('GET', this.entryUrl(), options);
    this.check(got, [200]);
  }

  /**
   * The API entry point (GET /api), bound. It also settles the dialect
   * (docs/protocol.md §11): an engine's v4 entry point links `clusterlevels`,
   * a v3 one `capabilities`; unless the connection was told a version, what
   * the entry point says is what the connection speaks from then on.
   */
  async api(options: CallOptions = {}): Promise<API & ResourceMethods> {
    const res = await this.http('GET', this.entryUrl(), options);
    this.check(res, [200]);
    if (this.options.apiVersion === undefined || this.options.apiVersion === 'auto') this.speak(dialectOfEntry(res.body));
    this.entry = this.parse(res.body, 'api');
    return this.bind(this.entry, this.dialect === 'v4' ? 'Api' : 'API') as API & ResourceMethods;
  }

  /** The dialect this connection speaks: `v3` until the entry point says otherwise, or as it was told. */
  get dialect(): 'v3' | 'v4' {
    return this.api4 ? 'v4' : 'v3';
  }

  /** The API model of the dialect this connection speaks. */
  get model(): ApiModel {
    return this.api4 ?? model();
  }

  private speak(d: 'v3' | 'v4'): void {
    this.api4 = d === 'v4' ? bundledV4ApiModel() : undefined;
  }

  /** A new, unbound object of a type of this connection's dialect (`newResource` is v3's). */
  newResource<T extends object = Obj>(type: string, fields: Partial<T> = {}): T {
    return newResourceOf<T>(this.model, type, fields);
  }

  /** The capabilities resource. */
  async capabilities(options: CallOptions = {}): Promise<Capabilities> {
    const href = await this.collectionHref('capabilities', undefined, options.signal);
    const res = await this.http('GET', href, options);
    this.check(res, [200]);
    return this.bind(this.parse(res.body, 'capabilities'), 'Capabilities');
  }

  /** Lists a collection: `getAll('vms', { name: 'web*' })`, `getAll('disks', { base: vm })`. */
  getAll<K extends keyof Collections>(type: K, options?: ListOptions): Promise<ResourceList<Collections[K]>>;
  getAll<T = Obj>(type: string | object, options?: ListOptions): Promise<ResourceList<T>>;
  async getAll<T = Obj>(type: string | object, options: ListOptions = {}): Promise<ResourceList<T>> {
    const { base, detail, filter, search, max, page, caseSensitive, signal, fresh, ...keywords } = options;
    const info = this.info(type, base);
    if (filter) checkFilter(filter);
    let href: string;
    const terms = Object.entries(keywords).filter(([, v]) => v !== undefined);
    const searchTemplate =
      terms.length || search !== undefined || page !== undefined ? await this.searchTemplate(info.plural!, base, signal) : undefined;
    if (searchTemplate) {
      const vars: Record<string, string> = {};
      const rest: [string, unknown][] = [];
      for (const [k, v] of terms) searchTemplate.includes(`{${k}}`) ? (vars[k] = String(v)) : rest.push([k, v]);
      let query = search ?? rest.map(([k, v]) => `${k}=${quoteValue(String(v))}`).join(' and ');
      if (page !== undefined) query = `${query} page ${page}`.trim();
      vars.query = query;
      href = expand(searchTemplate, vars);
    } else {
      if (terms.length || search !== undefined)
        throw new IllegalMethod(`The ${info.plural} collection cannot be searched here; use filter for client-side matching`);
      href = await this.collectionHref(info.plural!, base, signal);
    }
    const asked = listRequest(this.dialect, href, { max, caseSensitive, detail });
    const key = windowKey('list', asked);
    const kept = fresh ? undefined : this.answers.getDated(key);
    let answer = kept?.value as { items: Obj[]; meta: Obj } | undefined;
    this.options.onData?.(kept?.sentAt ?? Date.now(), signal);
    if (!answer) {
      const stamp = this.answers.stamp();
      const doc = await this.listDocument(asked.href, asked.headers, signal);
      if (!doc) return resourceList([], info.resourceType, {});
      const items: Obj[] = doc[info.singular] ?? doc[this.model.itemOf(typeOf(doc) ?? '')?.element ?? ''] ?? [];
      const { [info.singular]: _items, ...meta } = doc;
      // Bound once per answer: every caller served from the window shares these objects.
      answer = { items: items.map((i) => this.bind(i, info.resourceType)), meta };
      this.keep(key, answer, answer.items, stamp);
    }
    const { items, meta } = answer;
    return resourceList(filter ? items.filter((r) => matchesFilter(r, filter)) : items, info.resourceType, meta);
  }

  /**
   * The items of a whole top-level collection (`clusters`) if the freshness
   * window holds them, without a request or a wait; else undefined. What the
   * loaders use to answer references at once instead of with a promise each.
   */
  freshItems(rel: string, signal?: AbortSignal): readonly Obj[] | undefined {
    if (!this.answers.enabled || !this.entry) return undefined;
    const link = ((this.entry.link ?? []) as Obj[]).find((l) => l.rel === rel);
    if (!link) return undefined;
    const asked = listRequest(this.dialect, link.href, {});
    const kept = this.answers.getDated(windowKey('list', asked));
    if (kept) this.options.onData?.(kept.sentAt, signal);
    return (kept?.value as { items: Obj[] } | undefined)?.items;
  }

  /**
   * A collection document, fetched and parsed once for all callers asking the
   * same thing at the same time (they share one credential, and so one view of
   * the engine): fifty dashboards refreshing together cost one request and one parse.
   */
  private async listDocument(href: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Obj | undefined> {
    const res = await this.http('GET', href, { headers, signal });
    if (res.status === 404) return undefined;
    this.check(res, [200]);
    let doc = this.parsedLists.get(res);
    if (!doc) this.parsedLists.set(res, (doc = this.parse(res.body)));
    return doc;
  }

  /** One resource: by `id`, or the first match of a search or filter. Undefined when there is none. */
  get<K extends keyof Collections>(type: K, options?: GetOptions): Promise<Collections[K] | undefined>;
  get<T = Obj>(type: string | object, options?: GetOptions): Promise<T | undefined>;
  async get<T = Obj>(type: string | object, options: GetOptions = {}): Promise<T | undefined> {
    const { id, ...rest } = options;
    if (type === 'api' || type === 'API') return (await this.api(rest)) as T;
    if (type === 'capabilities' || type === 'Capabilities') return (await this.capabilities(rest)) as T;
    if (id === undefined) return (await this.getAll<T>(type, rest))[0];
    const info = this.info(type, rest.base);
    if (rest.filter) checkFilter(rest.filter);
    const asked = listRequest(
      this.dialect,
      `${await this.collectionHref(info.plural!, rest.base, rest.signal)}/${encodeURIComponent(id)}`,
      {
        detail: rest.detail,
      },
    );
    const key = windowKey('get', asked);
    const kept = rest.fresh ? undefined : this.answers.getDated(key);
    let r = kept?.value as Obj | undefined;
    this.options.onData?.(kept?.sentAt ?? Date.now(), rest.signal);
    if (!r) {
      const stamp = this.answers.stamp();
      const res = await this.http('GET', asked.href, { headers: asked.headers, signal: rest.signal });
      if (res.status === 404) return undefined;
      if (res.status === 400 && !/xml/.test(String(res.headers['content-type']))) return undefined; // malformed id
      this.check(res, [200]);
      r = this.bind(this.parse(res.body, info.singular), info.resourceType);
      this.keep(key, r, [r], stamp);
    }
    return (rest.filter && !matchesFilter(r, rest.filter) ? undefined : r) as T;
  }

  /**
   * Re-reads a resource and returns it; NotFound when it is gone. As in
   * Python-RHEV the object given is updated in place, unless it came from
   * the freshness window: what the window holds is shared by every caller of
   * the connection and is never changed (fresh.ts), so such an object is
   * left as it is and the fresh copy returned.
   */
  async reload<T extends object>(resource: T, options: { detail?: string | readonly string[]; signal?: AbortSignal } = {}): Promise<T> {
    const href = hrefOf(resource);
    const asked = listRequest(this.dialect, href, { detail: options.detail });
    const res = await this.http('GET', asked.href, { headers: asked.headers, signal: options.signal });
    if (res.status === 404) throw new NotFound(`${typeOf(resource) ?? 'Resource'} ${(resource as Obj).id ?? href} no longer exists`);
    this.check(res, [200]);
    const fresh = this.parse(res.body);
    if (this.shared.has(resource)) return this.bind(fresh, typeOf(resource) ?? typeOf(fresh)!) as T;
    for (const k of Object.keys(resource)) delete (resource as Obj)[k];
    Object.assign(resource, fresh);
    this.bind(resource as Obj, typeOf(resource) ?? typeOf(fresh)!);
    return resource;
  }

  /**
   * Creates a resource in its collection (below `base` for sub-collections).
   * Creations the engine runs as tasks (202) are followed to completion
   * unless `wait: false`.
   */
  async create<T extends object>(
    resource: T,
    options: { base?: object; wait?: boolean; timeout?: number; signal?: AbortSignal } = {},
  ): Promise<T & ResourceMethods> {
    const type = typeOf(resource);
    if (!type) throw new RhevError('create() needs a binding object: make one with newResource()');
    const info = this.info(type, options.base);
    const href = await this.collectionHref(info.plural!, options.base, options.signal);
    const res = await this.http('POST', href, {
      body: toXml(resource, info.singular, this.model),
      headers: options.wait === false ? {} : { expect: '201-created' },
      signal: options.signal,
    });
    this.check(res, [200, 201, 202]);
    const created = this.bind(this.parse(res.body, info.singular), type);
    if (res.status === 202 && options.wait !== false && created.href) {
      await waitUntil(this.channel, created, (current) => !isBeingCreated(current), { timeout: options.timeout, signal: options.signal });
    }
    // Bound: the created resource has its actions and sub-collections, update() and delete().
    return created as unknown as T & ResourceMethods;
  }

  /** Writes a resource's fields back (PUT) and refreshes it from the answer. */
  async update<T extends object>(resource: T, options: CallOptions = {}): Promise<T> {
    const type = typeOf(resource);
    if (!type) throw new RhevError('update() needs a binding object');
    const body: Obj = {};
    for (const [k, v] of Object.entries(resource)) if (k !== 'actions' && k !== 'link' && k !== 'href') body[k] = v;
    const res = await this.http('PUT', hrefOf(resource), { body: toXml(tag(body, type), undefined, this.model), signal: options.signal });
    if (res.status === 404) throw new NotFound(`${type} ${(resource as Obj).id} no longer exists`);
    if (res.status === 405) throw new IllegalMethod(`${type} cannot be updated`);
    this.check(res, [200, 202]);
    Object.assign(resource, this.parse(res.body));
    this.bind(resource as Obj, type);
    return resource;
  }

  /** Deletes a resource; `data` carries the DELETE's parameters (`<action><force>`). */
  async delete(resource: object, options: { base?: object; data?: object; signal?: AbortSignal } = {}): Promise<Obj | undefined> {
    const body = options.data
      ? toXml(
          options.data.constructor === Object && !typeOf(options.data) ? tag(options.data, 'Action') : options.data,
          undefined,
          this.model,
        )
      : undefined;
    const res = await this.http('DELETE', hrefOf(resource), { body, signal: options.signal });
    if (res.status === 404) throw new NotFound(`${typeOf(resource) ?? 'Resource'} ${(resource as Obj).id} was not found`);
    if (res.status === 405) throw new IllegalMethod(`${typeOf(resource) ?? 'Resource'} cannot be deleted`);
    this.check(res, [200, 202, 204]);
    return res.body.trim() ? this.parse(res.body) : undefined;
  }

  /**
   * Runs an action the resource lists in `<actions>`: `action(vm, 'start')`.
   * A refusal throws ActionError carrying the engine's fault; task-backed
   * actions (202) are polled to completion unless `wait: false` (acting.ts).
   */
  action(resource: object, name: string, data?: object, options: ActionOptions = {}): Promise<Action> {
    return runAction(this.channel, resource, name, data, options) as Promise<Action>;
  }

  /**
   * Waits until the resource's status is one of `status` (case-insensitive),
   * or until it is gone when `status` is null; true when reached, false on
   * timeout (acting.ts).
   */
  waitForStatus(resource: object, status: string | readonly string[] | null, options: WaitOptions = {}): Promise<boolean> {
    return waitForStatus(this.channel, resource, status, options);
  }

  /** What acting.ts uses of the connection. */
  private get channel(): Channel {
    return {
      model: this.model,
      http: (method, href, opts) => this.http(method, href, opts),
      check: (res, ok) => this.check(res, ok),
      parse: (xml, expected) => this.parse(xml, expected),
      bind: (obj, type) => this.bind(obj, type),
      reload: (resource, opts) => this.reload(resource, opts),
    };
  }

  /**
   * HTTP methods available for a resource, a collection or a type name (with
   * `base` for sub-collections). Answered from the engine's RSDL, fetched
   * once per connection; engines without one are asked with OPTIONS.
   */
  async getMethods(obj: object | string, options: { base?: object } = {}): Promise<string[]> {
    let href: string;
    if (typeof obj === 'string' || !('href' in obj) || obj instanceof ResourceList) {
      const key = typeof obj === 'string' ? obj : typeOf(obj);
      href = await this.collectionHref(this.info(key ?? '', options.base).plural!, options.base);
    } else {
      href = (obj as Obj).href;
    }
    // v4 engines publish no RSDL: their model's operations say the same.
    const ops = this.dialect === 'v4' ? this.model.operations : await this.rsdlOperations();
    if (ops) {
      const path = relativePath(href, this.entrypoint ?? '/api');
      const methods = ops.filter((op) => templateMatches(op.href, path)).map((op) => op.method);
      if (methods.length) return [...new Set(methods)];
    }
    const res = await this.http('OPTIONS', href);
    return String(res.headers.allow ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean);
  }

  /** Names of the actions a resource or collection lists. */
  getActions(obj: object): string[] {
    const o = obj instanceof ResourceList ? obj.meta : (obj as Obj);
    return (o?.actions?.link ?? []).map((l: Obj) => l.rel);
  }

  /** Rels of the links a resource or collection carries. */
  getLinks(obj: object): string[] {
    const o = obj instanceof ResourceList ? obj.meta : (obj as Obj);
    return (o?.link ?? []).map((l: Obj) => l.rel);
  }

  /** The operations of the engine's RSDL, fetched once; undefined when the engine has none. */
  rsdlOperations(): Promise<Operation[] | undefined> {
    this.rsdl ??= (async () => {
      const res = await this.http('GET', `${this.entryUrl()}?rsdl`);
      if (res.status !== 200) return undefined;
      try {
        return readRsdl(model().xsd, res.body, 'engine RSDL');
      } catch {
        return undefined;
      }
    })();
    return this.rsdl;
  }

  // ------------------------------------------------------------------ internals

  private ensure(): Transport {
    if (!this.transport) this.connect();
    return this.transport!;
  }

  private entryUrl(): string {
    this.ensure();
    // An entry point at the root is `/`, not `//` (which would name another host).
    return this.entrypoint === '/' ? '/' : `${this.entrypoint}/`;
  }

  /**
   * One HTTP exchange with the engine. Identical GETs in flight at the same
   * time share one request and one answer object (join.ts): a connection
   * belongs to one credential, so what they share is what each would have
   * been answered anyway.
   */
  private async http(
    method: string,
    href: string,
    opts: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<HttpResponse> {
    const t = this.ensure();
    const read = method === 'GET' && opts.body === undefined;
    let res: HttpResponse;
    try {
      res =
        read && this.options.coalesce !== false
          ? await this.gets.run(`${href}\n${opts.headers?.accept ?? ''}`, opts.signal, (shared) =>
              t.request(method, href, { ...opts, signal: shared, owner: opts.signal }),
            )
          : await t.request(method, href, opts);
    } catch (e) {
      if (e instanceof CredentialsRefused) this.options.onUnauthorized?.();
      throw e;
    } finally {
      // A write (done, refused or broken off) may have changed the engine: what the window holds is old now (fresh.ts rule 3).
      if (!read) this.answers.generation.bump();
    }
    if (res.status !== 401) return res;
    this.options.onUnauthorized?.();
    throw new CredentialsRefused(`The engine did not accept the credentials of ${this.username ?? 'this connection'} (HTTP 401)`);
  }

  private info(type: string | object, base?: object) {
    const info = typeInfo(type, base, this.model);
    if (!info?.plural) throw new RhevError(`Unknown collection or type: ${typeof type === 'string' ? type : typeOf(type)}`);
    return info;
  }

  private async entryDoc(signal: AbortSignal | undefined): Promise<Obj> {
    if (!this.entry) await this.api({ signal });
    return this.entry!;
  }

  /** A resource's document, for its links (cached: links do not change). */
  private async linksOf(base: object | undefined, signal: AbortSignal | undefined): Promise<Obj[]> {
    if (!base) {
      const e = await this.entryDoc(signal);
      return [...(e.link ?? []), ...(e.special_objects?.link ?? [])];
    }
    const b = base as Obj;
    if (b.link) return b.link;
    const href = hrefOf(base);
    let doc = this.docCache.get(href);
    if (!doc) {
      const res = await this.http('GET', href, { signal });
      this.check(res, [200]);
      doc = this.parse(res.body);
      this.docCache.set(href, doc);
    }
    return doc.link ?? [];
  }

  /** The href of the link `rel` of a resource, or of the entry point without one. */
  linkOf(rel: string, base?: object, options: CallOptions = {}): Promise<string> {
    return this.collectionHref(rel, base, options.signal);
  }

  private async collectionHref(rel: string, base: object | undefined, signal?: AbortSignal): Promise<string> {
    const link = (await this.linksOf(base, signal)).find((l) => l.rel === rel);
    if (link) return link.href;
    const owner = base ? `${typeOf(base) ?? 'The resource'} ${(base as Obj).id ?? ''}`.trim() : 'The entry point';
    throw new NotFound(`${owner} has no link to ${rel}`);
  }

  private async searchTemplate(rel: string, base: object | undefined, signal: AbortSignal | undefined): Promise<string | undefined> {
    const links = await this.linksOf(base, signal);
    return links.find((l) => l.rel === `${rel}/search`)?.href;
  }

  private parse(xml: string, expected?: string): Obj {
    return parseAnswer(xml, expected, this.model.xsd);
  }

  private check(res: HttpResponse, ok: number[]): void {
    checkAnswer(res, ok, this.model.xsd);
  }

  /** Keeps an answer in the freshness window, and notes the objects it shares (reload never changes them). */
  private keep(key: string, answer: Obj | { items: Obj[]; meta: Obj }, objects: readonly object[], stamp: Stamp): void {
    if (!this.answers.enabled) return;
    this.answers.set(key, answer, stamp);
    for (const o of objects) this.shared.add(o);
  }

  /** Binds a parsed object (and the resources nested in it) to this connection. */
  bind<T extends Obj>(obj: T, type: string): T {
    return bindResource(this, obj, type);
  }
}

// ------------------------------------------------------------------ helpers

/** The key of an answer in the freshness window: what was asked (list or get), where, and with which headers. */
function windowKey(kind: 'list' | 'get', asked: { href: string; headers: Record<string, string> }): string {
  return `${kind} ${asked.href}\n${JSON.stringify(asked.headers)}`;
}
