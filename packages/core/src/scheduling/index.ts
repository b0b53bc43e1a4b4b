// Public face of the scheduling rules: slot matching, waitlist choice, reminder planning,
// patient texts and reply reading. Pure: no clock, no database.
export * from './time.ts';
export * from './preferences.ts';
export * from './waitlist.ts';
export * from './policy.ts';
export * from './quiet-hours.ts';
export * from './reminders.ts';
export * from './messages.ts';
export * from './replies.ts';
export * from './appointments.ts';
export * from './weekly.ts';
