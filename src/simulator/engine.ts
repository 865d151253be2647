import { bundledV4ModelText } from '../model/index.ts';
import type { Doc } from '../xml/index.ts';
import { actionHandler } from './actions/index.ts';
import type { TypeWord } from './app-errors.generated.ts';
import type { AuditLogName } from './audit-log.generated.ts';
import { capabilitiesDocument } from './capabilities.ts';
import { ADD_ONLY } from './collections/imports.ts';
import type { Created, CrudContext } from './collections/index.ts';
import { grantsOf, TABLE_OF, TYPE_OF_TABLE, TYPE_WORD } from './collections/index.ts';
import { dialect } from './dialects.ts';
import { checkEnums, IMMUTABLE, needsUuid, readBody, sameValue, splitPath, unmet, writeFields } from './documents.ts';
import { entryAnswer } from './entry.ts';
import { type About, EventLog } from './events.ts';
import {
  appErrorText,
  badRequest,
  EngineFault,
  entityNotFound,
  faultAnswer,
  forbidden,
  incomplete,
  methodNotAllowed,
  notFound,
  refuse,
} from './faults.ts';
import type { Inventory } from './inventory.ts';
import { expanded, listAnswer, selectListed } from './listing.ts';
import { answersInJson, documentAnswer } from './media.ts';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions, type EngineRequest, type EngineResponse, EngineStats } from './messages.ts';
import { USER_VM_MANAGER_ROLE_ID } from './roles.ts';
import { decorate, type Spec, seenAt, v3TypeName, v4Routes } from './routes.ts';
import { searchFieldsOfSpec } from './search-fields.ts';
import { buildInventory } from './seed.ts';
import { type Caller, Sessions } from './sessions.ts';
import { refreshHostSummaries } from './statistics.ts';
import { type Rec, ref, Store, type Table, UUID_RE } from './store.ts';
import { Tasks } from './tasks.ts';

interface Trace {
  route?: string;
}

/** A parsed request body or a document being built: any fields of a schema type. */

export class Engine {
  readonly options: EngineOptions;
  inv!: Inventory;
  readonly stats = new EngineStats();
  /** Accounts, sessions and SSO tokens (the SSO endpoints of http.ts issue tokens here). */
  readonly sessions = new Sessions(this.stats);
  /** Creations running as tasks, by the href of their creation_status (at most maxEvents kept). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tasks = new Tasks({ later: (ms, fn) => this.later(ms, fn), limits: () => this.options });
  private readonly events = new EventLog(
    () => this.store,
    () => this.options.maxEvents,
  );

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.reset();
  }

  get store(): Store {
    return this.inv.store;
  }

  /** Rebuilds the inventory from the seed and forgets sessions, tasks and timers. */
  reset(): void {
    this.stopTimers();
    this.sessions.reset();
    this.tasks.clear();
    this.inv = buildInventory(this.options);
  }

  stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  /** Runs `steps` one transition apart; resolves after the last. */
  steps(...steps: (() => void)[]): Promise<void> {
    return new Promise((resolve) => {
      steps.forEach((fn, i) => {
        this.later(this.options.transitionMs * (i + 1), () => {
          fn();
          if (i === steps.length - 1) resolve();
        });
      });
      if (!steps.length) resolve();
    });
  }

  // ------------------------------------------------------------------ entry

  async handle(req: EngineRequest): Promise<EngineResponse> {
    // The route pattern is known before a handler can fail, so refusals are counted under it too.
    const trace: Trace = {};
    try {
      return await this.dispatch(req, trace);
    } catch (e) {
      const f = e instanceof EngineFault ? e : new EngineFault(500, 'Operation Failed', (e as Error).message);
      return { ...faultAnswer(dialect(req.dialect), f, answersInJson(req)), route: trace.route };
    }
  }

  private async dispatch(req: EngineRequest, trace: Trace): Promise<EngineResponse> {
    const { caller, headers, delayMs } = this.sessions.authenticate(req, this.options.loginCostMs);
    const res = await this.route(req, caller, trace);
    Object.assign(res.headers, headers);
    if (delayMs) res.delayMs = (res.delayMs ?? 0) + delayMs;
    return res;
  }

  // ------------------------------------------------------------------ auth

