/**
 * The reading path: from a request the connection has decided on (which
 * href, which headers) to bound objects, at the least cost to the engine.
 *
 * 1. Within the freshness window (fresh.ts) an answer read before is served
 *    again, bound as it was: every caller of the credential shares it, so
 *    nothing here ever changes an object the window holds (reload returns
 *    a fresh copy of one instead of updating it in place).
 * 2. Otherwise the request goes out, joined with identical ones in flight
 *    (exchange.ts); the first caller to parse a joined answer parses it for
 *    all of them.
 * 3. An answer is kept only if nothing changed while its request was out
 *    (the stamp taken before sending, fresh.ts rule 4), and is dated from
 *    when it was sent (`onData` tells the operation how old its data is).
 * 4. Replicas sharing a Redis (`sharedReads`): on a miss of this window,
 *    an answer another replica read within the window is taken before the
 *    engine is asked, still parsed and unbound, and bound here.
 *
 * 5. A list asked for again, once its window has ended, that the engine
 *    answers with the same bytes as before is not read again: the answer
 *    made from them before is served (unchanged.ts).
 *
 * The key of an answer in the window is built here, from the read's own
 * key (urls.ts askedKey), which joining uses too.
 */
import type { ApiModel } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { typeOf } from './binding.ts';
import type { AnswerReading } from './body.ts';
import { hrefOf } from './bound.ts';
import type { AnswerBudget } from './budget.ts';
import { NotFound } from './errors.ts';
import type { RequestOptions } from './exchange.ts';
import { FreshWindow, type Generation, type ReadAnswer, type SharedReads, type Stamp } from './fresh.ts';
import type { HttpResponse } from './transport.ts';
import { DEFAULT_UNCHANGED_BYTES, UnchangedAnswers } from './unchanged.ts';
import { type Asked, askedKey } from './urls.ts';

/** A list as the window keeps it: its items, bound, and the collection document's own fields. */
export interface ListAnswer {
  readonly items: Obj[];
  readonly meta: Obj;
}

/** What reading needs of the connection. */
export interface ReadSource {
  model(): ApiModel;
  request(method: string, href: string, opts?: RequestOptions): Promise<HttpResponse>;
  check(res: HttpResponse, ok: number[]): void;
  parse(xml: string, expected?: string): Obj;
  /** How a read's answer is asked for and read as it streams (answers.ts answerReading). */
  reading(read: { readonly expected?: string; readonly item?: string }): AnswerReading;
  bind<T extends Obj>(obj: T, type: string): T;
  /** The process's answer budget (budget.ts): what unchanged.ts collects of an answer in flight is taken from it. */
  readonly budget?: AnswerBudget;
  /** Told when a list the engine sent again with the same bytes is served as what was made of them before (unchanged.ts). */
  onUnchanged?: () => void;
  /** Told the date of the engine data each read answers with (the operation's staleness). */
  onData?: (sentAt: number, signal: AbortSignal | undefined) => void;
}

/** The item element and type of the collection a list reads. */
export interface ListedType {
  readonly singular: string;
  readonly resourceType: string;
}

export class Reader {
  /** Bound answers kept for the window, by request: off unless `freshnessMs` is given. */
  private readonly answers: FreshWindow<Obj | ListAnswer>;
  /** The objects the window has shared with callers: reload leaves them as they are. */
  private readonly shared = new WeakSet<object>();
  /**
   * Collection documents parsed from a joined answer, by that answer: every
   * caller that joined one GET gets the same response object, so the first
   * to parse it parses for all of them.
   */
  private readonly parsedLists = new WeakMap<HttpResponse, Obj>();
  /** Lists' last answers, compared with the next (unchanged.ts): only with a window of this process's own. */
  private readonly unchanged?: UnchangedAnswers<ListAnswer>;

  constructor(
    private readonly source: ReadSource,
    freshnessMs: number,
    generation: Generation,
    /** Other processes' answers for this credential (fresh.ts SharedReads), asked before the engine. */
    private readonly sharedReads?: SharedReads,
    /** Bytes of lists' last answers kept to compare the next with (unchanged.ts); 0 keeps none. */
    unchangedBytes = DEFAULT_UNCHANGED_BYTES,
  ) {
    this.answers = new FreshWindow(freshnessMs, generation);
    if (freshnessMs > 0 && !sharedReads && unchangedBytes > 0)
      this.unchanged = new UnchangedAnswers(unchangedBytes, 2 * freshnessMs, source.onUnchanged, source.budget);
  }

  get window(): FreshWindow<Obj | ListAnswer> {
    return this.answers;
  }

  /** Lists the engine answered again with the same bytes (unchanged.ts), served without reading them. */
  get unchangedLists(): number {
    return this.unchanged?.same ?? 0;
  }

  /** A collection's items, bound; undefined when the engine has no such collection (404). */
  async list(asked: Asked, type: ListedType, signal: AbortSignal | undefined, fresh = false): Promise<ListAnswer | undefined> {
    const { key, kept } = this.lookUp('list', asked, signal, fresh);
    if (kept) return kept as ListAnswer;
    const stamp = this.answers.stamp();
    const got = await this.fetch(key, fresh, signal, async () => {
      const reading = this.source.reading({ item: type.singular });
      const reader = this.unchanged ? this.unchanged.reading(key, reading) : reading;
      const res = await this.source.request('GET', asked.href, { headers: asked.headers, signal, reader });
      if (res.status === 404) return undefined;
      this.source.check(res, [200]);
      let doc = (res.read as Obj | undefined) ?? this.parsedLists.get(res);
      if (!doc) this.parsedLists.set(res, (doc = this.source.parse(res.body)));
      return { doc, sentAt: stamp.sentAt };
    });
    if (!got) return undefined;
    const answer = this.unchanged?.answerFor(got.doc) ?? this.bindList(got.doc, type);
    this.keep(key, answer, answer.items, { sentAt: got.sentAt, generation: stamp.generation });
    return answer;
  }

