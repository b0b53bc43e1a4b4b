import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { events } from './schema.ts';
import { NOTIFY_CHANNEL, type Executor } from './db.ts';
import { announceWorkspace } from './workspace-notices.ts';

export type EventKind =
  | 'interaction_started'
  | 'interaction_ended'
  | 'message_received'
  | 'message_sent'
  | 'patient_created'
  | 'patient_identified'
  | 'patient_merged'
  | 'patient_unmerged'
  | 'identity_linked'
  | 'match_review_opened'
  | 'case_opened'
  | 'case_joined'
  | 'case_folded'
  | 'case_routed'
  | 'case_resolved'
  | 'case_reopened'
  | 'fact_recorded'
  | 'fact_asked'
  | 'continuation_issued'
  | 'continuation_redeemed'
  | 'continuation_entry_paused'
  | 'delivery_status'
  | 'consent_changed'
  | 'preferences_changed'
  | 'outbound_deferred'
  | 'outbound_blocked'
  | 'outbox_sent'
  | 'outbox_retry'
  | 'outbox_dead'
  | 'call_status'
  | 'chat_session_started'
  | 'chat_session_resumed'
  | 'portal_code_sent'
  | 'portal_signed_in'
  | 'portal_signed_out'
  | 'front_desk_check_in'
  // scheduling (packages/server/src/scheduling)
  | 'appointment_booked'
  | 'appointment_rescheduled'
  | 'appointment_cancelled'
  | 'appointment_confirmed'
  | 'appointment_status_changed'
  | 'appointment_reschedule_requested'
  | 'waitlist_added'
  | 'waitlist_removed'
  | 'waitlist_offered'
  | 'waitlist_offer_expired'
  | 'waitlist_offer_declined'
  | 'reminder_queued'
  | 'reminder_skipped'
  | 'schedules_imported'
  | 'scheduling_policy_changed'
  // routing (packages/server/src/routing)
  | 'offer_made'
  | 'offer_accepted'
  | 'offer_declined'
  | 'offer_timed_out'
  | 'offer_cancelled'
  | 'case_transferred'
  | 'case_note_added'
  | 'presence_changed'
  | 'agent_profile_changed'
  | 'routing_rule_changed'
  // care tasks, results and billing (packages/server/src/care)
  | 'care_task_created'
  | 'care_task_status_changed'
  | 'care_patient_notified'
  | 'lab_results_imported'
  | 'billing_imported'
  // agent workspace: verification (packages/server/src/pipeline/verification.ts)
  | 'patient_verified'
  | 'verification_failed'
  | 'verification_code_sent'
  // virtual assistant (packages/server/src/assistant)
  | 'assistant_turn'
  | 'assistant_completed'
  | 'assistant_handoff'
  | 'urgent_escalation'
  // staff sign-in (packages/server/src/auth)
  | 'staff_signed_in'
  | 'staff_sign_in_failed'
  | 'staff_signed_out'
  | 'staff_locked'
  | 'staff_mfa_enrolled'
  | 'admin_setup_completed'
  | 'api_token_issued'
  | 'api_token_revoked'
  | 'oidc_config_changed'
  // access control (packages/server/src/auth/break-glass.ts)
  | 'break_glass_opened'
  | 'break_glass_reviewed'
  | 'access_granted'
  | 'access_revoked'
  // friction events (DESIGN.md vocabulary)
  | 'repeat_ask'
  | 'channel_switch'
  | 'transfer'
  | 'long_wait'
  | 'abandon'
  | 'recontact';

export interface NewEvent {
  kind: EventKind;
  caseId?: string | null;
  patientId?: string | null;
  interactionId?: string | null;
  data?: Record<string, unknown>;
  occurredAt: string;
}

/**
 * Collects what one transaction did: its events, written to the log in one statement at the
 * end of the transaction, and the touched cases, announced then for the realtime fan-out.
 */
export class ChangeSet {
  readonly touchedCases = new Set<string>();
  readonly kinds = new Set<EventKind>();
  private readonly pending: Array<typeof events.$inferInsert> = [];

  constructor(
    readonly tx: Executor,
    readonly organizationId: string,
  ) {}

  /** Buffered: the whole transaction's events are written in one statement by {@link commit}. */
  async append(event: NewEvent): Promise<void> {
    this.pending.push({
      organizationId: this.organizationId,
      kind: event.kind,
      caseId: event.caseId ?? null,
      patientId: event.patientId ?? null,
      interactionId: event.interactionId ?? null,
      data: event.data ?? {},
      occurredAt: event.occurredAt,
    });
    this.kinds.add(event.kind);
    if (event.caseId) this.touchedCases.add(event.caseId);
  }

  /** The row `id` of `table`, within this organisation only: no query reaches across tenants. */
  owned(table: { organizationId: PgColumn; id: PgColumn }, id: string): SQL {
    return ownedBy(table, this.organizationId, id);
  }

  touch(caseId: string | null | undefined): void {
    if (caseId) this.touchedCases.add(caseId);
  }

  /**
   * Writes the buffered events and announces the touched cases. Call last in the transaction:
   * NOTIFY is transactional, so subscribers hear of the change only if it commits.
   */
  async commit(): Promise<void> {
    const written = [...this.pending]; // agent workspace: presence, offer and queue notices derive from these
    if (this.pending.length > 0) await this.tx.insert(events).values(this.pending.splice(0));
    const kinds = [...this.kinds];
    for (const caseId of this.touchedCases) {
      const payload = JSON.stringify({ o: this.organizationId, c: caseId, k: kinds });
      await this.tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${payload})`);
    }
    await announceWorkspace(this.tx, this.organizationId, written, this.touchedCases);
  }
}

export interface ChangeNotice {
  organizationId: string;
  caseId: string;
  kinds: string[];
}

export function parseChangeNotice(payload: string): ChangeNotice | null {
  try {
    const p = JSON.parse(payload) as { o?: unknown; c?: unknown; k?: unknown };
    if (typeof p.o !== 'string' || typeof p.c !== 'string' || !Array.isArray(p.k)) return null;
    return { organizationId: p.o, caseId: p.c, kinds: p.k.map(String) };
  } catch {
    return null;
  }
}

export function ownedBy(table: { organizationId: PgColumn; id: PgColumn }, organizationId: string, id: string): SQL {
  return and(eq(table.organizationId, organizationId), eq(table.id, id))!;
}
