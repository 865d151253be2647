/**
 * VMs, their devices and snapshots, templates, pools and instance types:
 * what an add makes (a VM from a template is a task that locks its images),
 * what a removal refuses, the search fields, what a filtered user sees, and
 * what the guest agent reports of a running VM.
 */
import { refuse } from '../faults.ts';
import { decorate, specAt } from '../routes.ts';
import { reported } from '../sources.ts';
import { BLANK_ID, type Rec, ref, Store } from '../store.ts';
import type { Behaviour } from './behaviour.ts';
import { diskAttachments, vmDisks } from './disks.ts';
import { COMMON_FIELDS, clusterDc, dropPermissions, inCluster, nameOf, permittedUsers, pick, tagNames } from './lookups.ts';

const VM_SETTABLE = [
  'description',
  'comment',
  'memory',
  'cpu',
  'type',
  'os',
  'display',
  'high_availability',
  'stateless',
  'placement_policy',
  'memory_policy',
  'usb',
  'delete_protected',
  'start_paused',
  'soundcard_enabled',
  'timezone',
  'initialization',
  'payloads',
];

export const guestRunning = (vm: Rec): boolean => ['up', 'powering_down', 'reboot_in_progress', 'migrating'].includes(vm.status?.state);

/** What a display offers: one console per protocol, its id the protocol's name in hex as the engine makes it. */
const consoles = (owner: 'vm' | 'template' | 'instance_type') =>
  reported((r) =>
    r.display
      ? protocolsOf(r).map((protocol) => ({
          id: Buffer.from(protocol).toString('hex'),
          protocol,
          port: protocol === (r.display.type ?? 'spice') ? r.display.port : undefined,
          tls_port: protocol === (r.display.type ?? 'spice') ? r.display.secure_port : undefined,
          address: r.display.address,
          [owner]: { id: r.id, href: r.href },
        }))
      : [],
  );

/** The graphics protocols a VM has consoles for: its display's, and those added since (`_consoles`). */
const protocolsOf = (r: Rec): string[] => [r.display?.type ?? 'spice', ...((r._base ?? r)._consoles ?? [])];

/**
 * A VM's graphics consoles, which v4 can add to (AddGraphicsAndVideoDevices):
 * one device per protocol, and a protocol must be named.
 */
const vmConsoles: Behaviour = {
  source: consoles('vm'),
  add({ body, parent }) {
    const vm = parent!._base ?? parent!;
    const protocol = typeof body.protocol === 'string' ? body.protocol.toLowerCase() : undefined;
    if (!protocol) throw refuse('ACTION_TYPE_FAILED_GRAPHIC_TYPE_MUST_BE_SPECIFIED', 'ADD', 'VM');
    if (protocolsOf(vm).includes(protocol)) throw refuse('ACTION_TYPE_FAILED_ONLY_ONE_DEVICE_WITH_THIS_GRAPHICS_ALLOWED', 'ADD', 'VM');
    vm._consoles = [...(vm._consoles ?? []), protocol];
    return {
      rec: {
        id: Buffer.from(protocol).toString('hex'),
        protocol,
        vm: { id: vm.id, href: vm.href },
        href: `${vm.href}/graphicsconsoles/${Buffer.from(protocol).toString('hex')}`,
      },
    };
  },
};

/** A snapshot's copy of one of its VM's device lists. */
const snapshotDevices = (rel: string) =>
  reported((snap, store) => {
    const vm = snap.vm?.id ? store.get('vms', snap.vm.id) : undefined;
    return vm
      ? [...Store.sub(vm, rel).values()].map(({ href: _h, actions: _a, link: _l, ...d }) => ({ ...d, snapshot: { id: snap.id } }))
      : [];
  });

