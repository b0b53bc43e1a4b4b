// Probabilistic patient matching for the master patient index (Fellegi–Sunter).
//
// Every field comparison lands on a level (agree, partial, weak, disagree, missing) and each
// level carries the weight log2(m/u): m is how often two records of the same person show
// that level, u how often two different people do. The weights add up; two thresholds turn
// the total into link / review / distinct.
//
// The model is fixed, not trained on the data it scores: the same numbers must hold for a
// hospital's registration desk and for a file it has never seen. The m/u values below are
// set from what is known about the fields (how many people share a birth date, how often a
// receptionist mistypes a surname), and were checked, not fitted, against the Febrl
// synthetic sets.
//
// Independence is the model's big assumption, and households break it: relatives share
// surname, address, phone and e-mail together. Counting each of those as independent
// evidence would link a mother to her son. So the fields people share with their household
// are summed as one group whose contribution is capped, and the person must be told apart by
// what is theirs alone: given name, birth date, sex, national id. Moving house breaks it the
// other way (every address field disagrees at once), so the address fields' summed
// disagreement has a floor. Twins agree on the household and the birth date too; a link they
// would reach is held back for review unless the national id settles it.

import {
  compareDates,
  isNeighbourSwap,
  jaroWinkler,
  parseBirthDate,
  phoneticCodes,
  sharesCode,
  squash,
  textTokens,
  withinOneEdit,
  type ParsedDate,
} from './match-strings.ts';

export interface Demographics {
  givenName?: string;
  familyName?: string;
  /** ISO YYYY-MM-DD */
  birthDate?: string;
  sex?: string;
  streetNumber?: string;
  addressLine?: string;
  addressLine2?: string;
  city?: string;
  postcode?: string;
  state?: string;
  /** E.164, already normalised by the caller */
  phone?: string;
  /** lower-case already */
  email?: string;
  /** SSN-like number, member id, soc_sec_id */
  nationalId?: string;
}

export type MatchDecision = 'link' | 'review' | 'distinct';

export interface FieldComparison {
  field: string;
  outcome: 'agree' | 'partial' | 'disagree' | 'missing';
  weight: number;
}

export interface MatchScore {
  weight: number;
  decision: MatchDecision;
  fields: FieldComparison[];
  /** Weight removed by the household cap (0 when the cap did not bite). */
  householdCapped: number;
  /** Weight given back by the address floor (0 when it did not bite). */
  addressFloored: number;
  /** Why a score at or above the link threshold was held back to 'review', if it was. */
  heldBack?: string;
  /** True when given and family name were compared crosswise because they looked swapped. */
  namesSwapped: boolean;
}

export const MATCH_FIELDS = [
  'givenName',
  'familyName',
  'birthDate',
  'sex',
  'nationalId',
  'phone',
  'email',
  'streetNumber',
  'addressLine',
  'addressLine2',
  'city',
  'postcode',
  'state',
] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/** m = P(level | same person), u = P(level | different people). */
export interface LevelProbability {
  m: number;
  u: number;
}

export interface FieldModel {
  /**
   * 'household' and 'address' fields are shared by people who live together; their summed
   * weight is capped by MatchModel.householdCap. 'address' fields also change together when
   * someone moves, so their summed weight is floored by MatchModel.addressFloor.
   */
  group: 'person' | 'household' | 'address';
  agree: LevelProbability;
  /** A likely slip of the same value (one typo, day and month swapped). */
  partial?: LevelProbability;
  /**
   * A looser resemblance: names that only sound alike or an initial against a full name,
   * birth dates sharing two of year, month and day.
   */
  weak?: LevelProbability;
  // Disagreement takes what is left: log2((1 - Σm) / (1 - Σu)).
}

export interface MatchModel {
  fields: Record<MatchField, FieldModel>;
  /** Most weight the household and address fields together may contribute. */
  householdCap: number;
  /** Least (most negative) weight the address fields together may contribute. */
  addressFloor: number;
  linkThreshold: number;
  reviewThreshold: number;
}

