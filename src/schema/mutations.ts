/**
 * The mutation pass of the schema plan: for every collection whose items are
 * entities, its actions on items and on the collection, and create, update
 * and delete where the RSDL offers them, each with its input and payload.
 *
 * The naming rules live here too, and they are the hardest lines of the
 * generator: a nested collection's operations are always qualified by their
 * parents (`activateVmDisk`, `deactivateDataCenterStorageDomain`), so a name
 * never depends on which other collections an engine has, and generated names
 * stay an API across engine versions.
 */
import type { Collection, Operation } from '../model/index.ts';
import { rsdlField } from '../model/index.ts';
import { camel, pascal, sentence } from './names.ts';
import type { PlanArg, PlanBuilder, PlanField } from './plan.ts';
import { gqlType, requiredType } from './type-ref.ts';

/** Adds the mutations of every entity collection to the plan being built. */
export function planMutations(b: PlanBuilder): void {
  new MutationPlanner(b).run();
}

class MutationPlanner {
  constructor(private readonly b: PlanBuilder) {}

  /**
   * How a collection's items are named in mutations: `vm` -> `Vm`; below a
   * parent, without the parent's prefix (`host_nic` below a host is `Nic`),
   * or by the rel when the rel is not the items' plural
   * (`virtualfunctionallowedlabels`).
   */
  private segmentName(c: Collection): string {
    if (!c.parent) return pascal(c.itemElement);
    const parentEl = c.parent.itemElement;
    const el = c.itemElement.startsWith(`${parentEl}_`) ? c.itemElement.slice(parentEl.length + 1) : c.itemElement;
    return c.rel.startsWith(el.replace(/_/g, '')) ? pascal(el) : pascal(c.rel);
  }

  /** Top-level items and nested items of top-level types use their own name unless the top-level type has the same operation; otherwise the parents qualify it. */
  // A nested collection's operations are always qualified by their parents (activateVmDisk,
  // deactivateDataCenterStorageDomain): a name that depended on which other collections exist
  // would change when an engine version adds one, and generated names are an API.
  private qualifier(c: Collection): string {
    if (!c.parent) return pascal(c.itemElement);
    const chain: string[] = [];
    for (let p: Collection | undefined = c; p; p = p.parent) chain.unshift(this.segmentName(p));
    return chain.join('');
  }

  private idArgs(c: Collection): PlanArg[] {
    const out: PlanArg[] = [];
    for (let p = c.parent; p; p = p.parent)
      out.unshift({
        name: `${camel(p.itemElement)}Id`,
        type: gqlType('ID', { required: true }),
        description: `The id of the ${p.itemType}.`,
      });
    return out;
  }

  private payloadFor(itemType: string): string {
    const name = `${itemType}ActionPayload`;
    if (!this.b.types.has(name)) {
      this.b.typeNames.add(name, `the payload of ${itemType} actions`);
      this.b.types.set(name, {
        name,
        kind: 'object',
        description: `What an action on a ${itemType} did: its status, the job, the engine's fault if any, and the ${itemType} as it is now.`,
        fields: [
          {
            name: 'status',
            type: gqlType('String', { required: true }),
            kind: 'scalar',
            description: 'complete, pending, in_progress or failed.',
          },
          ...(this.b.xsd.types.has('Job')
            ? [
                {
                  name: 'job',
                  type: gqlType(this.b.wantObject('Job')),
                  kind: 'reference' as const,
                  target: 'Job',
                  description: 'The job the engine ran for the action.',
                },
              ]
            : []),
          { name: 'fault', type: gqlType(this.b.wantObject('Fault')), kind: 'object', description: 'Why the engine refused, when it did.' },
          {
            name: 'outcomeUnknown',
            type: gqlType('Boolean', { required: true }),
            kind: 'scalar',
            description:
              'True when the connection failed after the request was sent: the action may or may not have run, and was not sent again.',
          },
          {
            name: 'action',
            type: gqlType(this.b.wantObject('Action')),
            kind: 'object',
            description: "The engine's answer in full (tickets, discovered targets, ...).",
          },
          // Always `resource`, so it cannot collide with the fields above (a Job's actions also have a job).
          {
            name: 'resource',
            type: gqlType(itemType),
            kind: 'reference',
            target: itemType,
            description: `The ${itemType}, re-read after the action.`,
          },
        ],
      });
    }
    return name;
  }

  /** The mutations of every collection whose items are entities: its actions, its collection actions, create, update, delete. */
  run(): void {
    for (const c of this.b.api.collections.values()) {
      if (!this.b.entityTypes.has(c.itemType)) continue;
      this.itemActions(c);
      this.collectionActions(c);
      this.crud(c);
    }
    if (this.b.mutation.some((m) => m.kind === 'delete')) {
      this.b.typeNames.add('DeletePayload', 'the payload of deletions');
      this.b.types.set('DeletePayload', {
        name: 'DeletePayload',
        kind: 'object',
        description: 'What a removal did.',
        fields: [
          { name: 'id', type: gqlType('ID', { required: true }), kind: 'scalar', description: 'The id of the removed object.' },
          {
            name: 'status',
            type: gqlType('String', { required: true }),
            kind: 'scalar',
            description: 'complete, or pending when the engine removes it as a task.',
          },
        ],
      });
    }
  }

  private itemActions(c: Collection): void {
    const ids = this.idArgs(c);
    for (const [actionName, op] of c.actions) {
      const id: PlanArg = { name: 'id', type: gqlType('ID', { required: true }), description: `The id of the ${c.itemType}.` };
      this.addAction(c, actionName, op, `${camel(op.name ?? actionName)}${this.qualifier(c)}`, [...ids, id], {
        where: `${c.path}/{id}/${actionName}`,
        what: `a ${c.itemType}`,
        async: 'Return as soon as the engine accepted a task-backed action instead of following it to completion.',
      });
    }
  }

