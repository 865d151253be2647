export { startServer, bundledSchemaPath, type RunningServer } from './server.ts';
export { DEFAULT_LIMITS, displayUrl, type AnonymousPolicy, type EngineConfig, type Limits, type ServerConfig, type ServerLogger } from './config.ts';
export { credentialsFrom, CredentialPool, type Credential, type Holder } from './credentials.ts';
export { createLogger } from './log.ts';
export { Metrics, routeTemplate } from './metrics.ts';
export { operationRules, parseOptions } from './rules/index.ts';
