/**
 * Appointment and slot states, FHIR R4 names. An appointment that is not cancelled holds its
 * slot: the database allows one such appointment per slot, whatever else happens.
 */

export const APPOINTMENT_STATUSES = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const SLOT_STATUSES = ['free', 'busy', 'busy-tentative', 'busy-unavailable', 'entered-in-error'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/** Statuses that hold the slot (every one but cancelled). */
export const SLOT_HOLDING_STATUSES: readonly AppointmentStatus[] = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'noshow'];

/** Upcoming appointments a patient can still confirm, move or cancel. */
export const CHANGEABLE_STATUSES: readonly AppointmentStatus[] = ['proposed', 'pending', 'booked'];

const TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  // proposed: a waitlist offer holding a slot; accepting books it.
  proposed: ['booked', 'cancelled'],
  pending: ['booked', 'cancelled'],
  booked: ['arrived', 'fulfilled', 'noshow', 'cancelled'],
  arrived: ['fulfilled'],
  fulfilled: [],
  cancelled: [],
  noshow: [],
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isAppointmentStatus(value: unknown): value is AppointmentStatus {
  return typeof value === 'string' && (APPOINTMENT_STATUSES as readonly string[]).includes(value);
}
