import { and, desc, eq, sql } from 'drizzle-orm';
import { zonedParts, type Language } from '@carethread/core';
import type { Effect, Observation, OfferedSlot } from '@carethread/assistant';
import { createCallbackTask, createRefillRequest, explainStatement, requestClinicianCallback, requestPaymentPlan, resultsStatus } from '../care/index.ts';
import { offerContinuation } from '../pipeline/actions.ts';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import { sendVerificationCode, verifyIdentity } from '../pipeline/verification.ts';
import { appointmentsOfPatient, book, cancel, confirm, findSlots, reschedule, type AppointmentView } from '../scheduling/index.ts';
import { departments, interactions } from '../store/schema.ts';
import { resolveVisit, visitLabel } from './visit.ts';

/** Everything an effect needs to know about the case it acts on. */
export interface EffectContext {
  organizationId: string;
  caseId: string;
  patientId: string | null;
  language: Language;
  timeZone: string;
  reason: string | null;
  at: () => string;
  /** The contact the patient is writing on (continuations start from it). */
  interactionId?: string | null;
  /** The organisation's phone line (E.164), for a continuation by phone. */
  voiceNumber?: string | null;
}

/** "+12125550100" → "(212) 555-0100": how a number is said to a patient. */
function displayPhone(e164: string): string {
  const m = e164.match(/^\+1(\d{3})(\d{3})(\d{4})$/);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** "Tue, Mar 18, 2:00 PM with Dr. Rivera (Cardiology)": in the location's zone and the patient's language. */
export function slotLabel(start: string, timeZone: string, language: Language, provider?: string, specialty?: string | null): string {
  let when: string;
  try {
    when = new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(start));
  } catch {
    when = new Date(start).toISOString().slice(0, 16).replace('T', ' ');
  }
  return provider ? `${when} ${language === 'es' ? 'con' : 'with'} ${visitLabel(provider, specialty ?? null)}` : when;
}

function appointmentLabel(a: AppointmentView, language: Language): string {
  return slotLabel(a.start, a.location.timeZone, language, a.provider.name, a.department?.name);
}

/** The contact's assurance as the pipeline left it (a stated name and date of birth equal to the record raise it to verified). */
async function currentAssurance(services: Services, ctx: EffectContext): Promise<string | null> {
  const [row] = await services.database.db
    .select({ assurance: interactions.assurance })
    .from(interactions)
    .where(and(eq(interactions.organizationId, ctx.organizationId), eq(interactions.caseId, ctx.caseId)))
    .orderBy(sql`${interactions.status} = 'open' desc`, desc(interactions.lastActivityAt))
    .limit(1);
  return row?.assurance ?? null;
}

async function departmentNames(services: Services, organizationId: string): Promise<Map<string, string>> {
  const rows = await services.database.db.select({ id: departments.id, name: departments.name }).from(departments).where(eq(departments.organizationId, organizationId));
  return new Map(rows.map((d) => [d.id, d.name]));
}

/** The upcoming appointment on one of the days the patient named, else the next one. */
async function nextAppointment(services: Services, ctx: EffectContext, patientId: string, days: readonly string[] = []): Promise<AppointmentView | null> {
  const list = (await appointmentsOfPatient(services, ctx.organizationId, patientId, { upcoming: true, at: ctx.at(), limit: 20 })).filter((a) => a.status === 'booked' || a.status === 'pending');
  const onDay = days.length > 0 ? list.find((a) => days.includes(zonedParts(new Date(a.start), a.location.timeZone).date)) : undefined;
  return onDay ?? list[0] ?? null;
}

/**
 * Performs one effect the dialogue asked for and reports what happened. Domain refusals become
 * observations (a slot taken meanwhile is a `conflict`); nothing here throws to the patient.
 */
