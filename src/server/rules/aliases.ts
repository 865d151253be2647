/**
 * Aliases: the same field asked for many times under different names. Each
 * alias of a list is a list of its own, so aliases multiply everything else;
 * they are bounded however small each copy looks.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { ValidationRule } from 'graphql';
import { armorOptions } from './refusal.ts';

export function aliasesRule(maxAliases: number): ValidationRule {
  return maxAliasesRule(armorOptions('TOO_MANY_ALIASES', 'maxAliases', maxAliases)) as unknown as ValidationRule;
}