export const defaultMatchModel: MatchModel = {
  fields: {
    // About one person in a hundred shares a common given name; nicknames and typos keep m
    // well below 1.
    givenName: {
      group: 'person',
      agree: { m: 0.85, u: 0.01 },
      // one slip from a given name is a rare place for a stranger's name to land
      partial: { m: 0.07, u: 0.003 },
      // double metaphone is coarse (vowels vanish), so sounding alike is common by chance.
      weak: { m: 0.04, u: 0.015 },
    },
    familyName: {
      group: 'household',
      agree: { m: 0.88, u: 0.005 },
      partial: { m: 0.07, u: 0.002 },
      weak: { m: 0.04, u: 0.01 },
    },
    // Birth dates spread over ~30,000 days but cluster (ages, placeholder dates), hence
    // u = 1e-4 rather than 3e-5. A slip is rarer by chance than 'two of three parts equal'.
    birthDate: {
      group: 'person',
      agree: { m: 0.9, u: 1e-4 },
      partial: { m: 0.05, u: 0.001 },
      weak: { m: 0.02, u: 0.01 },
    },
    sex: { group: 'person', agree: { m: 0.97, u: 0.5 } },
    // Not 1e-7: ids are reused, defaulted and mis-keyed in real registries.
    nationalId: { group: 'person', agree: { m: 0.9, u: 1e-5 }, partial: { m: 0.04, u: 1e-4 } },
    // People change numbers and e-mails, and share them with their household.
    phone: { group: 'household', agree: { m: 0.7, u: 1e-4 } },
    email: { group: 'household', agree: { m: 0.7, u: 1e-4 } },
    streetNumber: { group: 'address', agree: { m: 0.85, u: 0.02 }, partial: { m: 0.03, u: 0.02 } },
    addressLine: { group: 'address', agree: { m: 0.8, u: 0.002 }, partial: { m: 0.1, u: 0.003 } },
    addressLine2: { group: 'address', agree: { m: 0.75, u: 0.005 }, partial: { m: 0.1, u: 0.005 } },
    city: { group: 'address', agree: { m: 0.85, u: 0.01 }, partial: { m: 0.07, u: 0.005 } },
    postcode: { group: 'address', agree: { m: 0.85, u: 0.005 }, partial: { m: 0.07, u: 0.01 } },
    state: { group: 'address', agree: { m: 0.9, u: 0.2 } },
  },
  // Kept below linkThreshold - (givenName agree + sex agree) so that, without a birth date
  // or national id, nothing a household shares can make a link: not a shared phone, not a
  // father and son of the same name under one roof.
  householdCap: 14,
  // Someone who moved disagrees on every address field at once; that is one event, worth
  // about one field's disagreement, not six.
  addressFloor: -5,
  linkThreshold: 22,
  reviewThreshold: 12,
};
for (const f of Object.values(defaultMatchModel.fields)) {
  Object.freeze(f.agree);
  if (f.partial) Object.freeze(f.partial);
  if (f.weak) Object.freeze(f.weak);
  Object.freeze(f);
}
Object.freeze(defaultMatchModel.fields);
Object.freeze(defaultMatchModel);

// ---------------------------------------------------------------------------------------
// weights

type Level = 'agree' | 'partial' | 'weak' | 'disagree' | 'missing';

interface FieldWeights {
  group: FieldModel['group'];
  agree: number;
  partial: number;
  weak: number;
  disagree: number;
}

// Weights are derived once per model object; models are treated as immutable (the default
// one is frozen), so build a new object to try other numbers.
const weightCache = new WeakMap<MatchModel, Record<MatchField, FieldWeights>>();

function log2ratio(m: number, u: number): number {
  return Math.log2(m / u);
}

