/**
 * What the patient wrote this time, without the history their mail client quoted below it and
 * without their signature. Pure: text in, text out.
 *
 * Why it matters: the pipeline extracts facts and classifies the request from the message
 * text, and agents read it on the context card. A reply that carries the whole thread would
 * re-state old facts as new and bury the one new line under the quote.
 *
 * It is a small line classifier, not a list of known clients. Each line is one of: written
 * text, a quoted line (">"), a quote header ("On … wrote:", recognised by its structure), the
 * start of a header block ("From:/Sent:/To:/Subject:" in any order, English or Spanish), a
 * separator ("-----Original Message-----", "---------- Forwarded message ---------"), or a
 * signature line. Then:
 *
 * 1. A quote header followed by a ">" block: both go, and text after the block is kept
 *    (bottom-posting and interleaved answers). Lines a client wrapped out of the ">" block
 *    (long lines, broken links) stay part of it. A quote header followed by unprefixed text
 *    ends the new part: the rest is history.
 * 2. A header block or a separator ends the new part. When nothing was written above it (a
 *    bare forward), the forwarded body is what the patient sent, so the block alone goes.
 * 3. Any other ">" line goes.
 * 4. The signature goes: from the "-- " delimiter (RFC 3676, often trimmed to "--"), and a
 *    mobile footer ("Sent from my iPhone", "Enviado desde mi Samsung", "Get Outlook for iOS")
 *    only when it stands alone at the end. The same words inside a sentence are content.
 *
 * Every check looks at a bounded window of lines and at lines of bounded length, and no
 * pattern can backtrack over a long run, so the cost is linear in the size of the mail.
 */
export function stripQuotedReply(input: string): string {
  const lines = input.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  let written = false;
  const keep = (line: string) => {
    kept.push(line);
    written ||= line.trim() !== '';
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isQuoted(line)) {
      i = endOfQuoteRun(lines, i);
      // The gap the quote leaves is one blank line, not the blanks above and below it.
      if (kept.length === 0 || isBlank(kept[kept.length - 1]!)) i = skipBlank(lines, i);
      continue;
    }
    const header = quoteHeaderAt(lines, i);
    if (header) {
      if (header.before.trim()) keep(header.before);
      const next = skipBlank(lines, i + header.lines);
      if (next < lines.length && !isQuoted(lines[next]!)) break; // quoted without ">": the rest is history
      i = skipBlank(lines, endOfQuoteRun(lines, next));
      continue;
    }
    const block = isSeparator(line) ? 1 + headerBlockAt(lines, skipBlank(lines, i + 1)) : headerBlockAt(lines, i);
    if (block > 0) {
      if (written) break;
      i = skipBlank(lines, i + block);
      continue;
    }
    keep(line);
    i++;
  }

  cutSignature(kept);
  return kept.map((l) => l.trimEnd()).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Quoted lines
// ---------------------------------------------------------------------------------------------

const isQuoted = (line: string) => /^[ \t]*>/.test(line);
const isBlank = (line: string) => line.trim() === '';

function skipBlank(lines: string[], i: number): number {
  while (i < lines.length && isBlank(lines[i]!)) i++;
  return i;
}

/** The line after a run of ">" lines starting at `i`, with blank lines inside it and lines the client wrapped out of it. */
function endOfQuoteRun(lines: string[], i: number): number {
  while (i < lines.length) {
    const line = lines[i]!;
    if (isQuoted(line)) {
      i++;
    } else if (isBlank(line)) {
      const next = skipBlank(lines, i);
      if (next < lines.length && isQuoted(lines[next]!)) i = next;
      else return i;
    } else if (i > 0 && isQuoted(lines[i - 1]!) && isWrappedOutOfQuote(lines[i - 1]!, line, lines[i + 1])) {
      i++;
    } else {
      return i;
    }
  }
  return i;
}

/**
 * Clients that wrap quoted text after quoting it leave the tail of a long line, or of a link,
 * without its ">". Such a line follows a quoted line directly. An answer written between quotes
 * (an interleaved reply) is kept, so the tests are narrow: a fragment of a link, a line that
 * closes a bracket the quoted line opened, or the lower-case continuation of a long quoted line
 * that the quote picks up again right after.
 */
