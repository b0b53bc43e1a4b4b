// Public face of the routing policy: presence, capacity, skills, same-agent preference and
// queue order. Pure: no clock, no database.
export * from './policy.ts';
