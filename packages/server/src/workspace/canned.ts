import { and, asc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import { cannedValues, cannedVariablesIn, renderCanned, type Language } from '@carethread/core';
import type { Services } from '../pipeline/context.ts';
import { BadInput } from '../pipeline/errors.ts';
import type { Executor } from '../store/db.ts';
import { getOrganization } from '../store/orgs.ts';
import { getActivePatient } from '../store/patients.ts';
import { cases, departments, staff } from '../store/schema.ts';
import { appointments } from '../store/schema-scheduling.ts';
import { cannedResponses } from '../store/schema-workspace.ts';

/** Canned responses: reusable replies with variables, per language and department. */

export type CannedRow = typeof cannedResponses.$inferSelect;

export interface CannedView {
  id: string;
  departmentId: string | null;
  language: Language;
  shortcut: string;
  title: string;
  body: string;
  /** The `{{variables}}` the body uses. */
  variables: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CannedInput {
  departmentId?: string | null;
  language: Language;
  shortcut: string;
  title: string;
  body: string;
}

const iso = (v: string) => new Date(v).toISOString();

export function cannedView(row: CannedRow): CannedView {
  return {
    id: row.id,
    departmentId: row.departmentId,
    language: row.language as Language,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    variables: cannedVariablesIn(row.body),
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * The responses an agent can pick from: organisation-wide ones plus, with `departmentId`,
 * that department's own; `q` matches shortcut or title.
 */
export async function listCanned(
  tx: Executor,
  organizationId: string,
  filter: { language?: Language; departmentId?: string; q?: string } = {},
): Promise<CannedView[]> {
  const rows = await tx
    .select()
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.organizationId, organizationId),
        ...(filter.language ? [eq(cannedResponses.language, filter.language)] : []),
        ...(filter.departmentId ? [or(isNull(cannedResponses.departmentId), eq(cannedResponses.departmentId, filter.departmentId))!] : []),
        ...(filter.q
          ? [sql`(${cannedResponses.shortcut} ilike ${'%' + escapeLike(filter.q) + '%'} or ${cannedResponses.title} ilike ${'%' + escapeLike(filter.q) + '%'})`]
          : []),
      ),
    )
    .orderBy(asc(cannedResponses.shortcut), asc(cannedResponses.language))
    .limit(500);
  return rows.map(cannedView);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

async function assertDepartment(tx: Executor, organizationId: string, departmentId: string | null | undefined): Promise<void> {
  if (!departmentId) return;
  const [row] = await tx
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.organizationId, organizationId), eq(departments.id, departmentId)));
  if (!row) throw new BadInput('unknown_department', 'No such department in this organization.', 404);
}

async function assertShortcutFree(tx: Executor, organizationId: string, language: string, shortcut: string, exceptId?: string): Promise<void> {
  const [row] = await tx
    .select({ id: cannedResponses.id })
    .from(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.language, language), eq(cannedResponses.shortcut, shortcut)));
  if (row && row.id !== exceptId) {
    throw new BadInput('shortcut_taken', `The shortcut "${shortcut}" is already used by another ${language} response.`, 409);
  }
}

