/**
 * The collections the simulator serves through the generic handlers are
 * GraphQL lists and mutations like any other, generated from the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, type Stack, stack } from './helpers.ts';

let s: Stack;
beforeAll(async () => {
  s = await stack({ vms: 5 });
});
afterAll(async () => {
  await s.close();
});

describe('collections served by the generic handlers', () => {
  it('list, create and delete through GraphQL', async () => {
    const r = await gql(
      s,
      '{ operatingSystems { name description } macPools { name ranges { from to } } vnicProfiles { name network { name } } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.operatingSystems.map((o: any) => o.name)).toContain('rhel_7x64');
    expect(r.data.macPools[0].ranges[0]).toEqual({ from: '00:1a:4a:16:01:51', to: '00:1a:4a:16:01:e6' });
    expect(r.data.vnicProfiles[0].network.name).toBeTruthy();
    const before = (await gql(s, '{ bookmarks { id } }')).data.bookmarks;
    const created = await gql(s, 'mutation { createBookmark(input: { name: "mine", value: "vms: name=web*" }) { id name value } }');
    expect(created.errors).toBeUndefined();
    expect(created.data.createBookmark).toMatchObject({ name: 'mine', value: 'vms: name=web*' });
    const gone = await gql(s, 'mutation($id: ID!) { deleteBookmark(id: $id) { id status } }', { id: created.data.createBookmark.id });
    expect(gone.errors).toBeUndefined();
    expect((await gql(s, '{ bookmarks { id } }')).data.bookmarks).toEqual(before);
  });
});
