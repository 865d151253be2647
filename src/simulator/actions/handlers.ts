/**
 * Every action handler, by the item's schema type and the action's rel
 * (`VM#start`), or by the collection's element for collection actions
 * (`events#undelete`). An action the route table has and this table lacks is
 * answered 404 by the engine, and a test walks every action of the model to
 * keep them in step.
 */
import type { ActionHandler } from './context.ts';
import { GLUSTER_ACTIONS } from './gluster.ts';
import { HOST_ACTIONS } from './host.ts';
import { SNAPSHOT_ACTIONS } from './snapshots.ts';
import { STORAGE_ACTIONS } from './storage.ts';
import { SYSTEM_ACTIONS } from './system.ts';
import { V4_ACTIONS } from './v4.ts';
import { VM_ACTIONS } from './vm.ts';

export const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...VM_ACTIONS,
  ...SNAPSHOT_ACTIONS,
  ...HOST_ACTIONS,
  ...STORAGE_ACTIONS,
  ...GLUSTER_ACTIONS,
  ...SYSTEM_ACTIONS,
  ...V4_ACTIONS,
};