function fieldWeights(f: FieldModel): FieldWeights {
  const agree = log2ratio(f.agree.m, f.agree.u);
  // A level the model leaves out is scored as a disagreement: for that field such a
  // resemblance is no evidence of sameness.
  const sumM = f.agree.m + (f.partial?.m ?? 0) + (f.weak?.m ?? 0);
  const sumU = f.agree.u + (f.partial?.u ?? 0) + (f.weak?.u ?? 0);
  const disagree = log2ratio(Math.max(1 - sumM, 1e-6), Math.max(1 - sumU, 1e-6));
  const partial = f.partial ? log2ratio(f.partial.m, f.partial.u) : disagree;
  const weak = f.weak ? log2ratio(f.weak.m, f.weak.u) : disagree;
  return { group: f.group, agree, partial, weak, disagree };
}

function weightsOf(model: MatchModel): Record<MatchField, FieldWeights> {
  let w = weightCache.get(model);
  if (!w) {
    const out = {} as Record<MatchField, FieldWeights>;
    for (const field of MATCH_FIELDS) out[field] = fieldWeights(model.fields[field]);
    w = out;
    weightCache.set(model, w);
  }
  return w;
}

function levelWeight(w: FieldWeights, level: Level): number {
  switch (level) {
    case 'agree':
      return w.agree;
    case 'partial':
      return w.partial;
    case 'weak':
      return w.weak;
    case 'disagree':
      return w.disagree;
    case 'missing':
      return 0;
  }
}

// ---------------------------------------------------------------------------------------
// prepared records: normalise once, compare many times

interface NameFeature {
  squashed: string;
  tokens: string[];
  codes: string[];
}

interface TextFeature {
  squashed: string;
}

/** A record with every field normalised; build once with prepareDemographics. */
export interface PreparedDemographics {
  readonly given: NameFeature | null;
  readonly family: NameFeature | null;
  readonly birth: ParsedDate | null;
  readonly sex: string | null;
  readonly nationalId: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly streetNumber: string | null;
  readonly line1: TextFeature | null;
  readonly line2: TextFeature | null;
  readonly city: TextFeature | null;
  readonly postcode: string | null;
  readonly state: string | null;
}

function nameFeature(s: string | undefined): NameFeature | null {
  const tokens = textTokens(s);
  if (tokens.length === 0) return null;
  const squashed = squash(tokens);
  return { squashed, tokens, codes: phoneticCodes(squashed) };
}

function textFeature(s: string | undefined): TextFeature | null {
  const tokens = textTokens(s);
  return tokens.length === 0 ? null : { squashed: squash(tokens) };
}

function code(s: string | undefined): string | null {
  const t = squash(textTokens(s));
  return t.length === 0 ? null : t;
}

function sexCode(s: string | undefined): string | null {
  const t = code(s);
  if (!t) return null;
  if (t === 'm' || t === 'male' || t === 'man') return 'm';
  if (t === 'f' || t === 'female' || t === 'woman') return 'f';
  // 'unknown', 'other', 'u' and the like say nothing about sameness.
  return null;
}

export function prepareDemographics(d: Demographics): PreparedDemographics {
  const phoneDigits = d.phone ? d.phone.replace(/[^\d]/g, '') : '';
  const email = d.email ? d.email.trim().toLowerCase() : '';
  return {
    given: nameFeature(d.givenName),
    family: nameFeature(d.familyName),
    birth: parseBirthDate(d.birthDate),
    sex: sexCode(d.sex),
    nationalId: code(d.nationalId),
    phone: phoneDigits.length >= 5 ? phoneDigits : null,
    email: email.includes('@') ? email : null,
    streetNumber: code(d.streetNumber),
    line1: textFeature(d.addressLine),
    line2: textFeature(d.addressLine2),
    city: textFeature(d.city),
    postcode: code(d.postcode),
    state: code(d.state),
  };
}

// ---------------------------------------------------------------------------------------
// per-field levels

function isTokenSubset(a: string[], b: string[]): boolean {
  // "Mary Ann" against "Mary": a dropped middle or second name, not a different person.
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  if (small.length === large.length) return false;
  return small.every((t) => t.length > 1 && large.includes(t));
}

