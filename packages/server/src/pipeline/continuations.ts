import { and, desc, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import {
  CONTINUATION_CODE_RANDOM_BYTES,
  CONTINUATION_FAILURE_WINDOW_MINUTES,
  CONTINUATION_MAX_FAILURES,
  CONTINUATION_ORG_PAUSE_AFTER,
  CONTINUATION_ORG_WINDOW_MINUTES,
  codeEntryState,
  continuationCodeFrom,
  continuationExpiry,
  signContinuationToken,
  verifyContinuationToken,
  type Assurance,
  type Channel,
  type CodeEntryState,
} from '@carethread/core';
import type { Db, Executor } from '../store/db.ts';
import { ChangeSet } from '../store/events.ts';
import { appendAudit } from '../audit/log.ts';
import { continuationFailures, continuations } from '../store/schema.ts';
import { ContinuationRejected } from './errors.ts';
import { continuationCodeIndex, continuationSourceIndex, continuationTargetIndex } from '../store/blind-indexes.ts';

export type ContinuationRow = typeof continuations.$inferSelect;

export async function issueContinuation(
  changes: ChangeSet,
  input: {
    caseId: string;
    patientId: string | null;
    fromInteractionId: string;
    assurance: Assurance;
    targetChannel: Channel;
    targetAddress: string | null;
    at: string;
    secret: string;
    randomBytes: (n: number) => Uint8Array;
  },
): Promise<{ row: ContinuationRow; code: string; token: string }> {
  // A code must not collide with another live one of the organisation; a few draws suffice.
  let code = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    code = continuationCodeFrom(input.randomBytes(CONTINUATION_CODE_RANDOM_BYTES));
    const clash = await changes.tx
      .select({ id: continuations.id })
      .from(continuations)
      .where(
        and(
          eq(continuations.organizationId, changes.organizationId),
          eq(continuations.codeHash, continuationCodeIndex(changes.organizationId, code)),
          isNull(continuations.usedAt),
          gt(continuations.expiresAt, input.at),
        ),
      )
      .limit(1);
    if (clash.length === 0) break;
  }
  const [row] = await changes.tx
    .insert(continuations)
    .values({
      organizationId: changes.organizationId,
      caseId: input.caseId,
      patientId: input.patientId,
      codeHash: continuationCodeIndex(changes.organizationId, code),
      targetChannel: input.targetChannel,
      targetAddress: input.targetAddress ? continuationTargetIndex(input.targetChannel, input.targetAddress) : null,
      fromInteractionId: input.fromInteractionId,
      assurance: input.assurance,
      issuedAt: input.at,
      expiresAt: continuationExpiry(new Date(input.at)).toISOString(),
    })
    .returning();
  await changes.append({
    kind: 'continuation_issued',
    caseId: input.caseId,
    patientId: input.patientId,
    interactionId: input.fromInteractionId,
    occurredAt: input.at,
    data: { targetChannel: input.targetChannel, continuationId: row!.id },
  });
  return { row: row!, code, token: signContinuationToken(row!.id, input.secret) };
}

async function recentFailures(tx: Executor, organizationId: string, source: string, at: string): Promise<number> {
  const since = new Date(Date.parse(at) - CONTINUATION_FAILURE_WINDOW_MINUTES * 60_000).toISOString();
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(continuationFailures)
    .where(
      and(
        eq(continuationFailures.organizationId, organizationId),
        eq(continuationFailures.source, continuationSourceIndex(source)),
        gte(continuationFailures.occurredAt, since),
      ),
    );
  return row?.n ?? 0;
}

export interface CodeEntryView {
  state: CodeEntryState;
  /** Wrong codes in the organisation's window, from every contact. */
  failuresInWindow: number;
  windowMinutes: number;
  pauseAfter: number;
  /** While paused: when the oldest counted failure leaves the window (or later, if more come). */
  pausedUntil: string | null;
}

/** The organisation's code entry now: open, slowed or paused, for the supervisor and for redemption. */
export async function codeEntryOf(tx: Executor, organizationId: string, at: string): Promise<CodeEntryView & { failuresInLastMinute: number }> {
  const now = Date.parse(at);
  const windowStart = new Date(now - CONTINUATION_ORG_WINDOW_MINUTES * 60_000).toISOString();
  const minuteStart = new Date(now - 60_000).toISOString();
  const [row] = await tx
    .select({
      inWindow: sql<number>`count(*)::int`,
      inLastMinute: sql<number>`(count(*) filter (where ${continuationFailures.occurredAt} >= ${minuteStart}))::int`,
    })
    .from(continuationFailures)
    .where(and(eq(continuationFailures.organizationId, organizationId), gte(continuationFailures.occurredAt, windowStart)));
  const failures = { inWindow: row?.inWindow ?? 0, inLastMinute: row?.inLastMinute ?? 0 };
  const { state } = codeEntryState(failures);
  let pausedUntil: string | null = null;
  if (state === 'paused') {
    // The pause lifts when the window holds fewer than PAUSE_AFTER: after the failure that many from the newest ages out.
    const [edge] = await tx
      .select({ at: continuationFailures.occurredAt })
      .from(continuationFailures)
      .where(and(eq(continuationFailures.organizationId, organizationId), gte(continuationFailures.occurredAt, windowStart)))
      .orderBy(desc(continuationFailures.occurredAt))
      .offset(CONTINUATION_ORG_PAUSE_AFTER - 1)
      .limit(1);
    if (edge) pausedUntil = new Date(Date.parse(edge.at) + CONTINUATION_ORG_WINDOW_MINUTES * 60_000).toISOString();
  }
  return {
    state,
    failuresInWindow: failures.inWindow,
    failuresInLastMinute: failures.inLastMinute,
    windowMinutes: CONTINUATION_ORG_WINDOW_MINUTES,
    pauseAfter: CONTINUATION_ORG_PAUSE_AFTER,
    pausedUntil,
  };
}

