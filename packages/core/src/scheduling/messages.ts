import type { Language } from '../types.ts';

/**
 * What patients read about their appointments, in English and Spanish. SMS-first: short, and
 * the reply instructions never use STOP or CANCEL, which carriers treat as opt-out keywords
 * (Spanish uses CANCELAR, which is not one).
 */

export interface AppointmentDetails {
  organizationName: string;
  providerName: string;
  locationName: string;
  locationAddress?: string | null;
  start: Date;
  /** The clinic's zone: the visit is shown on the wall clock where it happens. */
  timeZone: string;
}

export const REPLY_INSTRUCTIONS: Readonly<Record<Language, string>> = {
  en: 'Reply C to confirm, R to reschedule, X to cancel.',
  es: 'Responda C para confirmar, R para reprogramar, CANCELAR para cancelar.',
};

// Intl separates "9:00" and "AM" with a narrow no-break space in recent ICU; GSM-7 has no such
// character and one would turn the whole SMS into UCS-2 (a third of the length per segment).
const plain = (s: string) => s.replace(/[\u00a0\u202f\u2009]/g, ' ');

export function formatVisitDate(start: Date, timeZone: string, language: Language): string {
  const s = plain(new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(start));
  return language === 'es' ? s.replace(', ', ' ') : s;
}

export function formatVisitTime(start: Date, timeZone: string, language: Language): string {
  return plain(new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(start));
}

function place(d: AppointmentDetails): string {
  return d.locationAddress ? `${d.locationName}, ${d.locationAddress}` : d.locationName;
}

export interface PatientText {
  text: string;
  /** For email. */
  subject: string;
}

/** Known language: that language. Unknown: English, then Spanish, in one message. */
function bilingual(language: Language | null | undefined, make: (l: Language) => PatientText): PatientText {
  if (language === 'en' || language === 'es') return make(language);
  const en = make('en');
  const es = make('es');
  return { text: `${en.text}\n\n${es.text}`, subject: `${en.subject} / ${es.subject}` };
}

export function reminderMessage(d: AppointmentDetails, language: Language | null | undefined): PatientText {
  return bilingual(language, (l) => {
    const date = formatVisitDate(d.start, d.timeZone, l);
    const time = formatVisitTime(d.start, d.timeZone, l);
    return l === 'es'
      ? {
          subject: 'Recordatorio de su cita',
          text: `${d.organizationName}: le recordamos su cita con ${d.providerName} el ${date} a las ${time} en ${place(d)}. ${REPLY_INSTRUCTIONS.es}`,
        }
      : {
          subject: 'Appointment reminder',
          text: `${d.organizationName}: reminder of your appointment with ${d.providerName} on ${date} at ${time} at ${place(d)}. ${REPLY_INSTRUCTIONS.en}`,
        };
  });
}

export function waitlistOfferMessage(d: AppointmentDetails & { holdUntil: Date }, language: Language | null | undefined): PatientText {
  return bilingual(language, (l) => {
    const date = formatVisitDate(d.start, d.timeZone, l);
    const time = formatVisitTime(d.start, d.timeZone, l);
    const holdDate = formatVisitDate(d.holdUntil, d.timeZone, l);
    const holdTime = formatVisitTime(d.holdUntil, d.timeZone, l);
    return l === 'es'
      ? {
          subject: 'Se liberó una cita para usted',
          text: `${d.organizationName}: se liberó una cita con ${d.providerName} el ${date} a las ${time} en ${place(d)}. Responda C para aceptarla o CANCELAR si no la quiere. Se la reservamos hasta el ${holdDate} a las ${holdTime}${holdTime.endsWith('.') ? '' : '.'}`,
        }
      : {
          subject: 'An appointment opened up for you',
          text: `${d.organizationName}: an appointment opened up with ${d.providerName} on ${date} at ${time} at ${place(d)}. Reply C to take it, or X if you do not want it. We hold it for you until ${holdTime} on ${holdDate}.`,
        };
  });
}

export type ReplyOutcome = 'confirmed' | 'cancelled' | 'reschedule_requested' | 'offer_accepted' | 'offer_declined';

/** The acknowledgement the patient gets after their reply took effect. */
export function replyAcknowledgement(outcome: ReplyOutcome, d: AppointmentDetails, language: Language | null | undefined): PatientText {
  return bilingual(language, (l) => {
    const date = formatVisitDate(d.start, d.timeZone, l);
    const time = formatVisitTime(d.start, d.timeZone, l);
    if (l === 'es') {
      const text = {
        confirmed: `Gracias, su cita con ${d.providerName} el ${date} a las ${time} está confirmada.`,
        offer_accepted: `Listo: su cita con ${d.providerName} es el ${date} a las ${time} en ${place(d)}.`,
        cancelled: `Su cita del ${date} a las ${time} fue cancelada. Escríbanos cuando quiera una nueva.`,
        offer_declined: 'Entendido, no reservamos esa cita. Sigue en la lista de espera.',
        reschedule_requested: 'Claro, busquemos otra fecha para su cita.',
      }[outcome];
      return { subject: 'Su cita', text: `${d.organizationName}: ${text}` };
    }
    const text = {
      confirmed: `Thank you, your appointment with ${d.providerName} on ${date} at ${time} is confirmed.`,
      offer_accepted: `Done: your appointment with ${d.providerName} is on ${date} at ${time} at ${place(d)}.`,
      cancelled: `Your appointment on ${date} at ${time} has been cancelled. Write to us whenever you want a new one.`,
      offer_declined: 'Understood, we did not book that time. You stay on the waitlist.',
      reschedule_requested: "Sure, let's find another time for your appointment.",
    }[outcome];
    return { subject: 'Your appointment', text: `${d.organizationName}: ${text}` };
  });
}
