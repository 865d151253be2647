/**
 * What a root list asks the engine to put inside its answer: the
 * sub-collections selected below it that the engine can inline (v3
 * `detail=`, v4 `follow=`), and on v4, for a shortcut through one
 * (`Vm.disks` through the attachments), the path to what its items
 * reference (`disk_attachments.disk`).
 *
 * One home for the decision: the cost estimate (server/rules/cost.ts)
 * counts what is inlined as free, and the list resolver asks for exactly
 * that. The decision depends only on the field's selection, so it is made
 * once per field node: a document is validated once and kept (Apollo's
 * document store), and every execution of it finds the answer here instead
 * of walking the selection again.
 */
import type { FieldNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import type { ApiModel, Collection } from '../model/index.ts';
import type { SchemaPlan } from '../schema/index.ts';
import { mergeSelections } from './selections.ts';

const decided = new WeakMap<ApiModel, WeakMap<FieldNode, readonly string[]>>();

/**
 * The inline paths of the root list of `c` asked as `field` (the first node
 * of its response key) with the merged selection `sets`.
 */
export function inlineOfList(
  plan: SchemaPlan,
  api: ApiModel,
  c: Collection,
  field: FieldNode,
  sets: readonly (SelectionSetNode | undefined)[],
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): readonly string[] {
  let byField = decided.get(api);
  if (!byField) decided.set(api, (byField = new WeakMap()));
  const kept = byField.get(field);
  if (kept) return kept;
  const wanted = new Set([...mergeSelections(sets, fragment).values()].map((m) => m.field.name.value));
  const fields = plan.types.get(c.itemType)?.fields ?? [];
  const paths = api
    .inlinable(c)
    .flatMap((rel) =>
      fields
        .filter((f) => f.kind === 'subcollection' && f.rel === rel && wanted.has(f.name))
        .map((f) => (f.through && api.follows ? `${rel}.${f.through}` : rel)),
    );
  byField.set(field, paths);
  return paths;
}

/** The sub-collections (first steps) of inline paths: what costs the engine nothing more. */
export function inlinedRels(paths: readonly string[]): string[] {
  return paths.map((p) => p.split('.')[0]);
}
