/**
 * Friction metrics v1. The store reduces its event log to one summary per case; the
 * definitions of the rates live here so every reader (API, CLI replay, analytics) agrees.
 */
export interface CaseFrictionSummary {
  caseId: string;
  interactions: number;
  channelSwitches: number;
  seamlessSwitches: number;
  repeatAsks: number;
  recontacts: number;
  resolvedAt: string | null;
}

export interface FrictionMetrics {
  cases: number;
  contacts: number;
  contactsPerCase: number;
  channelSwitches: number;
  seamlessSwitches: number;
  /** Share of cases with at least one channel switch. */
  channelSwitchRate: number;
  /** Share of channel switches that were seamless. */
  seamlessSwitchRate: number;
  repeatAsks: number;
  /** Share of cases with at least one repeat ask. */
  repeatAskRate: number;
  recontacts: number;
  resolved: number;
  /** Resolved cases whose 7-day recontact window has closed without a recontact, over resolved cases whose window has closed. */
  firstContactResolution: number;
  /** Resolved cases whose recontact window is still open: not counted either way yet. */
  firstContactResolutionPending: number;
}

export const RECONTACT_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

export function frictionMetrics(cases: readonly CaseFrictionSummary[], now: Date): FrictionMetrics {
  let contacts = 0;
  let switches = 0;
  let seamless = 0;
  let casesWithSwitch = 0;
  let repeatAsks = 0;
  let casesWithRepeat = 0;
  let recontacts = 0;
  let resolved = 0;
  let fcrSettled = 0;
  let fcrYes = 0;
  let fcrPending = 0;
  for (const c of cases) {
    contacts += c.interactions;
    switches += c.channelSwitches;
    seamless += c.seamlessSwitches;
    if (c.channelSwitches > 0) casesWithSwitch++;
    repeatAsks += c.repeatAsks;
    if (c.repeatAsks > 0) casesWithRepeat++;
    recontacts += c.recontacts;
    if (c.resolvedAt) {
      resolved++;
      if (c.recontacts > 0) fcrSettled++;
      else if (now.getTime() - Date.parse(c.resolvedAt) >= RECONTACT_WINDOW_DAYS * DAY_MS) {
        fcrSettled++;
        fcrYes++;
      } else fcrPending++;
    }
  }
  const n = cases.length;
  return {
    cases: n,
    contacts,
    contactsPerCase: ratio(contacts, n),
    channelSwitches: switches,
    seamlessSwitches: seamless,
    channelSwitchRate: ratio(casesWithSwitch, n),
    seamlessSwitchRate: ratio(seamless, switches),
    repeatAsks,
    repeatAskRate: ratio(casesWithRepeat, n),
    recontacts,
    resolved,
    firstContactResolution: ratio(fcrYes, fcrSettled),
    firstContactResolutionPending: fcrPending,
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000;
}