/** The unique index is the real guard; two concurrent creates end here, not in a 500. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export async function createCanned(services: Services, organizationId: string, input: CannedInput, createdBy: string | null): Promise<CannedView> {
  const at = services.now().toISOString();
  try {
    return await services.database.db.transaction(async (tx) => {
      await assertDepartment(tx, organizationId, input.departmentId);
      await assertShortcutFree(tx, organizationId, input.language, input.shortcut);
      const [row] = await tx
        .insert(cannedResponses)
        .values({
          organizationId,
          departmentId: input.departmentId ?? null,
          language: input.language,
          shortcut: input.shortcut,
          title: input.title,
          body: input.body,
          createdBy,
          createdAt: at,
          updatedAt: at,
        })
        .returning();
      return cannedView(row!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new BadInput('shortcut_taken', `The shortcut "${input.shortcut}" is already used by another ${input.language} response.`, 409);
    throw err;
  }
}

export async function updateCanned(services: Services, organizationId: string, id: string, input: CannedInput): Promise<CannedView> {
  const at = services.now().toISOString();
  try {
    return await services.database.db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(cannedResponses)
        .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
        .for('update');
      if (!existing) throw new BadInput('unknown_canned_response', 'No such canned response in this organization.', 404);
      await assertDepartment(tx, organizationId, input.departmentId);
      await assertShortcutFree(tx, organizationId, input.language, input.shortcut, id);
      const [row] = await tx
        .update(cannedResponses)
        .set({
          departmentId: input.departmentId ?? null,
          language: input.language,
          shortcut: input.shortcut,
          title: input.title,
          body: input.body,
          updatedAt: at,
        })
        .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
        .returning();
      return cannedView(row!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new BadInput('shortcut_taken', `The shortcut "${input.shortcut}" is already used by another ${input.language} response.`, 409);
    throw err;
  }
}

export async function deleteCanned(services: Services, organizationId: string, id: string): Promise<void> {
  const deleted = await services.database.db
    .delete(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, id)))
    .returning({ id: cannedResponses.id });
  if (deleted.length === 0) throw new BadInput('unknown_canned_response', 'No such canned response in this organization.', 404);
}

export interface CannedRenderResult {
  text: string;
  /** Variables left visible in `text` because no value is known: the agent fills them in. */
  missing: string[];
  language: Language;
}

const UPCOMING = ['pending', 'booked', 'arrived'];

/**
 * A canned response filled in for one case: the patient (following merges), the signed-in or
 * named agent, the organisation, the request, and the appointment given or the next one of the
 * case (else of the patient). Read-only: rendering sends nothing.
 */
export async function renderCannedForCase(
  services: Services,
  organizationId: string,
  caseId: string,
  cannedId: string,
  input: { staffId?: string | null; appointmentId?: string },
): Promise<CannedRenderResult> {
  const tx = services.database.db;
  const [caseRow] = await tx.select().from(cases).where(and(eq(cases.organizationId, organizationId), eq(cases.id, caseId)));
  if (!caseRow) throw new BadInput('unknown_case', 'No such case in this organization.', 404);
  const [canned] = await tx
    .select()
    .from(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, organizationId), eq(cannedResponses.id, cannedId)));
  if (!canned) throw new BadInput('unknown_canned_response', 'No such canned response in this organization.', 404);
  const org = await getOrganization(tx, organizationId);
  const patient = caseRow.patientId ? await getActivePatient(tx, organizationId, caseRow.patientId) : null;
  let agentName: string | null = null;
  if (input.staffId) {
    const [row] = await tx.select({ name: staff.name }).from(staff).where(and(eq(staff.organizationId, organizationId), eq(staff.id, input.staffId)));
    if (!row) throw new BadInput('unknown_staff', 'No such staff member in this organization.', 404);
    agentName = row.name;
  }
  let appointmentStart: string | null = null;
  if (input.appointmentId) {
    const [row] = await tx
      .select({ start: appointments.start, patientId: appointments.patientId })
      .from(appointments)
      .where(and(eq(appointments.organizationId, organizationId), eq(appointments.id, input.appointmentId)));
    if (!row) throw new BadInput('unknown_appointment', 'No such appointment in this organization.', 404);
    appointmentStart = row.start;
  } else {
    const now = services.now().toISOString();
    const upcoming = (where: ReturnType<typeof eq>) =>
      tx
        .select({ start: appointments.start })
        .from(appointments)
        .where(and(eq(appointments.organizationId, organizationId), where, inArray(appointments.status, UPCOMING), gte(appointments.start, now)))
        .orderBy(asc(appointments.start))
        .limit(1);
    const [ofCase] = await upcoming(eq(appointments.caseId, caseId));
    const [ofPatient] = ofCase || !patient ? [] : await upcoming(eq(appointments.patientId, patient.id));
    appointmentStart = (ofCase ?? ofPatient)?.start ?? null;
  }
  const language = canned.language as Language;
  const values = cannedValues({
    language,
    timeZone: org?.timeZone ?? 'America/New_York',
    patient,
    agent: { name: agentName },
    organization: org ? { name: org.name.replace(/\s*\(demo\)$/, '') } : null,
    case: { requestType: caseRow.requestType },
    appointment: appointmentStart ? { start: new Date(appointmentStart).toISOString() } : null,
  });
  const rendered = renderCanned(canned.body, values);
  return { text: rendered.text, missing: rendered.missing, language };
}

