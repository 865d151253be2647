/**
 * The subscription pass of the schema plan: `waitForStatus(type, id)` and
 * one `<type>Status(id)` per top-level collection whose items have a status,
 * with the event they emit; and the client-side filter input the list roots
 * take.
 */
import { camel, enumValue } from './names.ts';
import type { PlanArg, PlanBuilder } from './plan.ts';
import { gqlType } from './type-ref.ts';

export function planSubscriptions(b: PlanBuilder): void {
  const watchable = b.api.top.filter((c) => b.entityTypes.has(c.itemType) && b.xsd.types.get(c.itemType)?.field.has('status'));
  if (watchable.length) {
    b.typeNames.add('WatchedType', 'the watchable resource types');
    b.types.set('WatchedType', {
      name: 'WatchedType',
      kind: 'enum',
      description: 'Resource types whose status can be watched.',
      fields: [],
      values: watchable.map((c) => enumValue(c.itemElement)),
      wire: watchable.map((c) => c.itemElement),
    });
    b.typeNames.add('StatusEvent', 'status events');
    b.types.set('StatusEvent', {
      name: 'StatusEvent',
      kind: 'object',
      description: 'A status a watched resource was seen in.',
      fields: [
        { name: 'type', type: gqlType('WatchedType', { required: true }), kind: 'scalar' },
        { name: 'id', type: gqlType('ID', { required: true }), kind: 'scalar' },
        {
          name: 'state',
          type: gqlType('String'),
          kind: 'scalar',
          description:
            "The status, in the engine's own word (lowercase: `up`, `wait_for_launch`); null once deleted. The `<type>Status` subscriptions of API v4 take the type's status enum (`UP`, `WAIT_FOR_LAUNCH`) for what to wait for.",
        },
        {
          name: 'deleted',
          type: gqlType('Boolean', { required: true }),
          kind: 'scalar',
          description: 'True when the resource no longer exists.',
        },
        {
          name: 'done',
          type: gqlType('Boolean', { required: true }),
          kind: 'scalar',
          description: 'True for the last event: a wanted status (or the deletion) was reached.',
        },
        // The resource itself, as the poll that saw the status read it: other subgraphs' fields join onto it by key.
        ...watchable.map((c) => ({
          name: camel(c.itemElement),
          xml: c.itemElement,
          type: gqlType(c.itemType),
          kind: 'reference' as const,
          target: c.itemType,
          description: `The ${c.itemType} when \`type\` is ${enumValue(c.itemElement)}, as read when this status was seen; null otherwise, and once deleted.`,
        })),
      ],
    });
    const watchArgs: PlanArg[] = [
      {
        name: 'status',
        type: gqlType('String', { list: true }),
        description: 'The statuses to wait for; the subscription completes when one is reached. Empty: watch until unsubscribed.',
      },
      { name: 'deleted', type: gqlType('Boolean'), description: 'Complete when the resource is deleted.' },
      { name: 'timeout', type: gqlType('Int'), description: 'Seconds to wait at most; an error event ends the subscription then.' },
    ];
    b.subscription.push({
      name: 'waitForStatus',
      kind: 'watch',
      type: gqlType('StatusEvent', { required: true }),
      args: [
        { name: 'type', type: gqlType('WatchedType', { required: true }) },
        { name: 'id', type: gqlType('ID', { required: true }) },
        ...watchArgs,
      ],
      description: 'Emits the current status at once, then every change, until a wanted status is reached.',
    });
    for (const c of watchable) {
      // Where the type's status is an enum (v4's VmStatus), the statuses to wait for are that enum: what goes in is what comes out.
      const statusEnum = statusEnumOf(b, c.itemType);
      const args = statusEnum
        ? watchArgs.map((a) => (a.name === 'status' ? { ...a, type: gqlType(statusEnum, { list: true }) } : a))
        : watchArgs;
      b.subscription.push({
        name: `${camel(c.itemElement)}Status`,
        kind: 'watch',
        type: gqlType('StatusEvent', { required: true }),
        collection: c,
        args: [{ name: 'id', type: gqlType('ID', { required: true }) }, ...args],
        description: `waitForStatus for a ${c.itemType}.`,
      });
      b.subscription.push({
        name: `${camel(c.collectionElement)}Changed`,
        kind: 'watchAll',
        type: gqlType('StatusEvent', { required: true }),
        collection: c,
        args: c.searchable
          ? [{ name: 'search', type: gqlType('String'), description: 'An engine search: only the objects it matches are watched.' }]
          : [],
        description: `Every status change of the ${c.rel}${c.searchable ? ' a search matches' : ''} (and each one that appears or leaves), from one list the engine is asked per poll however many subscribe.`,
      });
    }
  }
}

/** The enum a type's `status` field has in the plan, if it is one (v4); v3's status is an object with a string state. */
function statusEnumOf(b: PlanBuilder, itemType: string): string | undefined {
  const field = b.types.get(itemType)?.fields.find((f) => f.name === 'status');
  const named = field?.type.named;
  return named && b.types.get(named)?.kind === 'enum' ? named : undefined;
}

export function planFieldFilter(b: PlanBuilder): void {
  if (!b.types.has('FieldFilter')) {
    b.types.set('FieldFilter', {
      name: 'FieldFilter',
      kind: 'input',
      description:
        'Client-side matching: the value at `field` (a dotted path of XML names, such as `cluster.id`) must match `value`; `*` and `?` are wildcards.',
      fields: [
        { name: 'field', type: gqlType('String', { required: true }), kind: 'scalar' },
        { name: 'value', type: gqlType('String', { required: true }), kind: 'scalar' },
      ],
    });
  }
}
