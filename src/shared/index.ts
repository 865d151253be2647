export { Deployment, type DeploymentOptions } from './deployment.ts';
export { decodeDoc, encodeDoc } from './encoding.ts';
export { redactedRedisUrl, SharedStore } from './store.ts';