function nameLevel(a: NameFeature | null, b: NameFeature | null): Level {
  if (!a || !b) return 'missing';
  if (a.squashed === b.squashed) return 'agree';
  const shorter = Math.min(a.squashed.length, b.squashed.length);
  // On short names one edit is often a different name (Jon/Jan), so the edit rule needs length.
  if (shorter >= 4 && withinOneEdit(a.squashed, b.squashed)) return 'partial';
  if (jaroWinkler(a.squashed, b.squashed) >= 0.92) return 'partial';
  if (isTokenSubset(a.tokens, b.tokens)) return 'partial';
  // Catherine/Kathryn: spelt apart, said alike. Weak, because Ella/Ollie say alike too.
  if (sharesCode(a.codes, b.codes)) return 'weak';
  if (shorter === 1 && a.squashed[0] === b.squashed[0]) return 'weak';
  return 'disagree';
}

/** How two names compare on their own: the matcher's reading of one name field. */
export function compareNames(a: string | undefined, b: string | undefined): FieldComparison['outcome'] {
  return outcomeOf(nameLevel(nameFeature(a), nameFeature(b)));
}

/** How two ISO birth dates compare: exact, a likely slip (partial), or different. */
export function compareBirthDates(a: string | undefined, b: string | undefined): FieldComparison['outcome'] {
  return outcomeOf(dateLevel(parseBirthDate(a), parseBirthDate(b)));
}

function textLevel(a: TextFeature | null, b: TextFeature | null): Level {
  if (!a || !b) return 'missing';
  if (a.squashed === b.squashed) return 'agree';
  if (jaroWinkler(a.squashed, b.squashed) >= 0.9) return 'partial';
  return 'disagree';
}

function codeLevel(a: string | null, b: string | null, slipMinLength: number): Level {
  if (a === null || b === null) return 'missing';
  if (a === b) return 'agree';
  if (Math.min(a.length, b.length) >= slipMinLength && withinOneEdit(a, b)) return 'partial';
  return 'disagree';
}

function exactLevel(a: string | null, b: string | null): Level {
  if (a === null || b === null) return 'missing';
  return a === b ? 'agree' : 'disagree';
}

function dateLevel(a: ParsedDate | null, b: ParsedDate | null): Level {
  if (!a || !b) return 'missing';
  switch (compareDates(a, b)) {
    case 'same':
      return 'agree';
    case 'slip':
      return 'partial';
    case 'near':
      return 'weak';
    case 'different':
      return 'disagree';
  }
}

function addressLevels(a: PreparedDemographics, b: PreparedDemographics): [Level, Level] {
  let l1 = textLevel(a.line1, b.line1);
  let l2 = textLevel(a.line2, b.line2);
  // The two address lines are often entered in the other order. A line found on the other
  // side's other line is a likely match, not a certain one, and is credited once: to both
  // lines when both crossed pairs match, else to one line still lacking a match.
  const good = (x: Level) => x === 'agree' || x === 'partial';
  const crossedMatches = (good(textLevel(a.line1, b.line2)) ? 1 : 0) + (good(textLevel(a.line2, b.line1)) ? 1 : 0);
  let credit = crossedMatches;
  if (credit > 0 && !good(l1)) {
    l1 = 'partial';
    credit--;
  }
  if (credit > 0 && !good(l2)) l2 = 'partial';
  return [l1, l2];
}

function outcomeOf(level: Level): FieldComparison['outcome'] {
  return level === 'weak' ? 'partial' : level;
}

// ---------------------------------------------------------------------------------------
// scoring

const ROUND = 1000;
function round(x: number): number {
  return Math.round(x * ROUND) / ROUND;
}