/** A useful starting set for a new organisation (the demo seeds these), in English and Spanish. */
export const STARTER_CANNED_RESPONSES: ReadonlyArray<Omit<CannedInput, 'departmentId'>> = [
  {
    language: 'en',
    shortcut: 'greet',
    title: 'Greeting',
    body: 'Hello {{patient.givenName}}, this is {{agent.name}} from {{organization.name}}. I have your messages in front of me. How can I help you today?',
  },
  {
    language: 'es',
    shortcut: 'greet',
    title: 'Saludo',
    body: 'Hola {{patient.givenName}}, le habla {{agent.name}} de {{organization.name}}. Tengo sus mensajes a la vista. ¿En qué puedo ayudarle hoy?',
  },
  {
    language: 'en',
    shortcut: 'appt-confirmed',
    title: 'Appointment confirmed',
    body: 'Your appointment is confirmed for {{appointment.start}}. Reply to this message if you need to change it.',
  },
  {
    language: 'es',
    shortcut: 'appt-confirmed',
    title: 'Cita confirmada',
    body: 'Su cita está confirmada para el {{appointment.start}}. Responda a este mensaje si necesita cambiarla.',
  },
  {
    language: 'en',
    shortcut: 'refill-received',
    title: 'Refill request received',
    body: 'Thank you, {{patient.givenName}}. We received your {{case.requestType}} request and sent it to the care team. We will let you know when it is ready.',
  },
  {
    language: 'es',
    shortcut: 'refill-received',
    title: 'Solicitud de receta recibida',
    body: 'Gracias, {{patient.givenName}}. Recibimos su solicitud de {{case.requestType}} y la enviamos al equipo médico. Le avisaremos cuando esté lista.',
  },
  {
    language: 'en',
    shortcut: 'callback',
    title: 'Will call back',
    body: '{{agent.name}} from {{organization.name}} here: I am checking on this for you and will call you back today.',
  },
  {
    language: 'es',
    shortcut: 'callback',
    title: 'Le devolveremos la llamada',
    body: 'Le habla {{agent.name}} de {{organization.name}}: estoy revisando esto y le devolveré la llamada hoy.',
  },
  {
    language: 'en',
    shortcut: 'closing',
    title: 'Closing',
    body: 'Is there anything else I can help you with, {{patient.givenName}}? Thank you for contacting {{organization.name}}.',
  },
  {
    language: 'es',
    shortcut: 'closing',
    title: 'Despedida',
    body: '¿Hay algo más en lo que pueda ayudarle, {{patient.givenName}}? Gracias por comunicarse con {{organization.name}}.',
  },
  {
    language: 'en',
    shortcut: 'verify',
    title: 'Verification request',
    body: 'Before I share details, I need to confirm who I am speaking with. Can you tell me your full name and date of birth?',
  },
  {
    language: 'es',
    shortcut: 'verify',
    title: 'Solicitud de verificación',
    body: 'Antes de darle detalles, necesito confirmar con quién hablo. ¿Me puede decir su nombre completo y su fecha de nacimiento?',
  },
];

/** Adds the starter set to an organisation (used by the demo seed). */
export async function seedCannedResponses(tx: Executor, organizationId: string, at: string): Promise<void> {
  await tx
    .insert(cannedResponses)
    .values(STARTER_CANNED_RESPONSES.map((c) => ({ organizationId, ...c, createdAt: at, updatedAt: at })))
    .onConflictDoNothing();
}
