/**
 * Who the engine sees, and what is held open for each credential.
 *
 * Each credential (the service account, or a caller's own Basic credentials)
 * gets a holder: one engine connection (and so one engine session) and, for
 * WebSocket callers, one subscription hub. Holders are never shared across
 * credentials. What keeps this bounded against strangers:
 *
 * - A holder is in use while an operation or WebSocket holds it (`active`);
 *   idle holders are evicted after `credentialIdleMs`, and when
 *   `maxCredentials` are held, the least recently used idle one makes room.
 *   Eviction logs the engine session out and closes the sockets.
 * - A credential the engine refuses (401) is dropped at once (its watchers
 *   stop, nothing keeps polling with it) and remembered, by hash, for
 *   `refusedCredentialMs`: within that time it is answered 401 here without
 *   asking the engine, so nobody can use this server to lock an account out.
 * - Callers without credentials get the service account only when the
 *   anonymous policy says so.
 *
 * Keys are SHA-256 hashes of user and password: no map holds a password in a
 * form a heap dump would show as is.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { parseBasicAuthorization } from '../http/basic.ts';
import type { Connection } from '../rhev/index.ts';
import type { Watchers } from '../subscriptions/watchers.ts';
import type { AnonymousPolicy, EngineConfig, Limits } from './config.ts';

export interface Credential {
  readonly username: string;
  readonly password: string;
}

/** What is held for one credential. */
export interface Holder {
  readonly key: string;
  /** Who this is, for logs: the engine user name (never the password). */
  readonly user: string;
  readonly service: boolean;
  readonly connection: Connection;
  /** The subscription hub, made on first use. */
  watchers(): Watchers;
}

interface Entry extends Holder {
  active: number;
  lastUsed: number;
  closed: boolean;
  hub?: Watchers;
}

export interface PoolOptions {
  engine: EngineConfig;
  anonymous: AnonymousPolicy;
  limits: Pick<Limits, 'maxCredentials' | 'credentialIdleMs' | 'refusedCredentialMs'>;
  /** Makes the connection of a credential; `onUnauthorized` must be called when the engine refuses it. */
  connect(cred: Credential, service: boolean, onUnauthorized: () => void): Connection;
  /** Makes a credential's subscription hub. */
  hub(connection: Connection): Watchers;
  /** Told of every eviction (for metrics and logs). */
  onEvict?(reason: 'idle' | 'capacity' | 'refused', user: string): void;
  onChange?(held: number): void;
}

/** How many refused credentials are remembered at most (oldest forgotten first). */
const MAX_REFUSED = 10_000;

export class CredentialPool {
  /** In least-recently-used order: a use moves an entry to the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly refused = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(60_000, options.limits.credentialIdleMs / 4)));
    this.sweeper.unref();
  }

  /** How many credentials are held now. */
  get size(): number {
    return this.entries.size;
  }

  /** The held connections, by key (for tests and health). */
  get connections(): ReadonlyMap<string, Connection> {
    return new Map([...this.entries].map(([k, e]) => [k, e.connection]));
  }

