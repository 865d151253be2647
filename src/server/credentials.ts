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
 * - A credential the engine refuses (a 401, or the SSO service's refusal) is
 *   dropped at once (its watchers stop, nothing keeps polling with it) and
 *   remembered (refusals.ts): a caller's for `refusedCredentialMs`, within
 *   which it is answered 401 here without asking the engine; the service
 *   account's with a backoff that doubles up to 10 minutes. Nobody can use
 *   this server to lock an account out.
 * - Callers without credentials get the service account only when the
 *   anonymous policy says so.
 *
 * Keys are hashes of user and password (refusals.ts `credentialKey`): no map
 * holds a password in a form a heap dump would show as is.
 */
import { GraphQLError } from 'graphql';
import { parseBasicAuthorization } from '../http/basic.ts';
import { type Connection, Fault } from '../rhev/index.ts';
import type { Watchers } from '../subscriptions/watchers.ts';
import type { AnonymousPolicy, EngineConfig, Limits } from './config.ts';
import { credentialKey, type Refusals } from './refusals.ts';

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
  /** What the engine refused lately, shared with the engine check. */
  refusals: Refusals;
  /**
   * Makes the connection of a credential; `onUnauthorized` must be called when
   * the engine refuses it, `onAccepted` when it first answers it (2xx); `key`
   * is the credential's, as refusals.ts makes it.
   */
  connect(cred: Credential, service: boolean, onUnauthorized: () => void, onAccepted: () => void, key: string): Connection;
  /** Makes a credential's subscription hub (`key`: the credential's, as refusals.ts makes it). */
  hub(connection: Connection, key: string): Watchers;
  /** Told of every eviction (for metrics and logs). */
  onEvict?(reason: 'idle' | 'capacity' | 'refused', user: string): void;
  onChange?(held: number): void;
  /** Told when the engine refused the service account, and for how long it is not tried (ms). */
  onServiceRefused?(user: string, retryMs: number): void;
  /** The refusals of the other replicas sharing a Redis (shared/refusals.ts); absent: this process alone. */
  shared?: SharedCredentialMemory;
}

/** What the replicas of a deployment know together of refused credentials (shared/refusals.ts). */
export interface SharedCredentialMemory {
  /** Before a credential not held here is tried: adopts another replica's refusal, or waits while one tries it. */
  admit(key: string, username: string, service: boolean): Promise<void>;
  refused(key: string, username: string, service: boolean, ms: number): Promise<void>;
  accepted(key: string, username: string): Promise<void>;
}

/** A credential as the pool knows it. */
interface Identified {
  readonly service: boolean;
  readonly username: string;
  readonly password: string;
  readonly key: string;
}

/** What checking a credential against the engine found (a WebSocket's connection_init). */
export type Verdict = { readonly accepted: true } | { readonly accepted: false; readonly refused: boolean; readonly why: string };

