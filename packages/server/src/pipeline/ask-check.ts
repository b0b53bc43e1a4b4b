import { and, eq } from 'drizzle-orm';
import { currentFact, detectLanguage, factsAskedIn, type FactName, type KnownFact, type Language } from '@carethread/core';
import type { Executor } from '../store/db.ts';
import { cases } from '../store/schema.ts';
import { BadInput } from './errors.ts';
import { knownFacts } from './facts.ts';

/**
 * The check on typed questions: which facts a staff message asks for, and which of those the
 * patient has already told us. The same rule as structured asks (askForFact): what the patient
 * said counts, what the patient record says does not (checking a date of birth against the
 * record is verification, not asking again).
 */

export interface KnownValue {
  value: string;
  /** extractor, agent, assistant… (who recorded it). */
  source: string;
  /** The channel the patient said it on, when known. */
  channel: string | null;
  at: string;
  verified: boolean;
}

export interface AskCheck {
  fact: FactName;
  known: KnownValue | null;
}

/** The language to read a staff message in: its own words first, then the conversation's. */
export function messageLanguage(text: string, fallback: string | null | undefined): Language {
  const detected = detectLanguage(text);
  if (detected && detected.confidence >= 0.5) return detected.language;
  return fallback === 'es' ? 'es' : 'en';
}

export async function checkAsksIn(
  tx: Executor,
  organizationId: string,
  caseRow: { id: string; patientId: string | null },
  text: string,
  language: Language,
  now: Date,
): Promise<AskCheck[]> {
  const asked = factsAskedIn(text, language);
  if (asked.length === 0) return [];
  const stated = (await knownFacts(tx, organizationId, caseRow.id, caseRow.patientId)).filter((f) => f.source !== 'record');
  return asked.map((fact) => {
    const known = currentFact(stated as KnownFact[], fact, now) as (typeof stated)[number] | null;
    return {
      fact,
      known: known
        ? { value: known.value, source: known.source, channel: known.sourceChannel, at: new Date(known.observedAt).toISOString(), verified: known.verified }
        : null,
    };
  });
}

/** Read-only: what the workspace shows while the agent types. */
export async function askCheckForCase(tx: Executor, organizationId: string, caseId: string, text: string, now: Date, language?: Language): Promise<{ asks: AskCheck[]; language: Language }> {
  const [caseRow] = await tx
    .select({ id: cases.id, patientId: cases.patientId })
    .from(cases)
    .where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  const lang = language ?? messageLanguage(text, null);
  return { asks: await checkAsksIn(tx, organizationId, caseRow, text, lang, now), language: lang };
}