function isWrappedOutOfQuote(quoted: string, line: string, after: string | undefined): boolean {
  const text = line.trim();
  if (text.length > 300 || quoted.length > 1000) return false;
  if (!/\s/.test(text) && /[/=_)>]/.test(text)) return true;
  if (/^[(<]?(https?:\/\/|www\.)\S*[)>]?[ \t]*>?$/i.test(text)) return true;
  if (count(quoted, '(') > count(quoted, ')') && count(text, ')') > count(text, '(')) return true;
  if (count(quoted, '<') > count(quoted, '>') && count(text, '>') > count(text, '<')) return true;
  const quotedText = quoted.replace(/^[\s>]+/, '');
  return quotedText.length >= 60 && /^[\p{Ll}\d]/u.test(text) && after !== undefined && isQuoted(after);
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let k = text.indexOf(ch); k >= 0; k = text.indexOf(ch, k + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Quote headers: "On <date>, <name> <address> wrote:" and its relatives, by structure
// ---------------------------------------------------------------------------------------------

const MAX_HEADER_LINE = 400;
const MAX_HEADER = 1000;

/** Words a quote header ends with, before its colon. */
const REPLY_VERB = /(?:^|[^\p{L}])(?:wrote|sent|escribió|escribio|ha escrito|écrit|ecrit|schrieb)$/iu;

const WEEKDAY_OR_MONTH =
  'mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|lun|mié|mie|jue|vie|sáb|sab|dom|ene|abr|ago|dic';

/** Where a header may open inside a line: "On", "El", "Le", "Am" followed by a date or a weekday. */
const HEADER_OPENER = new RegExp(`(?:^|[\\s-])(?:On|El|Le|Am)[ \\t]+(?=\\d|(?:${WEEKDAY_OR_MONTH})\\p{L}*\\b)`, 'giu');

interface QuoteHeader {
  /** Lines the header spans. */
  lines: number;
  /** Reply text written on the header's first line before it ("Thanks! On Tue, … wrote:"). */
  before: string;
}

/**
 * A quote header at line `i`: one line, or up to three joined lines, that end in a reply verb
 * and a colon ("wrote:", "escribió:", "a écrit :", "schrieb:"; also dashes instead of the
 * colon) and carry a date or time, an address, or open with "On"/"El". Gmail's locale-neutral
 * form has no verb: a date first, then a name and an address, then ":" or the ">" block.
 */
function quoteHeaderAt(lines: string[], i: number): QuoteHeader | null {
  const first = lines[i]!;
  if (first.length > MAX_HEADER_LINE || isBlank(first)) return null;
  const opener = lastOpener(first);
  const start = opener ?? 0;
  const before = opener === undefined ? '' : first.slice(0, opener).replace(/[\s-]+$/, '');
  // Without an opener the header is the whole first line, so that line must look like one, and
  // only the date-first form (or an address cut after its "<") wraps onto the next lines.
  if (opener === undefined && !hasAddress(first) && !hasDate(first) && !first.includes('<')) return null;
  const wraps = opener !== undefined || /^\s*\d/.test(first) || count(first, '<') > count(first, '>');

  let joined = first.slice(start).trim();
  for (let n = 1; n <= 3; n++) {
    if (n > 1) {
      if (!wraps) return null;
      const next = lines[i + n - 1];
      if (next === undefined || isBlank(next) || isQuoted(next) || next.length > MAX_HEADER_LINE) return null;
      joined = `${joined} ${next.trim()}`;
    }
    if (joined.length > MAX_HEADER) return null;
    const end = headerEnding(joined);
    if (end === 'verb' && (hasAddress(joined) || hasDate(joined))) return { lines: n, before };
    // "On Monday the nurse wrote:" with neither date nor address is a header only over a quote.
    if (end === 'verb' && opener !== undefined && isQuoted(lines[skipBlank(lines, i + n)] ?? '')) return { lines: n, before };
    const dated = (opener !== undefined || /^\d/.test(joined)) && hasDate(joined) && hasAddress(joined);
    if (end === 'colon' && dated) return { lines: n, before }; // "Am 02.03.2026 um 10:14 schrieb Dana <d@x.org>:", Gmail's "2026-03-02 10:14 GMT+01:00 Dana <d@x.org>:"
    if (end === 'none' && dated && opener === undefined) {
      const next = skipBlank(lines, i + n);
      if (next < lines.length && isQuoted(lines[next]!)) return { lines: n, before };
    }
  }
  return null;
}

function lastOpener(line: string): number | undefined {
  let found: number | undefined;
  HEADER_OPENER.lastIndex = 0;
  for (let m = HEADER_OPENER.exec(line); m; m = HEADER_OPENER.exec(line)) {
    found = /[\s-]/.test(m[0][0]!) ? m.index + 1 : m.index;
    if (m[0].length === 0) HEADER_OPENER.lastIndex++;
  }
  return found;
}

/** How a candidate header ends: a reply verb and colon (or a dashes rule), a bare colon, or neither. */
function headerEnding(text: string): 'verb' | 'colon' | 'none' {
  let end = text.length;
  while (end > 0 && /[\s-]/.test(text[end - 1]!)) end--;
  const dashed = end < text.length && text.slice(end).includes('-');
  let body = text.slice(0, end);
  const colon = body.endsWith(':');
  if (colon) body = body.slice(0, -1).trimEnd();
  if ((colon || dashed) && REPLY_VERB.test(body.slice(-20))) return 'verb';
  return colon ? 'colon' : 'none';
}

/** An e-mail address somewhere in the text, found without a pattern that could backtrack. */
function hasAddress(text: string): boolean {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at > 0 && /[\w.+-]/.test(text[at - 1]!) && /^[\w-]+(\.[\w-]+)*\.\p{L}{2,}/u.test(text.slice(at + 1, at + 256))) return true;
  }
  return false;
}

