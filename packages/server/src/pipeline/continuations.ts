import { and, desc, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import {
  CONTINUATION_FAILURE_WINDOW_MINUTES,
  CONTINUATION_MAX_FAILURES,
  continuationCodeFrom,
  continuationExpiry,
  signContinuationToken,
  verifyContinuationToken,
  type Assurance,
  type Channel,
} from '@carethread/core';
import type { Db, Executor } from '../store/db.ts';
import type { ChangeSet } from '../store/events.ts';
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
    code = continuationCodeFrom(input.randomBytes(4));
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

/**
 * Redeems a code or signed link token presented by a contact. Single use, 30 minutes, and a
 * contact that keeps guessing is locked out for a while, right codes included, so six digits
 * cannot be walked.
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

/** Written outside the rolled-back transaction of the failed attempt, so it sticks. */
export async function recordContinuationFailure(db: Db, organizationId: string, source: string, at: string): Promise<void> {
  await db.insert(continuationFailures).values({ organizationId, source: continuationSourceIndex(source), occurredAt: at });
}