  /** A collection document's items, bound, and its own fields. */
  private bindList(doc: Obj, type: ListedType): ListAnswer {
    const items: Obj[] = doc[type.singular] ?? doc[this.source.model().itemOf(typeOf(doc) ?? '')?.element ?? ''] ?? [];
    const { [type.singular]: _items, ...meta } = doc;
    // Bound once per answer: every caller served from the window shares these objects.
    const answer: ListAnswer = { items: items.map((i) => this.source.bind(i, type.resourceType)), meta };
    this.unchanged?.made(doc, answer);
    return answer;
  }

  /** One resource, bound; undefined when the engine has none (404, or an id it cannot read). */
  async one(asked: Asked, type: ListedType, signal: AbortSignal | undefined, fresh = false): Promise<Obj | undefined> {
    const { key, kept } = this.lookUp('get', asked, signal, fresh);
    if (kept) return kept as Obj;
    const stamp = this.answers.stamp();
    const got = await this.fetch(key, fresh, signal, async () => {
      const reader = this.source.reading({ expected: type.singular });
      const res = await this.source.request('GET', asked.href, { headers: asked.headers, signal, reader });
      if (res.status === 404) return undefined;
      if (res.status === 400 && !/xml|json/.test(String(res.headers['content-type']))) return undefined; // malformed id
      this.source.check(res, [200]);
      return { doc: (res.read as Obj | undefined) ?? this.source.parse(res.body, type.singular), sentAt: stamp.sentAt };
    });
    if (!got) return undefined;
    const r = this.source.bind(got.doc, type.resourceType);
    this.keep(key, r, [r], { sentAt: got.sentAt, generation: stamp.generation });
    return r;
  }

  /**
   * An answer from the engine (`read`), or one another process read for this
   * credential within the window: only for reads the window may serve.
   */
  private async fetch(
    key: string,
    fresh: boolean,
    signal: AbortSignal | undefined,
    read: () => Promise<ReadAnswer | undefined>,
  ): Promise<ReadAnswer | undefined> {
    if (!this.sharedReads || fresh || !this.answers.enabled) return read();
    const got = await this.sharedReads.read(key, read);
    // Another process's answer is as old as its request: the operation is told.
    if (got) this.source.onData?.(got.sentAt, signal);
    return got;
  }

  /** What the window holds for a read (unless asked `fresh`), its data's date told to the operation either way. */
  private lookUp(
    kind: 'list' | 'get',
    asked: Asked,
    signal: AbortSignal | undefined,
    fresh: boolean,
  ): { key: string; kept?: Obj | ListAnswer } {
    const key = windowKey(kind, asked);
    const kept = fresh ? undefined : this.answers.getDated(key);
    this.source.onData?.(kept?.sentAt ?? Date.now(), signal);
    return { key, kept: kept?.value };
  }

  /** The items of the list at `asked` if the window holds it: no request, no wait; else undefined. */
  held(asked: Asked, signal: AbortSignal | undefined): readonly Obj[] | undefined {
    if (!this.answers.enabled) return undefined;
    const kept = this.answers.getDated(windowKey('list', asked));
    if (kept) this.source.onData?.(kept.sentAt, signal);
    return (kept?.value as ListAnswer | undefined)?.items;
  }

  /**
   * Reads a resource again, past the window. As in Python-RHEV the object
   * given is updated in place, unless the window shared it: then it is left
   * as it is and the fresh copy returned.
   */
  async reload<T extends object>(resource: T, asked: Asked, signal: AbortSignal | undefined): Promise<T> {
    const res = await this.source.request('GET', asked.href, { headers: asked.headers, signal });
    if (res.status === 404)
      throw new NotFound(`${typeOf(resource) ?? 'Resource'} ${(resource as Obj).id ?? hrefOf(resource)} no longer exists`);
    this.source.check(res, [200]);
    const fresh = this.source.parse(res.body);
    if (this.shared.has(resource)) return this.source.bind(fresh, typeOf(resource) ?? typeOf(fresh)!) as T;
    for (const k of Object.keys(resource)) delete (resource as Obj)[k];
    Object.assign(resource, fresh);
    this.source.bind(resource as Obj, typeOf(resource) ?? typeOf(fresh)!);
    return resource;
  }

  /** Keeps an answer in the window, and notes the objects it shares (reload never changes them). */
  private keep(key: string, answer: Obj | ListAnswer, objects: readonly object[], stamp: Stamp): void {
    if (!this.answers.enabled) return;
    this.answers.set(key, answer, stamp);
    for (const o of objects) this.shared.add(o);
  }
}

/** The key of an answer in the window: what was asked (a list or one resource), and the read's own key. */
function windowKey(kind: 'list' | 'get', asked: Asked): string {
  return `${kind} ${askedKey(asked)}`;
}
