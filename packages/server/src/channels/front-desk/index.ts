// Public face of the front-desk channel: the check-in screen and its API.
export { registerFrontDesk } from './routes.ts';
export { checkIn, CHECK_IN_TEXT, type CheckInInput, type CheckInResult } from './check-in.ts';
export { searchPatients, frontDeskPatient, parseSearch, type PatientHit, type DeskPatient } from './patients.ts';
