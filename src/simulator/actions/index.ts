export { ACTIONS } from './handlers.ts';
export type { ActionContext, ActionHandler, ActionOutcome, Simulation } from './context.ts';
