// Realistic inbound SMS traffic from synthetic patients: a first message about a request,
// and for some a follow-up a minute or two later stating the date of birth (which exercises
// identification by facts). Seeded, so every run plays the same traffic.

import { REQUEST_TYPES, createRng, syntheticMessage, type ChannelEvent, type SyntheticPatient } from '@carethread/core';

/** Simulated start of the traffic (times come from events, not the wall clock). */
export const TRAFFIC_START = Date.parse('2026-03-02T08:00:00Z');
/** Average gap between two first messages. */
const GAP_MS = 15_000;
const FOLLOW_UP_RATE = 0.25;

export function smsTraffic(population: readonly SyntheticPatient[], count: number, seed: number): ChannelEvent[] {
  if (population.length === 0) throw new Error('smsTraffic needs at least one patient');
  const rng = createRng(seed);
  const planned: Array<{ at: number; order: number; patient: SyntheticPatient; text: string }> = [];
  let clock = TRAFFIC_START;
  let order = 0;
  while (planned.length < count) {
    clock += Math.round(GAP_MS * (0.5 + rng()));
    const patient = population[Math.floor(rng() * population.length)]!;
    const type = REQUEST_TYPES[Math.floor(rng() * REQUEST_TYPES.length)]!;
    planned.push({ at: clock, order: order++, patient, text: syntheticMessage(rng, type, patient.language) });
    if (planned.length < count && rng() < FOLLOW_UP_RATE) {
      const later = clock + 45_000 + Math.round(rng() * 75_000);
      planned.push({ at: later, order: order++, patient, text: statesBirthDate(patient) });
    }
  }
  planned.sort((a, b) => a.at - b.at || a.order - b.order);
  return planned.map((p, i) => ({
    channel: 'sms',
    direction: 'inbound',
    kind: 'message',
    idempotencyKey: `SMbench${seed.toString(16)}x${i.toString(16).padStart(8, '0')}`,
    occurredAt: new Date(p.at).toISOString(),
    from: { kind: 'phone', value: p.patient.phone },
    to: { kind: 'phone', value: '+15555550100' },
    text: p.text,
  }));
}

function statesBirthDate(p: SyntheticPatient): string {
  const [y, m, d] = p.birthDate.split('-');
  return p.language === 'es' ? `Mi fecha de nacimiento es ${d}/${m}/${y}` : `My date of birth is ${m}/${d}/${y}`;
}

/** Simulated time just after the traffic. */
export function trafficEnd(events: readonly ChannelEvent[]): Date {
  const last = events[events.length - 1];
  return new Date((last ? Date.parse(last.occurredAt) : TRAFFIC_START) + 60_000);
}
