/**
 * Hive Gateway in front of rhev-graphql and a subgraph of your own:
 *   npx hive-gateway supergraph supergraph.graphql   (this file is read from the working directory)
 *
 * Queries go to rhev-graphql over HTTP with the caller's Authorization header;
 * subscriptions over graphql-ws (rhev-graphql serves it on /graphql), with the
 * same header on the WebSocket's upgrade request, so each caller subscribes as
 * themselves (a filtered user sees only their VMs). test/federation/gateway.test.ts
 * runs this file as it is.
 */
export const gatewayConfig = {
  supergraph: './supergraph.graphql',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) => ({ authorization: request.headers.get('authorization') }),
  },
  transportEntries: {
    rhev: {
      options: {
        subscriptions: {
          kind: 'ws',
          location: '/graphql',
          headers: [['authorization', '{context.headers.authorization}']],
        },
      },
    },
  },
};