export class CredentialPool {
  /** In least-recently-used order: a use moves an entry to the end. */
  private readonly entries = new Map<string, Entry>();
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
    const { service, username, password, key } = this.identify(cred);
    const until = this.options.refusals.until(key);
    if (until !== undefined) {
      const wait = `not tried again for ${Math.ceil((until - Date.now()) / 1000)} s`;
      throw service
        ? unauthenticated(`The engine refused the service account (${username}) moments ago; it is ${wait}`)
        : unauthenticated(`The engine refused these credentials moments ago; they are ${wait}`);
    }
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      const userWait = service ? undefined : this.options.refusals.userUntil(username, key);
      if (userWait !== undefined)
        throw unauthenticated(
          `The engine refused ${username} several times lately; to keep the account from being locked, new credentials for it are not tried for ${Math.ceil((userWait - Date.now()) / 60_000)} min`,
        );
      this.makeRoom();
      entry = this.create(key, username, password, service);
    }
    this.entries.set(key, entry);
    entry.active++;
    entry.lastUsed = Date.now();
    return entry;
  }

  /**
   * acquire, after asking the other replicas (shared/refusals.ts) about a
   * credential not held here: what the transports call.
   */
  async enter(cred: Credential | undefined): Promise<Holder> {
    const shared = this.options.shared;
    if (shared) {
      const { service, username, key } = this.identify(cred);
      if (!this.entries.has(key)) await shared.admit(key, username, service);
    }
    return this.acquire(cred);
  }

  /** Who a caller is (undefined: brought no credentials), or UNAUTHENTICATED when that is not allowed. */
  private identify(cred: Credential | undefined): Identified {
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
    return { service, username, password, key: credentialKey(service, username, password) };
  }

  /** One more use of a holder already held (an operation on a WebSocket that holds it). */
  retain(holder: Holder): Holder {
    const e = holder as Entry;
    if (e.closed) throw unauthenticated('The engine no longer accepts these credentials; reconnect with valid ones');
    e.active++;
    e.lastUsed = Date.now();
    return e;
  }

  /** Ends one use of a holder; the last use of one evicted meanwhile closes its connection. */
  release(holder: Holder): void {
    const e = holder as Entry;
    e.active = Math.max(0, e.active - 1);
    e.lastUsed = Date.now();
    if (e.closed && e.active === 0) void e.connection.close().catch(() => undefined);
  }

  /**
   * Checks a credential against the engine once (a WebSocket's
   * connection_init), telling a refusal from an engine that did not answer by
   * what came back, never by guess. A refusal drops the holder and is
   * remembered (the connection's onUnauthorized does both).
   */
  async verify(holder: Holder, signal?: AbortSignal): Promise<Verdict> {
    try {
      await holder.connection.api({ signal });
      return { accepted: true };
    } catch (e) {
      const refused = e instanceof Fault && e.status === 401;
      return { accepted: false, refused, why: refused ? 'the engine refused the credentials' : (e as Error).message };
    }
  }

  /** Drops every holder that has been idle for `credentialIdleMs` (also run by a timer). */
  sweep(now = Date.now()): void {
    for (const e of [...this.entries.values()]) {
      if (e.active === 0 && now - e.lastUsed >= this.options.limits.credentialIdleMs) this.evict(e, 'idle');
    }
    this.options.refusals.sweep(now);
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
      watchers: () => (entry.hub ??= this.options.hub(entry.connection, key)),
    };
    (entry as { connection: Connection }).connection = this.options.connect(
      { username, password },
      service,
      () => this.refuse(entry),
      () => {
        this.options.refusals.accepted(key, username);
        void this.options.shared?.accepted(key, username);
      },
      key,
    );
    this.options.onChange?.(this.entries.size + 1);
    return entry;
  }

  /** The engine refused this credential: drop it now and answer 401 here for a while. */
  private refuse(entry: Entry): void {
    if (entry.closed) return;
    const ms = this.options.refusals.refuse(entry.key, entry.service, Date.now(), entry.user);
    void this.options.shared?.refused(entry.key, entry.user, entry.service, ms);
    if (entry.service) this.options.onServiceRefused?.(entry.user, ms);
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
    // A refused credential may still be in use: its operations must go on meeting the connection's refusal
    // (remembered there, nothing sent), not a connection closed and opened again, which would log in anew.
    // The last release closes it.
    if (e.active === 0) void e.connection.close().catch(() => undefined);
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
    return plainCredential({ username: p.username, password: (p.password as string | undefined) ?? '' });
  }
  if (header === undefined) return undefined;
  const cred = typeof header === 'string' ? parseBasicAuthorization(header) : undefined;
  if (!cred) throw unauthenticated('The Authorization header must be Basic credentials (user@domain:password)');
  return plainCredential(cred);
}

/** Control characters (C0, DEL, C1) in a user name or password: no engine account has them, and they are refused unsent. */
const CONTROL = /\p{Cc}/u;

/** A credential with no control characters, or a 400 (the caller's mistake, not a refusal of the engine's). */
function plainCredential(cred: Credential): Credential {
  if (CONTROL.test(cred.username) || CONTROL.test(cred.password)) {
    throw new GraphQLError('Credentials must not contain control characters', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  if (cred.username.length > 1024 || cred.password.length > 1024)
    throw new GraphQLError('Credentials are at most 1,024 characters each', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  return cred;
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Basic realm="rhev-graphql"']]) } },
  });
}
