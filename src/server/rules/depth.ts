/**
 * Depth: how deeply selections nest, fragments included. Every level of a
 * relationship can cost the engine another request and the server another
 * walk over every item of the level above, so the nesting is bounded.
 * Introspection's `__schema` is not counted (its type references nest deep by
 * design and cost the engine nothing).
 */
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ValidationRule } from 'graphql';
import { armorOptions } from './refusal.ts';

export function depthRule(maxDepth: number): ValidationRule {
  return maxDepthRule({ ...armorOptions('QUERY_TOO_DEEP', 'maxDepth', maxDepth), ignoreIntrospection: true }) as unknown as ValidationRule;
}
