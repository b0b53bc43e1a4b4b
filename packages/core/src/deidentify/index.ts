// De-identification under HIPAA Safe Harbor (45 CFR 164.514(b)(2)): structured records,
// free text and consistent pseudonyms. Pure functions, no I/O. See docs/deidentification.md.
export * from './zip.ts';
export * from './pseudonym.ts';
export * from './safe-harbor.ts';
export * from './scrub.ts';
export { GIVEN_NAMES, FAMILY_NAMES } from './names.ts';
