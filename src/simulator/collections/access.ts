/**
 * Who may do what, and what happened: users, groups, roles and their
 * permits, permissions on any object, tags on any object, the audit log and
 * the jobs. Permissions and tags hang below many collections; one rule each
 * serves them all.
 */
import { refuse } from '../faults.ts';
import { ADMIN_ROLE_ID } from '../roles.ts';
import { decorate, specAt } from '../routes.ts';
import { computed, none, systemPermissions, view } from '../sources.ts';
import { BLANK_ID, type Rec, ref, Store } from '../store.ts';
import type { Behaviour } from './behaviour.ts';
import { COMMON_FIELDS, nameOf } from './lookups.ts';

/** The roles a user or group holds through its permissions. */
const rolesOf = (field: 'user' | 'group') =>
  view('roles', (r, p, s) => {
    for (const perm of s.table('permissions').values()) if (perm[field]?.id === p.id && perm.role?.id === r.id) return true;
    return false;
  });

/** A role granted to a user on the parent (or on the system, at the top level). */
const permissions: Behaviour = {
  // Permissions on objects the Permission type has no element for (networks, profiles, groups) name them in `_on`.
  source: (parent) => view('permissions', (r, p) => r[parent]?.id === p.id || r._on === p.id),
  add(ctx) {
    const role = ctx.resolve('roles', ctx.body.role, 'Role');
    const user = ctx.resolve('users', ctx.body.user, 'User');
    const field = ctx.parentElement ?? 'vm';
    const p = ctx.inv.permission(role, user, { field, rec: ctx.parent?._base ?? ctx.parent });
    if (ctx.parent) p._on = ctx.parent.id;
    return { rec: p };
  },
  remove({ rec, store }) {
    if (rec.role?.id === ADMIN_ROLE_ID && (rec._base ?? rec)._system)
      throw refuse('ERROR_CANNOT_REMOVE_LAST_SUPER_USER_ROLE', 'REMOVE', 'PERMISSION');
    store.table('permissions').delete(rec.id);
  },
};

/** A tag attached to the parent; attaching a name that no tag has makes the tag. */
const tags: Behaviour = {
  source: view('tags', (r, p) => !!p._tags?.has(r.id)),
  add(ctx) {
    const { body, store, inv } = ctx;
    const tag = body.id
      ? ctx.resolve('tags', body, 'Tag')
      : (store.byName('tags', body.name) ?? inv.tag(body.name, store.get('tags', BLANK_ID)));
    const owner = ctx.parent!._base ?? ctx.parent!;
    (owner._tags ??= new Set()).add(tag.id);
    return { rec: tag };
  },
  remove({ rec, parent }) {
    (parent!._base ?? parent!)._tags?.delete(rec.id);
  },
};

export const ACCESS: Readonly<Record<string, Behaviour>> = {
  capabilities: { source: none },
  permissions: { source: systemPermissions, remove: permissions.remove },
  '*/permissions': permissions,
  '*/tags': tags,
  '*/statistics': { source: computed('statistics') },
  users: {
    add(ctx) {
      const userName = String(ctx.body.user_name);
      if (ctx.store.byName('users', userName) || [...ctx.store.table('users').values()].some((u) => u.user_name === userName))
        throw refuse('ACTION_TYPE_FAILED_NAME_ALREADY_USED', 'ADD', 'USER');
      return { rec: ctx.inv.user(userName.includes('@') ? userName : `${userName}@internal`, userName.split('@')[0], '') };
    },
    search: () => ({
      ...COMMON_FIELDS,
      usrname: (r) => r.user_name,
      user_name: (r) => r.user_name,
      lastname: (r) => r.last_name,
      email: (r) => r.email,
      department: (r) => r.department,
    }),
    visible: (r, _grants, _store, userId) => r.id === userId,
  },
  'User/roles': { source: rolesOf('user') },
  'Group/roles': { source: rolesOf('group') },
  'Domain/users': { source: view('users', (r, p) => r.domain?.id === p.id) },
  'Domain/groups': { source: view('groups', (r, p) => r.domain?.id === p.id) },
  roles: {
    add(ctx) {
      const { body, store, inv } = ctx;
      ctx.checkName('roles', body.name, 'ROLE', 'ADD');
      const r = decorate(specAt('roles'), {
        id: inv.id(),
        name: body.name,
        description: body.description ?? '',
        mutable: true,
        administrative: body.administrative ?? false,
      });
      store.table('roles').set(r.id, r);
      for (const p of body.permits?.permit ?? []) {
        const permit = decorate(
          specAt('roles/{id}/permits'),
          { id: String(p.id), name: p.name ?? String(p.id), administrative: false, role: ref(r) },
          r.href,
        );
        Store.sub(r, 'permits').set(permit.id, permit);
      }
      return { rec: r };
    },
    remove({ rec, store }) {
      if (!rec.mutable) throw refuse('ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY', 'REMOVE', 'ROLE');
      store.table('roles').delete(rec.id);
    },
  },
  tags: {
    add(ctx) {
      const { body, store } = ctx;
      if (store.byName('tags', body.name)) throw refuse('TAGS_SPECIFY_TAG_IS_IN_USE');
      // v3 wraps the parent in <tag>; v4 gives it as the <parent> itself.
      const given = body.parent?.tag ?? (body.parent?.id || body.parent?.name ? body.parent : undefined);
      const parentTag = given ? ctx.resolve('tags', given, 'Tag') : store.get('tags', BLANK_ID);
      const t = ctx.inv.tag(body.name, parentTag);
      if (body.description) t.description = body.description;
      return { rec: t };
    },
    remove({ rec, store }) {
      if (rec.id === BLANK_ID) throw refuse('TAGS_CANNOT_EDIT_READONLY_TAG');
      store.table('tags').delete(rec.id);
      for (const t of [
        ...store.table('vms').values(),
        ...store.table('hosts').values(),
        ...store.table('users').values(),
        ...store.table('templates').values(),
        ...store.table('groups').values(),
      ])
        t._tags?.delete(rec.id);
    },
  },
  events: {
    /** An external event, as monitoring systems post them. */
    add(ctx) {
      const { body } = ctx;
      return {
        rec: ctx.event(
          Number(body.custom_id ?? 0),
          body.severity,
          body.description,
          {},
          { origin: body.origin, custom_id: body.custom_id },
        ),
      };
    },
    /** Removed events are kept aside for `events/undelete`. */
    remove({ rec, store }) {
      store.table('events').delete(rec.id);
      store.deletedEvents.push(rec);
    },
    search: (st) => ({
      ...COMMON_FIELDS,
      severity: (r) => r.severity,
      type: (r) => r.code,
      time: (r) => r.time,
      vm: (r) => (r.vm?.id ? st.get('vms', r.vm.id)?.name : undefined),
      host: (r) => nameOf(st, 'hosts')(r, 'host'),
      // `severity>normal` compares by rank, as the engine does.
      'severity.rank': (r) => ['normal', 'warning', 'error', 'alert'].indexOf(r.severity),
    }),
    visible: (r: Rec, grants, store) => {
      const objs = [r.vm?.id, r.host?.id, r.cluster?.id, r.data_center?.id, r.template?.id].filter(Boolean);
      const vm = r.vm?.id ? store.get('vms', r.vm.id) : undefined;
      return (
        objs.some((id) => grants.has(id)) ||
        (!!vm && (grants.has(vm.cluster?.id) || grants.has(store.get('clusters', vm.cluster?.id)?.data_center?.id)))
      );
    },
  },
  jobs: { visible: (r, _grants, _store, userId) => r.owner?.id === userId },
};
