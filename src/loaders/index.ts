/** Per-request DataLoader-batched engine fetches (loaders.ts). */
export * from './loaders.ts';
