import type { FactName, Language } from '../types.ts';
import { fold } from './text.ts';

/**
 * Which facts a staff member's typed message asks the patient for. This is the check behind
 * "you already know that": the workspace runs it while the agent types, and a reply that asks
 * for something known is held back until the agent chooses to send it anyway.
 *
 * A clause asks when it is a question ("?", "¿", or it opens with a question word) or a request
 * ("can you confirm…", "please give…", "necesito su…") and names a fact. A clause that merely
 * mentions a fact ("I can see your date of birth", "ya tenemos su teléfono") is not an ask.
 * Generic openers ("how can I help?", "¿en qué puedo ayudarle?") are not counted as asking the
 * reason: greeting a patient is not making them repeat themselves.
 *
 * Both languages' cues are checked (the given one first) because agents switch language inside
 * one conversation and a mixed message must not slip through.
 */

type Cue = { fact: FactName | 'name'; pattern: RegExp };

const EN: Cue[] = [
  { fact: 'birthDate', pattern: /\b(date of birth|birth ?date|dob|when were you born|born on)\b/ },
  { fact: 'givenName', pattern: /\b(first name|given name)\b/ },
  { fact: 'familyName', pattern: /\b(last name|surname|family name)\b/ },
  { fact: 'name', pattern: /\b(full name|your name|(who|whom) am i (speaking|talking) (with|to)|name of the patient|patient'?s name)\b/ },
  {
    fact: 'callbackNumber',
    pattern:
      /\b(best (phone |contact )?number|number (to|where|we can|i can|at which) (reach|call|contact)|number to call you|(reach|call|contact) you (back )?(at|on)|call ?back number)\b/,
  },
  { fact: 'phone', pattern: /\b(phone number|telephone number|mobile number|cell (phone )?number|contact number|your (phone|mobile|cell))\b/ },
  { fact: 'email', pattern: /\b(e-?mail( address)?)\b/ },
  {
    fact: 'reason',
    pattern:
      /\b(why are you (calling|writing|reaching out|contacting)|reason for (your|the|this|today'?s) (call|visit|message|contact|appointment|request)|what are you (calling|writing|contacting us) (about|for)|what is (this|your call|your message|the call) (about|regarding)|what brings you)\b/,
  },
  {
    fact: 'preferredTime',
    pattern:
      /\b(what time|which time|what day|which day|what days|preferred (time|day)|times? (that )?works?|day (that )?works?|when would you (like|prefer)|when are you (free|available)|when (is|would be) (a )?(good|convenient|best) time|when works|when can you (come|make it))\b/,
  },
  {
    fact: 'medication',
    pattern:
      /\b((what|which) (medication|medicine|prescription|drug|meds)s?|name of (the|your) (medication|medicine|prescription|drug)|(medication|medicine)s? (are you taking|do you take|you take|you need|do you need))\b/,
  },
  { fact: 'pharmacy', pattern: /\b((what|which) pharmacy|preferred pharmacy|name of (the|your) pharmacy|pharmacy (do you use|you use|do you prefer|you prefer|would you like))\b/ },
  { fact: 'memberId', pattern: /\b(member (id|number)|membership (id|number)|insurance (id|member id|number)|policy (number|id)|subscriber (id|number))\b/ },
  { fact: 'mrn', pattern: /\b(medical record number|mrn|chart number)\b/ },
];

const ES: Cue[] = [
  { fact: 'birthDate', pattern: /\b(fecha de nacimiento|cuando nacio|nacimiento)\b/ },
  { fact: 'givenName', pattern: /\b(primer nombre|nombre de pila)\b/ },
  { fact: 'familyName', pattern: /\b(apellidos?)\b/ },
  { fact: 'name', pattern: /\b(nombre completo|su nombre|como se llama|con quien hablo|nombre del paciente)\b/ },
  {
    fact: 'callbackNumber',
    pattern:
      /\b(mejor numero|numero (para|donde|en el que|en que|al que) (podemos |le podemos |podamos |pueda )?(llamarle|llamarlo|llamarla|contactarle|contactarlo|contactarla|localizarle|comunicarnos)|devolverle la llamada)\b/,
  },
  { fact: 'phone', pattern: /\b(numero de (telefono|celular|movil)|su (telefono|celular|movil))\b/ },
  { fact: 'email', pattern: /\b(correo( electronico)?|e-?mail)\b/ },
  {
    fact: 'reason',
    pattern: /\b(por que (llama|escribe|nos (llama|escribe|contacta))|(motivo|razon) de su (llamada|consulta|mensaje|visita|cita|solicitud)|cual es el motivo)\b/,
  },
  {
    fact: 'preferredTime',
    pattern: /\b(que dia|que dias|que hora|a que hora|que horario|cuando (le gustaria|prefiere|puede venir|le conviene|esta disponible)|dia y hora|horario de su preferencia)\b/,
  },
  { fact: 'medication', pattern: /\b((que|cual|cuales) (medicamentos?|medicinas?|recetas?)|nombre del? (medicamento|medicina)|medicamentos? (toma|necesita))\b/ },
  { fact: 'pharmacy', pattern: /\b((que|cual) farmacia|farmacia (de su preferencia|prefiere|usa|utiliza)|nombre de (su|la) farmacia)\b/ },
  { fact: 'memberId', pattern: /\b(numero de (afiliado|miembro|socio|poliza|seguro)|identificacion del seguro|id de (miembro|afiliado))\b/ },
  { fact: 'mrn', pattern: /\b(numero de (expediente|historia clinica|registro medico))\b/ },
];

/** Openings that make a clause a request even without a question mark. */
const REQUEST = [
  /\b(can|could|would|will) (you|u) (please )?(confirm|verify|provide|give|tell|share|send|spell|say|state|read|repeat|let me know|remind)\b/,
  /\b(please|pls|kindly) (confirm|verify|provide|give|tell|share|send|spell|say|state|repeat|let me know|remind)\b/,
  /^(and )?(please )?(confirm|verify|provide|give me|tell me|share|send me|spell|state|repeat|let me know|remind me)\b/,
  /\b(may|can|could) (i|we) (have|get|ask for|take|confirm|verify)\b/,
  /\b(i|we)( will|'ll|'d| would)? need (you to (confirm|verify|provide|give|tell|share|send)|your|the)\b/,
  /\bi('d| would) like (you to (confirm|verify|provide)|your|to (confirm|verify|get|have) your)\b/,
  /\b(puede|podria|pudiera)( usted)? (confirmar|confirmarme|verificar|decirme|darme|indicarme|proporcionarme|deletrear|deletrearme|repetir|repetirme|enviarme|compartir|compartirme)\b/,
  /\b(por favor|favor de) (confirme|confirmar|verifique|verificar|indique|indiquenos|indiqueme|digame|diganos|proporcione|proporcionar|envie|enviar|deletree|escriba|comparta|repita)\b/,
  /^(y )?(confirme|confirmeme|verifique|indique|indiqueme|digame|proporcione|envieme|deletree|escriba|comparta|repita)\b/,
  /\b(necesito|necesitamos|necesitaria|necesitariamos) (su|sus|que me|que nos|confirmar|verificar)\b/,
  /\bme (da|dice|confirma|indica|proporciona|repite)\b/,
];

/** Question words that open a question typed without its question mark. */
const QUESTION_START = /^(and |y )?(what|whats|what's|which|when|why|who|whom|how|is|are|do|does|did|can|could|would|will|may|que|cual|cuales|cuando|por que|como|quien|donde|tiene|puede|podria)\b/;

/** A clause that reports what is already known is a statement, whatever punctuation follows. */
const STATEMENT = /\b(i (can )?see|(?<!(may|can|could) )i have|(?<!(may|can|could) )we have|i've got|we've got|on file|on record|you (told|gave|said|mentioned|provided)|already|thanks? for|thank you for|veo|tengo|tenemos|ya (nos|me) (dio|dijo)|usted (nos|me) (dio|dijo)|en (el|su) expediente|registrad[oa]|gracias por)\b/;

const CLAUSE_SPLIT = /[,;:\u2014\u2013]|\s-\s/;

export function factsAskedIn(text: string, language: Language): FactName[] {
  const cues = language === 'es' ? [...ES, ...EN] : [...EN, ...ES];
  const found: Array<{ at: number; fact: FactName }> = [];
  let offset = 0;
  // Sentences keep their closing mark: "?" is what makes most typed questions questions.
  for (const sentence of text.split(/(?<=[.!?\n])/)) {
    const question = /[?¿]/.test(sentence);
    let clauseOffset = offset;
    for (const rawClause of sentence.split(CLAUSE_SPLIT)) {
      const clause = fold(rawClause).replace(/[¿?¡!.]/g, ' ').replace(/\s+/g, ' ').trim();
      const start = clauseOffset;
      clauseOffset += rawClause.length + 1;
      if (!clause || STATEMENT.test(clause)) continue;
      const asking = question || QUESTION_START.test(clause) || REQUEST.some((r) => r.test(clause));
      if (!asking) continue;
      let callback = false;
      for (const cue of cues) {
        const m = cue.pattern.exec(clause);
        if (!m) continue;
        // "the best number to reach you" names a callback number, not the phone on record too.
        if (cue.fact === 'callbackNumber') callback = true;
        if (cue.fact === 'phone' && callback) continue;
        const at = start + m.index;
        if (cue.fact === 'name') {
          found.push({ at, fact: 'givenName' }, { at, fact: 'familyName' });
        } else {
          found.push({ at, fact: cue.fact });
        }
      }
    }
    offset += sentence.length;
  }
  found.sort((a, b) => a.at - b.at);
  const out: FactName[] = [];
  for (const f of found) if (!out.includes(f.fact)) out.push(f.fact);
  return out;
}
