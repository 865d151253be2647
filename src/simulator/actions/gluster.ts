/**
 * What the engine does for each action on a cluster and its gluster
 * volumes, bricks and hooks: a volume starts and stops, options are set and
 * reset, profiling and rebalancing start and stop, a hook is enabled or
 * disabled. (The engine forwards these to the gluster service of the
 * cluster's hosts; the simulator keeps the state they leave behind.)
 */
import { incomplete, refuse } from '../faults.ts';
import type { ActionHandler, Doc } from './context.ts';
import { stored } from './context.ts';

const options = (volume: Doc): Doc[] => ((volume.options ??= { option: [] }).option ??= []);

export const GLUSTER_ACTIONS: Record<string, ActionHandler> = {
  'Cluster#resetemulatedmachine'({ rec }) {
    const cluster = stored(rec);
    cluster.emulated_machine = undefined;
    return {};
  },
  'GlusterVolume#start'({ rec, body }) {
    const volume = stored(rec);
    if (volume.status?.state === 'up' && !body.force)
      throw refuse('ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STARTED', 'START', 'GLUSTER_VOLUME', { volumeName: volume.name }, 'action');
    volume.status = { state: 'up' };
    return {};
  },
  'GlusterVolume#stop'({ rec }) {
    const volume = stored(rec);
    if (volume.status?.state !== 'up')
      throw refuse('ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STOPPED', 'STOP', 'GLUSTER_VOLUME', { volumeName: volume.name }, 'action');
    volume.status = { state: 'down' };
    return {};
  },
  'GlusterVolume#setoption'({ rec, body }) {
    const volume = stored(rec);
    const { name, value } = body.option ?? {};
    const list = options(volume);
    const existing = list.find((o) => o.name === name);
    if (existing) existing.value = value;
    else list.push({ name, value });
    return {};
  },
  'GlusterVolume#resetoption'({ rec, body }) {
    const volume = stored(rec);
    volume.options.option = options(volume).filter((o) => o.name !== body.option?.name);
    return {};
  },
  'GlusterVolume#resetalloptions'({ rec }) {
    stored(rec).options = { option: [] };
    return {};
  },
  'GlusterVolume#rebalance'({ rec }) {
    const volume = stored(rec);
    if (volume.status?.state !== 'up')
      throw refuse('ACTION_TYPE_FAILED_GLUSTER_VOLUME_IS_DOWN', 'REBALANCE_START', 'GLUSTER_VOLUME', {}, 'action');
    volume._rebalancing = true;
    return {};
  },
  'GlusterVolume#stoprebalance'({ rec }) {
    stored(rec)._rebalancing = false;
    return {};
  },
  'GlusterVolume#startprofile'({ rec }) {
    const volume = stored(rec);
    if (volume.status?.state !== 'up')
      throw refuse('ACTION_TYPE_FAILED_GLUSTER_VOLUME_IS_DOWN', 'START_PROFILE', 'GLUSTER_VOLUME', {}, 'action');
    volume._profiling = true;
    return {};
  },
  'GlusterVolume#stopprofile'({ rec }) {
    stored(rec)._profiling = false;
    return {};
  },
  'GlusterBrick#replace'({ rec, body }) {
    const brick = stored(rec);
    if (!body.brick?.server_id || !body.brick?.brick_dir) throw incomplete('Action', ['brick.server_id', 'brick.brick_dir'], 'replace');
    brick.server_id = body.brick.server_id;
    brick.brick_dir = body.brick.brick_dir;
    brick.name = `${body.brick.server_id}:${body.brick.brick_dir}`;
    return {};
  },
  'bricks#activate'() {
    return {};
  },
  'bricks#migrate'() {
    return {};
  },
  'bricks#stopmigrate'() {
    return {};
  },
  'GlusterHook#enable'({ rec }) {
    stored(rec).status = { state: 'enabled' };
    return {};
  },
  'GlusterHook#disable'({ rec }) {
    stored(rec).status = { state: 'disabled' };
    return {};
  },
  'GlusterHook#resolve'({ rec }) {
    const hook = stored(rec);
    if (!hook.conflict_status) throw refuse('ACTION_TYPE_FAILED_GLUSTER_HOOK_NO_CONFLICT_SERVERS', 'UPDATE', 'GLUSTER_HOOK', {}, 'action');
    hook.conflict_status = 0;
    hook.conflicts = undefined;
    return {};
  },
};
