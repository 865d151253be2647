/**
 * The simulator's inventory: plain objects shaped like the API's documents.
 *
 * A record is what the engine would send for the object (XML names as keys,
 * hrefs relative to the API root), so rendering is just writing it out.
 * Bookkeeping the wire never shows lives under `_`-prefixed keys, which the
 * XML writer skips. Sub-collections a parent owns (a VM's disks, a host's
 * NICs) live in the parent's `_sub` maps; everything else is a top-level table
 * (`disks` holds the disks no VM owns: floating ones).
 */
import type { Doc } from '../xml/index.ts';

/** A stored record: a wire object (xml/read.ts) with the id and href every record has. */
export type Rec = Doc & { id: string; href: string };

export const TABLES = [
  'datacenters',
  'clusters',
  'hosts',
  'storagedomains',
  'networks',
  'templates',
  'vms',
  'vmpools',
  'users',
  'groups',
  'roles',
  'permissions',
  'tags',
  'events',
  'jobs',
  'disks',
  'bookmarks',
  'icons',
  'instancetypes',
  'domains',
  'storageconnections',
  'vnicprofiles',
  'diskprofiles',
  'cpuprofiles',
  'schedulingpolicyunits',
  'schedulingpolicies',
  'macpools',
  'operatingsystems',
  'katelloerrata',
  'externalhostproviders',
  'openstackimageproviders',
  'openstackvolumeproviders',
  'openstacknetworkproviders',
  // API v4 only: 3.6 has no affinity labels.
  'affinitylabels',
] as const;
export type Table = (typeof TABLES)[number];

export const BLANK_ID = '00000000-0000-0000-0000-000000000000';

export class Store {
  readonly tables = new Map<Table, Map<string, Rec>>(TABLES.map((t) => [t, new Map()]));
  private eventSeq = 0;
  /** Events removed through the API, which `events/undelete` brings back. */
  readonly deletedEvents: Rec[] = [];

  table(name: Table): Map<string, Rec> {
    return this.tables.get(name)!;
  }

  get(name: Table, id: string): Rec | undefined {
    return this.tables.get(name)!.get(id);
  }

  /** The first record of a table whose name is `name` (names are unique per table). */
  byName(table: Table, name: string): Rec | undefined {
    for (const r of this.tables.get(table)!.values()) if (r.name === name) return r;
    return undefined;
  }

  nextEventId(): string {
    return String(++this.eventSeq);
  }

  /** Sub-collection records a parent owns, created on first use. */
  static sub(parent: Rec, rel: string): Map<string, Rec> {
    // A record seen below another parent (a view) keeps its maps on the stored record.
    if (parent._base) return Store.sub(parent._base, rel);
    const subs: Record<string, Map<string, Rec>> = (parent._sub ??= {});
    return (subs[rel] ??= new Map());
  }
}

/** A reference element: `<cluster id="..." href="..."/>`. */
export function ref(r: Rec): { id: string; href: string } {
  return { id: r.id, href: r.href };
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version 4 shaped UUID drawn from `random`, so inventories are reproducible. */
export function uuidFrom(random: () => number): string {
  // One draw gives 32 good bits, so take hex digits four at a time.
  const hex = (n: number) => {
    let s = '';
    while (s.length < n)
      s += Math.floor(random() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return s.slice(0, n);
  };
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A stable UUID-shaped id derived from a string (for computed objects such as statistics). */
export function uuidOf(text: string): string {
  let h1 = 0x811c9dc5,
    h2 = 0x01000193,
    h3 = 0x9e3779b9,
    h4 = 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822507);
    h3 = Math.imul(h3 ^ c, 3266489909);
    h4 = Math.imul(h4 ^ c, 668265263);
  }
  const h = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const s = h(h1) + h(h2) + h(h3) + h(h4);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
