/**
 * What the patient wrote this time, without the history their mail client quoted below it and
 * without their signature. Pure: text in, text out.
 *
 * Why it matters: the pipeline extracts facts and classifies the request from the message
 * text, and agents read it on the context card. A reply that carries the whole thread would
 * re-state old facts as new and bury the one new line under the quote.
 *
 * Rules, in order:
 * 1. A reply header ("On … wrote:", "El … escribió:", possibly wrapped over three lines) is
 *    removed together with the "> " block under it; text after that block (bottom-posting)
 *    is kept. A header followed by unprefixed text (clients that quote without ">") ends
 *    the new part.
 * 2. Outlook's "-----Original Message-----" / "-----Mensaje original-----" and the
 *    "From: … / Sent: …" ("De: … / Enviado: …") header block end the new part.
 * 3. Any remaining line that starts with ">" is quoted text and is dropped.
 * 4. A signature ends the new part: the "-- " delimiter (RFC 3676; clients often trim it to
 *    "--"), and a mobile footer such as "Sent from my iPhone" / "Enviado desde mi iPhone" when
 *    it is the last line left.
 */
export function stripQuotedReply(input: string): string {
  const lines = input.replace(/\r\n?/g, '\n').split('\n');
  let kept: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = replyHeaderAt(lines, i);
    if (header > 0) {
      let j = i + header;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      if (j < lines.length && !isQuoted(lines[j]!)) break; // quoted without ">": the rest is history
      while (j < lines.length && (isQuoted(lines[j]!) || lines[j]!.trim() === '')) j++;
      i = j;
      continue;
    }
    const line = lines[i]!;
    if (isOriginalMessageMarker(line) || isForwardedHeaderBlock(lines, i)) break;
    if (!isQuoted(line)) kept.push(line);
    i++;
  }
  // The signature: from the first delimiter after some text.
  let written = false;
  for (let n = 0; n < kept.length; n++) {
    if (written && /^--\s?$/.test(kept[n]!)) {
      kept = kept.slice(0, n);
      break;
    }
    written ||= kept[n]!.trim() !== '';
  }
  // Mobile footers only count as the last thing written: "Sent from my side…" mid-text is content.
  for (;;) {
    trimEdges(kept);
    if (kept.length > 1 && isMobileFooter(kept[kept.length - 1]!)) kept.pop();
    else break;
  }
  return kept.map((l) => l.trimEnd()).join('\n');
}

/** Blank lines, and separator rules (Outlook's line of underscores), left at either edge. */
function trimEdges(kept: string[]): void {
  while (kept.length && /^(_{5,}|-{5,})?$/.test(kept[kept.length - 1]!.trim())) kept.pop();
  let first = 0;
  while (first < kept.length && kept[first]!.trim() === '') first++;
  if (first > 0) kept.splice(0, first);
}

const isQuoted = (line: string) => /^\s*>/.test(line);

/** Lines a reply header spans at `i` (0 when there is none): "On … wrote:" and its Spanish form, wrapped or not. */
function replyHeaderAt(lines: string[], i: number): number {
  const first = lines[i]!;
  if (!/^\s*(On|El)\s/i.test(first) || first.length > 400) return 0;
  let joined = '';
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    joined = `${joined} ${lines[i + n]!.trim()}`.trim();
    if (joined.length > 1000) return 0;
    if (/^On\s.*\bwrote:$/i.test(joined) || /^El\s.*\bescribi[oó]:$/i.test(joined)) return n + 1;
    if (n > 0 && lines[i + n]!.trim() === '') return 0;
  }
  return 0;
}

function isOriginalMessageMarker(line: string): boolean {
  return /^\s*-{2,}\s*(Original Message|Mensaje original|Reply message)\s*-{2,}\s*$/i.test(line);
}

/**
 * Outlook quotes the previous message under a block of its headers: "From:" then, within a
 * few lines, "Sent:"/"Date:" (Spanish "De:" then "Enviado:"/"Fecha:"). HTML converted to text
 * may flatten the block onto one line, or bold the labels as *From:*.
 */
function isForwardedHeaderBlock(lines: string[], i: number): boolean {
  const line = lines[i]!;
  const from = /^\s*\*?(From|De)\s*:\*?\s*\S/i;
  const sent = /^\s*\*?(Sent|Date|Enviado(?: el)?|Fecha)\s*:\*?\s*\S/i;
  if (!from.test(line)) return false;
  if (/\b(Sent|Enviado(?: el)?)\s*:/i.test(line.replace(from, ''))) return true;
  for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
    if (sent.test(lines[j]!)) return true;
  }
  return false;
}

function isMobileFooter(line: string): boolean {
  const t = line.trim();
  if (t.length > 80) return false;
  return (
    /^Sent from my\s+\S/i.test(t) ||
    /^Sent (from|with) (Outlook|Yahoo Mail|Mail for Windows|my mobile|ProtonMail)\b/i.test(t) ||
    /^Get Outlook for (iOS|Android)\b/i.test(t) ||
    /^Enviado desde mi\s+\S/i.test(t) ||
    /^Enviado desde (Outlook|Yahoo Mail|Correo para Windows)\b/i.test(t) ||
    /^Obtener Outlook para (iOS|Android)\b/i.test(t)
  );
}
