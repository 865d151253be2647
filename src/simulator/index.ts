/** The engine simulator: `startSimulator()` (http.ts) over the engine's REST semantics (engine.ts). */
export { Engine, DEFAULT_ENGINE_OPTIONS } from './engine.ts';
export { splitPath } from './documents.ts';
export type { EngineOptions, EngineRequest, EngineResponse } from './engine.ts';
export * from './http.ts';
