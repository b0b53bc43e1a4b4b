import type { Intent } from './intents.ts';
import { fold } from './text.ts';

/**
 * Rules that decide an intent before the model: asking for a person (a patient who asks for
 * one must get one, however the model reads the rest), one-letter replies to a reminder, and
 * messages that are nothing but a greeting or a thank-you.
 */

export interface RuleHit {
  intent: Intent;
  rule: 'person' | 'reply_keyword' | 'formula';
  matched: string;
}

/** Longest text the rules read: a request for a person comes first, not in paragraph nine. */
const RULES_MAX_CHARS = 2000;

const PERSON_EN = [
  String.raw`\b(?:speak|talk|chat)(?:ing)?\s+(?:to|with)\s+(?:a|an|the|some|one|your)?\s*(?:real\s+|live\s+|actual\s+)?(?:person|human(?:\s+being)?|agent|representative|rep|operator|somebody|someone|nurse|manager|supervisor|staff(?:\s+member)?|receptionist|front\s+desk|reception|people)\b`,
  String.raw`\b(?:real|live|actual)\s+(?:person|human|agent|people)\b`,
  String.raw`\bhuman\s+(?:being|please|now|agent)\b`,
  String.raw`\b(?:transfer|connect|put)\s+me\s+(?:through\s+)?(?:to|with)\b`,
  String.raw`\bput\s+me\s+through\b`,
  String.raw`\btransfer\s+me\b`,
  String.raw`\bcustomer\s+(?:service|support|care)\b`,
  String.raw`\b(?:not|no)\s+(?:a\s+)?(?:bot|robot|machine|computer)\b`,
  String.raw`\b(?:don'?t|do\s+not|dont)\s+want\s+(?:to\s+talk\s+to\s+)?(?:a\s+|the\s+|this\s+)?(?:bot|robot|machine|computer)\b`,
  String.raw`\bget\s+me\s+(?:a|an|the|some)\s+(?:person|human|agent|representative|operator|nurse|manager)\b`,
  String.raw`\bi\s+(?:need|want|would\s+like|'?d\s+like)\s+(?:a|an|to\s+speak\s+to\s+a)\s+(?:person|human|agent|representative|operator)\b`,
];
const PERSON_ES = [
  String.raw`\b(?:hablar|chatear|comunicarme|platicar)\s+con\s+(?:una?\s+|el\s+|la\s+|alguien\s+|algun\s+)?(?:persona|humano|ser\s+humano|agente|representante|operador\w*|alguien|enfermer\w*|gerente|supervisor\w*|recepcion\w*|personal|encargad\w*)\b`,
  String.raw`\bpersona\s+(?:real|de\s+verdad)\b`,
  String.raw`\b(?:(?:pase|pasen)\s+con|paseme|pasame|comuniqueme|comuniquenme|transfierame|transfiereme|conecteme|conectame|comunicame)\b`,
  String.raw`\bservicio\s+al\s+cliente\b`,
  String.raw`\bme\s+(?:pasa|pasan|comunica|comunican|transfiere|transfieren|conecta|conectan)\s+con\s+(?:una?\s+|el\s+|la\s+)?(?:persona|humano|agente|representante|operador\w*|alguien|enfermer\w*|doctor\w*|gerente|supervisor\w*|recepcion\w*|encargad\w*)\b`,
  String.raw`\b(?:no\s+(?:quiero\s+(?:hablar\s+con\s+)?)?(?:un|una|el|la|esta|este)\s+(?:robot|maquina|bot|computadora)|no\s+de\s+una?\s+(?:robot|maquina|bot))\b`,
  String.raw`\b(?:quiero|necesito|prefiero)\s+(?:una\s+persona|un\s+humano|un\s+agente|un\s+representante|un\s+ser\s+humano)\b`,
];

/** Whole messages that ask for a person in one or two words. */
const PERSON_WHOLE = new Set([
  'agent', 'agents', 'an agent', 'agent please', 'representative', 'representative please', 'rep', 'operator', 'human',
  'a human', 'human please', 'person', 'a person', 'person please', 'real person', 'live agent', 'live person',
  'speak to someone', 'talk to someone', 'someone', 'anyone', 'help me person', 'staff',
  'agente', 'un agente', 'agente por favor', 'representante', 'un representante', 'representante por favor', 'operador',
  'operadora', 'humano', 'un humano', 'humano por favor', 'persona', 'una persona', 'una persona por favor',
  'persona por favor', 'hablar con alguien', 'alguien', 'recepcion', '0',
]);

const PERSON_RE = new RegExp([...PERSON_EN, ...PERSON_ES].join('|'));

/** A message that opens by asking what the assistant is ("are you a real person?", "¿eres un robot?"). */
const ABOUT_ASSISTANT_RE = /^(?:(?:hi|hello|hey|hola|so|ok|wait|um|uh|eh|oye|pero) )*(?:are (?:you|u)|r u|is (?:this|that)|am i (?:talking|speaking|chatting|texting) (?:to|with)|eres|es (?:esto )?(?:un|una)|estoy (?:hablando|chateando|escribiendo) con)\b/;
/** …unless it also asks for one ("are you a bot? I want a person"). */
const ASKS_RE = /\b(?:want|need|let me|can i|could i|may i|get me|transfer|connect|put me|please|pls|quiero|necesito|prefiero|paseme|pasame|comuniqueme|transfierame|por favor)\b/;