export async function performEffect(services: Services, ctx: EffectContext, effect: Effect): Promise<Observation> {
  const patientId = ctx.patientId;
  const failed = (reason: 'unavailable' | 'conflict' | 'error'): Observation => ({ kind: 'failed', effect: effect.kind, reason });
  try {
    if (effect.kind === 'continue_on') {
      if (!ctx.interactionId || (effect.channel === 'voice' && !ctx.voiceNumber)) return failed('unavailable');
      // quiet: the assistant says the instructions itself, so they reach SMS and portal too.
      const offer = await offerContinuation(services, ctx.organizationId, ctx.interactionId, {
        channel: effect.channel,
        at: ctx.at(),
        quiet: true,
        ...(effect.channel === 'voice' ? { phoneNumber: displayPhone(ctx.voiceNumber!) } : {}),
      });
      return { kind: 'continuation', channel: effect.channel, instructions: offer.instructions };
    }
    if (effect.kind === 'send_code') {
      // Only ever to a contact the patient verified before (verification.ts refuses otherwise).
      if (!patientId) return { kind: 'code_sent', ok: false, channel: null };
      const sent = await sendVerificationCode(services, ctx.organizationId, ctx.caseId, { at: ctx.at() });
      return { kind: 'code_sent', ok: true, channel: sent.channel };
    }
    if (effect.kind === 'verify_code') {
      const r = await verifyIdentity(services, ctx.organizationId, ctx.caseId, { method: 'one_time_code', code: effect.code, at: ctx.at() });
      return { kind: 'code_checked', ok: r.verified, attemptsLeft: r.verified ? 0 : r.attemptsLeft };
    }
    if (effect.kind === 'verify') {
      // The pipeline may already have verified the contact from what was said; otherwise the
      // same check a person runs (verification.ts), which locks after repeated mismatches.
      if ((await currentAssurance(services, ctx)) === 'verified') return { kind: 'verified', ok: true };
      if (!patientId) return { kind: 'verified', ok: false };
      const r = await verifyIdentity(services, ctx.organizationId, ctx.caseId, { method: 'dob_name', givenName: effect.givenName, familyName: effect.familyName, birthDate: effect.birthDate, at: ctx.at() });
      return { kind: 'verified', ok: r.verified };
    }
    if (!patientId) return failed('unavailable');
    const org = ctx.organizationId;
    switch (effect.kind) {
      case 'find_slots': {
        const p = effect.preferences;
        // Whom and which specialty first: slots are only ever looked for within them.
        const resolved = await resolveVisit(services.database.db, org, patientId, p);
        if ('options' in resolved) return { kind: 'slots', slots: [], visitOptions: resolved.options };
        const visit = resolved.visit;
        const found = await findSlots(services, org, {
          ...(visit.departmentId ? { departmentId: visit.departmentId } : {}),
          ...(visit.providerId ? { providerId: visit.providerId } : {}),
          preferences: {
            ...(p.earliestDate ? { earliestDate: p.earliestDate } : {}),
            ...(p.latestDate ? { latestDate: p.latestDate } : {}),
            ...(p.partsOfDay?.length ? { partsOfDay: p.partsOfDay } : {}),
          },
          timeZone: ctx.timeZone,
          patientId,
          limit: 3,
          at: ctx.at(),
        });
        const specialties = await departmentNames(services, org);
        const slots: OfferedSlot[] = found.slots
          .filter((s) => !effect.excludeIds.includes(s.id))
          .slice(0, 3)
          .map((s) => ({ id: s.id, start: s.start, label: slotLabel(s.start, s.location.timeZone, ctx.language, s.provider.name, s.provider.departmentId ? (specialties.get(s.provider.departmentId) ?? null) : null) }));
        return { kind: 'slots', slots, visit };
      }
      case 'book': {
        const a = await book(services, org, { patientId, slotId: effect.slotId, caseId: ctx.caseId, ...(ctx.reason ? { reason: ctx.reason } : {}), source: 'assistant', bookedBy: 'assistant', at: ctx.at() });
        return { kind: 'booked', label: appointmentLabel(a, ctx.language) };
      }
      case 'find_appointment': {
        const a = await nextAppointment(services, ctx, patientId, effect.days ?? []);
        return {
          kind: 'appointment',
          appointment: a ? { id: a.id, label: appointmentLabel(a, ctx.language), providerId: a.provider.id, ...(a.department ? { departmentId: a.department.id } : {}) } : null,
        };
      }
      case 'reschedule': {
        const r = await reschedule(services, org, effect.appointmentId, { slotId: effect.slotId, at: ctx.at(), by: 'assistant' });
        return { kind: 'changed', what: 'rescheduled', label: appointmentLabel(r.appointment, ctx.language) };
      }
      case 'cancel': {
        const r = await cancel(services, org, effect.appointmentId, { reason: 'patient_request', at: ctx.at(), by: 'assistant' });
        return { kind: 'changed', what: 'cancelled', label: appointmentLabel(r.appointment, ctx.language) };
      }
      case 'confirm': {
        const a = await confirm(services, org, effect.appointmentId, { at: ctx.at(), by: 'assistant' });
        return { kind: 'changed', what: 'confirmed', label: appointmentLabel(a, ctx.language) };
      }
      case 'refill':
        await createRefillRequest(services, org, { caseId: ctx.caseId, patientId, medication: effect.medication, pharmacy: effect.pharmacy, urgency: effect.urgency, at: ctx.at() });
        return { kind: 'refill_created' };
      case 'results_status': {
        const r = await resultsStatus(services, org, patientId);
        return { kind: 'results', available: r.available, pending: r.pending, portalUrl: r.portalUrl ?? null };
      }
      case 'explain_statement': {
        const r = await explainStatement(services, org, patientId, ctx.language);
        return { kind: 'statement', found: r.found, lines: r.lines.map((l) => l.text), balanceText: r.balanceText || null };
      }
      case 'callback':
        await createCallbackTask(services, org, { caseId: ctx.caseId, patientId, at: ctx.at() });
        return { kind: 'callback_created' };
      case 'clinician_callback':
        await requestClinicianCallback(services, org, {
          caseId: ctx.caseId,
          patientId,
          // What the clinician reads on the task: why, never what the results say.
          reason: effect.reason === 'discuss_results' ? 'Patient asked to go over their test results (assistant does not interpret results).' : 'Patient asked for a call about their test results.',
          at: ctx.at(),
        });
        return { kind: 'clinician_callback_created' };
      case 'payment_plan':
        await requestPaymentPlan(services, org, { caseId: ctx.caseId, patientId, monthlyAmount: effect.monthlyAmount, at: ctx.at() });
        return { kind: 'payment_plan_created', monthlyAmount: effect.monthlyAmount };
    }
  } catch (err) {
    if (effect.kind === 'verify') return { kind: 'verified', ok: false };
    if (effect.kind === 'send_code') return { kind: 'code_sent', ok: false, channel: null };
    if (effect.kind === 'verify_code') return { kind: 'code_checked', ok: false, attemptsLeft: 0 };
    if (err instanceof BadInput) return failed(err.status === 409 ? 'conflict' : 'unavailable');
    return failed('error');
  }
}
