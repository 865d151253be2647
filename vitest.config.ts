import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // One graphql for everyone: Node gives packages graphql's CommonJS build, and
  // vite would give our sources its ESM build by the "module" field. Two copies
  // cannot share a schema or an error class (graphql-ws checks errors with
  // instanceof), so tests load the build production loads.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
