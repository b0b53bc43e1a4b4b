// Public face of scheduling: providers, slots, appointments, waitlist, reminders, FHIR views.
export { findSlots, type SlotQuery, type SlotView } from './slots.ts';
export {
  book,
  reschedule,
  cancel,
  confirm,
  setAttendance,
  getAppointment,
  appointmentsOfPatient,
  appointmentForReply,
  acceptWaitlistOffer,
  type BookInput,
  type ChangeResult,
} from './appointments.ts';
export { addToWaitlist, listWaitlist, removeFromWaitlist, declineOffer, declineWaitlistOffer, expireWaitlist, type WaitlistInput, type WaitlistView, type OfferResult } from './waitlist.ts';
export { runDueReminders, applyReminderReply, replyToAppointment, type ReminderRun, type ReplyResult } from './reminders.ts';
export { listProviders, listLocations, listSchedules, type ProviderView } from './directory.ts';
export { getSchedulingPolicy, updateSchedulingPolicy } from './settings.ts';
export { seedScheduling, type SchedulingSeedOptions, type SchedulingSeedResult } from './seed.ts';
export { importSchedules, scheduleImportSchema, type ScheduleImport, type ImportResult } from './import.ts';
export { searchFhirSlots, searchFhirAppointments, fhirSlot, fhirSchedule, fhirAppointment, toFhirAppointment, toFhirSlot, toFhirSchedule } from './fhir.ts';
export { runSchedulingJobs, startSchedulingJobs, type SchedulingJobs } from './jobs.ts';
export { contactRouteFor, type ContactRoute } from './contact.ts';
export type { AppointmentView } from './views.ts';
