import { randomBytes } from 'node:crypto';
import { assistantFactExtractor } from '@carethread/assistant';
import type { ChannelEvent, FactExtractor, Language } from '@carethread/core';
import type { IngestResult } from './ingest.ts';
import type { Database } from '../store/db.ts';
import type { ChangeSet } from '../store/events.ts';
import type { cases } from '../store/schema.ts';
import { settingsFromEnv, type ChannelSettings } from '../settings.ts';
import { useMasterSecret } from '../store/field-crypto.ts';

/** What the pipeline and the domain services need from the outside world. */
export interface Services {
  database: Database;
  /**
   * Reads facts from what patients say, on every channel, whether or not the assistant answers
   * the case: the assistant's own extractor by default, so the ledger holds what it understands.
   */
  extractor: FactExtractor;
  /** Signs continuation links. */
  secret: string;
  randomBytes: (n: number) => Uint8Array;
  /** Wall clock for actions that carry no time of their own. */
  now: () => Date;
  /** Provider credentials, public URL, mail and outbox settings. */
  settings: ChannelSettings;
  /** The virtual assistant (packages/server/src/assistant): answers after each inbound message. Absent: nobody answers but people. */
  assistant?: AssistantHook;
}

/** What the assistant said in answer to one inbound message (the voice adapter speaks it). */
export interface AssistantTurnResult {
  replies: string[];
  language: Language;
  handedOff: boolean;
  urgent: boolean;
  asked: string[];
}

export interface AssistantHook {
  /**
   * Inside the ingest transaction, just before the case is routed: the assistant marks a case it
   * is about to answer as its own (queue state `assistant`), so routing offers it to nobody
   * until the assistant hands it off. Optional: a hook without it leaves routing as it is.
   */
  claim?(changes: ChangeSet, event: ChannelEvent, caseRow: typeof cases.$inferSelect): Promise<void>;
  afterIngest(services: Services, organizationId: string, event: ChannelEvent, result: IngestResult): Promise<AssistantTurnResult | null>;
}

export function createServices(database: Database, secret: string, overrides: Partial<Services> = {}): Services {
  // PHI columns are sealed under keys derived from this secret (store/field-crypto.ts).
  useMasterSecret(secret);
  return {
    database,
    extractor: assistantFactExtractor,
    secret,
    randomBytes: (n) => randomBytes(n),
    now: () => new Date(),
    settings: settingsFromEnv(),
    ...overrides,
  };
}
