import { fold, words } from '../facts/text.ts';
import type { Language } from '../types.ts';

export type ReminderReplyAction = 'confirm' | 'reschedule' | 'cancel';

/**
 * What a reply to a reminder or a waitlist offer asks for. Both languages are always accepted
 * (patients code-switch, and a Spanish speaker may answer an English reminder with "sí"); the
 * language only says which instructions the patient was given. Conservative by design: a
 * negation ("no, don't cancel"), two different actions in one message, or a long message gives
 * null, and the dialogue asks instead of guessing.
 */
export function interpretReminderReply(text: string, language?: Language | null): ReminderReplyAction | null {
  void language;
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 160) return null;
  const tokens = words(fold(trimmed).replace(/’/g, "'"));
  if (tokens.length === 0 || tokens.length > 12) return null;

  if (tokens.length === 1 || (tokens.length === 2 && POLITE.has(tokens[1]!)) || (tokens.length === 2 && POLITE.has(tokens[0]!))) {
    const word = tokens.length === 1 ? tokens[0]! : POLITE.has(tokens[0]!) ? tokens[1]! : tokens[0]!;
    const hit = SINGLE.get(word);
    if (hit) return hit;
  }

  if (tokens.some((t) => NEGATIONS.has(t))) return null;
  const found = new Set<ReminderReplyAction>();
  const joined = ` ${tokens.join(' ')} `;
  for (const [action, patterns] of PHRASES) {
    if (patterns.some((p) => p.test(joined))) found.add(action);
  }
  // "Yes, see you then" / "Sí, gracias": a yes set off by punctuation. Not a bare leading "si",
  // which is also Spanish for "if" ("si puedo llevar a mi hijo…").
  if (found.size === 0 && LEADING_YES.test(trimmed)) found.add('confirm');
  return found.size === 1 ? [...found][0]! : null;
}

const SINGLE = new Map<string, ReminderReplyAction>([
  ['c', 'confirm'],
  ['confirm', 'confirm'],
  ['confirmed', 'confirm'],
  ['confirming', 'confirm'],
  ['yes', 'confirm'],
  ['yep', 'confirm'],
  ['yeah', 'confirm'],
  ['ok', 'confirm'],
  ['okay', 'confirm'],
  ['si', 'confirm'],
  ['confirmo', 'confirm'],
  ['confirmar', 'confirm'],
  ['confirmado', 'confirm'],
  ['confirmada', 'confirm'],
  ['r', 'reschedule'],
  ['reschedule', 'reschedule'],
  ['rebook', 'reschedule'],
  ['reprogramar', 'reschedule'],
  ['reprogramo', 'reschedule'],
  ['cambiar', 'reschedule'],
  ['x', 'cancel'],
  ['cancel', 'cancel'],
  ['cancelar', 'cancel'],
  ['cancelo', 'cancel'],
  ['cancela', 'cancel'],
  ['cancelarla', 'cancel'],
  ['anular', 'cancel'],
]);

const LEADING_YES = /^\s*(?:yes|yeah|yep|ok|okay|s[ií])\s*[,.!;]/i;

const POLITE = new Set(['please', 'pls', 'thanks', 'thank', 'gracias', 'porfavor', 'plz']);

const NEGATIONS = new Set(['no', 'not', "don't", 'dont', "can't", 'cant', 'never', 'nunca', 'tampoco', 'ni']);

const PHRASES: Array<[ReminderReplyAction, RegExp[]]> = [
  [
    'confirm',
    [
      / confirm(?:ed|ing)? /,
      / confirm(?:o|ar|ada|ado|amos) /,
      / (?:i will|i'll|ill|we will|we'll) be there /,
      / (?:see you|nos vemos) /,
      / (?:alli|ahi) estare /,
      / (?:voy a ir|si voy|asistire) /,
    ],
  ],
  [
    'reschedule',
    [
      / reschedul\w* /,
      / reprogram\w* /,
      / (?:change|move) (?:my |the |it|this |that )?(?:appointment|appt|visit|time|date|day)?/,
      / (?:another|different|other) (?:time|day|date) /,
      / cambiar (?:la |mi |de |el )?(?:cita|hora|fecha|dia)? ?/,
      / (?:otra|otro) (?:hora|fecha|dia) /,
    ],
  ],
  ['cancel', [/ cancel\w* /, / anul\w* /]],
];
