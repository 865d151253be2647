/**
 * Directives: thousands of `@skip(if: false)` on one field cost the
 * validator and executor without asking for anything; they are bounded.
 */
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ValidationRule } from 'graphql';
import { armorOptions } from './refusal.ts';

export function directivesRule(maxDirectives: number): ValidationRule {
  return maxDirectivesRule(armorOptions('TOO_MANY_DIRECTIVES', 'maxDirectives', maxDirectives)) as unknown as ValidationRule;
}