const MONTH = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic';
const DATE_PATTERNS = [
  /\d{1,2}:\d{2}/,
  /\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/,
  /\b(?:19|20)\d{2}\b/,
  new RegExp(`\\b(?:${MONTH})\\p{L}*\\.?[ \\t]\\d`, 'iu'),
  new RegExp(`\\d[ \\t](?:de[ \\t])?(?:${MONTH})`, 'i'),
];

/** A date or a time of day: "10:14", "02/03/2026", "2026-03-02", "2 mar 2026", "Mar 2", a year. */
function hasDate(text: string): boolean {
  return DATE_PATTERNS.some((pattern) => pattern.test(text));
}

// ---------------------------------------------------------------------------------------------
// Header blocks and separators
// ---------------------------------------------------------------------------------------------

/** A header line's key, when the line is "Key: value" with a key clients put over quoted mail. */
function headerKey(line: string): string | null {
  if (line.length > MAX_HEADER_LINE) return null;
  const m = /^[ \t]*\*?(from|sent|date|to|cc|bcc|subject|reply-to|de|enviado el|enviado|fecha|para|cco|asunto|responder a)[ \t]*:\*?(?:[ \t]|$)/i.exec(line);
  return m ? m[1]!.toLowerCase() : null;
}

/** Keys that only a header block of a previous mail has: a sender or a sending time. */
const ORIGIN_KEYS = new Set(['from', 'de', 'sent', 'enviado', 'enviado el', 'date', 'fecha']);

/**
 * Lines of a header block of an earlier mail starting at `i` (0 when there is none): two or more
 * known "Key: value" lines in any order, one of them a sender or a date, with at most one
 * wrapped value line between them. Also the one-line form HTML conversion leaves
 * ("*From:* … *Sent:* … *To:* …"), and a lone "From:" line that names an address.
 */
function headerBlockAt(lines: string[], i: number): number {
  if (i >= lines.length) return 0;
  const firstKey = headerKey(lines[i]!);
  if (!firstKey) return 0;
  const first = lines[i]!;
  const origin = ORIGIN_KEYS.has(firstKey);
  if (origin && /\*?\b(sent|date|to|subject|enviado|fecha|para|asunto)[ \t]*:/i.test(first.replace(/^[ \t]*\*?\p{L}+[ \t]*:\*?/u, ''))) return 1;

  const keys = new Set([firstKey]);
  let end = i + 1;
  let wrapped = 0;
  for (let j = i + 1; j < lines.length && j < i + 16; j++) {
    const line = lines[j]!;
    if (isBlank(line) || isQuoted(line)) break;
    const key = headerKey(line);
    if (key) {
      keys.add(key);
      end = j + 1;
      wrapped = 0;
    } else if (++wrapped > 1) {
      break;
    }
  }
  if (keys.size >= 2 && [...keys].some((k) => ORIGIN_KEYS.has(k))) return end - i;
  if ((firstKey === 'from' || firstKey === 'de') && hasAddress(first)) return 1;
  return 0;
}

/** "-----Original Message-----", "-------- Mensaje original --------", "---------- Forwarded message ---------", "Begin forwarded message:". */
function isSeparator(line: string): boolean {
  const text = line.trim();
  if (text.length > 120) return false;
  const m = /^[-_]*[ \t]*(original message|reply message|mensaje original|forwarded message|mensaje reenviado|begin forwarded message|inicio del mensaje reenviado)[ \t]*(:?)[ \t]*(-*)$/i.exec(text);
  if (!m) return false;
  return text.startsWith('-') || m[3] !== '' || (m[2] === ':' && /^(begin|inicio)/i.test(m[1]!));
}

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

function cutSignature(kept: string[]): void {
  let written = false;
  for (let n = 0; n < kept.length; n++) {
    if (written && /^--[ \t]?$/.test(kept[n]!)) {
      kept.length = n;
      break;
    }
    written ||= !isBlank(kept[n]!);
  }
  // Mobile footers only count as the last thing written: "Sent from my desk, …" mid-text is content.
  for (;;) {
    trimEdges(kept);
    if (kept.length > 1 && isMobileFooter(kept[kept.length - 1]!)) kept.pop();
    else break;
  }
}

/** Blank lines, and separator rules (Outlook's line of underscores), left at either edge. */
function trimEdges(kept: string[]): void {
  while (kept.length && /^(_{5,}|-{5,})?$/.test(kept[kept.length - 1]!.trim())) kept.pop();
  let first = 0;
  while (first < kept.length && isBlank(kept[first]!)) first++;
  if (first > 0) kept.splice(0, first);
}

/**
 * A footer a mail app adds: a short line, no sentence punctuation, that says what it was sent
 * from or with, optionally followed by the app's link.
 */
function isMobileFooter(line: string): boolean {
  const text = line.trim().replace(/[ \t]*(<[^<>\s]*>|\([^()\s]*\))$/, '');
  if (text.length > 60 || /[,;!?]|\.\s/.test(text)) return false;
  return (
    /^(sent|enviado)[ \t]+(from|with|via|desde|con)[ \t]+\S/i.test(text) ||
    /^(get|obtener|descargar)[ \t]+outlook[ \t]+(for|para)[ \t]+\S/i.test(text)
  );
}
