/**
 * The server's structured log: pino, one JSON line per event. Every
 * operation leaves one line (operation.ts); the engine client logs through
 * the same logger (its lines are redacted at the source, see
 * src/rhev/log.ts). pino's own redaction is a second guard: whatever a
 * future line carries under these keys is censored.
 */
import { pino } from 'pino';
import { settingDefault } from '../settings/index.ts';
import type { ServerLogger } from './config.ts';

const REDACT = [
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'cookie',
  '*.cookie',
  'jsessionid',
  '*.jsessionid',
  'connectionParams',
  '*.connectionParams',
];

export function createLogger(
  level = process.env.LOG_LEVEL ?? settingDefault<string>('logLevel'),
  destination?: NodeJS.WritableStream,
): ServerLogger {
  const options = { level, redact: { paths: REDACT, censor: '***' }, base: { service: 'rhev-graphql' } };
  return (destination ? pino(options, destination as never) : pino(options)) as unknown as ServerLogger;
}
