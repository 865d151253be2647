/**
 * The connection: everything a script does with an engine goes through one.
 * It is the client's front (Python-RHEV's Connection, method for method),
 * and decides what to ask; the work is done by parts with one job each:
 *
 * - exchange.ts: one HTTP exchange (GETs joined, writes ending the window,
 *   refusals reported), over the transport (sessions, retries, bounds);
 * - links.ts: where things are, from the entry point's links down (no URL
 *   is ever built by hand);
 * - reading.ts: the reading path (freshness window, parse once, bind);
 * - writing.ts and acting.ts: create, update, delete; actions and waits.
 *
 * The connection also settles the dialect: told one, or what the entry
 * point says (docs/protocol.md §11), and binds what comes back with the API
 * model of that dialect.
 */

import { credentialsOfUrl } from '../http/basic.ts';
import type { ApiModel, Operation } from '../model/index.ts';
import { bundledV4ApiModel, readRsdl } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { type Channel, runAction, waitForStatus } from './acting.ts';
import { answerReading, checkAnswer, dialectOfEntry, parseAnswer } from './answers.ts';
import { model, newResourceOf, typeInfo, typeOf } from './binding.ts';
import { bindResource, hrefOf, inlinedItems, ResourceList, type ResourceMethods, resourceList } from './bound.ts';
import { ConnectionError, IllegalMethod, RhevError } from './errors.ts';
import { Exchange, type RequestOptions } from './exchange.ts';
import { checkFilter, matchesFilter } from './filter.ts';
import { Generation } from './fresh.ts';
import { Links } from './links.ts';
import type { Logger } from './log.ts';
import type { ActionOptions, CallOptions, ConnectionOptions, GetOptions, ListOptions, WaitOptions } from './options.ts';
import { Reader } from './reading.ts';
import { type HttpResponse, Transport } from './transport.ts';
import type { Action, API, Capabilities, Collections } from './types.generated.ts';
import { expand, listRequest, quoteValue, relativePath, templateMatches } from './urls.ts';
import { type CreateOptions, createIn, deleteResource, updateResource } from './writing.ts';

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
  /** API v4's model, once the connection speaks v4 (told so, or the entry point said so). */
  private api4?: ApiModel;
  private rsdl?: Promise<Operation[] | undefined>;
  private readonly exchange: Exchange;
  /** `filter: 'auto'`: decided (decideFilter), and the decision under way. */
  private filterDecided = false;
  private deciding?: Promise<Obj>;
  private readonly links: Links;
  private readonly reader: Reader;

  /** GETs answered by joining an identical one already in flight. */
  get coalesced(): number {
    return this.exchange.joined;
  }

  /**
   * Answers served from the freshness window, and lookups that found none
   * fresh; lists the engine answered again with the same bytes, served
   * without reading them again (`unchanged`, unchanged.ts).
   */
  get freshness(): { hits: number; misses: number; windowMs: number; unchanged: number } {
    const w = this.reader.window;
    return { hits: w.hits, misses: w.misses, windowMs: w.windowMs, unchanged: this.reader.unchangedLists };
  }

  /**
   * Something changed that the engine did not tell this connection of (an
   * event in its feed): nothing read before is served from the freshness
   * window, here or in any connection sharing its generation.
   */
  invalidate(): void {
    void this.reader.window.generation.changed();
  }

  /** Prepares a connection; nothing is sent until it is used. */
  constructor(private readonly options: ConnectionOptions = {}) {
    this.url = options.url;
    this.username = options.username;
    this.password = options.password;
    this.retries = options.retries ?? Connection.retries;
    this.verbosity = options.verbosity ?? Connection.verbosity;
    this.logger = options.logger;
    const generation = options.generation ?? new Generation();
    this.exchange = new Exchange(() => this.ensure(), generation, {
      coalesce: options.coalesce,
      onUnauthorized: options.onUnauthorized,
      who: () => this.username,
    });
    const parts = {
      request: (method: string, href: string, opts?: RequestOptions) => this.http(method, href, opts),
      check: (res: HttpResponse, ok: number[]) => this.check(res, ok),
      parse: (xml: string, expected?: string) => this.parse(xml, expected),
      bind: <T extends Obj>(obj: T, type: string) => this.bind(obj, type),
    };
    this.links = new Links({ ...parts, readEntry: (signal) => this.api({ signal }) });
    this.reader = new Reader(
      {
        ...parts,
        model: () => this.model,
        reading: (read) => answerReading(this.model.xsd, options.engineFormat ?? 'xml', this.dialect, read),
        onData: options.onData,
        onUnchanged: options.onUnchanged,
        budget: options.budget,
      },
      options.freshnessMs ?? 0,
      generation,
      options.sharedReads,
      options.unchangedListBytes,
    );
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
    this.links.reset();
    this.filterDecided = false;
    this.rsdl = undefined;
    return this;
  }

  /** Ends the engine session and closes the sockets. */
  async close(): Promise<void> {
    const t = this.transport;
    this.transport = undefined;
    this.links.reset();
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
    // Undecided whether to filter (`filter: 'auto'`): the read that decides is this one.
    const entry = this.undecided ? await this.decision(options.signal) : this.entered(await this.http('GET', this.entryUrl(), options));
    return this.bind(entry, this.dialect === 'v4' ? 'Api' : 'API') as API & ResourceMethods;
  }

  /** The entry point's answer read: the dialect it speaks (unless told one), and its links kept. */
  private entered(res: HttpResponse): Obj {
    this.check(res, [200]);
    if (this.options.apiVersion === undefined || this.options.apiVersion === 'auto') this.speak(dialectOfEntry(res.body));
    const entry = this.parse(res.body, 'api');
    this.links.entered(entry);
    return entry;
  }

  /** Whether it sends `Filter: true` (the engine then answers as for a user: no inventory summary, only what they may see). */
  get filtered(): boolean {
    return this.transport?.filtering ?? this.options.filter === true;
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
    const href = await this.links.href('capabilities', undefined, options.signal);
    const res = await this.http('GET', href, options);
    this.check(res, [200]);
    return this.bind(this.parse(res.body, 'capabilities'), 'Capabilities');
  }

  /** Lists a collection: `getAll('vms', { name: 'web*' })`, `getAll('disks', { base: vm })`. */
  getAll<K extends keyof Collections>(type: K, options?: ListOptions): Promise<ResourceList<Collections[K]>>;
  getAll<T = Obj>(type: string | object, options?: ListOptions): Promise<ResourceList<T>>;
  async getAll<T = Obj>(type: string | object, options: ListOptions = {}): Promise<ResourceList<T>> {
    const { base, detail, follow, filter, search, max, page, caseSensitive, signal, fresh, ...keywords } = options;
    const info = this.info(type, base);
    if (filter) checkFilter(filter);
    const href = await this.listHref(info.plural!, base, { search, page, keywords }, signal);
    const asked = listRequest(this.dialect, href, { max, caseSensitive, inline: detail ?? follow });
    const answer = await this.reader.list(asked, info, signal, fresh);
    if (!answer) return resourceList([], info.resourceType, {});
    const { items, meta } = answer;
    return resourceList(filter ? items.filter((r) => matchesFilter(r, filter)) : items, info.resourceType, meta);
  }

  /**
   * Where a list is read: the collection's link, or its search template
   * filled in when there is a search (keywords the template names fill its
   * variables; the others become an AND search).
   */
  private async listHref(
    plural: string,
    base: object | undefined,
    q: { search?: string; page?: number; keywords: Record<string, unknown> },
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const terms = Object.entries(q.keywords).filter(([, v]) => v !== undefined);
    const searched = terms.length || q.search !== undefined || q.page !== undefined;
    const template = searched ? await this.links.searchTemplate(plural, base, signal) : undefined;
    if (!template) {
      if (terms.length || q.search !== undefined)
        throw new IllegalMethod(`The ${plural} collection cannot be searched here; use filter for client-side matching`);
      return this.links.href(plural, base, signal);
    }
    const vars: Record<string, string> = {};
    const rest: [string, unknown][] = [];
    for (const [k, v] of terms) template.includes(`{${k}}`) ? (vars[k] = String(v)) : rest.push([k, v]);
    let query = q.search ?? rest.map(([k, v]) => `${k}=${quoteValue(String(v))}`).join(' and ');
    if (q.page !== undefined) query = `${query} page ${q.page}`.trim();
    vars.query = query;
    return expand(template, vars);
  }

  /**
   * The items of a whole top-level collection (`clusters`) if the freshness
   * window holds them, without a request or a wait; else undefined. What the
   * loaders use to answer references at once instead of with a promise each.
   */
  freshItems(rel: string, signal?: AbortSignal): readonly Obj[] | undefined {
    const href = this.links.known(rel);
    return href === undefined ? undefined : this.reader.held(listRequest(this.dialect, href, {}), signal);
  }

  /**
   * The items of the sub-collection `rel` the engine put inside `parent`
   * when a list or get of this connection brought it (detail=, follow=),
   * bound once; undefined when it was not inlined. No request.
   */
  inlined(parent: object, rel: string): readonly Obj[] | undefined {
    return inlinedItems(parent as Obj, rel);
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
    const href = `${await this.links.href(info.plural!, rest.base, rest.signal)}/${encodeURIComponent(id)}`;
    const asked = listRequest(this.dialect, href, { inline: rest.detail ?? rest.follow });
    const r = await this.reader.one(asked, info, rest.signal, rest.fresh);
    return (r && rest.filter && !matchesFilter(r, rest.filter) ? undefined : r) as T | undefined;
  }

  /**
   * Re-reads a resource and returns it; NotFound when it is gone. As in
   * Python-RHEV the object given is updated in place, unless it came from
   * the freshness window (reading.ts): then the fresh copy is returned.
   */
  reload<T extends object>(resource: T, options: { detail?: string | readonly string[]; signal?: AbortSignal } = {}): Promise<T> {
    return this.reader.reload(resource, listRequest(this.dialect, hrefOf(resource), { inline: options.detail }), options.signal);
  }

  /**
   * Creates a resource in its collection (below `base` for sub-collections).
   * Creations the engine runs as tasks (202) are followed to completion
   * unless `wait: false` (writing.ts).
   */
  async create<T extends object>(resource: T, options: CreateOptions & { base?: object } = {}): Promise<T & ResourceMethods> {
    const type = typeOf(resource);
    if (!type) throw new RhevError('create() needs a binding object: make one with newResource()');
    const info = this.info(type, options.base);
    const href = await this.links.href(info.plural!, options.base, options.signal);
    return createIn(this.channel, href, resource, info.singular, options);
  }

  /** Writes a resource's fields back (PUT) and refreshes it from the answer. */
  update<T extends object>(resource: T, options: CallOptions = {}): Promise<T> {
    return updateResource(this.channel, resource, options);
  }

  /** Deletes a resource; `data` carries the DELETE's parameters (`<action><force>`). */
  delete(resource: object, options: { base?: object; data?: object; signal?: AbortSignal } = {}): Promise<Obj | undefined> {
    return deleteResource(this.channel, resource, options.data, options);
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
      href = await this.links.href(this.info(key ?? '', options.base).plural!, options.base);
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

  /** The href of the link `rel` of a resource, or of the entry point without one. */
  linkOf(rel: string, base?: object, options: CallOptions = {}): Promise<string> {
    return this.links.href(rel, base, options.signal);
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

  /** One HTTP exchange with the engine (exchange.ts), once the connection knows whether it filters. */
  private async http(method: string, href: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    if (this.undecided) await this.decision(opts.signal);
    return this.exchange.request(method, href, opts);
  }

  /** `filter: 'auto'` and not yet decided. */
  private get undecided(): boolean {
    return this.options.filter === 'auto' && !this.filterDecided;
  }

  /**
   * `filter: 'auto'`: whether this account runs filtered, decided once from
   * the entry point read without `Filter`. The engine fills in the inventory
   * summary only for accounts that may run its admin-only statistics query
   * (docs/protocol.md §1): numbers there mean an administrator, served
   * unfiltered; none mean a user, whose every request from then on carries
   * `Filter: true`. The read is the connection's entry point read too:
   * callers waiting meanwhile share it. Resolves to the entry document.
   */
  private decision(signal: AbortSignal | undefined): Promise<Obj> {
    this.deciding ??= (async () => {
      try {
        const entry = this.entered(await this.exchange.request('GET', this.entryUrl(), { signal }));
        this.ensure().filtering = typeof entry.summary?.vms?.total !== 'number';
        this.filterDecided = true;
        return entry;
      } finally {
        this.deciding = undefined;
      }
    })();
    return this.deciding;
  }

  private info(type: string | object, base?: object) {
    const info = typeInfo(type, base, this.model);
    if (!info?.plural) throw new RhevError(`Unknown collection or type: ${typeof type === 'string' ? type : typeOf(type)}`);
    return info;
  }

  private parse(xml: string, expected?: string): Obj {
    return parseAnswer(xml, expected, this.model.xsd);
  }

  private check(res: HttpResponse, ok: number[]): void {
    checkAnswer(res, ok, this.model.xsd);
  }

  /** Binds a parsed object (and the resources nested in it) to this connection. */
  bind<T extends Obj>(obj: T, type: string): T {
    return bindResource(this, obj, type);
  }
}
