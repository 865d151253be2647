/**
 * What the client's calls take: the connection's own options and each
 * call's (list, get, wait, action). Kept apart so that the generated types
 * and the bound resources can name them without importing the connection.
 */
import type { EngineFormat } from './answers.ts';
import type { Filter } from './filter.ts';
import type { Generation, SharedReads } from './fresh.ts';
import type { Logger } from './log.ts';
import type { TransportOptions } from './transport.ts';

export interface ConnectionOptions extends TransportOptions {
  url?: string;
  /** Retries of idempotent requests on transient errors (default: Connection.retries). */
  retries?: number;
  /** Join identical GETs in flight into one request (default true). */
  coalesce?: boolean;
  /** 1..10; above 5 request and response bodies are logged, redacted (default: Connection.verbosity). */
  verbosity?: number;
  logger?: Logger;
  /**
   * The API dialect to speak: 3, 4, or `auto` (the default): ask for v4 and
   * speak what the entry point answers in (3.x engines answer v3, 4.x v4).
   */
  apiVersion?: 3 | 4 | '3' | '4' | 'auto';
  /**
   * What lists and gets ask the engine to answer in: `xml` (the default), or
   * `json`, which API v4 engines also write and which reads faster
   * (docs/protocol.md §13.4; bench section 6). API v3 is read as XML
   * whatever is set.
   */
  engineFormat?: EngineFormat;
  /** Called when the engine refuses this connection's credentials (HTTP 401 after any re-login). */
  onUnauthorized?: () => void;
  /**
   * Serve a list or a get again from its answer while it is younger than
   * this (ms; default 0, off). Any write through this connection, or through
   * another sharing `generation`, and `invalidate()` forget what is kept.
   * What is served from the window is shared: copy before editing it.
   */
  freshnessMs?: number;
  /**
   * With a window: the bytes of lists' last answers kept, to find the next
   * answer to the same request unchanged as it arrives and serve the objects
   * made before instead of reading it again (unchanged.ts; default 16 MiB,
   * 0 keeps none). Kept two windows past their last use.
   */
  unchangedListBytes?: number;
  /** Called when a list the engine answered with the same bytes as the last time is served without reading it again. */
  onUnchanged?: () => void;
  /** Shared by connections whose windows must forget together (a server's, one per credential). */
  generation?: Generation;
  /**
   * Answers other processes read for the same credential within the window
   * (replicas sharing a Redis: shared/reads.ts): asked on a miss of this
   * connection's own window, before the engine. Needs `freshnessMs`.
   */
  sharedReads?: SharedReads;
  /**
   * Told, for every list or get a call is answered (from the window or the
   * engine), when the engine was asked for what it says, with the call's
   * signal: how a server knows the age of the data an answer is built from.
   */
  onData?: (sentAt: number, signal: AbortSignal | undefined) => void;
}

export interface ListOptions {
  /** A resource the collection lives under (a VM for its disks). */
  base?: object;
  /**
   * What the engine should put inside its answer (Python-RHEV's `detail`):
   * sub-collections, `'disks+nics'` or `['disks', 'nics']`; on v4 also paths
   * through them (`'disk_attachments.disk'`). Sent as v3's `detail=` or v4's `follow=`.
   */
  detail?: string | readonly string[];
  /** The same in the v4 SDK's word (`follow: 'disk_attachments.disk'`); either is taken on either dialect. */
  follow?: string | readonly string[];
  /** Client-side filter: `{ 'cluster.id': id, name: 'web-*' }`, `*` and `?` wildcards. */
  filter?: Filter;
  /** An engine search; other keywords become an AND search (`name: 'web*'`). */
  search?: string;
  /** At most this many results (`;max=`). */
  max?: number;
  /** Page of a search (with `max` as the page size). */
  page?: number;
  /** Case-sensitive search (default true, as in the engine). */
  caseSensitive?: boolean;
  /** Cancels the engine requests this call makes. */
  signal?: AbortSignal;
  /** Ask the engine even when the freshness window holds an answer (the answer then refreshes the window). */
  fresh?: boolean;
  [keyword: string]: unknown;
}

export interface GetOptions extends ListOptions {
  id?: string;
}

export interface WaitOptions {
  /** Seconds to wait at most (the seed's unit); default: indefinitely. */
  timeout?: number;
  /** First poll interval in ms (default 500); doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  detail?: string | readonly string[];
  /** Ends the wait (with Aborted) and its engine requests. */
  signal?: AbortSignal;
}

/** What every call that reaches the engine accepts. */
export interface CallOptions {
  /** Cancels the engine requests of this call: an aborted signal ends them at once and frees their sockets. */
  signal?: AbortSignal;
}

export interface ActionOptions {
  /** For task-backed actions (HTTP 202): poll until the task completes (default true). */
  wait?: boolean;
  /** For `wait`: give up after this many seconds. */
  timeout?: number;
  signal?: AbortSignal;
}

/** How to reach an engine and be recognised by it: what the CLI, the schema generator and the server's configuration take. */
export type EngineAccess = Pick<TransportOptions, 'username' | 'password' | 'caFile' | 'insecure'>;
