export type { ActionContext, ActionHandler, ActionOutcome, Simulation } from './context.ts';
export { ACTIONS } from './handlers.ts';
