/**
 * One HTTP exchange with the engine, as every part of the connection makes
 * it: the transport below does the wire (sessions, retries, bounds); this
 * adds what belongs to one credential's connection.
 *
 * 1. Identical GETs in flight at the same time share one request and one
 *    answer object (join.ts). A connection belongs to one credential, so
 *    what they share is what each would have been answered anyway.
 * 2. Any write, done, refused or broken off, may have changed the engine:
 *    it ends the freshness window's generation (fresh.ts rule 3), for this
 *    connection and every one sharing the generation.
 * 3. A refused credential (401, or the transport's latched refusal) is
 *    reported once to the owner (`onUnauthorized`) and thrown as
 *    CredentialsRefused.
 */

import type { AnswerReading } from './body.ts';
import { CredentialsRefused } from './errors.ts';
import type { Generation } from './fresh.ts';
import { Joiner } from './join.ts';
import type { HttpResponse, Transport } from './transport.ts';
import { askedKey } from './urls.ts';

export interface ExchangeOptions {
  /** Off: every GET is a request of its own (the naive way, measured by the bench). */
  readonly coalesce?: boolean;
  readonly onUnauthorized?: () => void;
  /** Who the connection is, for the refusal's message. */
  readonly who: () => string | undefined;
}

export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Read a successful answer as it streams (transport.ts); such a GET is joined only with its like (the same Accept). */
  reader?: AnswerReading;
}

export class Exchange {
  /** Identical GETs in flight, joined: the connection's one joining layer. */
  private readonly gets = new Joiner<HttpResponse>();

  constructor(
    private readonly transport: () => Transport,
    private readonly generation: Generation,
    private readonly options: ExchangeOptions,
  ) {}

  /** GETs answered by joining an identical one already in flight. */
  get joined(): number {
    return this.gets.joined;
  }

  async request(method: string, href: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const t = this.transport();
    const read = method === 'GET' && opts.body === undefined;
    let res: HttpResponse;
    try {
      res =
        read && this.options.coalesce !== false
          ? await this.gets.run(
              `${opts.reader ? `read ${opts.reader.accept} ` : ''}${askedKey({ href, headers: opts.headers ?? {} })}`,
              opts.signal,
              (shared) => t.request(method, href, { ...opts, signal: shared, owner: opts.signal }),
            )
          : await t.request(method, href, opts);
    } catch (e) {
      if (e instanceof CredentialsRefused) this.options.onUnauthorized?.();
      throw e;
    } finally {
      // Told to other processes sharing the generation before the write's answer is given (fresh.ts).
      if (!read) await this.generation.changed();
    }
    if (res.status !== 401) return res;
    this.options.onUnauthorized?.();
    throw new CredentialsRefused(`The engine did not accept the credentials of ${this.options.who() ?? 'this connection'} (HTTP 401)`);
  }
}
