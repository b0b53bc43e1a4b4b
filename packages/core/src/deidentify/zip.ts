/**
 * ZIP codes under Safe Harbor (45 CFR 164.514(b)(2)(i)(B)): only the first three digits may
 * stay, and only when the geographic unit formed by all ZIP codes sharing those three digits
 * holds more than 20,000 people according to the current Census. The 3-digit areas below hold
 * 20,000 or fewer (2000 Census, the list HHS's de-identification guidance publishes); they
 * become 000.
 */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  '036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893',
]);

/** "84012-1234" → "840"; a restricted area, or anything that is not a US ZIP, → "000". */
export function generalizeZip(zip: string | null | undefined): string | null {
  if (zip === null || zip === undefined) return null;
  const digits = /^\s*(\d{3})\d{2}(?:[\s-]?\d{4})?\s*$/.exec(String(zip));
  if (!digits) return '000';
  const zip3 = digits[1]!;
  return RESTRICTED_ZIP3.has(zip3) ? '000' : zip3;
}
