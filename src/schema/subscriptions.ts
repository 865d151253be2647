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
          description: 'The status, as the engine reports it (lowercase); null once deleted.',
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
      b.subscription.push({
        name: `${camel(c.itemElement)}Status`,
        kind: 'watch',
        type: gqlType('StatusEvent', { required: true }),
        collection: c,
        args: [{ name: 'id', type: gqlType('ID', { required: true }) }, ...watchArgs],
        description: `waitForStatus for a ${c.itemType}.`,
      });
    }
  }
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
