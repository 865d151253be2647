/** The settings of `rhev-graphql serve`: one registry, read from flags, the environment and a config file. */
export * from './defaults.ts';
export * from './docs.ts';
export * from './flags.ts';
export * from './read.ts';
export * from './registry.ts';
