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

/** Action handlers by their key without underscores: v4 names actions without them (`commitsnapshot`). */
const HANDLER_BY_BARE = new Map(Object.entries(ACTIONS).map(([key, h]) => [key.replace(/_/g, ''), h]));

/** The handler of an action of a type or collection, by its v3 or v4 name. */
export function actionHandler(owner: string, name: string): (typeof ACTIONS)[string] | undefined {
  return ACTIONS[`${owner}#${name}`] ?? HANDLER_BY_BARE.get(`${owner}#${name}`.replace(/_/g, ''));
}