/** One-letter replies to an appointment reminder ("reply C to confirm, R to reschedule"). */
const REPLY_KEYWORDS: Record<string, Intent> = {
  c: 'confirm_appointment',
  r: 'reschedule_appointment',
  x: 'cancel_appointment',
  confirm: 'confirm_appointment',
  confirmo: 'confirm_appointment',
  confirmar: 'confirm_appointment',
  confirmed: 'confirm_appointment',
  confirmado: 'confirm_appointment',
  reschedule: 'reschedule_appointment',
  reprogramar: 'reschedule_appointment',
  cancel: 'cancel_appointment',
  cancelar: 'cancel_appointment',
  cancelo: 'cancel_appointment',
};

// Words a greeting or thank-you message may consist of; repeated letters are collapsed first
// ("hellooo" → "helo", "graciass" → "gracias"), so the lists hold collapsed forms.
const GREETING_CORE = new Set(['hi', 'helo', 'hey', 'heya', 'hiya', 'howdy', 'yo', 'greetings', 'morning', 'afternoon', 'evening', 'hola', 'ola', 'holi', 'buenos', 'buenas', 'buen', 'saludos', 'que tal', 'qe tal']);
const GREETING_FILLER = new Set([
  'good', 'there', 'again', 'everyone', 'al', 'how', 'are', 'you', 'u', 'is', 'it', 'going', 'hows', 'today', 'day', 'doing',
  'dias', 'dia', 'tardes', 'noches', 'cordiales', 'que', 'tal', 'onda', 'como', 'esta', 'estas', 'le', 'va', 'usted', 'de',
  'nuevo', 'muy', 'a', 'todos', 'y', 'hello',
]);
const THANKS_CORE = new Set(['thank', 'thanks', 'thx', 'ty', 'tysm', 'thanku', 'thankyou', 'apreciate', 'apreciated', 'cheers', 'gracias', 'grax', 'grasias', 'agradezco', 'agradecida', 'agradecido', 'agradece', 'amable']);
const THANKS_FILLER = new Set([
  'you', 'u', 'so', 'much', 'very', 'a', 'lot', 'bunch', 'many', 'it', 'great', 'perfect', 'ok', 'okay', 'awesome', 'wonderful',
  'got', 'that', 'thats', 'helps', 'for', 'your', 'the', 'help', 'al', 'is', 'have', 'nice', 'day', 'again', 'y', 'muchas',
  'muchisimas', 'mil', 'se', 'lo', 'le', 'te', 'muy', 'perfecto', 'excelente', 'vale', 'listo', 'bien', 'por', 'su', 'ayuda',
  'todo', 'de', 'verdad', 'eso', 'es', 'que', 'me', 'ayudo', 'mucho', 'buen', 'dia', 'and', 'bye', 'adios', 'chao', 'have',
  'been', 'helpful', 'cool', 'super', 'sounds', 'good',
]);

function collapse(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

function formula(words: string[]): Intent | null {
  if (words.length === 0 || words.length > 8) return null;
  const collapsed = words.map(collapse);
  const joined = collapsed.join(' ');
  const isCore = (set: Set<string>) => collapsed.some((w, i) => set.has(w) || (i > 0 && set.has(`${collapsed[i - 1]} ${w}`)));
  if (isCore(THANKS_CORE) && collapsed.every((w) => THANKS_CORE.has(w) || THANKS_FILLER.has(w) || GREETING_CORE.has(w))) return 'thanks';
  if ((isCore(GREETING_CORE) || /^(?:good|buen[oa]s?) (?:morning|afternoon|evening|day|dias?|tardes|noches)$/.test(joined)) &&
    collapsed.every((w) => GREETING_CORE.has(w) || GREETING_FILLER.has(w))) return 'greeting';
  return null;
}

/** The intent a rule decides, or null when the model should read the message. */
export function ruleIntent(text: string): RuleHit | null {
  if (typeof text !== 'string') return null;
  const folded = fold(text.length > RULES_MAX_CHARS ? text.slice(0, RULES_MAX_CHARS) : text);
  const plain = folded.replace(/[^\p{L}\p{N}\s']/gu, ' ').replace(/\s+/g, ' ').trim();
  if (plain.length === 0) return null;

  const keyword = REPLY_KEYWORDS[plain];
  if (keyword) return { intent: keyword, rule: 'reply_keyword', matched: plain };

  if (PERSON_WHOLE.has(plain)) return { intent: 'speak_to_person', rule: 'person', matched: plain };
  const person = PERSON_RE.exec(plain);
  // "Are you a real person or a bot?" asks about the assistant, not for a person: the model decides.
  if (person && !(ABOUT_ASSISTANT_RE.test(plain) && !ASKS_RE.test(plain))) return { intent: 'speak_to_person', rule: 'person', matched: person[0] };

  const words = plain.replace(/'/g, '').split(' ');
  const f = formula(words);
  if (f) return { intent: f, rule: 'formula', matched: plain };
  return null;
}
