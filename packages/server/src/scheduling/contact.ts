import type { Executor } from '../store/db.ts';
import { identitiesOf, type PatientRow } from '../store/patients.ts';

export interface ContactRoute {
  channel: 'sms' | 'email' | 'portal';
  address: string;
}

/**
 * Where an unprompted message (a reminder, a waitlist offer) reaches the patient: their
 * preferred channel if we can deliver on it, else their phone by SMS, else their email. Voice,
 * chat and in-person preferences have no unprompted delivery, so they fall back the same way.
 * Portal delivery shows the message on a case, so it needs one. Consent is not checked here:
 * the outbox worker checks it at send time, when it is current.
 */
export async function contactRouteFor(tx: Executor, organizationId: string, patient: PatientRow, opts: { hasCase: boolean }): Promise<ContactRoute | null> {
  // A link made only from a stated name and birth date may be a stranger's address: nothing
  // unprompted goes there.
  const ids = (await identitiesOf(tx, organizationId, patient.id)).filter((i) => i.assurance !== 'claimed');
  const best = (kind: string) =>
    ids.filter((i) => i.kind === kind).sort((a, b) => Number(b.verified) - Number(a.verified) || b.confidence - a.confidence || (a.createdAt < b.createdAt ? -1 : 1))[0]?.value ?? null;
  const phone = best('phone');
  const email = best('email');
  const sms = phone ? ({ channel: 'sms', address: phone } as const) : null;
  const mail = email ? ({ channel: 'email', address: email } as const) : null;
  switch (patient.preferredChannel) {
    case 'email':
      return mail ?? sms;
    case 'portal': {
      const portal = opts.hasCase ? best('portal') : null;
      return portal ? { channel: 'portal', address: portal } : (sms ?? mail);
    }
    default:
      return sms ?? mail;
  }
}
