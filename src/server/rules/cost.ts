/**
 * Cost: what an operation would cost the engine, estimated before it runs.
 *
 * Generic cost limits count fields; what matters here is how many requests
 * the engine will receive, and the schema plan knows: a list or an item at
 * the root is one request; a reference, a reverse relationship or a
 * sub-collection the loaders can batch is one more request per level; a
 * sub-collection they cannot batch (a disk's statistics below a list of VMs)
 * is one request per parent, so list sizes multiply. List sizes are taken
 * from `max` where given and assumed otherwise.
 *
 * Fields are merged as execution merges them: the same response key asked
 * twice (`{ vms { name } vms { id } }`) runs once, so it is counted once,
 * with the union of its selections. A root list inlines the sub-collections
 * it can (`detail=`), which then cost nothing; a reference asked only for its
 * id costs nothing either. With every list's `max` at or below what the
 * engine holds, the estimate is the count (test/server/cost.test.ts).
 */
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApiModel } from '../../model/index.ts';
import { type FieldFilter, filterLoads, inlinedRels, inlineOfList, mergeSelections } from '../../resolvers/index.ts';
import type { PlanType, SchemaPlan } from '../../schema/index.ts';
import { refusal } from './refusal.ts';

export interface CostLimits {
  /** Most engine requests a query may be estimated to cost. */
  maxUpstreamRequests: number;
  /** Items a list is assumed to hold when the query does not say `max`. */
  assumedListSize: number;
}

/** One response key of a selection: its first field node, and every selection set asked under that key. */
export function costRule(plan: SchemaPlan, api: ApiModel, limits: CostLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(op) {
        const estimate = Math.round(operationCost(plan, api, op.operation, [op.selectionSet], fragments, limits));
        if (estimate > limits.maxUpstreamRequests) {
          context.reportError(
            refusal(
              `This operation would cost the engine about ${estimate} requests, over the limit of ${limits.maxUpstreamRequests} (maxUpstreamRequests). Ask for fewer nested lists, or set max on the lists.`,
              { code: 'QUERY_TOO_EXPENSIVE', limit: 'maxUpstreamRequests', max: limits.maxUpstreamRequests, found: estimate },
              [op],
            ),
          );
        }
      },
    };
  };
}

/** The estimate for each operation of a document, by name (`''` for an anonymous one). */
export function estimateCost(plan: SchemaPlan, api: ApiModel, document: DocumentNode, limits: CostLimits): Map<string, number> {
  const fragments = fragmentsOf(document);
  const out = new Map<string, number>();
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION)
      out.set(d.name?.value ?? '', Math.round(operationCost(plan, api, d.operation, [d.selectionSet], fragments, limits)));
  }
  return out;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return fragments;
}

function operationCost(
  plan: SchemaPlan,
  api: ApiModel,
  kind: string,
  sets: SelectionSetNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  limits: CostLimits,
): number {
  const roots = kind === 'query' ? plan.query : kind === 'mutation' ? plan.mutation : plan.subscription;
  let cost = 0;
  for (const { field, sets: childSets } of mergeSelections(sets, (n) => fragments.get(n)).values()) {
    const root = roots.find((r) => r.name === field.name.value);
    if (!root) continue;
    // A mutation reads its target, acts, and re-reads it; a query or subscription starts with one request.
    cost += kind === 'mutation' ? 3 : 1;
    const type = plan.types.get(root.type.named);
    const many = root.kind === 'list' ? listSize(field, limits) : 1;
    // A root list brings the sub-collections it can inline in its own request (resolvers/inline.ts).
    const inlined =
      root.kind === 'list' && root.collection
        ? inlinedRels(inlineOfList(plan, api, root.collection, field, childSets, (n) => fragments.get(n)))
        : [];
    if (type && childSets.length) cost += costOf(plan, api, type, childSets, many, fragments, limits, 0, inlined);
    // A filter through a reference (`cluster.name`) loads the referenced objects: a request per type (resolvers/filtering.ts).
    if (root.kind === 'list' && root.collection) cost += filterLoads(api.xsd, root.collection.itemType, filterOf(field));
  }
  return cost;
}

function costOf(
  plan: SchemaPlan,
  api: ApiModel,
  type: PlanType,
  sets: SelectionSetNode[],
  parents: number,
  fragments: Map<string, FragmentDefinitionNode>,
  limits: CostLimits,
  depth: number,
  inlined: readonly string[] = [],
): number {
  if (depth > 50) return Infinity; // depth is limited elsewhere; this only stops a runaway estimate
  let cost = 0;
  for (const { field, sets: childSets } of mergeSelections(sets, (n) => fragments.get(n)).values()) {
    const f = type.fields.find((x) => x.name === field.name.value);
    if (!f) continue;
    const target = plan.types.get(f.type.named);
    let children = parents;
    switch (f.kind) {
      case 'reference':
        // Only the id: read from the reference itself, no fetch.
        if (!childSets.every((set) => onlyId(set, fragments))) cost += 1;
        break;
      case 'reverse':
        cost += 1;
        children = parents * listSize(field, limits);
        break;
      case 'subcollection':
        // One request per level where the loaders batch (model/relations.ts); else one per parent.
        if (!inlined.includes(f.rel!)) cost += api.batching(type.name, f.rel!) !== 'each' ? 1 : parents;
        // A shortcut (Vm.disks through its attachments) loads what the items reference too: one batch per level.
        if (f.through && !inlined.includes(f.rel!)) cost += 1;
        children = parents * listSize(field, limits);
        break;
      default:
        if (f.type.list) children = parents * 4; // value lists (boot devices, IPs) are short
    }
    if (target && target.kind === 'object' && childSets.length)
      cost += costOf(plan, api, target, childSets, children, fragments, limits, depth + 1);
  }
  return cost;
}

/** The `filter` argument of a root list as written: its entries when literal, `variable` when not known until it runs. */
function filterOf(field: FieldNode): FieldFilter[] | 'variable' {
  const arg = field.arguments?.find((a) => a.name.value === 'filter');
  if (!arg) return [];
  if (arg.value.kind !== Kind.LIST) return arg.value.kind === Kind.VARIABLE ? 'variable' : [];
  const out: FieldFilter[] = [];
  for (const v of arg.value.values) {
    if (v.kind === Kind.VARIABLE) return 'variable';
    if (v.kind !== Kind.OBJECT) continue;
    const field = v.fields.find((f) => f.name.value === 'field')?.value;
    if (field?.kind === Kind.VARIABLE) return 'variable';
    if (field?.kind === Kind.STRING) out.push({ field: field.value, value: '' });
  }
  return out;
}

function onlyId(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): boolean {
  for (const key of mergeSelections([set], (n) => fragments.get(n)).keys()) if (key !== 'id' && key !== '__typename') return false;
  return true;
}

function listSize(field: FieldNode, limits: CostLimits): number {
  const max = field.arguments?.find((a) => a.name.value === 'max');
  if (max?.value.kind === Kind.INT) return Math.max(0, Number(max.value.value));
  return limits.assumedListSize;
}