  /**
   * The holder of a credential (undefined: the caller brought none), marked
   * in use until `release`. Throws UNAUTHENTICATED when the caller must bring
   * credentials or the engine refused these moments ago.
   */
  acquire(cred: Credential | undefined): Holder {
    const service = cred === undefined;
    if (service && this.options.anonymous === 'refuse') {
      throw unauthenticated(
        'Send your engine credentials (Authorization: Basic, or username and password in connectionParams): this server does not serve anonymous callers',
      );
    }
    if (service && this.options.engine.username === undefined) {
      throw unauthenticated('Send your engine credentials (Authorization: Basic): no service account is configured');
    }
    const username = cred?.username ?? this.options.engine.username!;
    const password = cred?.password ?? this.options.engine.password ?? '';
    const key = createHash('sha256')
      .update(`${service ? 'service' : 'user'}\0${username}\0${password}`)
      .digest('base64url');
    const until = this.refused.get(key);
    if (until !== undefined) {
      if (until > Date.now())
        throw unauthenticated(
          `The engine refused these credentials moments ago; they are not tried again for ${Math.round(this.options.limits.refusedCredentialMs / 1000)} s`,
        );
      this.refused.delete(key);
    }
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      this.makeRoom();
      entry = this.create(key, username, password, service);
    }
    this.entries.set(key, entry);
    entry.active++;
    entry.lastUsed = Date.now();
    return entry;
  }

  /** One more use of a holder already held (an operation on a WebSocket that holds it). */
  retain(holder: Holder): Holder {
    const e = holder as Entry;
    if (e.closed) throw unauthenticated('The engine no longer accepts these credentials; reconnect with valid ones');
    e.active++;
    e.lastUsed = Date.now();
    return e;
  }

  /** Ends one use of a holder. */
  release(holder: Holder): void {
    const e = holder as Entry;
    e.active = Math.max(0, e.active - 1);
    e.lastUsed = Date.now();
  }

  /**
   * Checks a credential against the engine once (a WebSocket's
   * connection_init): true when the entry point answers with it. A refusal
   * drops the holder and remembers the refusal; other failures (the engine
   * down) do not count against the credential.
   */
  async verify(holder: Holder, signal?: AbortSignal): Promise<boolean> {
    try {
      await holder.connection.api({ signal });
      return true;
    } catch (e) {
      if ((e as { status?: number }).status === 401) return false;
      throw e;
    }
  }

  /** Drops every holder that has been idle for `credentialIdleMs` (also run by a timer). */
  sweep(now = Date.now()): void {
    for (const e of [...this.entries.values()]) {
      if (e.active === 0 && now - e.lastUsed >= this.options.limits.credentialIdleMs) this.evict(e, 'idle');
    }
    for (const [k, until] of this.refused) if (until <= now) this.refused.delete(k);
  }

  /** Closes every holder (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) e.hub?.close();
    await Promise.all(all.map((e) => e.connection.close()));
    this.options.onChange?.(0);
  }

  private create(key: string, username: string, password: string, service: boolean): Entry {
    const entry: Entry = {
      key,
      user: username,
      service,
      active: 0,
      lastUsed: Date.now(),
      closed: false,
      connection: undefined as unknown as Connection,
      watchers: () => (entry.hub ??= this.options.hub(entry.connection)),
    };
    (entry as { connection: Connection }).connection = this.options.connect({ username, password }, service, () => this.refuse(entry));
    this.options.onChange?.(this.entries.size + 1);
    return entry;
  }

  /** The engine refused this credential: drop it now and answer 401 here for a while. */
  private refuse(entry: Entry): void {
    if (entry.closed) return;
    this.refused.set(entry.key, Date.now() + this.options.limits.refusedCredentialMs);
    if (this.refused.size > MAX_REFUSED) this.refused.delete(this.refused.keys().next().value!);
    this.evict(entry, 'refused');
  }

  /** Evicts least recently used idle holders until there is room for one more. */
  private makeRoom(): void {
    if (this.entries.size < this.options.limits.maxCredentials) return;
    for (const e of this.entries.values()) {
      if (e.active === 0) {
        this.evict(e, 'capacity');
        if (this.entries.size < this.options.limits.maxCredentials) return;
      }
    }
    throw new GraphQLError(`The server holds ${this.entries.size} credentials in use (maxCredentials); try again shortly`, {
      extensions: { code: 'TOO_MANY_CREDENTIALS', limit: 'maxCredentials', http: { status: 503 } },
    });
  }

  private evict(e: Entry, reason: 'idle' | 'capacity' | 'refused'): void {
    if (e.closed) return;
    e.closed = true;
    if (this.entries.get(e.key) === e) this.entries.delete(e.key);
    e.hub?.close(reason === 'refused' ? unauthenticated('The engine no longer accepts these credentials') : undefined);
    void e.connection.close().catch(() => undefined);
    this.options.onEvict?.(reason, e.service ? 'service account' : e.user);
    this.options.onChange?.(this.entries.size);
  }
}

/**
 * Credentials from an Authorization header or graphql-ws connectionParams
 * (`{ authorization: 'Basic ...' }` or `{ username, password }`); undefined
 * means none were sent. Malformed credentials are refused.
 */
export function credentialsFrom(params: unknown): Credential | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const p = params as Record<string, unknown>;
  const header = p.authorization ?? p.Authorization;
  if (p.username !== undefined) {
    if (typeof p.username !== 'string' || !p.username || (p.password !== undefined && typeof p.password !== 'string')) {
      throw unauthenticated('username and password in connectionParams must be strings');
    }
    return { username: p.username, password: (p.password as string | undefined) ?? '' };
  }
  if (header === undefined) return undefined;
  const cred = typeof header === 'string' ? parseBasicAuthorization(header) : undefined;
  if (!cred) throw unauthenticated('The Authorization header must be Basic credentials (user@domain:password)');
  return cred;
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Basic realm="rhev-graphql"']]) } },
  });
}