  /** Sessions currently open (for tests and the stats endpoint). */
  get openSessions(): number {
    return this.sessions.open;
  }

  // ------------------------------------------------------------------ routing

  private async route(req: EngineRequest, caller: Caller, trace: Trace): Promise<EngineResponse> {
    const { segments, matrix } = splitPath(req.path);
    const method = req.method.toUpperCase();

    const d = dialect(req.dialect);
    if (segments.length === 0)
      return entryAnswer(
        d,
        this.store,
        req,
        caller.filtered ? 'none' : caller.account.admin ? 'full' : 'empty',
        this.options.release ?? (d.name === 'v4' ? '4.5' : '3.6'),
      );
    if (d.name === 'v4' && segments.length === 1 && segments[0] === 'model.json') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return { status: 200, headers: { 'content-type': 'application/json' }, body: bundledV4ModelText(), route: 'GET /model.json' };
    }
    if (!caller.account.admin && !caller.filtered) throw forbidden();

    let specs: readonly Spec[] = d.routes.root;
    let parent: Rec | undefined;
    let pattern = '';
    for (let i = 0; i < segments.length; i++) {
      const rel = segments[i];
      const s = specs.find((x) => x.rel === rel);
      if (!s && rel === 'creation_status' && parent && i === segments.length - 2) {
        const route = `${method} ${pattern}/creation_status/{id}`;
        trace.route = route;
        if (method !== 'GET') throw methodNotAllowed('GET');
        return { ...this.creationStatus(req, `${parent.href}/creation_status/${decodeURIComponent(segments[i + 1])}`), route };
      }
      if (!s && i === 0 && segments.length === 1 && d.name === 'v4' && Object.hasOwn(ADD_ONLY, rel))
        return { ...this.addOnly(req, caller, rel, method), route: (trace.route = `${method} /${rel}`) };
      if (!s) {
        // An action on the parent, or a poll of an asynchronous action's result.
        const parentSpec = d.routes.specs.get(pattern.replace(/\/\{id\}$/, '').replace(/^\//, ''));
        const action = parent && parentSpec?.actions.find((a) => a.name === rel);
        if (action && parent && parentSpec) {
          const route = `${method} ${pattern}/${rel}`;
          trace.route = i === segments.length - 1 ? route : `${route}/{id}`;
          if (i === segments.length - 1) {
            if (method !== 'POST') throw methodNotAllowed('POST');
            return { ...(await this.action(req, caller, parentSpec, parent, action.name, matrix)), route };
          }
          if (i === segments.length - 2 && method === 'GET')
            return { ...this.pollAction(req, `${parent.href}/${rel}/${segments[i + 1]}`), route: `${route}/{id}` };
        }
        throw notFound();
      }
      pattern += `/${s.rel}`;
      trace.route = `${method} ${pattern}`;
      if (i === segments.length - 1) {
        return { ...(await this.collection(req, caller, s, parent, method, matrix)), route: `${method} ${pattern}` };
      }
      if (i + 1 === segments.length - 1 && s.collectionActions.some((a) => a.name === segments[i + 1])) {
        const route = `${method} ${pattern}/${segments[i + 1]}`;
        trace.route = route;
        if (method !== 'POST') throw methodNotAllowed('POST');
        const self = { id: '', href: parent ? `${parent.href}/${s.rel}` : s.rel } as Rec;
        return { ...(await this.action(req, caller, s, self, segments[i + 1], matrix, parent, true)), route };
      }
      const id = decodeURIComponent(segments[++i]);
      pattern += '/{id}';
      trace.route = `${method} ${pattern}`;
      if (s.key === 'capabilities') {
        if (method !== 'GET') throw methodNotAllowed('GET');
        const caps = capabilitiesDocument();
        const v = caps.version.find((x: Rec) => x.id === id);
        if (!v || i !== segments.length - 1) throw notFound();
        return { ...this.answer(req, 200, 'version', v), route: `${method} ${pattern}` };
      }
      if (needsUuid(s.rel) && !UUID_RE.test(id)) {
        // v4 engines answer a malformed id as an unknown one (asGuidOr404); 3.x ones with a plain-text 400.
        if (req.dialect === 'v4') throw notFound();
        throw new EngineFault(400, 'Bad Request', `Invalid UUID string: ${id}`, 'text');
      }
      const found = s.source.get(this.store, id, parent, s);
      if (!found || !this.visible(caller, s, found)) throw notFound();
      const rec = seenAt(s, found);
      if (i === segments.length - 1) {
        return { ...(await this.item(req, caller, s, rec, parent, method, matrix)), route: `${method} ${pattern}` };
      }
      parent = rec;
      specs = s.sub ?? [];
    }
    throw notFound();
  }

  // ------------------------------------------------------------------ collections

  private async collection(
    req: EngineRequest,
    caller: Caller,
    s: Spec,
    parent: Rec | undefined,
    method: string,
    matrix: Map<string, string>,
  ): Promise<EngineResponse> {
    if (method === 'GET') return this.list(req, caller, s, parent, matrix);
    if (method === 'POST' && s.add) return this.add(req, caller, s, parent);
    throw methodNotAllowed(s.add ? 'GET, POST' : 'GET');
  }

  private list(req: EngineRequest, caller: Caller, s: Spec, parent: Rec | undefined, matrix: Map<string, string>): EngineResponse {
    if (s.key === 'capabilities') return this.answer(req, 200, 'capabilities', capabilitiesDocument());
    let records: Rec[] = [];
    for (const r of s.source.list(this.store, parent, s)) if (this.visible(caller, s, r)) records.push(seenAt(s, r));
    records = selectListed(records, {
      events: s.key === 'events',
      search: s.searchable ? req.query.get('search') : null,
      fields: searchFieldsOfSpec(this.store, s),
      query: req.query,
      matrix,
    });
    return listAnswer(this.store, req, s, records);
  }

  // ------------------------------------------------------------------ filtering

  /**
   * What a filtered (non-admin) caller may see: objects they hold a permission
   * on, and what lies below those objects (a data center's clusters, a
   * cluster's VMs). Admins and unfiltered callers see everything.
   */
  private visible(caller: Caller, s: Spec, r: Rec): boolean {
    if (!caller.filtered || caller.account.admin) return true;
    const grants = grantsOf(this.store, caller.account.userId);
    if (grants.has('system')) return true;
    return s.behaviour.visible ? s.behaviour.visible(r._base ?? r, grants, this.store, caller.account.userId) : true;
  }

  // ------------------------------------------------------------------ items

  private async item(
    req: EngineRequest,
    caller: Caller,
    s: Spec,
    rec: Rec,
    parent: Rec | undefined,
    method: string,
    matrix: Map<string, string>,
  ): Promise<EngineResponse> {
    const allowed = ['GET', ...(s.update ? ['PUT'] : []), ...(s.remove ? ['DELETE'] : [])];
    switch (method) {
      case 'GET': {
        return this.answer(req, 200, s.item, expanded(this.store, req, s, [rec])[0]);
      }
      case 'PUT':
        if (!s.update) break;
        return this.update(req, caller, s, rec, parent);
      case 'DELETE':
        if (!s.remove) break;
        return this.remove(req, caller, s, rec, parent, matrix);
    }
    throw methodNotAllowed(allowed.join(', '));
  }

  /** The body must give every field one alternative of the RSDL's body requires; the first names what is missing. */
  private checkRequired(s: Spec, body: Rec): void {
    const missing = unmet(s.add?.alternatives ?? [], body, s.add?.accepts);
    if (missing) throw incomplete(s.type, missing, 'add');
  }

  /** A reference in a request body, by id or by name. */
  private resolve(t: Table, value: Rec | undefined, type: string): Rec {
    if (value?.id) {
      const r = this.store.get(t, value.id);
      if (!r) throw entityNotFound(type, `id=${value.id}`);
      return r;
    }
    if (value?.name) {
      const r = this.store.byName(t, value.name);
      if (!r) throw entityNotFound(type, `name=${value.name}`);
      return r;
    }
    throw entityNotFound(type, 'no id or name given');
  }

  private checkName(t: Table, name: unknown, type: TypeWord | undefined, action: 'ADD' | 'UPDATE', selfId?: string): void {
    if (typeof name !== 'string' || !/^[\w.-]+$/.test(name))
      throw badRequest(appErrorText('ACTION_TYPE_FAILED_NAME_MAY_NOT_CONTAIN_SPECIAL_CHARS', action, type));
    const clash = this.store.byName(t, name);
    if (clash && clash.id !== selfId) throw refuse('ACTION_TYPE_FAILED_NAME_ALREADY_USED', action, type);
  }

  /** 201 + Location, or 202 with creation_status while `task` runs, unless the client asked to block (Expect: 201-created). */
  private async created(
    req: EngineRequest,
    caller: Caller,
    s: Spec,
    stored: Rec,
    parent: Rec | undefined,
    task?: Promise<void>,
    creationIds?: string,
  ): Promise<EngineResponse> {
    // Answer with the object as seen where it was added (its href below the parent).
    const rec = parent ? (s.source.get(this.store, stored.id, parent, s) ?? stored) : stored;
    if (s.key !== 'events') this.auditChange('added', s, rec, parent, caller);
    const location = `${req.origin}${req.base}/${rec.href}`;
    const expect201 = (req.headers.expect ?? '').toLowerCase().includes('201-created');
    if (task && !expect201) {
      const statusHref = `${rec.href}/creation_status/${creationIds}`;
      this.tasks.trackCreation(statusHref, task);
      const doc = {
        ...rec,
        creation_status: { state: 'pending' },
        link: [...(rec.link ?? []), { href: statusHref, rel: 'creation_status' }],
      };
      return documentAnswer(req, 202, s.item, doc, { location });
    }
    if (task) await task;
    return documentAnswer(req, 201, s.item, rec, { location });
  }

  /** `GET .../{id}/creation_status/{oid}`: the progress of a creation that runs as a task. */
  private creationStatus(req: EngineRequest, href: string): EngineResponse {
    const c = this.tasks.creation(href);
    if (!c) throw notFound();
    return this.answer(req, 200, 'creation', { href, status: { state: c.state }, fault: c.fault });
  }

  /**
   * POST to a collection: the body must be the item's element with what one
   * alternative of the RSDL's body requires; then the collection's own rule
   * (collections/) makes the record, or the generic one stores the body's
   * fields where the collection keeps its records.
   */
  private async add(req: EngineRequest, caller: Caller, s: Spec, parent: Rec | undefined): Promise<EngineResponse> {
    const body = readBody(dialect(req.dialect).model, req, `${s.key}#add`, s.item);
    this.checkRequired(s, body);
    checkEnums(v3TypeName(s.type), body);
    const ctx = this.crud(s, caller, body, parent);
    let made: Created;
    if (s.behaviour.add) made = s.behaviour.add(ctx);
    else if ((s.source.table && !parent) || (s.source.sub && parent)) made = { rec: ctx.addPlain() };
    else throw methodNotAllowed('GET');
    return this.created(req, caller, s, made.rec, parent, made.task, made.task ? this.inv.id() : undefined);
  }

  /** A service that only adds (collections/imports.ts), with the add rules of the VMs it makes: 201 with what it answers. */
  private addOnly(req: EngineRequest, caller: Caller, rel: string, method: string): EngineResponse {
    if (method !== 'POST') throw methodNotAllowed('POST');
    const body = readBody(dialect(req.dialect).model, req, `${rel}#add`, ADD_ONLY[rel].element);
    return this.answer(
      req,
      201,
      ADD_ONLY[rel].element,
      ADD_ONLY[rel].add(this.crud(v4Routes().specs.get('vms')!, caller, body, undefined)).doc,
    );
  }

  /** The narrow view of the engine a collection's add rule gets. */
  private crud(s: Spec, caller: Caller, body: Rec, parent: Rec | undefined): CrudContext {
    return {
      store: this.store,
      inv: this.inv,
      caller,
      body,
      parent,
      parentElement: s.parentElement,
      audit: (name, vars, about) => this.audit(name, vars, about),
      transition: (rec, states) => this.transition(rec, states),
      steps: (...steps) => this.steps(...steps),
      resolve: (t, value, type) => this.resolve(t, value, type),
      checkName: (t, name, type, action, selfId) => this.checkName(t, name, type, action, selfId),
      event: (code, severity, description, about, extra) => this.event(code, severity, description, about, extra),
      grantCreator: (vm) => this.auditPermission(caller, vm),
      addPlain: () => this.addPlain(s, body, parent),
    };
  }

  /**
   * A record of a collection the generic handlers serve, from an add's body:
   * the fields its type declares, a new id, a name unique where it lives
   * (the table, or the parent's own map).
   */
  private addPlain(s: Spec, body: Rec, parent?: Rec): Rec {
    const type = s.xsd.type(s.type);
    const home = parent ? Store.sub(parent, s.source.sub!) : this.store.table(s.source.table!);
    if (type.field.has('name') && body.name !== undefined) {
      const clash = [...home.values()].some((r) => r.name === body.name);
      if (clash) throw refuse('ACTION_TYPE_FAILED_NAME_ALREADY_USED', 'ADD', undefined, { type: s.type });
    }
    const fields: Rec = {} as Rec;
    for (const [k, v] of Object.entries(body)) if (type.field.has(k) && !['id', 'href', 'actions', 'link'].includes(k)) fields[k] = v;
    const rec = decorate(s, { ...fields, id: this.inv.id() }, parent?.href);
    home.set(rec.id, rec);
    return rec;
  }

  private auditPermission(caller: Caller, vm: Rec): void {
    if (caller.account.admin) return;
    const user = this.store.get('users', caller.account.userId);
    const role = this.store.get('roles', USER_VM_MANAGER_ROLE_ID);
    if (user && role) this.inv.permission(role, user, { field: 'vm', rec: vm });
  }

  private update(req: EngineRequest, caller: Caller, s: Spec, rec: Rec, parent: Rec | undefined): EngineResponse {
    const body = readBody(dialect(req.dialect).model, req, `${s.key}/{id}#update`, s.item);
    checkEnums(v3TypeName(s.type), body);
    // Clients send back the whole object they fetched: only what differs counts, and of that only
    // a changed id is refused; hrefs, status and creation time are the engine's and are ignored.
    for (const f of IMMUTABLE) {
      if (body[f] === undefined || sameValue(body[f], rec[f])) continue;
      throw new EngineFault(409, 'Broken immutability constraint', `Attempt to set immutable field: ${f}`);
    }
    const table = TABLE_OF[v3TypeName(s.type)];
    if (body.name !== undefined && table && s.key === table) this.checkName(table, body.name, TYPE_WORD[table], 'UPDATE', rec.id);
    if (s.behaviour.update) {
      s.behaviour.update({ store: this.store, rec, parent, body });
      return this.answer(req, 200, s.item, s.source.get(this.store, rec.id, parent, s) ?? rec);
    }
    const target = rec._base ?? rec;
    writeFields(s, target, body, { tableOf: (t) => TABLE_OF[v3TypeName(t)], resolve: (t, v, type) => ref(this.resolve(t, v, type)) });
    if (s.key === 'vms' && rec.status.state !== 'down') rec.next_run_configuration_exists = false;
    this.auditChange('updated', s, target, parent, caller);
    const fresh = s.source.get(this.store, rec.id, parent, s) ?? rec;
    return this.answer(req, 200, s.item, fresh);
  }

  private remove(
    req: EngineRequest,
    caller: Caller,
    s: Spec,
    rec: Rec,
    parent: Rec | undefined,
    matrix: Map<string, string>,
  ): EngineResponse {
    let force = false;
    if (req.body.trim()) {
      force = readBody(dialect(req.dialect).model, req, `${s.key}/{id}#delete`).force === true;
    }
    const st = this.store;
    const param = (name: string) => matrix.get(name) ?? req.query.get(name) ?? undefined;
    if (s.behaviour.remove) s.behaviour.remove({ store: st, rec, parent, parentElement: s.parentElement, force, param });
    else if (s.source.table && !parent) st.table(s.source.table).delete(rec.id);
    else if (s.source.sub && parent) Store.sub(parent, s.source.sub).delete(rec.id);
    else throw methodNotAllowed('GET');
    refreshHostSummaries(st);
    this.auditChange('removed', s, rec._base ?? rec, parent, caller);
    if (matrix.has('async')) return this.answer(req, 202, 'action', { status: { state: 'pending' } });
    return this.answer(req, 200, 'action', { status: { state: 'complete' } });
  }

  // ------------------------------------------------------------------ actions

  /**
   * An action on an item (`vms/{id}/start`) or, with `collection`, on the
   * collection itself (`events/undelete`, where `rec` stands for the
   * collection and `parent` is its parent). The body must give what one
   * alternative of the RSDL's body requires, as the engine checks it; then
   * the handler of the item's type (actions/) does what the engine does.
   */
  private async action(
    req: EngineRequest,
    caller: Caller,
    s: Spec,
    rec: Rec,
    name: string,
    matrix: Map<string, string>,
    parent?: Rec,
    collection = false,
  ): Promise<EngineResponse> {
    const body: Doc = req.body.trim()
      ? readBody(dialect(req.dialect).model, req, collection ? `${s.key}#${name}` : `${s.key}/{id}#${name}`, 'action')
      : {};
    const key = `${s.key}#${name}`;
    this.stats.actions[key] = (this.stats.actions[key] ?? 0) + 1;
    const handler = actionHandler(collection ? s.collection : v3TypeName(s.type), name);
    if (!handler) throw notFound();
    const spec = (collection ? s.collectionActions : s.actions).find((a) => a.name === name)!;
    const missing = unmet(spec.required, body as Rec);
    if (missing) throw incomplete('Action', missing, name);
    const outcome = handler.call(this, { rec: rec._base ?? rec, parent, body, caller, store: this.store, inv: this.inv });
    const jobRec = this.tasks.job(
      this.store,
      this.inv,
      `${name} ${s.type} ${rec.name ?? (rec.id || s.rel)}`,
      caller.account.userId,
      outcome.task,
    );
    const result: Doc = { ...body, status: { state: 'complete' }, job: ref(jobRec), ...outcome.output };
    if (!outcome.task) return this.answer(req, 200, 'action', result);

    const finish = outcome.task.then(() => undefined);
    const blocking = body.async === false || req.query.get('async') === 'false' || matrix.get('async') === 'false';
    if (blocking) {
      await finish;
      return this.answer(req, 200, 'action', result);
    }
    // Task-backed: 202 with a pollable href, parent and replay links.
    const { href, doc } = this.tasks.trackAction(rec.href, name, this.inv.id(), result, finish);
    return documentAnswer(req, 202, 'action', doc, { location: `${req.origin}${req.base}/${href}` });
  }

  private pollAction(req: EngineRequest, href: string): EngineResponse {
    const doc = this.tasks.action(href);
    if (!doc) {
      // Results that expired redirect to the resource, like the engine's action cache.
      const parent = href.split('/').slice(0, -2).join('/');
      return { status: 301, headers: { location: `${req.origin}${req.base}/${parent}` }, body: '' };
    }
    return this.answer(req, 200, 'action', doc);
  }

  // ------------------------------------------------------------------ events and state

  /** Logs an audit entry of the engine's, its message filled with `vars` (events.ts). */
  audit(name: AuditLogName, vars: Record<string, string | number | undefined>, about: About): Rec {
    return this.events.audit(name, vars, about);
  }

  /** Appends an entry to the audit log (events.ts). */
  event(code: number, severity: string, description: string, about: About, extra: Doc = {}): Rec {
    return this.events.write(code, severity, description, about, extra);
  }

  /** The entry the engine writes when a resource is added, updated or removed, if any. */
  private auditChange(change: 'added' | 'updated' | 'removed', s: Spec, rec: Rec, parent: Rec | undefined, caller: Caller): void {
    const parentType = parent ? TYPE_OF_TABLE[s.key.split('/')[0]] : undefined;
    this.events.change(change, s.type, rec, parentType ? { type: parentType, rec: parent! } : undefined, caller.name);
  }

  /** Moves `rec` through `states` one transition apart; each step logs an event when given. */
  transition(rec: Rec, states: (string | (() => void))[]): Promise<void> {
    return this.steps(
      ...states.map((st) => () => {
        if (typeof st === 'function') st();
        else rec.status = { state: st };
        refreshHostSummaries(this.store);
      }),
    );
  }

  /** `value` as the document `element`, in the request's dialect and representation (media.ts; none without a request). */
  private answer(req: EngineRequest | undefined, status: number, element: string, value: object): EngineResponse {
    return documentAnswer(req, status, element, value);
  }
}

// ------------------------------------------------------------------ helpers
