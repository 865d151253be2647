/**
 * What a query may cost the engine, estimated before it runs.
 *
 * Generic cost limits count fields; what matters here is how many requests
 * the engine will receive, and the schema plan knows: a list or an item at
 * the root is one request; a reference, a reverse relationship or a
 * sub-collection the loaders can batch is one more request per level; a
 * sub-collection they cannot batch (a disk's statistics below a list of VMs)
 * is one request per parent, so list sizes multiply. List sizes are taken
 * from `max` where given and assumed otherwise.
 */
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import { DETAIL } from '../loaders/index.ts';
import type { ApiModel } from '../model/index.ts';
import type { PlanType, SchemaPlan } from '../schema/index.ts';

export interface CostLimits {
  /** Most engine requests a query may be estimated to cost. */
  maxUpstreamRequests: number;
  /** Items a list is assumed to hold when the query does not say `max`. */
  assumedListSize: number;
}

export const DEFAULT_COST_LIMITS: CostLimits = { maxUpstreamRequests: 200, assumedListSize: 100 };

export function upstreamCostRule(plan: SchemaPlan, api: ApiModel, limits: CostLimits = DEFAULT_COST_LIMITS) {
  // The loaders' batching rules, as far as the model can tell them before running.
  const batchable = (parentType: string, rel: string, itemType: string | undefined): boolean => {
    const top = api.top.find((c) => c.itemType === parentType);
    if (top && DETAIL[top.rel]?.includes(rel)) return true;
    return !!itemType && api.top.some((c) => c.itemType === itemType) && !!api.xsd.types.get(itemType)?.elements.some((e) => e.type === parentType && e.max === 1);
  };
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const vars = new Map<string, unknown>();
    return {
      OperationDefinition(op) {
        let cost = 0;
        const roots = op.operation === 'query' ? plan.query : op.operation === 'mutation' ? plan.mutation : plan.subscription;
        for (const field of fieldsOf(op.selectionSet, fragments)) {
          const root = roots.find((r) => r.name === field.name.value);
          if (!root) continue;
          if (op.operation === 'mutation') cost += 3;
          else if (op.operation === 'subscription') cost += 1;
          else cost += 1;
          const type = plan.types.get(root.type.replace(/[[\]!]/g, ''));
          const many = root.kind === 'list' ? listSize(field, vars, limits) : 1;
          if (type && field.selectionSet) cost += costOf(plan, batchable, type, field.selectionSet, many, fragments, vars, limits, 0);
        }
        if (cost > limits.maxUpstreamRequests) {
          context.reportError(new GraphQLError(
            `This operation would cost the engine about ${Math.round(cost)} requests, over the limit of ${limits.maxUpstreamRequests} (maxUpstreamRequests). Ask for fewer nested lists, or set max on the lists.`,
            { nodes: [op], extensions: { code: 'QUERY_TOO_EXPENSIVE', limit: 'maxUpstreamRequests', estimate: Math.round(cost), max: limits.maxUpstreamRequests } },
          ));
        }
      },
    };
  };
}

function costOf(plan: SchemaPlan, batchable: (parentType: string, rel: string, itemType: string | undefined) => boolean, type: PlanType, set: SelectionSetNode, parents: number, fragments: Map<string, FragmentDefinitionNode>, vars: Map<string, unknown>, limits: CostLimits, depth: number): number {
  if (depth > 50) return Infinity; // depth is limited elsewhere; this only stops a runaway estimate
  let cost = 0;
  for (const field of fieldsOf(set, fragments)) {
    const f = type.fields.find((x) => x.name === field.name.value);
    if (!f) continue;
    const target = plan.types.get(f.type.replace(/[[\]!]/g, ''));
    const isList = f.type.startsWith('[');
    let children = parents;
    switch (f.kind) {
      case 'reference':
        cost += 1;
        break;
      case 'reverse':
        cost += 1;
        children = parents * listSize(field, vars, limits);
        break;
      case 'subcollection': {
        // One request per level when the parents' list can inline it or the items can be grouped; else one per parent.
        cost += batchable(type.name, f.rel!, f.target) ? 1 : parents;
        children = parents * listSize(field, vars, limits);
        break;
      }
      default:
        if (isList) children = parents * 4; // value lists (boot devices, IPs) are short
    }
    if (target && target.kind === 'object' && field.selectionSet) cost += costOf(plan, batchable, target, field.selectionSet, children, fragments, vars, limits, depth + 1);
  }
  return cost;
}

function listSize(field: FieldNode, _vars: Map<string, unknown>, limits: CostLimits): number {
  const max = field.arguments?.find((a) => a.name.value === 'max');
  if (max?.value.kind === Kind.INT) return Math.max(0, Number(max.value.value));
  return limits.assumedListSize;
}

function* fieldsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): Generator<FieldNode> {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) yield s;
    else if (s.kind === Kind.INLINE_FRAGMENT) yield* fieldsOf(s.selectionSet, fragments, seen);
    else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
      seen.add(s.name.value);
      const f = fragments.get(s.name.value);
      if (f) yield* fieldsOf(f.selectionSet, fragments, seen);
    }
  }
}
