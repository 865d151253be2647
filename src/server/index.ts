export {
  type AnonymousPolicy,
  DEFAULT_LIMITS,
  displayUrl,
  type EngineConfig,
  type Limits,
  type ServerConfig,
  type ServerLogger,
} from './config.ts';
export { type Credential, CredentialPool, credentialsFrom, type Holder } from './credentials.ts';
export { createLogger } from './log.ts';
export { Metrics, routeTemplate } from './metrics.ts';
export { operationRules, parseOptions } from './rules/index.ts';
export { createSubgraph, type RunningServer, type Subgraph, type SubgraphConfig, startServer } from './server.ts';
