import { randomBytes } from 'node:crypto';
import { rulesFactExtractor, type FactExtractor } from '@carethread/core';
import type { Database } from '../store/db.ts';
import { settingsFromEnv, type ChannelSettings } from '../settings.ts';

/** What the pipeline and the domain services need from the outside world. */
export interface Services {
  database: Database;
  extractor: FactExtractor;
  /** Signs continuation links. */
  secret: string;
  randomBytes: (n: number) => Uint8Array;
  /** Wall clock for actions that carry no time of their own. */
  now: () => Date;
  /** Provider credentials, public URL, mail and outbox settings. */
  settings: ChannelSettings;
}

export function createServices(database: Database, secret: string, overrides: Partial<Services> = {}): Services {
  return {
    database,
    extractor: rulesFactExtractor,
    secret,
    randomBytes: (n) => randomBytes(n),
    now: () => new Date(),
    settings: settingsFromEnv(),
    ...overrides,
  };
}
