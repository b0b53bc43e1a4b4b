import type { Language, RequestType } from '../types.ts';

/**
 * Clinic-side work the assistant hands over: refills, clinician callbacks, payment plans and
 * plain callbacks. Each kind has its own small status machine, so a task cannot jump back
 * (a denied refill is not quietly re-approved: a new request is a new task).
 */
export const CARE_TASK_KINDS = ['refill', 'clinician_callback', 'payment_plan', 'callback'] as const;
export type CareTaskKind = (typeof CARE_TASK_KINDS)[number];

export const REFILL_STATUSES = ['requested', 'approved', 'denied', 'sent_to_pharmacy'] as const;
export type RefillStatus = (typeof REFILL_STATUSES)[number];

export const PAYMENT_PLAN_STATUSES = ['requested', 'approved', 'denied', 'cancelled'] as const;
export const CALLBACK_STATUSES = ['open', 'in_progress', 'completed', 'cancelled'] as const;

export const CARE_TASK_STATUSES = [...new Set([...REFILL_STATUSES, ...PAYMENT_PLAN_STATUSES, ...CALLBACK_STATUSES])] as [string, ...string[]];
export type CareTaskStatus = (typeof REFILL_STATUSES)[number] | (typeof PAYMENT_PLAN_STATUSES)[number] | (typeof CALLBACK_STATUSES)[number];

export const REFILL_URGENCIES = ['routine', 'soon', 'today'] as const;
export type RefillUrgency = (typeof REFILL_URGENCIES)[number];

const TRANSITIONS: Record<CareTaskKind, Record<string, readonly string[]>> = {
  // Approving and sending in one step is common, so requested may go straight to the pharmacy.
  refill: { requested: ['approved', 'denied', 'sent_to_pharmacy'], approved: ['sent_to_pharmacy', 'denied'], denied: [], sent_to_pharmacy: [] },
  payment_plan: { requested: ['approved', 'denied', 'cancelled'], approved: ['cancelled'], denied: [], cancelled: [] },
  clinician_callback: { open: ['in_progress', 'completed', 'cancelled'], in_progress: ['completed', 'cancelled'], completed: [], cancelled: [] },
  callback: { open: ['in_progress', 'completed', 'cancelled'], in_progress: ['completed', 'cancelled'], completed: [], cancelled: [] },
};

export function initialTaskStatus(kind: CareTaskKind): CareTaskStatus {
  return kind === 'refill' || kind === 'payment_plan' ? 'requested' : 'open';
}

export function taskStatusesOf(kind: CareTaskKind): readonly string[] {
  return Object.keys(TRANSITIONS[kind]);
}

export type TransitionDecision = { ok: true } | { ok: false; reason: 'unknown_status' | 'unchanged' | 'final' | 'not_allowed'; allowed: readonly string[] };

export function decideTaskTransition(kind: CareTaskKind, from: string, to: string): TransitionDecision {
  const machine = TRANSITIONS[kind];
  const allowed = machine[from] ?? [];
  if (!(to in machine)) return { ok: false, reason: 'unknown_status', allowed };
  if (from === to) return { ok: false, reason: 'unchanged', allowed };
  if (allowed.length === 0) return { ok: false, reason: 'final', allowed };
  if (!allowed.includes(to)) return { ok: false, reason: 'not_allowed', allowed };
  return { ok: true };
}

export function isOpenTaskStatus(kind: CareTaskKind, status: string): boolean {
  return (TRANSITIONS[kind][status] ?? []).length > 0;
}

/** Which request type's department takes a kind of task (departments list the types they take). */
export function taskRequestType(kind: CareTaskKind): RequestType {
  switch (kind) {
    case 'refill':
      return 'prescription';
    case 'clinician_callback':
      return 'results';
    case 'payment_plan':
      return 'billing';
    case 'callback':
      return 'other';
  }
}

/** When a task is due: refills by urgency (in hours), callbacks within a working day. */
export function taskDueAt(kind: CareTaskKind, createdAt: Date, urgency?: RefillUrgency): Date {
  const hours = kind === 'refill' ? (urgency === 'today' ? 4 : urgency === 'soon' ? 24 : 72) : kind === 'payment_plan' ? 72 : 24;
  return new Date(createdAt.getTime() + hours * 3_600_000);
}

/**
 * What the patient is told when a task changes, in their language. Only statuses the patient
 * needs to hear about have a text; the medication is named (it is the patient's own request)
 * but never a clinical reason for a denial: that conversation belongs to a clinician.
 */
export function taskStatusMessage(
  kind: CareTaskKind,
  status: string,
  language: Language,
  details: { medication?: string | null; pharmacy?: string | null; organizationName: string },
): string | null {
  const es = language === 'es';
  const med = details.medication?.trim() || (es ? 'su medicamento' : 'your medication');
  const pharmacy = details.pharmacy?.trim();
  if (kind === 'refill') {
    switch (status) {
      case 'approved':
        return es
          ? `${details.organizationName}: su solicitud de resurtido de ${med} fue aprobada. Le avisaremos cuando se envíe a la farmacia.`
          : `${details.organizationName}: your refill request for ${med} was approved. We will let you know when it is sent to the pharmacy.`;
      case 'sent_to_pharmacy':
        return es
          ? `${details.organizationName}: su resurtido de ${med} fue enviado a ${pharmacy ? `la farmacia ${pharmacy}` : 'su farmacia'}. La farmacia le avisará cuando esté listo.`
          : `${details.organizationName}: your refill of ${med} was sent to ${pharmacy ? pharmacy : 'your pharmacy'}. The pharmacy will let you know when it is ready.`;
      case 'denied':
        return es
          ? `${details.organizationName}: no pudimos aprobar su resurtido de ${med} por ahora. Un miembro del equipo clínico le explicará los siguientes pasos; responda a este mensaje si desea que le llamemos.`
          : `${details.organizationName}: we could not approve your refill of ${med} at this time. A member of the care team will explain the next steps; reply to this message if you would like a call.`;
      default:
        return null;
    }
  }
  if (kind === 'payment_plan') {
    switch (status) {
      case 'approved':
        return es
          ? `${details.organizationName}: su plan de pagos fue aprobado. Recibirá los detalles en su próximo estado de cuenta.`
          : `${details.organizationName}: your payment plan was approved. You will see the details on your next statement.`;
      case 'denied':
        return es
          ? `${details.organizationName}: no pudimos aprobar el plan de pagos solicitado. Responda a este mensaje para hablar de otras opciones.`
          : `${details.organizationName}: we could not approve the payment plan you asked for. Reply to this message to talk about other options.`;
      default:
        return null;
    }
  }
  return null;
}
