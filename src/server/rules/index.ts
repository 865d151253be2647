export { operationRules, parseOptions } from './operation-rules.ts';
export { costRule, estimateCost, type CostLimits } from './cost.ts';
export { depthRule } from './depth.ts';
export { aliasesRule } from './aliases.ts';
export { directivesRule } from './directives.ts';
export { refusal, type Refusal } from './refusal.ts';