export function comparePrepared(
  a: PreparedDemographics,
  b: PreparedDemographics,
  model: MatchModel = defaultMatchModel,
): MatchScore {
  const w = weightsOf(model);

  let given = nameLevel(a.given, b.given);
  let family = nameLevel(a.family, b.family);
  let namesSwapped = false;
  // Given and family name entered in each other's boxes. Only tried when all four are
  // present, so adding a name can never lower a score (the direct reading stays available).
  if (a.given && a.family && b.given && b.family) {
    const x = nameLevel(a.given, b.family);
    const y = nameLevel(a.family, b.given);
    // Either crossed pair could be "the given name"; the better reading is taken, with a tie
    // broken towards the better given name, so that the result does not depend on which
    // record comes first.
    const wx = levelWeight(w.givenName, x) + levelWeight(w.familyName, y);
    const wy = levelWeight(w.givenName, y) + levelWeight(w.familyName, x);
    const xFirst = wx > wy || (wx === wy && levelWeight(w.givenName, x) >= levelWeight(w.givenName, y));
    const crossed = xFirst ? wx : wy;
    const direct = levelWeight(w.givenName, given) + levelWeight(w.familyName, family);
    if (crossed > direct) {
      given = xFirst ? x : y;
      family = xFirst ? y : x;
      namesSwapped = true;
    }
  }
  const [line1, line2] = addressLevels(a, b);

  const levels: Record<MatchField, Level> = {
    givenName: given,
    familyName: family,
    birthDate: dateLevel(a.birth, b.birth),
    sex: exactLevel(a.sex, b.sex),
    nationalId: codeLevel(a.nationalId, b.nationalId, 5),
    phone: exactLevel(a.phone, b.phone),
    email: exactLevel(a.email, b.email),
    streetNumber: codeLevel(a.streetNumber, b.streetNumber, 1),
    addressLine: line1,
    addressLine2: line2,
    city: textLevel(a.city, b.city),
    postcode: codeLevel(a.postcode, b.postcode, 3),
    state: exactLevel(a.state, b.state),
  };

  const fields: FieldComparison[] = [];
  let person = 0;
  let shared = 0;
  let address = 0;
  for (const field of MATCH_FIELDS) {
    const level = levels[field];
    const fw = w[field];
    const weight = levelWeight(fw, level);
    if (fw.group === 'person') person += weight;
    else if (fw.group === 'household') shared += weight;
    else address += weight;
    fields.push({ field, outcome: outcomeOf(level), weight: round(weight) });
  }
  const addressFloored = Math.max(0, model.addressFloor - address);
  const household = shared + address + addressFloored;
  const householdCapped = Math.max(0, household - model.householdCap);
  // Decided on the reported (rounded) weight so the two can never tell different stories.
  const weight = round(person + household - householdCapped);

  let decision: MatchDecision =
    weight >= model.linkThreshold ? 'link' : weight >= model.reviewThreshold ? 'review' : 'distinct';
  let heldBack: string | undefined;
  // Twins and siblings agree on everything a household shares, and twins on birth date as
  // well; a given name or sex is what tells them apart. When that is different or absent
  // and the national id does not settle it, a human decides. An id with two neighbouring
  // digits swapped is a typo of the same id; one digit off is not enough, as twins are often
  // numbered consecutively.
  if (decision === 'link') {
    const idSettles =
      levels.nationalId === 'agree' ||
      (levels.nationalId === 'partial' && isNeighbourSwap(a.nationalId ?? '', b.nationalId ?? ''));
    if (!idSettles) {
      if (levels.givenName === 'disagree' || levels.givenName === 'weak') {
        heldBack = 'given names differ and no national id settles it';
      } else if (levels.givenName === 'missing') {
        heldBack = 'no given name to tell household members apart, and no national id';
      } else if (levels.sex === 'disagree') {
        heldBack = 'sex differs and no national id settles it';
      }
      if (heldBack) decision = 'review';
    }
  }

  const score: MatchScore = {
    weight,
    decision,
    fields,
    householdCapped: round(householdCapped),
    addressFloored: round(addressFloored),
    namesSwapped,
  };
  if (heldBack) score.heldBack = heldBack;
  return score;
}

export function compareDemographics(
  a: Demographics,
  b: Demographics,
  model: MatchModel = defaultMatchModel,
): MatchScore {
  return comparePrepared(prepareDemographics(a), prepareDemographics(b), model);
}

// ---------------------------------------------------------------------------------------
// blocking

