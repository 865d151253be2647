export type { ActionContext, ActionHandler, ActionOutcome, Simulation } from './context.ts';
export { ACTIONS, actionHandler } from './handlers.ts';
