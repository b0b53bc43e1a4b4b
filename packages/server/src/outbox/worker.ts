import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Services } from '../pipeline/context.ts';
import { consentFor, type ConsentChannel } from '../store/consent.ts';
import { ChangeSet } from '../store/events.ts';
import { messages, outbox } from '../store/schema.ts';
import { holdBack } from './send-policy.ts';
import { PermanentDeliveryError, type OutboundItem, type OutboundTransport } from './transport.ts';
import { redactError } from './redact.ts';
import { outsideTenantScope } from '../store/tenant-scope.ts';

/**
 * Outbox statuses. `pending`, `sending` and `failed` are unsettled: a row in one of them holds
 * back the later rows of its interaction. `sent`, `dead` and `blocked` are settled. `deferred`
 * (waiting for the patient's quiet hours to end, docs/consent.md) is unsettled but holds nothing
 * back: a reply in a conversation the patient is having goes before a deferred notification.
 */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead', 'blocked', 'deferred'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Payload purpose of an answer to a keyword the patient has just texted (the one-time STOP
 * confirmation, a HELP answer). It is the reply the patient asked for, so the consent check lets
 * it through; everything else is checked at send time.
 */
export const KEYWORD_REPLY_PURPOSE = 'keyword_reply';

export interface OutboxWorkerOptions {
  /** Pause between polls when nothing was due (default: settings.outbox.pollMs). */
  pollMs?: number;
  /** Rows claimed per pass; they are delivered concurrently (default 20). */
  batchSize?: number;
  /**
   * How long a claimed row belongs to this worker. A worker that dies mid-send leaves the row
   * `sending`; once the lease runs out another worker may claim it again (default 2 minutes,
   * well above the transports' own timeouts).
   */
  leaseMs?: number;
  /** Poll in the background (default true). False: only {@link OutboxWorker.runOnce} delivers. */
  autoStart?: boolean;
  /** Errors of the polling loop itself (database unreachable); delivery errors never get here. */
  onError?: (err: unknown) => void;
}

export interface OutboxWorker {
  /** Stops polling and waits for the pass in flight. */
  stop(): Promise<void>;
  /** One claim-and-deliver pass; resolves to the number of rows it settled or rescheduled. */
  runOnce(): Promise<number>;
}

interface ClaimedRow {
  id: number;
  organizationId: string;
  interactionId: string | null;
  caseId: string | null;
  channel: string;
  toAddress: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  attempts: number;
}

const CONSENT_CHANNELS: ReadonlySet<string> = new Set<ConsentChannel>(['sms', 'email']);

/**
 * Delivers the outbox. Any number of workers, in any number of processes, may run against one
 * PostgreSQL: rows are claimed with FOR UPDATE SKIP LOCKED and marked `sending` under a lease, so
 * no row is handed to two workers at once, and the send itself happens outside any transaction
 * (PGlite has one connection; a transaction held across an HTTP call would stall the app).
 *
 * Order per interaction: a row is only claimed when every earlier row of its interaction is
 * settled (sent, dead or blocked), so the patient never reads reply 2 before reply 1.
 */
