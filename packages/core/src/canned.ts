import type { Language, RequestType } from './types.ts';

/**
 * Canned responses: reusable replies with `{{variables}}` an agent sends in one keystroke.
 * Substitution is pure and never invents a value: a variable we do not know, or know but have
 * no value for, stays visible in the text and is reported, so the agent fills it in by hand.
 */

export const CANNED_VARIABLES = [
  'patient.givenName',
  'patient.familyName',
  'agent.name',
  'organization.name',
  'case.requestType',
  'appointment.start',
] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

export type CannedValues = Partial<Record<CannedVariable, string | null | undefined>>;

export interface CannedRender {
  text: string;
  /** Variables left in the text, in order of first appearance, each once. */
  missing: string[];
}

const VARIABLE = /\{\{\s*([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)\s*\}\}/g;

export function isCannedVariable(name: string): name is CannedVariable {
  return (CANNED_VARIABLES as readonly string[]).includes(name);
}

/** The variable names a body uses, each once, in order. */
export function cannedVariablesIn(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(VARIABLE)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

export function renderCanned(body: string, values: CannedValues): CannedRender {
  const missing: string[] = [];
  const text = body.replace(VARIABLE, (whole, name: string) => {
    const value = isCannedVariable(name) ? values[name] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (!missing.includes(name)) missing.push(name);
    return whole;
  });
  return { text, missing };
}

const REQUEST_TYPE_WORDS: Record<Language, Record<RequestType, string>> = {
  en: {
    scheduling: 'appointment',
    prescription: 'prescription',
    results: 'test results',
    billing: 'bill',
    insurance: 'insurance question',
    clinical_question: 'question for the care team',
    records: 'medical records request',
    other: 'request',
  },
  es: {
    scheduling: 'cita',
    prescription: 'receta',
    results: 'resultados',
    billing: 'factura',
    insurance: 'consulta sobre su seguro',
    clinical_question: 'pregunta para el equipo médico',
    records: 'solicitud de expediente médico',
    other: 'solicitud',
  },
};

/** A request type as a patient would say it, in their language. */
export function requestTypeWords(type: string, language: Language): string | null {
  return (REQUEST_TYPE_WORDS[language] as Record<string, string>)[type] ?? null;
}

export interface CannedContext {
  language: Language;
  /** IANA time zone that appointment times are shown in (the organisation's). */
  timeZone: string;
  patient?: { givenName?: string | null; familyName?: string | null } | null;
  agent?: { name?: string | null } | null;
  organization?: { name?: string | null } | null;
  case?: { requestType?: string | null } | null;
  appointment?: { start?: string | null } | null;
}

/** Values for every variable the context can fill, formatted for the response's language. */
export function cannedValues(ctx: CannedContext): CannedValues {
  const start = ctx.appointment?.start;
  return {
    'patient.givenName': ctx.patient?.givenName,
    'patient.familyName': ctx.patient?.familyName,
    'agent.name': ctx.agent?.name,
    'organization.name': ctx.organization?.name,
    'case.requestType': ctx.case?.requestType ? requestTypeWords(ctx.case.requestType, ctx.language) : null,
    'appointment.start': start && !Number.isNaN(Date.parse(start)) ? formatAppointmentTime(start, ctx.language, ctx.timeZone) : null,
  };
}

/** "Tuesday, March 3 at 9:30 AM" / "martes, 3 de marzo, 9:30", in the organisation's zone. */
export function formatAppointmentTime(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}