function preparedBlockingKeys(p: PreparedDemographics): string[] {
  const keys: string[] = [];
  const familyCode = p.family?.codes[0];
  const givenCode = p.given?.codes[0];
  if (p.birth) {
    keys.push(`dob:${p.birth.digits}`);
    if (familyCode) keys.push(`fy:${familyCode}|${p.birth.year}`);
  }
  if (p.postcode) {
    if (p.given) keys.push(`gp:${p.given.squashed.slice(0, 2)}|${p.postcode}`);
    // Each name alone with the postcode: survives a swap of the names plus a typo in one.
    for (const c of new Set([givenCode, familyCode])) if (c) keys.push(`np:${c}|${p.postcode}`);
  }
  // Sorted so that a given/family swap still shares the key.
  if (givenCode && familyCode) keys.push(`nm:${[givenCode, familyCode].sort().join('|')}`);
  if (p.nationalId) keys.push(`id:${p.nationalId}`);
  if (p.phone) keys.push(`ph:${p.phone}`);
  if (p.email) keys.push(`em:${p.email}`);
  return keys;
}

/**
 * Candidate keys for a record. Several per record, built from different fields, so that a
 * typo in any one field still leaves the two records sharing some key.
 */
export function blockingKeys(d: Demographics): string[] {
  return preparedBlockingKeys(prepareDemographics(d));
}

export interface FindMatchingPairsOptions {
  /** Also return pairs whose decision is 'review'. */
  includeReview?: boolean;
  /**
   * Blocks larger than this are skipped: a key that many records share is a placeholder
   * (1900-01-01, a front-desk phone) and would only cost quadratic time. Default 500.
   */
  maxBlockSize?: number;
}

export interface MatchingPair {
  a: string;
  b: string;
  score: MatchScore;
}

/**
 * One list: find the duplicates inside it. Two lists: link each left record to right ones.
 * Only pairs sharing a blocking key are compared. Returns 'link' pairs (and 'review' ones
 * when asked), each pair once, in input order.
 */
export function findMatchingPairs<T extends { id: string; demographics: Demographics }>(
  left: T[],
  right?: T[],
  model: MatchModel = defaultMatchModel,
  options: FindMatchingPairsOptions = {},
): MatchingPair[] {
  const maxBlock = options.maxBlockSize ?? 500;
  const linking = right !== undefined;
  const records = linking ? [...left, ...right] : left;
  const nLeft = left.length;
  const prepared = records.map((r) => prepareDemographics(r.demographics));

  const blocks = new Map<string, number[]>();
  prepared.forEach((p, i) => {
    for (const key of preparedBlockingKeys(p)) {
      const list = blocks.get(key);
      if (list) list.push(i);
      else blocks.set(key, [i]);
    }
  });

  const n = records.length;
  const seen = new Set<number>();
  const candidates: number[] = [];
  for (const members of blocks.values()) {
    if (members.length < 2) continue;
    if (linking) {
      const ls = members.filter((i) => i < nLeft);
      const rs = members.filter((i) => i >= nLeft);
      if (ls.length === 0 || rs.length === 0 || ls.length > maxBlock || rs.length > maxBlock) continue;
      for (const i of ls) {
        for (const j of rs) {
          const k = i * n + j;
          if (!seen.has(k)) {
            seen.add(k);
            candidates.push(k);
          }
        }
      }
    } else {
      if (members.length > maxBlock) continue;
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]!;
          const j = members[y]!;
          const k = i < j ? i * n + j : j * n + i;
          if (!seen.has(k)) {
            seen.add(k);
            candidates.push(k);
          }
        }
      }
    }
  }
  candidates.sort((x, y) => x - y);

  const out: MatchingPair[] = [];
  for (const k of candidates) {
    const i = Math.floor(k / n);
    const j = k - i * n;
    const score = comparePrepared(prepared[i]!, prepared[j]!, model);
    if (score.decision === 'link' || (options.includeReview && score.decision === 'review')) {
      out.push({ a: records[i]!.id, b: records[j]!.id, score });
    }
  }
  return out;
}