const vms: Behaviour = {
  // BackendVmsResource on v4: a cluster is all the REST layer demands; the template defaults to Blank.
  requiredV4: [['cluster.id|name']],
  add(ctx) {
    const { body, inv, store: st } = ctx;
    ctx.checkName('vms', body.name, 'VM', 'ADD');
    const cluster = ctx.resolve('clusters', body.cluster, 'Cluster');
    const template = ctx.resolve('templates', body.template ?? { id: BLANK_ID }, 'Template');
    if (template.status.state !== 'ok') throw refuse('VM_TEMPLATE_IS_LOCKED');
    const tmplDisks = [...Store.sub(template, 'disks').values()];
    const domain = [...st.table('storagedomains').values()].find((d) => d._dc === cluster.data_center.id && d.type === 'data');
    const network = [...st.table('networks').values()].find(
      (n) => n.data_center.id === cluster.data_center.id && n._clusters.has(cluster.id),
    );
    const vm = inv.vm(body.name, cluster, template, pick(body, VM_SETTABLE), {
      disks: template.id === BLANK_ID ? 0 : Math.max(1, tmplDisks.length),
      nics: template.id === BLANK_ID ? 0 : 1,
      domain,
      network,
    });
    if (body.memory && !body.memory_policy) vm.memory_policy = { guaranteed: body.memory, ballooning: true };
    ctx.grantCreator(vm);
    if (template.id === BLANK_ID) return { rec: vm };
    // Cloning the template's images is a task; the VM stays locked until it is done.
    vm.status = { state: 'image_locked' };
    const task = ctx.steps(() => {
      vm.status = { state: 'down' };
      ctx.audit('USER_ADD_VM_FINISHED_SUCCESS', { VmName: vm.name }, { vm, cluster });
    });
    return { rec: vm, task };
  },
  remove({ rec, store }) {
    if (rec.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_RUNNING', 'REMOVE', 'VM');
    if (rec.delete_protected) throw refuse('ACTION_TYPE_FAILED_DELETE_PROTECTION_ENABLED', 'REMOVE', 'VM');
    store.table('vms').delete(rec.id);
    dropPermissions(store, 'vm', rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    type: (r) => r.type,
    os: (r) => r.os?.type,
    cluster: (r) => nameOf(st, 'clusters')(r, 'cluster'),
    host: (r) => nameOf(st, 'hosts')(r, 'host'),
    template: (r) => nameOf(st, 'templates')(r, 'template'),
    datacenter: (r) => clusterDc(st, r.cluster?.id),
    tag: tagNames(st),
    pool: (r) => nameOf(st, 'vmpools')(r, 'vmpool'),
    memory: (r) => Math.round(Number(r.memory) / (1024 * 1024)),
    ip: (r) => r.guest_info?.ips?.ip?.map((i: Rec) => i.address) ?? [],
    fqdn: (r) => r.guest_info?.fqdn,
    stateless: (r) => String(r.stateless),
    creationdate: (r) => r.creation_time,
    'users.name': (r) => permittedUsers(st, 'vm', r.id),
  }),
  visible: inCluster,
};

const vmNics: Behaviour = {
  add(ctx) {
    const { body, inv } = ctx;
    const vm = ctx.parent!;
    const network = body.network ? ctx.resolve('networks', body.network, 'Network') : undefined;
    const nic = decorate(
      specAt('vms/{id}/nics'),
      {
        id: inv.id(),
        name: body.name,
        vm: ref(vm),
        network: network ? ref(network) : undefined,
        linked: body.linked ?? true,
        interface: body.interface ?? 'virtio',
        mac: { address: body.mac?.address ?? inv.mac() },
        active: body.plugged ?? true,
        plugged: body.plugged ?? true,
      },
      vm.href,
    );
    Store.sub(vm, 'nics').set(nic.id, nic);
    return { rec: nic };
  },
  remove({ rec, parent }) {
    if (parent!.status.state !== 'down' && rec.plugged)
      throw refuse('ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_DEVICE', 'REMOVE', 'INTERFACE');
    Store.sub(parent!, 'nics').delete(rec.id);
  },
};

const vmSnapshots: Behaviour = {
  add(ctx) {
    const vm = ctx.parent!;
    if (vm.status.state === 'image_locked') throw refuse('ACTION_TYPE_FAILED_VM_IS_LOCKED', 'CREATE', 'SNAPSHOT');
    const snap = decorate(
      specAt('vms/{id}/snapshots'),
      {
        id: ctx.inv.id(),
        description: ctx.body.description,
        type: 'regular',
        vm: ref(vm),
        date: new Date().toISOString(),
        snapshot_status: 'locked',
        persist_memorystate: ctx.body.persist_memorystate ?? false,
      },
      vm.href,
    );
    Store.sub(vm, 'snapshots').set(snap.id, snap);
    const previous = vm.status.state;
    if (previous === 'down') vm.status = { state: 'image_locked' };
    const task = ctx.steps(() => {
      snap.snapshot_status = 'ok';
      if (vm.status.state === 'image_locked') vm.status = { state: previous };
      ctx.audit('USER_CREATE_SNAPSHOT_FINISHED_SUCCESS', { SnapshotName: snap.description, VmName: vm.name }, { vm });
    });
    return { rec: snap, task };
  },
  remove({ rec, parent }) {
    if (rec.type === 'active')
      throw refuse('ACTION_TYPE_FAILED_VM_SNAPSHOT_TYPE_NOT_ALLOWED', 'REMOVE', 'SNAPSHOT', {
        snapshotType: 'ACTIVE',
        supportedSnapshotTypes: 'REGULAR',
      });
    Store.sub(parent!, 'snapshots').delete(rec.id);
  },
};

/** A VM has one CD-ROM drive; adding one changes the image in it. */
const vmCdroms: Behaviour = {
  add(ctx) {
    const cd = [...Store.sub(ctx.parent!, 'cdroms').values()][0];
    if (cd) cd.file = { id: ctx.body.file.id, content: '' };
    return { rec: cd ?? ctx.addPlain() };
  },
};

const templates: Behaviour = {
  add(ctx) {
    const { body, inv, store: st } = ctx;
    ctx.checkName('templates', body.name, 'VM_TEMPLATE', 'ADD');
    const vm = ctx.resolve('vms', body.vm, 'VM');
    if (vm.status.state !== 'down') throw refuse('ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'ADD', 'VM_TEMPLATE');
    const cluster = body.cluster ? ctx.resolve('clusters', body.cluster, 'Cluster') : st.get('clusters', vm.cluster.id)!;
    const t = inv.template(body.name, cluster, {
      description: body.description ?? '',
      memory: vm.memory,
      cpu: vm.cpu,
      os: vm.os,
      status: { state: 'locked' },
      vm: ref(vm),
    });
    for (const d of Store.sub(vm, 'disks').values()) {
      const copy = decorate(
        specAt('templates/{id}/disks'),
        { ...d, id: inv.id(), vm: undefined, template: ref(t), _sub: undefined },
        t.href,
      );
      Store.sub(t, 'disks').set(copy.id, copy);
    }
    vm.status = { state: 'image_locked' };
    const task = ctx.steps(() => {
      t.status = { state: 'ok' };
      vm.status = { state: 'down' };
      ctx.audit('USER_ADD_VM_TEMPLATE_FINISHED_SUCCESS', { VmTemplateName: t.name, VmName: vm.name }, { vm, template: t });
    });
    return { rec: t, task };
  },
  remove({ rec, store }) {
    if (rec.id === BLANK_ID) throw refuse('VMT_CANNOT_REMOVE_BLANK_TEMPLATE', 'REMOVE', 'VM_TEMPLATE');
    const users = [...store.table('vms').values()].filter((v) => v.template.id === rec.id);
    if (users.length)
      throw refuse('VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM', 'REMOVE', 'VM_TEMPLATE', {
        vmsList: users
          .slice(0, 10)
          .map((v) => v.name)
          .join(','),
      });
    store.table('templates').delete(rec.id);
  },
  search: (st) => ({
    ...COMMON_FIELDS,
    cluster: (r) => nameOf(st, 'clusters')(r, 'cluster'),
    datacenter: (r) => clusterDc(st, r.cluster?.id),
    os: (r) => r.os?.type,
  }),
  visible: inCluster,
};

const vmpools: Behaviour = {
  add(ctx) {
    const { body, inv, store: st } = ctx;
    ctx.checkName('vmpools', body.name, 'DESKTOP_POOL', 'ADD');
    const cluster = ctx.resolve('clusters', body.cluster, 'Cluster');
    const template = ctx.resolve('templates', body.template, 'Template');
    const pool = decorate(specAt('vmpools'), {
      id: inv.id(),
      name: body.name,
      description: body.description ?? '',
      size: 0,
      cluster: ref(cluster),
      template: ref(template),
      prestarted_vms: body.prestarted_vms ?? 0,
      max_user_vms: body.max_user_vms ?? 1,
      soundcard_enabled: false,
      type: body.type ?? 'automatic',
      use_latest_template_version: false,
    });
    st.table('vmpools').set(pool.id, pool);
    for (let i = 0; i < Math.min(Number(body.size ?? 1), 1000); i++) {
      inv.vm(`${body.name}-${i + 1}`, cluster, template, { type: 'desktop', vmpool: ref(pool), stateless: true });
      pool.size++;
    }
    return { rec: pool };
  },
  remove({ rec, store }) {
    const members = [...store.table('vms').values()].filter((v) => v.vmpool?.id === rec.id);
    if (members.some((v) => v.status.state !== 'down')) throw refuse('VM_POOL_CANNOT_REMOVE_RUNNING_VM_FROM_POOL');
    for (const v of members) store.table('vms').delete(v.id);
    store.table('vmpools').delete(rec.id);
  },
  search: (st) => ({ ...COMMON_FIELDS, cluster: (r) => nameOf(st, 'clusters')(r, 'cluster'), type: (r) => r.type }),
  visible: (r, grants) => grants.has(r.id) || grants.has(r.cluster?.id),
};

export const COMPUTE: Readonly<Record<string, Behaviour>> = {
  vms,
  'VM/diskattachments': diskAttachments('vm'),
  'Template/diskattachments': diskAttachments('template'),
  'VM/disks': vmDisks,
  'VM/nics': vmNics,
  'VM/snapshots': vmSnapshots,
  'VM/cdroms': vmCdroms,
  'VM/graphicsconsoles': vmConsoles,
  'VM/reporteddevices': {
    source: reported((vm) =>
      guestRunning(vm)
        ? [...Store.sub(vm, 'nics').values()].map((n) => ({
            id: n.id,
            name: n.name,
            type: 'network',
            mac: n.mac,
            ips: vm.guest_info?.ips,
            vm: { id: vm.id, href: vm.href },
          }))
        : [],
    ),
  },
  'VM/sessions': {
    source: reported((vm) =>
      guestRunning(vm) && vm.display?.port
        ? [{ name: 'console', protocol: vm.display.type, console_user: true, vm: { id: vm.id, href: vm.href } }]
        : [],
    ),
  },
  'VM/applications': {
    source: reported((vm) =>
      guestRunning(vm)
        ? ['ovirt-guest-agent-common-1.0.11-1.el7', 'kernel-3.10.0-327.el7'].map((name) => ({ name, vm: { id: vm.id, href: vm.href } }))
        : [],
    ),
  },
  'NIC/reporteddevices': {
    source: reported((nic, store) => {
      const vm = nic.vm?.id ? store.get('vms', nic.vm.id) : undefined;
      return vm && guestRunning(vm)
        ? [{ id: nic.id, name: nic.name, type: 'network', mac: nic.mac, ips: vm.guest_info?.ips, vm: { id: vm.id, href: vm.href } }]
        : [];
    }),
  },
  'Snapshot/disks': { source: snapshotDevices('disks') },
  'Snapshot/nics': { source: snapshotDevices('nics') },
  'Snapshot/cdroms': { source: snapshotDevices('cdroms') },
  templates,
  'Template/graphicsconsoles': { source: consoles('template') },
  'InstanceType/graphicsconsoles': { source: consoles('instance_type') },
  vmpools,
};