  private collectionActions(c: Collection): void {
    for (const [actionName, op] of c.collectionActions) {
      // Actions on a whole collection are always named by the collection and its parents.
      const chain: string[] = [];
      for (let p = c.parent; p; p = p.parent) chain.unshift(this.segmentName(p));
      const own =
        c.parent && c.collectionElement.startsWith(`${c.parent.itemElement}_`)
          ? c.collectionElement.slice(c.parent.itemElement.length + 1)
          : c.collectionElement;
      this.addAction(c, actionName, op, `${camel(op.name ?? actionName)}${chain.join('')}${pascal(own)}`, this.idArgs(c), {
        where: `${c.path}/${actionName}`,
        what: c.rel,
        async: 'Return as soon as the engine accepted a task-backed action.',
      });
    }
  }

  /** One action mutation: the ids, the action's input when it has parameters, `async`, and the payload. */
  private addAction(
    c: Collection,
    actionName: string,
    op: Operation,
    name: string,
    ids: PlanArg[],
    say: { where: string; what: string; async: string },
  ): void {
    const args: PlanArg[] = [...ids];
    const input = this.actionInput(name, op);
    if (input)
      args.push({ name: 'action', type: gqlType(input.name, { required: input.required }), description: "The action's parameters." });
    args.push({ name: 'async', type: gqlType('Boolean'), description: say.async });
    this.b.mutation.push({
      name: this.b.mutationNames.add(name, say.where),
      kind: 'action',
      type: gqlType(this.payloadFor(c.itemType), { required: true }),
      args,
      collection: c,
      action: actionName,
      operation: op,
      parentIds: this.idArgs(c).map((a) => a.name),
      description: op.description ? sentence(op.description) : `The ${actionName} action of ${say.what}.`,
    });
  }

  private crud(c: Collection): void {
    const ids = this.idArgs(c);
    if (c.add) {
      const name = `${this.b.verbs.create}${this.qualifier(c)}`;
      this.b.mutation.push({
        name: this.b.mutationNames.add(name, `POST ${c.path}`),
        kind: 'create',
        type: gqlType(c.itemType, { required: true }),
        collection: c,
        parentIds: ids.map((a) => a.name),
        args: [
          ...ids,
          { name: 'input', type: gqlType(this.b.wantInput(c.itemType), { required: true }) },
          { name: 'async', type: gqlType('Boolean'), description: 'Return while a creation the engine runs as a task is still going on.' },
        ],
        description: c.add.description ? sentence(c.add.description) : `Add a ${c.itemType}.`,
      });
    }
    if (c.itemMethods.has('PUT')) {
      const name = `${this.b.verbs.update}${this.qualifier(c)}`;
      this.b.mutation.push({
        name: this.b.mutationNames.add(name, `PUT ${c.path}/{id}`),
        kind: 'update',
        type: gqlType(c.itemType, { required: true }),
        collection: c,
        parentIds: ids.map((a) => a.name),
        args: [
          ...ids,
          { name: 'id', type: gqlType('ID', { required: true }) },
          {
            name: 'input',
            type: gqlType(this.b.wantInput(c.itemType), { required: true }),
            description: 'The fields to change; others stay as they are.',
          },
        ],
        description: `Change a ${c.itemType}.`,
      });
    }
    if (c.itemMethods.has('DELETE')) {
      const name = `${this.b.verbs.delete}${this.qualifier(c)}`;
      this.b.mutation.push({
        name: this.b.mutationNames.add(name, `DELETE ${c.path}/{id}`),
        kind: 'delete',
        type: gqlType('DeletePayload', { required: true }),
        collection: c,
        parentIds: ids.map((a) => a.name),
        args: [
          ...ids,
          { name: 'id', type: gqlType('ID', { required: true }) },
          { name: 'force', type: gqlType('Boolean'), description: 'Ask the engine to force the removal.' },
          { name: 'async', type: gqlType('Boolean') },
        ],
        description: `Remove a ${c.itemType}.`,
      });
    }
  }

  private actionInput(mutationName: string, op: Operation): { name: string; required: boolean } | undefined {
    const action = this.b.xsd.types.get('Action');
    if (!action) return undefined;
    const tops = new Map<string, boolean>();
    for (const p of op.bodyParams) {
      const top = rsdlField(action.field, p.name.replace(/^action\./, '').split(/[.|]/)[0]);
      if (!top || top === 'async') continue;
      tops.set(top, (tops.get(top) ?? false) || p.required);
    }
    if (!tops.size) return undefined;
    const name = `${pascal(mutationName)}Input`;
    this.b.typeNames.add(name, `the parameters of ${op.href}`);
    const fields: PlanField[] = [...tops].map(([top, required]) => {
      const f = action.field.get(top)!;
      const t = this.b.inputTypeOf('Action', f);
      const inner = this.b.wrapperItem(f.type);
      return {
        name: camel(top),
        type: required ? requiredType(t) : t,
        kind: this.b.xsd.types.has(f.type) ? (inner ? 'unwrap' : 'object') : 'scalar',
        xml: top,
        item: inner?.name,
        description: f.doc,
      };
    });
    this.b.types.set(name, {
      name,
      kind: 'input',
      description: `The parameters of the ${op.rel} action (${op.href}).`,
      fields,
      xsdType: 'Action',
    });
    return { name, required: fields.some((f) => f.type.required) };
  }
}
