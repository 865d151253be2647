/**
 * The engine's audit log, as `/api/events` serves it: entries with rising
 * ids, the engine's codes, severities and filled-in messages (audit.ts says
 * which command logs which), and references to what each is about. The log
 * keeps the newest `maxEvents` entries, as the engine prunes its own.
 */
import { changeEntry, renderEntry } from './audit.ts';
import type { AuditLogName } from './audit-log.generated.ts';
import { decorate, specAt } from './routes.ts';
import { type Rec, ref, type Store } from './store.ts';
import { trimMap } from './tasks.ts';

/** What an entry is about: the objects it references. */
export interface About {
  vm?: Rec;
  host?: Rec;
  cluster?: Rec;
  template?: Rec;
  data_center?: Rec;
  storage_domain?: Rec;
  user?: Rec;
}

/** The field an entry uses to reference an object of each type. */
const ABOUT_FIELD: Record<string, keyof About> = {
  VM: 'vm',
  Host: 'host',
  Template: 'template',
  Cluster: 'cluster',
  DataCenter: 'data_center',
  StorageDomain: 'storage_domain',
  User: 'user',
};

export class EventLog {
  constructor(
    private readonly store: () => Store,
    private readonly maxEvents: () => number,
  ) {}

  /** Appends an entry (newest ids are highest) and prunes the oldest past the limit. */
  write(code: number, severity: string, description: string, about: About, extra: Record<string, unknown> = {}): Rec {
    const store = this.store();
    const id = store.nextEventId();
    const refs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(about)) if (v) refs[k] = ref(v);
    const e = decorate(specAt('events'), {
      id,
      description,
      code,
      severity,
      time: new Date().toISOString(),
      origin: 'oVirt',
      custom_id: -1,
      flood_rate: 30,
      custom_data: '',
      ...refs,
      ...extra,
    });
    const events = store.table('events');
    events.set(id, e);
    trimMap(events, this.maxEvents());
    return e;
  }

  /** Logs an entry of the engine's own, its message filled with `vars`. */
  audit(name: AuditLogName, vars: Record<string, string | number | undefined>, about: About): Rec {
    const e = renderEntry(name, vars);
    return this.write(e.code, e.severity, e.description, about);
  }

  /** The entry the engine writes when a resource of `type` is added, updated or removed, if any. */
  change(
    change: 'added' | 'updated' | 'removed',
    type: string,
    rec: Rec,
    parent: { type: string; rec: Rec } | undefined,
    userName: string,
  ): void {
    const entry = changeEntry(change, type, rec, parent?.rec, userName);
    if (!entry) return;
    // A network's entries name its data center.
    if (type === 'Network') entry.vars.StoragePoolName = String(this.store().get('datacenters', rec.data_center?.id)?.name ?? '');
    this.audit(entry.name, entry.vars, { ...(parent ? aboutOf(parent.type, parent.rec) : {}), ...aboutOf(type, rec) });
  }
}

/** The reference an entry carries to the object it is about. */
function aboutOf(type: string, rec: Rec): About {
  const field = ABOUT_FIELD[type];
  return field ? { [field]: rec } : {};
}
