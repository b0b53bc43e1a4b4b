import { z } from 'zod';

// Found by an outside probe (issue 12, item 6): `occurredAt` of year 0 or 1 is a valid ISO 8601
// instant, passed every schema and failed in the database as a 500 (PostgreSQL has no year 0;
// year 1 falls before its timestamptz range once an offset is applied). Every instant and
// calendar date a route accepts goes through the guards below, so such input is a 400.

/** The years an event, a filter bound or a date of birth may fall in. */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2200;

const RANGE_MESSAGE = `must fall between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`;

function inRange(epochMs: number): boolean {
  if (!Number.isFinite(epochMs)) return false;
  const year = new Date(epochMs).getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

/** A parseable instant within the sane range. */
export function isPlausibleInstant(value: string): boolean {
  return inRange(Date.parse(value));
}

/** An ISO 8601 date-time with an offset (`2026-05-01T09:00:00Z`), within the sane range. */
export function isoInstant(error = 'must be an ISO 8601 date-time, e.g. 2026-05-01T09:00:00Z') {
  return z.iso.datetime({ offset: true, error }).refine(isPlausibleInstant, RANGE_MESSAGE);
}

/** A calendar date (`1961-03-14`) within the sane range. */
export function isoDate(error = 'must be a date such as 1961-03-14') {
  return z.iso.date({ error }).refine((d) => inRange(Date.parse(`${d}T12:00:00Z`)), RANGE_MESSAGE);
}