export function startOutboxWorker(services: Services, transports: OutboundTransport[], opts: OutboxWorkerOptions = {}): OutboxWorker {
  const byChannel = new Map(transports.map((t) => [t.channel, t]));
  const channels = [...byChannel.keys()];
  const batchSize = opts.batchSize ?? 20;
  const leaseMs = opts.leaseMs ?? 120_000;
  const { db } = services.database;
  // Name and code only: a driver error can quote the statement's parameters (addresses, text).
  const onError =
    opts.onError ??
    ((err: unknown) => {
      const e = err as { name?: unknown; code?: unknown };
      console.error(`[outbox] delivery pass failed: ${String(e?.name ?? 'error')}${e?.code ? ` (${String(e.code)})` : ''}`);
    });

  async function claim(): Promise<ClaimedRow[]> {
    if (channels.length === 0) return [];
    const now = services.now();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const nowIso = now.toISOString();
    const channelList = sql.join(
      channels.map((c) => sql`${c}`),
      sql`, `,
    );
    // `attempts` counts claims, so a row that crashes its worker every time still ends dead.
    const result = await db.execute(sql`
      update outbox set status = 'sending', attempts = attempts + 1, next_attempt_at = ${leaseUntil}
      where id in (
        select o.id from outbox o
        where o.channel in (${channelList})
          and o.status in ('pending', 'failed', 'sending', 'deferred')
          and o.next_attempt_at <= ${nowIso}
          and not exists (
            select 1 from outbox e
            where e.organization_id = o.organization_id
              and e.interaction_id = o.interaction_id
              and e.id < o.id
              and e.status in ('pending', 'sending', 'failed'))
        order by o.next_attempt_at, o.id
        limit ${batchSize}
        for update of o skip locked)
      returning id, organization_id, interaction_id, case_id, channel, to_address, payload, idempotency_key, attempts`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
    return rows
      .map((r) => ({
        id: Number(r.id),
        organizationId: String(r.organization_id),
        interactionId: (r.interaction_id as string | null) ?? null,
        caseId: (r.case_id as string | null) ?? null,
        channel: String(r.channel),
        // Raw SQL bypasses the column mappers: open the sealed columns the way Drizzle would.
        toAddress: outbox.toAddress.mapFromDriverValue(String(r.to_address)) as string,
        payload: outbox.payload.mapFromDriverValue(String(r.payload)) as Record<string, unknown>,
        idempotencyKey: String(r.idempotency_key),
        attempts: Number(r.attempts),
      }))
      .sort((a, b) => a.id - b.id);
  }

  /**
   * Writes the outcome of one attempt, if the row is still ours: a worker whose lease ran out
   * (and whose row another worker re-claimed) must not overwrite the newer attempt.
   */
  async function settle(row: ClaimedRow, work: (changes: ChangeSet, at: string) => Promise<void>, set: Partial<typeof outbox.$inferInsert>): Promise<void> {
    await db.transaction(async (tx) => {
      const changes = new ChangeSet(tx, row.organizationId);
      const at = services.now().toISOString();
      const updated = await tx
        .update(outbox)
        .set(set)
        .where(and(eq(outbox.id, row.id), eq(outbox.organizationId, row.organizationId), eq(outbox.status, 'sending'), eq(outbox.attempts, row.attempts)))
        .returning({ id: outbox.id });
      if (updated.length === 0) return;
      await work(changes, at);
      await changes.commit();
    });
  }

  const eventBase = (row: ClaimedRow) => ({ caseId: row.caseId, interactionId: row.interactionId });

  async function deliver(row: ClaimedRow): Promise<void> {
    const transport = byChannel.get(row.channel)!;
    if (CONSENT_CHANNELS.has(row.channel) && row.payload.purpose !== KEYWORD_REPLY_PURPOSE) {
      const consent = await consentFor(db, row.organizationId, row.channel as ConsentChannel, row.toAddress);
      if (consent === 'opted_out') {
        await settle(
          row,
          async (changes, at) => {
            await changes.append({ kind: 'outbound_blocked', ...eventBase(row), occurredAt: at, data: { outboxId: row.id, channel: row.channel, reason: 'opted_out', attempts: row.attempts } });
          },
          { status: 'blocked', lastError: 'recipient opted out of this channel' },
        );
        return;
      }
    }
    // The patient's own preferences: channel and survey opt-outs, quiet hours (outbox/send-policy.ts).
    const held = await holdBack(db, row, services.now());
    if (held) {
      await settle(
        row,
        async (changes, at) => {
          await changes.append({ kind: held.kind, ...eventBase(row), patientId: held.patientId, occurredAt: at, data: { outboxId: row.id, channel: row.channel, attempts: row.attempts, ...held.data } });
        },
        held.set,
      );
      return;
    }
    const item: OutboundItem = {
      id: row.id,
      organizationId: row.organizationId,
      channel: row.channel,
      toAddress: row.toAddress,
      payload: row.payload,
      idempotencyKey: row.idempotencyKey,
      attempts: row.attempts,
    };
    let providerRef: string;
    try {
      ({ providerRef } = await transport.send(item));
    } catch (err) {
      await recordFailure(row, err);
      return;
    }
    const sentAt = services.now().toISOString();
    await settle(
      row,
      async (changes, at) => {
        // The stored message learns its provider id: email replies thread on it, status callbacks find it.
        const messageId = row.payload.messageId;
        if (typeof messageId === 'string' && /^[0-9a-f-]{36}$/i.test(messageId)) {
          await changes.tx
            .update(messages)
            .set({ providerRef })
            .where(and(eq(messages.organizationId, row.organizationId), eq(messages.id, messageId), isNull(messages.providerRef)));
        }
        await changes.append({ kind: 'outbox_sent', ...eventBase(row), occurredAt: at, data: { outboxId: row.id, channel: row.channel, attempts: row.attempts } });
      },
      { status: 'sent', sentAt, providerRef, lastError: null },
    );
  }

  async function recordFailure(row: ClaimedRow, err: unknown): Promise<void> {
    const permanent = err instanceof PermanentDeliveryError;
    const lastError = redactError(err);
    const { maxAttempts, backoffMs } = services.settings.outbox;
    if (permanent || row.attempts >= maxAttempts) {
      await settle(
        row,
        async (changes, at) => {
          await changes.append({
            kind: 'outbox_dead',
            ...eventBase(row),
            occurredAt: at,
            data: { outboxId: row.id, channel: row.channel, attempts: row.attempts, reason: permanent ? 'permanent_error' : 'max_attempts' },
          });
        },
        { status: 'dead', lastError },
      );
      return;
    }
    // Exponential backoff: backoffMs, then twice that, and so on.
    const nextAttemptAt = new Date(services.now().getTime() + backoffMs * 2 ** (row.attempts - 1)).toISOString();
    await settle(
      row,
      async (changes, at) => {
        await changes.append({ kind: 'outbox_retry', ...eventBase(row), occurredAt: at, data: { outboxId: row.id, channel: row.channel, attempts: row.attempts, nextAttemptAt } });
      },
      { status: 'failed', lastError, nextAttemptAt },
    );
  }

  async function runOnce(): Promise<number> {
    const rows = await claim();
    // At most one row per interaction is claimed in a pass (the rest wait on it), so the rows of
    // one pass are independent and may go out together.
    await Promise.all(
      rows.map((row) =>
        deliver(row).catch(async (err) => {
          // A database error while settling: leave the row to its lease, report the loop error.
          onError(err);
        }),
      ),
    );
    return rows.length;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  const pollMs = opts.pollMs ?? services.settings.outbox.pollMs;

  async function loop(): Promise<void> {
    timer = null;
    if (stopped) return;
    inFlight = (async () => {
      // Keep going while there is work: a sent row may have released the next one of its interaction.
      for (let pass = 0; pass < 50 && !stopped; pass++) {
        let n = 0;
        try {
          n = await runOnce();
        } catch (err) {
          onError(err);
        }
        if (n === 0) break;
      }
    })();
    await inFlight;
    inFlight = null;
    if (!stopped) {
      timer = outsideTenantScope(() => setTimeout(() => void loop(), pollMs));
      timer.unref();
    }
  }

  if (opts.autoStart ?? true) {
    timer = outsideTenantScope(() => setTimeout(() => void loop(), 0));
    timer.unref();
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (inFlight) await inFlight;
    },
  };
}
