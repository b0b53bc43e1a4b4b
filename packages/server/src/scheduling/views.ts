import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../store/db.ts';
import { departments, organizations } from '../store/schema.ts';
import { appointmentReminders, appointments, locations, providers } from '../store/schema-scheduling.ts';
import { iso, type AppointmentRow } from './common.ts';

/** An appointment as the API shows it: the row plus who, where, and its reminders. */
export interface AppointmentView {
  id: string;
  status: string;
  patientId: string;
  caseId: string | null;
  slotId: string;
  scheduleId: string;
  start: string;
  end: string;
  serviceType: string | null;
  reason: string | null;
  source: string;
  provider: { id: string; name: string; languages: string[] };
  department: { id: string; name: string } | null;
  location: { id: string; name: string; addressLine: string | null; city: string | null; timeZone: string };
  holdExpiresAt: string | null;
  confirmedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  waitlistEntryId: string | null;
  createdAt: string;
  updatedAt: string;
  reminders: Array<{ id: string; kind: string; dueAt: string; status: string; channel: string | null; adjusted: string }>;
}

export async function appointmentViews(tx: Executor, organizationId: string, rows: AppointmentRow[]): Promise<AppointmentView[]> {
  if (rows.length === 0) return [];
  const [org] = await tx.select({ timeZone: organizations.timeZone }).from(organizations).where(eq(organizations.id, organizationId));
  const providerRows = await tx
    .select({ provider: providers, department: { id: departments.id, name: departments.name } })
    .from(providers)
    .leftJoin(departments, eq(departments.id, providers.departmentId))
    .where(and(eq(providers.organizationId, organizationId), inArray(providers.id, [...new Set(rows.map((r) => r.providerId))])));
  const locationRows = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.organizationId, organizationId), inArray(locations.id, [...new Set(rows.map((r) => r.locationId))])));
  const reminderRows = await tx
    .select()
    .from(appointmentReminders)
    .where(and(eq(appointmentReminders.organizationId, organizationId), inArray(appointmentReminders.appointmentId, rows.map((r) => r.id))))
    .orderBy(asc(appointmentReminders.dueAt));
  const providerById = new Map(providerRows.map((p) => [p.provider.id, p]));
  const locationById = new Map(locationRows.map((l) => [l.id, l]));
  return rows.map((a) => {
    const p = providerById.get(a.providerId);
    const l = locationById.get(a.locationId);
    return {
      id: a.id,
      status: a.status,
      patientId: a.patientId,
      caseId: a.caseId,
      slotId: a.slotId,
      scheduleId: a.scheduleId,
      start: iso(a.start),
      end: iso(a.end),
      serviceType: a.serviceType,
      reason: a.reason,
      source: a.source,
      provider: { id: a.providerId, name: p?.provider.name ?? '', languages: p?.provider.languages ?? [] },
      department: p?.department?.id ? { id: p.department.id, name: p.department.name } : null,
      location: {
        id: a.locationId,
        name: l?.name ?? '',
        addressLine: l?.addressLine ?? null,
        city: l?.city ?? null,
        timeZone: l?.timeZone ?? org?.timeZone ?? 'UTC',
      },
      holdExpiresAt: iso(a.holdExpiresAt),
      confirmedAt: iso(a.confirmedAt),
      cancelledAt: iso(a.cancelledAt),
      cancelReason: a.cancelReason,
      waitlistEntryId: a.waitlistEntryId,
      createdAt: iso(a.createdAt),
      updatedAt: iso(a.updatedAt),
      reminders: reminderRows
        .filter((r) => r.appointmentId === a.id)
        .map((r) => ({ id: r.id, kind: r.kind, dueAt: iso(r.dueAt), status: r.status, channel: r.channel, adjusted: r.adjusted })),
    };
  });
}

export async function appointmentView(tx: Executor, organizationId: string, row: AppointmentRow): Promise<AppointmentView> {
  return (await appointmentViews(tx, organizationId, [row]))[0]!;
}

export async function findAppointment(tx: Executor, organizationId: string, id: string, opts: { lock?: boolean } = {}): Promise<AppointmentRow | null> {
  const q = tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.organizationId, organizationId), eq(appointments.id, id)));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}
