/**
 * When a patient would like to come in or be called: "Tuesday mornings", "tomorrow after
 * 3", "any weekday before noon", "el jueves por la tarde", "mañana a las 10", "los lunes
 * temprano". Read against the patient's clock (`today`, a local ISO date). The value lists
 * what was said, most specific first, separated by ", ": a day ("Tuesday 2026-03-03",
 * "Tuesdays", "weekdays"), a part of the day ("morning"), an hour ("after 15:00", "10:00").
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const WEEKDAY_WORDS: Record<string, number> = {
  sunday: 0, sun: 0, monday: 1, mon: 1, tuesday: 2, tue: 2, tues: 2, wednesday: 3, wed: 3, thursday: 4, thu: 4, thur: 4, thurs: 4,
  friday: 5, fri: 5, saturday: 6, sat: 6,
  domingo: 0, lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6,
};
const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, setiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
};
const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12,
};

export interface PreferredTime {
  value: string;
  start: number;
  end: number;
  confidence: number;
}

/** Something said about wanting a time, not about when something happened. */
const PREFERENCE_CUE =
  /\b(?:prefer|preferably|preference|best|better|works?|working|good for me|suits?|ideal|available|free|can come|could come|can do|could do|can make|come in|come by|schedule|book|appointment|appt|slot|call me|call back|reach me|text me|opening|openings|anytime|any time|whenever|only|if possible|would like|i'd like|want|need|prefiero|preferible|preferencia|de preferencia|mejor|me queda|me quedan|me conviene|me viene|me vienen|me sirve|puedo|podria|disponible|libre|cita|agendar|programar|llamen|llamenme|llamarme|llameme|marcarme|quisiera|quiero|necesito|solo|cualquier|great|fine|ok|okay|perfect|please|perfecto|por favor|bien)\b/;
const PAST_BEFORE = /\b(?:since|ago|last|yesterday|was|were|started|began|had|desde|hace|ayer|pasado|pasada|fue|empezo|comenzo|tuve|estuve)\b[^.!?]{0,18}$/;
const PAST_AFTER = /^\s*(?:ago|last|pasado|pasada)\b/;
/** Turned down: "not Monday", "I can't do mornings", "anything but Friday", "no puedo el lunes". */
const NEGATED_BEFORE = /(?:\b(?:not|never|except|can'?t|cannot|won'?t|don'?t|no|nunca|excepto|menos|salvo)\b|\bn't\b|\b(?:anything|any day|anytime|cualquier dia) but\b)[^,.;!?]{0,16}$/;
/** A time already fixed, not one wished for: "my appointment is tomorrow at 3", "tengo cita el lunes". */
/** "reschedule my appointment next week", "cancelar mi cita del martes": the time names the visit the patient already has, not when they want one. */
const OWN_VISIT_BEFORE = /\b(?:my|mi|su|our|his|her) (?:appointment|appt|visit|cita|consulta)(?: (?:on|for|at|de|del|de el|para el|el))?\s*$/;
const FIXED_BEFORE = /\b(?:appointment (?:is|was)|appt (?:is|was)|scheduled (?:for|on)|booked (?:for|on)|mi cita es|mi cita era|tengo (?:una )?cita|tenia (?:una )?cita|ya tengo)\b[^.!?]{0,20}$/;

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function weekdayOf(iso: string): number {
  return new Date(`${iso}T12:00:00Z`).getUTCDay();
}
function hhmm(h: number, m: number): string {
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

interface Part {
  kind: 'day' | 'part' | 'hour';
  text: string;
  start: number;
  end: number;
}

/** Reads an hour at `s` (folded, starting at the number): "3", "3pm", "3:30 p.m.", "10 de la mañana", "tres de la tarde". */
function hourAt(s: string): { h: number; m: number; len: number; meridiem: 'am' | 'pm' | null } | null {
  const m = /^(\d{1,2})(?::(\d{2})|\.(\d{2}))?(?:\s*(a\.?\s?m\.?|p\.?\s?m\.?|am|pm|hrs|h)\b)?(?:\s+(?:de la (manana|tarde|noche)|in the (morning|afternoon|evening)|o'?clock|en punto))?/.exec(s) ??
    /^(una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)()()(?:\s*(am|pm|a\.m\.|p\.m\.))?(?:\s+(?:y media|y cuarto|de la (manana|tarde|noche)|in the (morning|afternoon|evening)|o'?clock|thirty))*/.exec(s);
  const noon = /^(?:noon|midday|mediodia|medio dia)\b/.exec(s);
  if (noon) return { h: 12, m: 0, len: noon[0].length, meridiem: 'pm' };
  if (!m) return null;
  let h = /^\d/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!]!;
  let min = Number(m[2] ?? m[3] ?? 0);
  if (/y media|thirty/.test(m[0])) min = 30;
  else if (/y cuarto/.test(m[0])) min = 15;
  if (h > 23 || min > 59) return null;
  const mer = m[4] ? (m[4].startsWith('p') ? 'pm' : m[4].startsWith('a') ? 'am' : null) : m[5] === 'tarde' || m[5] === 'noche' || m[6] === 'afternoon' || m[6] === 'evening' ? 'pm' : m[5] === 'manana' || m[6] === 'morning' ? 'am' : null;
  if (mer === 'pm' && h < 12) h += 12;
  if (mer === 'am' && h === 12) h = 0;
  return { h, m: min, len: m[0].length, meridiem: mer };
}

/** Hours said without am/pm are read in clinic hours: 1–6 afternoon, 7–11 morning. */
function clinicHour(h: number, meridiem: 'am' | 'pm' | null): number {
  if (meridiem || h >= 13) return h;
  return h >= 1 && h <= 6 ? h + 12 : h;
}

export function findPreferredTime(folded: string, today: string, options: { awaiting: boolean; exclude?: ReadonlyArray<{ start: number; end: number }> }): PreferredTime | null {
  const parts: Part[] = [];
  const free = (s: number, e: number) => (options.exclude ?? []).every((x) => e <= x.start || s >= x.end) && parts.every((p) => e <= p.start || s >= p.end);
  const add = (kind: Part['kind'], text: string, start: number, end: number) => {
    if (!free(start, end)) return;
    const before = folded.slice(Math.max(0, start - 30), start);
    if (PAST_BEFORE.test(before) || PAST_AFTER.test(folded.slice(end, end + 10))) return;
    if (NEGATED_BEFORE.test(before) || FIXED_BEFORE.test(before) || OWN_VISIT_BEFORE.test(before)) return;
    parts.push({ kind, text, start, end });
  };
  const refWeekday = weekdayOf(today);

  // Relative days.
  for (const m of folded.matchAll(/\b(?:day after tomorrow|pasado manana)\b/g)) add('day', `${WEEKDAYS[weekdayOf(addDays(today, 2))]} ${addDays(today, 2)}`, m.index, m.index + m[0].length);
  for (const m of folded.matchAll(/\b(?:tomorrow|tmrw|tmr)\b/g)) add('day', `${WEEKDAYS[weekdayOf(addDays(today, 1))]} ${addDays(today, 1)}`, m.index, m.index + m[0].length);
  // "mañana" is tomorrow unless it is the morning ("por la mañana", "las mañanas", "de la mañana").
  for (const m of folded.matchAll(/\bmanana\b/g)) {
    if (/\b(?:la|las|por|en|de|esta|cada|toda|temprano en la)\s+$/.test(folded.slice(Math.max(0, m.index - 12), m.index))) continue;
    add('day', `${WEEKDAYS[weekdayOf(addDays(today, 1))]} ${addDays(today, 1)}`, m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(/\b(?:today|hoy|this (?:morning|afternoon|evening)|tonight|esta (?:manana|tarde|noche))\b/g)) {
    add('day', `${WEEKDAYS[refWeekday]} ${today}`, m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(/\b(?:weekdays?|week days|entre semana|dias de semana|dias habiles|lunes a viernes|monday (?:to|through|thru|-) friday)\b/g)) add('day', 'weekdays', m.index, m.index + m[0].length);
  for (const m of folded.matchAll(/\b(?:weekends?|fin(?:es)? de semana)\b/g)) {
    if (/\b(?:this|este|next|proximo)\s+$/.test(folded.slice(Math.max(0, m.index - 10), m.index))) {
      const sat = addDays(today, ((6 - refWeekday + 7) % 7) + (/\b(?:next|proximo)\s+$/.test(folded.slice(Math.max(0, m.index - 10), m.index)) ? 7 : 0));
      add('day', `weekend ${sat}`, m.index, m.index + m[0].length);
    } else add('day', 'weekends', m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(/\b(?:next week|la (?:proxima )?semana (?:que viene|proxima)|la proxima semana)\b/g)) {
    add('day', `week of ${addDays(today, ((1 - refWeekday + 7) % 7) || 7)}`, m.index, m.index + m[0].length);
  }
  // Dates: "March 10", "the 10th", "el 10 de marzo".
  const monthAlt = Object.keys(MONTHS).join('|');
  for (const m of folded.matchAll(new RegExp(`\\b(?:(${monthAlt})\\s+(\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+|de\\s+)?(${monthAlt}))\\b(?!\\s*,?\\s*(?:de(?:l)?\\s+)?\\d{2,4})`, 'g'))) {
    const month = MONTHS[(m[1] ?? m[4])!]!;
    const day = Number(m[2] ?? m[3]);
    let year = Number(today.slice(0, 4));
    let iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (iso < today) iso = `${++year}${iso.slice(4)}`;
    if (Number.isNaN(Date.parse(iso)) || new Date(`${iso}T12:00:00Z`).getUTCDate() !== day) continue;
    add('day', `${WEEKDAYS[weekdayOf(iso)]} ${iso}`, m.index, m.index + m[0].length);
  }
  // Weekdays: "Tuesday", "next Tuesday", "Tuesdays", "el martes", "los martes".
  for (const m of folded.matchAll(/\b(?:(next|this|coming|el proximo|proximo|este|el|los)\s+)?(sunday|monday|tuesday|wednesday|thursday|friday|saturday|mon|tues?|wed|thurs?|fri|sat|sun|domingo|lunes|martes|miercoles|jueves|viernes|sabado)(s)?\b(\s+(?:que viene|proximo))?/g)) {
    const wd = WEEKDAY_WORDS[m[2]!]!;
    const lead = m[1] ?? '';
    // Short forms are words too ("sat", "sun", "wed"): only as days next to a time.
    if (m[2]!.length <= 4 && !/^(?:tues|thur|thurs)$/.test(m[2]!) && !m[3]) continue;
    const recurring = m[3] === 's' || lead === 'los' || /\b(?:every|each|cada|on)\s+$/.test(folded.slice(Math.max(0, m.index - 8), m.index)) && m[3] === 's';
    if (recurring) {
      add('day', `${WEEKDAYS[wd]}s`, m.index, m.index + m[0].length);
      continue;
    }
    const next = /next|proximo/.test(lead) || /que viene|proximo/.test(m[4] ?? '');
    let ahead = (wd - refWeekday + 7) % 7 || 7;
    // "next Tuesday" is the Tuesday of next week (weeks start on Monday).
    if (next) ahead = ((wd + 6) % 7) + 7 - ((refWeekday + 6) % 7);
    const iso = addDays(today, ahead);
    add('day', `${WEEKDAYS[wd]} ${iso}`, m.index, m.index + m[0].length);
  }
  // Hours: "at 3", "after 2pm", "before 10", "between 9 and 11", "a las 3", "después de las 2".
  const HOUR_LEAD = /\b(after|before|by|until|till|around|about|at|from|between|no later than|no earlier than|anytime after|any time after|anytime before|any time before|despues de las?|antes de las?|a partir de las?|hasta las?|alrededor de las?|como a las?|a eso de las?|a las?|desde las?|entre las?|tipo)\s+/g;
  for (const m of folded.matchAll(HOUR_LEAD)) {
    const at = m.index + m[0].length;
    const h = hourAt(folded.slice(at));
    if (!h) continue;
    // A bare number after "at" / "by" that is not an hour ("at 5 Main St" is handled by the caller's exclusions).
    const lead = m[1]!;
    let end = at + h.len;
    const first = clinicHour(h.h, h.meridiem);
    let text: string;
    const range = /^\s*(?:and|to|-|y|a)\s+(?:las?\s+)?/.exec(folded.slice(end));
    if (/^(?:between|entre|from|desde)/.test(lead) && range) {
      const h2 = hourAt(folded.slice(end + range[0].length));
      if (h2) {
        const second = clinicHour(h2.h, h2.meridiem ?? (h.meridiem === 'pm' ? 'pm' : null));
        text = `${hhmm(first, h.m)}-${hhmm(second, h2.m)}`;
        end = end + range[0].length + h2.len;
        add('hour', text, m.index, end);
        continue;
      }
    }
    const qualifier = /^(?:after|no earlier than|anytime after|any time after|despues|a partir|desde|from)/.test(lead)
      ? 'after '
      : /^(?:before|by|until|till|no later than|anytime before|any time before|antes|hasta)/.test(lead)
        ? 'before '
        : /^(?:around|about|alrededor|como|a eso|tipo)/.test(lead)
          ? 'around '
          : '';
    if (lead === 'from' || lead === 'desde las' || lead === 'desde la') text = `after ${hhmm(first, h.m)}`;
    else text = `${qualifier}${hhmm(first, h.m)}`;
    add('hour', text, m.index, end);
  }
  // Parts of the day.
  for (const m of folded.matchAll(/\b(?:(early |late |first thing in the )?(mornings?|afternoons?|evenings?|nights?)|(?:(?:por|en|de) la|las|temprano en la) (mananas?|tardes?|noches?)|(temprano|a primera hora|first thing)|(noon|midday|lunch(?: ?time)?|mediodia|medio dia|hora de (?:la )?comida|hora del almuerzo|after work|despues del trabajo))\b/g)) {
    if (m[5]) {
      const v = /work|trabajo/.test(m[5]) ? 'evening' : /^(?:lunch|hora)/.test(m[5]) && /\b(?:after|despues de(?:l| la)?)\s+$/.test(folded.slice(Math.max(0, m.index - 12), m.index)) ? 'after 13:00' : /^(?:lunch|hora)/.test(m[5]) && /\b(?:before|antes de(?:l| la)?)\s+$/.test(folded.slice(Math.max(0, m.index - 12), m.index)) ? 'before 12:00' : '12:00';
      add(v === 'evening' ? 'part' : 'hour', v, m.index, m.index + m[0].length);
      continue;
    }
    if (m[4]) {
      add('part', 'morning', m.index, m.index + m[0].length);
      continue;
    }
    const w = (m[2] ?? m[3])!;
    // "tomorrow morning" was read as a day already; the part still counts.
    const v = /^(?:morning|manana)/.test(w) ? 'morning' : /^(?:afternoon|tarde)/.test(w) ? 'afternoon' : 'evening';
    const s = m.index + m[0].length - w.length;
    const inHour = parts.some((p) => p.kind === 'hour' && s < p.end && m.index + m[0].length > p.start);
    if (inHour) continue;
    if (!free(s, m.index + m[0].length)) {
      // The day part of "this morning"/"esta mañana" is taken; add the part of the day too.
      if (parts.some((p) => p.kind === 'part' && p.text === v)) continue;
      parts.push({ kind: 'part', text: v, start: m.index + m[0].length, end: m.index + m[0].length });
      continue;
    }
    add('part', v, m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(/\b(this|esta) (morning|afternoon|evening|manana|tarde|noche)\b/g)) {
    const v = /morning|manana/.test(m[2]!) ? 'morning' : /afternoon|tarde/.test(m[2]!) ? 'afternoon' : 'evening';
    if (!parts.some((p) => p.kind === 'part' && p.text === v)) parts.push({ kind: 'part', text: v, start: m.index + m[0].length, end: m.index + m[0].length });
  }
  // "3pm", "10:30 am" without a lead word.
  for (const m of folded.matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])/g)) {
    const h = hourAt(m[0]);
    if (h) add('hour', hhmm(h.h, h.m), m.index, m.index + m[0].length);
  }
  for (const m of folded.matchAll(/\b(?:any ?time|whenever|cualquier (?:hora|dia|momento)|a cualquier hora|no preference|me da igual)\b/g)) add('part', 'anytime', m.index, m.index + m[0].length);

  if (parts.length === 0) return null;
  // A short message that is mostly a time ("el próximo lunes a las 9") answers "when?".
  const short = (folded.match(/\p{L}+|\d+/gu)?.length ?? 0) <= 8;
  if (!options.awaiting && !short && !PREFERENCE_CUE.test(folded)) return null;
  parts.sort((a, b) => a.start - b.start);
  const order = { day: 0, part: 1, hour: 2 } as const;
  const seen = new Set<string>();
  const values: string[] = [];
  for (const p of [...parts].sort((a, b) => order[a.kind] - order[b.kind] || a.start - b.start)) {
    if (seen.has(p.text)) continue;
    seen.add(p.text);
    values.push(p.text);
  }
  // "anytime" says nothing next to a real preference.
  const specific = values.filter((v) => v !== 'anytime');
  const value = (specific.length ? specific : values).join(', ');
  const spanned = parts.filter((p) => p.end > p.start);
  return { value, start: spanned[0]?.start ?? 0, end: spanned.length ? Math.max(...spanned.map((p) => p.end)) : 0, confidence: options.awaiting ? 0.85 : 0.75 };
}
