// Clinic-side care work (refills, callbacks, payment plans) and plain-language billing: pure rules.
export * from './tasks.ts';
export * from './billing.ts';
export * from './billing-import.ts';
export * from './results.ts';
