/** The engine simulator: `startSimulator()` (http.ts) over the engine's REST semantics (engine.ts). */

export { splitPath } from './documents.ts';
export { Engine } from './engine.ts';
export * from './http.ts';
export type { EngineOptions, EngineRequest, EngineResponse } from './messages.ts';
export { DEFAULT_ENGINE_OPTIONS } from './messages.ts';
