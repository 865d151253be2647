/**
 * The replicas of one deployment, made one through Redis (`--redis-url`):
 * what a server builds when it is given one, and hands to its parts.
 *
 * - `sync` and the generation: read-your-writes on every replica
 *   (generation.ts);
 * - `readsFor`: one engine read per credential per window for all of them
 *   (reads.ts);
 * - `refusals`: one engine login per wrong credential per minute for all
 *   of them (refusals.ts);
 * - `watchFor`: one poller per watched list and one reader of the event
 *   feed for all of them, per credential (watch.ts).
 *
 * Without Redis none of this is made and nothing changes. With Redis away,
 * each part falls back to what the replica does alone (store.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Generation, SharedReads } from '../rhev/index.ts';
import type { Refusals } from '../server/refusals.ts';
import type { SharedWatch } from '../subscriptions/watchers.ts';
import { SharedGeneration } from './generation.ts';
import { CredentialNames } from './keys.ts';
import { SharedCredentialReads } from './reads.ts';
import { SharedRefusals } from './refusals.ts';
import { SharedStore, type StoreLogger } from './store.ts';
import { SharedCredentialWatch } from './watch.ts';

export interface DeploymentOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  readonly maxEntryBytes: number;
  /** The freshness window (ms): how long a shared read is served. */
  readonly windowMs: number;
  /** How long a watched list's lease lasts unless renewed (watch.ts). */
  readonly leaseMs: number;
  /** The engine's request timeout: the longest one replica reads or logs in for the others. */
  readonly engineTimeoutMs: number;
  readonly logger: StoreLogger;
  /** How each engine read on a miss was answered (metrics). */
  readonly onRead?: (how: 'shared' | 'put' | 'own') => void;
}

export class Deployment {
  readonly store: SharedStore;
  readonly refusals: SharedRefusals;
  private readonly generation: SharedGeneration;
  private readonly names: CredentialNames;
  /** This replica, in the leases it holds. */
  private readonly replica = randomUUID();

  constructor(
    private readonly options: DeploymentOptions,
    generation: Generation,
    refusals: Refusals,
  ) {
    this.store = new SharedStore({
      url: options.redisUrl,
      keyPrefix: options.keyPrefix,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
    });
    this.generation = new SharedGeneration(this.store, generation);
    this.names = new CredentialNames(options.keyPrefix);
    this.refusals = new SharedRefusals(this.store, this.names, refusals, options.engineTimeoutMs);
  }

  /** Before an operation: another replica's write since the last look ends this replica's windows. */
  sync(): Promise<void> {
    return this.generation.sync();
  }

  /** The shared reads of the credential whose in-memory key is `key` (undefined with the window off). */
  readsFor(key: string): SharedReads | undefined {
    if (this.options.windowMs <= 0) return undefined;
    return new SharedCredentialReads(this.store, this.generation, this.names.of(key), {
      windowMs: this.options.windowMs,
      maxEntryBytes: this.options.maxEntryBytes,
      claimMs: this.options.engineTimeoutMs,
      onRead: this.options.onRead,
    });
  }

  /** The watch of the credential whose in-memory key is `key`, shared with the other replicas; `maxIntervalMs`: its longest poll interval. */
  watchFor(key: string, maxIntervalMs: number): SharedWatch {
    return new SharedCredentialWatch(this.store, this.names.of(key), this.replica, {
      leaseMs: this.options.leaseMs,
      keepMs: 2 * maxIntervalMs + this.options.leaseMs,
    });
  }

  async close(): Promise<void> {
    this.generation.close();
    await this.store.close();
  }
}
