import { and, eq } from 'drizzle-orm';
import { planReminders, type SchedulingPolicy } from '@carethread/core';
import type { ChangeSet } from '../store/events.ts';
import { appointmentReminders } from '../store/schema-scheduling.ts';
import type { AppointmentRow } from './common.ts';

/** Plans the appointment's reminders (rules in core) and stores them for the reminder job. */
export async function planAppointmentReminders(changes: ChangeSet, appointment: AppointmentRow, policy: SchedulingPolicy, timeZone: string, at: string): Promise<number> {
  const planned = planReminders({
    start: new Date(appointment.start),
    now: new Date(at),
    timeZone,
    offsetsMinutes: policy.reminderOffsetsMinutes,
    quietHours: policy.quietHours,
  });
  if (planned.length === 0) return 0;
  await changes.tx.insert(appointmentReminders).values(
    planned.map((r) => ({
      organizationId: changes.organizationId,
      appointmentId: appointment.id,
      kind: r.kind,
      offsetMinutes: r.offsetMinutes,
      dueAt: r.dueAt.toISOString(),
      adjusted: r.adjusted,
      createdAt: at,
    })),
  );
  return planned.length;
}

/** A moved or cancelled appointment's unsent reminders will never go. */
export async function cancelPendingReminders(changes: ChangeSet, appointmentId: string): Promise<void> {
  await changes.tx
    .update(appointmentReminders)
    .set({ status: 'cancelled' })
    .where(
      and(
        eq(appointmentReminders.organizationId, changes.organizationId),
        eq(appointmentReminders.appointmentId, appointmentId),
        eq(appointmentReminders.status, 'pending'),
      ),
    );
}
