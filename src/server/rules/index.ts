export { aliasesRule } from './aliases.ts';
export { type CostLimits, costRule, estimateCost } from './cost.ts';
export { depthRule } from './depth.ts';
export { directivesRule } from './directives.ts';
export { operationRules, parseOptions } from './operation-rules.ts';
export { type Refusal, refusal } from './refusal.ts';
