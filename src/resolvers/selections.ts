/**
 * What a selection asks for, as execution merges it: the fields of some
 * selection sets by response key, through inline fragments and fragment
 * spreads (each spread once). The resolvers read it to know whether only
 * ids are wanted; the engine-cost rule to walk a query before it runs.
 */
import { type FieldNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';

export interface MergedField {
  /** The first field node of the response key (its name and arguments). */
  readonly field: FieldNode;
  /** The selection sets below every node of the key, to be merged in turn. */
  readonly sets: SelectionSetNode[];
}

export function mergeSelections(
  sets: readonly (SelectionSetNode | undefined)[],
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): Map<string, MergedField> {
  const out = new Map<string, MergedField>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        let m = out.get(key);
        if (!m) out.set(key, (m = { field: s, sets: [] }));
        if (s.selectionSet) m.sets.push(s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet);
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragment(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  for (const set of sets) if (set) walk(set);
  return out;
}
