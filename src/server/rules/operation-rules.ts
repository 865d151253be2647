/**
 * The one list of limits every operation passes before it runs, whatever
 * transport brought it: HTTP (Apollo's validationRules and parseOptions) and
 * WebSocket (graphql-ws's onSubscribe) take both from here, so a limit added
 * to this list holds on both.
 */
import type { ParseOptions, ValidationRule } from 'graphql';
import type { ApiModel } from '../../model/index.ts';
import type { SchemaPlan } from '../../schema/index.ts';
import type { Limits } from '../config.ts';
import { aliasesRule } from './aliases.ts';
import { costRule } from './cost.ts';
import { depthRule } from './depth.ts';
import { directivesRule } from './directives.ts';

/** The rules run in addition to the GraphQL specification's own. */
export function operationRules(plan: SchemaPlan, api: ApiModel, limits: Limits): ValidationRule[] {
  return [depthRule(limits.maxDepth), aliasesRule(limits.maxAliases), directivesRule(limits.maxDirectives), costRule(plan, api, limits)];
}

/** The parser's own bound: it stops counting tokens past the limit instead of building the document. */
export function parseOptions(limits: Limits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
