import type { Language } from '@carethread/core';

export type KeywordAction = 'opt_out' | 'opt_in' | 'help';

export interface SmsKeyword {
  action: KeywordAction;
  language: Language;
  /**
   * Twilio's own default keywords: Twilio already answers them with its confirmation (and, for
   * the STOP family, blocks further messages to the number itself), so we add no reply.
   */
  answeredByTwilio: boolean;
  /**
   * "YES" and "SÍ" are everyday answers ("Did that help?"): they count as a keyword only for a
   * number that is opted out; otherwise they are an ordinary message.
   */
  onlyWhenOptedOut: boolean;
}

type Entry = [word: string, action: KeywordAction, language: Language, answeredByTwilio: boolean, onlyWhenOptedOut?: boolean];

// Whole-message keywords only. "CANCELAR" is deliberately NOT here: in a healthcare thread it
// means "cancel my appointment" far more often than "unsubscribe" (appointment reminders use
// "C"/"CANCELAR"), and Twilio does not opt a number out on it either. The English "CANCEL" IS
// here, because Twilio opts the number out on it whatever we do, and we must agree with Twilio.
const ENTRIES: Entry[] = [
  ['STOP', 'opt_out', 'en', true],
  ['STOPALL', 'opt_out', 'en', true],
  ['UNSUBSCRIBE', 'opt_out', 'en', true],
  ['CANCEL', 'opt_out', 'en', true],
  ['END', 'opt_out', 'en', true],
  ['QUIT', 'opt_out', 'en', true],
  ['PARAR', 'opt_out', 'es', false],
  ['DETENER', 'opt_out', 'es', false],
  ['BAJA', 'opt_out', 'es', false],
  ['DAR DE BAJA', 'opt_out', 'es', false],
  ['START', 'opt_in', 'en', true],
  ['UNSTOP', 'opt_in', 'en', true],
  ['YES', 'opt_in', 'en', true, true],
  ['ALTA', 'opt_in', 'es', false],
  ['INICIAR', 'opt_in', 'es', false],
  ['SI', 'opt_in', 'es', false, true],
  ['HELP', 'help', 'en', true],
  ['INFO', 'help', 'en', true],
  ['AYUDA', 'help', 'es', false],
];

const KEYWORDS = new Map<string, SmsKeyword>(
  ENTRIES.map(([word, action, language, answeredByTwilio, onlyWhenOptedOut]) => [
    word,
    { action, language, answeredByTwilio, onlyWhenOptedOut: onlyWhenOptedOut ?? false },
  ]),
);

/** Upper case, accents gone, surrounding punctuation gone, inner whitespace collapsed: "  ¡Sí! " → "SI". */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ');
}

/** The keyword a whole message is, or null. A keyword inside a sentence is just a word. */
export function smsKeyword(body: string): SmsKeyword | null {
  if (body.length > 40) return null;
  return KEYWORDS.get(normalizeKeyword(body)) ?? null;
}

/** The reply we queue for a keyword, or null when Twilio already answers it. */
export function keywordReply(keyword: SmsKeyword, organizationName: string): string | null {
  if (keyword.answeredByTwilio && keyword.action !== 'help') return null;
  const es = keyword.language === 'es';
  switch (keyword.action) {
    case 'opt_out':
      return es
        ? `${organizationName}: no recibirá más mensajes de texto. Responda ALTA para volver a recibirlos.`
        : `${organizationName}: you will receive no more text messages. Reply START to receive them again.`;
    case 'opt_in':
      return es
        ? `${organizationName}: volverá a recibir mensajes de texto. Responda PARAR para dejar de recibirlos.`
        : `${organizationName}: you will receive text messages again. Reply STOP to stop them.`;
    case 'help':
      return es
        ? `${organizationName}: responda a este mensaje con su consulta y nuestro equipo le contestará. Para una emergencia llame al 911. Responda PARAR para no recibir más mensajes.`
        : `${organizationName}: reply to this message with your question and our team will answer. In an emergency call 911. Reply STOP to stop text messages.`;
  }
}