/**
 * Redeems a code or signed link token presented by a contact. Single use, 30 minutes. A
 * contact that keeps guessing is locked out for a while, right codes included; and because
 * caller IDs can be withheld or rotated, the organisation as a whole has a budget of wrong
 * codes too: past it code entry first slows, then pauses (codeEntryState). Links and
 * invitations cannot be guessed, so only typed or spoken codes are held to the budget.
 */
export type PresentedContinuation = { code: string } | { token: string } | { invitationId: string };

export async function redeemContinuation(
  changes: ChangeSet,
  presented: PresentedContinuation,
  source: string,
  interactionId: string,
  at: string,
  secret: string,
): Promise<ContinuationRow> {
  const org = changes.organizationId;
  if ('code' in presented) {
    const entry = await codeEntryOf(changes.tx, org, at);
    const { refuse } = codeEntryState({ inWindow: entry.failuresInWindow, inLastMinute: entry.failuresInLastMinute });
    if (refuse) throw new ContinuationRejected(source, refuse);
  }
  if ((await recentFailures(changes.tx, org, source, at)) >= CONTINUATION_MAX_FAILURES) {
    throw new ContinuationRejected(source, 'rate_limited');
  }
  const id =
    'token' in presented ? verifyContinuationToken(presented.token, secret) : 'invitationId' in presented ? presented.invitationId : null;
  if ('token' in presented && !id) throw new ContinuationRejected(source, 'unknown');
  const [row] = await changes.tx
    .select()
    .from(continuations)
    .where(and(eq(continuations.organizationId, org), id ? eq(continuations.id, id) : eq(continuations.codeHash, continuationCodeIndex(org, 'code' in presented ? presented.code : ''))))
    // Among equal codes the newest is the one a patient was just given.
    .orderBy(desc(continuations.issuedAt))
    .limit(1);
  if (!row) throw new ContinuationRejected(source, 'unknown');
  if (row.usedAt) throw new ContinuationRejected(source, 'used');
  if (Date.parse(row.expiresAt) <= Date.parse(at)) throw new ContinuationRejected(source, 'expired');
  const used = await changes.tx
    .update(continuations)
    .set({ usedAt: at, usedByInteractionId: interactionId })
    .where(and(eq(continuations.id, row.id), isNull(continuations.usedAt)))
    .returning({ id: continuations.id });
  // Lost a race with another redemption of the same code.
  if (used.length === 0) throw new ContinuationRejected(source, 'used');
  await changes.append({
    kind: 'continuation_redeemed',
    caseId: row.caseId,
    patientId: row.patientId,
    interactionId,
    occurredAt: at,
    data: { continuationId: row.id, targetChannel: row.targetChannel },
  });
  return { ...row, usedAt: at, usedByInteractionId: interactionId };
}

/** A reply from the address an SMS or email invitation went to redeems that invitation. */
export async function pendingContinuationFor(
  tx: Executor,
  organizationId: string,
  channel: Channel,
  address: string,
  at: string,
): Promise<ContinuationRow | null> {
  const [row] = await tx
    .select()
    .from(continuations)
    .where(
      and(
        eq(continuations.organizationId, organizationId),
        eq(continuations.targetChannel, channel),
        eq(continuations.targetAddress, continuationTargetIndex(channel, address)),
        isNull(continuations.usedAt),
        gt(continuations.expiresAt, at),
      ),
    )
    .orderBy(desc(continuations.issuedAt))
    .limit(1);
  return row ?? null;
}

/**
 * Written outside the rolled-back transaction of the failed attempt, so it sticks. The failure
 * that brings the organisation to its pause is audited and announced (an event the supervisor
 * view hears), once per pause: the advisory lock lines concurrent failures up, so exactly one
 * of them sees the count reach the limit.
 */
export async function recordContinuationFailure(db: Db, organizationId: string, source: string, at: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('carethread.continuation_failures'), hashtext(${organizationId}::text))`);
    await tx.insert(continuationFailures).values({ organizationId, source: continuationSourceIndex(source), occurredAt: at });
    const entry = await codeEntryOf(tx, organizationId, at);
    if (entry.failuresInWindow !== CONTINUATION_ORG_PAUSE_AFTER) return;
    const detail = { failuresInWindow: entry.failuresInWindow, windowMinutes: entry.windowMinutes, pausedUntil: entry.pausedUntil };
    const changes = new ChangeSet(tx, organizationId);
    await changes.append({ kind: 'continuation_entry_paused', occurredAt: at, data: detail });
    await changes.commit();
    await appendAudit(tx, {
      organizationId,
      at,
      actorType: 'system',
      action: 'continuation_entry_paused',
      resourceType: 'continuation',
      reason: `${entry.failuresInWindow} wrong continuation codes within ${entry.windowMinutes} minutes, from any contact`,
      detail,
    });
  });
}
