/**
 * Survey questionnaires as FHIR R4 `Questionnaire` resources, English with Spanish translations
 * (the FHIR `translation` extension on every text), and the built-in set: CSAT, CES 2.0, NPS,
 * the two friction questions and CAHPS-style items. How each item is scored is named on the item
 * (the `score` extension below) so a stored questionnaire carries its own scoring.
 */

export type SurveyLanguage = 'en' | 'es';

/** How an item's answers turn into a figure (docs/surveys.md). */
export type ScoreKind =
  | 'csat' // 1–5 satisfaction: top-2-box (4–5)
  | 'ces' // 1–7 agreement with "made it easy": mean, and share 5–7
  | 'nps' // 0–10 likelihood to recommend: % promoters (9–10) − % detractors (0–6)
  | 'repeat' // yes/no "had to repeat information": share of yes (lower is better)
  | 'switch_ease' // 1–5 ease of moving between channels: top-2-box (4–5)
  | 'cahps_frequency' // Never / Sometimes / Usually / Always: top-box (Always)
  | 'cahps_rating' // 0–10 provider rating: top-box (9–10)
  | 'rating' // an organisation's own rating scale: mean and top-2-box
  | 'choice' // an organisation's own choice: distribution
  | 'yes_no' // an organisation's own yes/no: share of yes
  | 'comment'; // free text: sentiment and topics, no score

export interface Extension {
  url: string;
  valueCode?: string;
  valueString?: string;
  valueInteger?: number;
  extension?: Extension[];
}

export interface Coding {
  system?: string;
  code: string;
  display?: string;
  _display?: { extension: Extension[] };
}

export interface QuestionnaireItem {
  linkId: string;
  type: 'integer' | 'choice' | 'boolean' | 'text' | 'display';
  text: string;
  _text?: { extension: Extension[] };
  required?: boolean;
  extension?: Extension[];
  answerOption?: { valueCoding: Coding }[];
}

export interface Questionnaire {
  resourceType: 'Questionnaire';
  id: string;
  url: string;
  version: string;
  name: string;
  title: string;
  _title?: { extension: Extension[] };
  status: 'draft' | 'active' | 'retired';
  language: 'en';
  subjectType: ['Patient'];
  description?: string;
  item: QuestionnaireItem[];
}

export const FHIR_TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';
export const FHIR_MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
export const FHIR_MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
export const SCORE_EXTENSION = 'https://carethread.dev/fhir/StructureDefinition/score';
export const QUESTIONNAIRE_BASE = 'https://carethread.dev/fhir/Questionnaire';
export const CAHPS_FREQUENCY_SYSTEM = 'https://carethread.dev/fhir/CodeSystem/cahps-frequency';

function translation(es: string): { extension: Extension[] } {
  return { extension: [{ url: FHIR_TRANSLATION, extension: [{ url: 'lang', valueCode: 'es' }, { url: 'content', valueString: es }] }] };
}

function scored(kind: ScoreKind, extra: Extension[] = []): Extension[] {
  return [{ url: SCORE_EXTENSION, valueCode: kind }, ...extra];
}

function scale(linkId: string, kind: ScoreKind, min: number, max: number, en: string, es: string): QuestionnaireItem {
  return {
    linkId,
    type: 'integer',
    text: en,
    _text: translation(es),
    required: true,
    extension: scored(kind, [
      { url: FHIR_MIN_VALUE, valueInteger: min },
      { url: FHIR_MAX_VALUE, valueInteger: max },
    ]),
  };
}

const FREQUENCY: [code: string, en: string, es: string][] = [
  ['never', 'Never', 'Nunca'],
  ['sometimes', 'Sometimes', 'A veces'],
  ['usually', 'Usually', 'Casi siempre'],
  ['always', 'Always', 'Siempre'],
];

function frequency(linkId: string, en: string, es: string): QuestionnaireItem {
  return {
    linkId,
    type: 'choice',
    text: en,
    _text: translation(es),
    required: true,
    extension: scored('cahps_frequency'),
    answerOption: FREQUENCY.map(([code, display, spanish]) => ({ valueCoding: { system: CAHPS_FREQUENCY_SYSTEM, code, display, _display: translation(spanish) } })),
  };
}

function questionnaire(id: string, title: string, titleEs: string, description: string, item: QuestionnaireItem[]): Questionnaire {
  return {
    resourceType: 'Questionnaire',
    id,
    url: `${QUESTIONNAIRE_BASE}/${id}`,
    version: '1',
    name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    title,
    _title: translation(titleEs),
    status: 'active',
    language: 'en',
    subjectType: ['Patient'],
    description,
    item,
  };
}

const comment = (linkId: string): QuestionnaireItem => ({
  linkId,
  type: 'text',
  text: 'Anything you would like to tell us?',
  _text: translation('¿Hay algo más que quiera contarnos?'),
  required: false,
  extension: scored('comment'),
});

/** The built-in questionnaires, by id. */
export const BUILT_IN_QUESTIONNAIRES: Readonly<Record<string, Questionnaire>> = Object.freeze({
  csat: questionnaire('csat', 'Satisfaction (CSAT)', 'Satisfacción (CSAT)', 'Customer satisfaction, 1–5; reported as top-2-box (4 or 5).', [
    scale('csat', 'csat', 1, 5, 'How satisfied were you with how we handled your request? (1 = very dissatisfied, 5 = very satisfied)', '¿Qué tan satisfecho quedó con cómo atendimos su solicitud? (1 = muy insatisfecho, 5 = muy satisfecho)'),
    comment('comment'),
  ]),
  ces: questionnaire('ces', 'Effort (CES 2.0)', 'Esfuerzo (CES 2.0)', 'Customer Effort Score 2.0: agreement, 1–7, with "made it easy"; reported as mean and share 5–7.', [
    scale('ces', 'ces', 1, 7, 'The clinic made it easy for me to handle my request. (1 = strongly disagree, 7 = strongly agree)', 'La clínica me facilitó resolver mi solicitud. (1 = totalmente en desacuerdo, 7 = totalmente de acuerdo)'),
    comment('comment'),
  ]),
  nps: questionnaire('nps', 'Likelihood to recommend (NPS)', 'Probabilidad de recomendarnos (NPS)', 'Net Promoter Score, 0–10: % promoters (9–10) − % detractors (0–6).', [
    scale('nps', 'nps', 0, 10, 'How likely are you to recommend us to a friend or family member? (0 = not at all likely, 10 = extremely likely)', '¿Qué tan probable es que nos recomiende a un amigo o familiar? (0 = nada probable, 10 = muy probable)'),
    comment('comment'),
  ]),
  friction: questionnaire('friction', 'Repeating yourself and switching channels', 'Repetir información y cambiar de canal', 'The two questions of the industry friction studies.', [
    {
      linkId: 'repeat',
      type: 'boolean',
      text: 'Did you have to repeat information you had already given?',
      _text: translation('¿Tuvo que repetir información que ya había dado?'),
      required: true,
      extension: scored('repeat'),
    },
    scale('switch_ease', 'switch_ease', 1, 5, 'Was moving between channels (phone, text, chat, email, portal) easy? (1 = very hard, 5 = very easy)', '¿Fue fácil pasar de un canal a otro (teléfono, mensajes, chat, correo, portal)? (1 = muy difícil, 5 = muy fácil)'),
  ]),
  'cahps-style': questionnaire(
    'cahps-style',
    'Visit experience (CAHPS-style items, not the licensed CG-CAHPS instrument)',
    'Experiencia de la visita (preguntas al estilo CAHPS, no el instrumento CG-CAHPS con licencia)',
    'CAHPS-style items modelled on CG-CAHPS: Never/Sometimes/Usually/Always with top-box "Always", and a 0–10 provider rating with top-box 9–10. Not the licensed instrument.',
    [
      frequency('explained', 'How often did this provider explain things in a way that was easy to understand?', '¿Con qué frecuencia este proveedor le explicó las cosas de una manera fácil de entender?'),
      frequency('listened', 'How often did this provider listen carefully to you?', '¿Con qué frecuencia este proveedor le escuchó con atención?'),
      frequency('respect', 'How often did this provider show respect for what you had to say?', '¿Con qué frecuencia este proveedor mostró respeto por lo que usted tenía que decir?'),
      frequency('timely', 'How often did you get an appointment as soon as you needed?', '¿Con qué frecuencia consiguió una cita tan pronto como la necesitaba?'),
      scale('provider_rating', 'cahps_rating', 0, 10, 'Using any number from 0 to 10, where 0 is the worst provider possible and 10 is the best, what number would you use to rate this provider?', 'Usando un número del 0 al 10, donde 0 es el peor proveedor posible y 10 el mejor, ¿qué número usaría para calificar a este proveedor?'),
    ],
  ),
});

/** An item's text in the patient's language (English when no translation is given). */
export function itemText(item: { text: string; _text?: { extension: Extension[] } }, language: SurveyLanguage): string {
  if (language === 'en') return item.text;
  for (const ext of item._text?.extension ?? []) {
    if (ext.url !== FHIR_TRANSLATION) continue;
    const lang = ext.extension?.find((e) => e.url === 'lang')?.valueCode;
    const content = ext.extension?.find((e) => e.url === 'content')?.valueString;
    if (lang === language && content) return content;
  }
  return item.text;
}

export function scoreKindOf(item: QuestionnaireItem): ScoreKind {
  const code = item.extension?.find((e) => e.url === SCORE_EXTENSION)?.valueCode as ScoreKind | undefined;
  if (code) return code;
  return item.type === 'integer' ? 'rating' : item.type === 'boolean' ? 'yes_no' : item.type === 'choice' ? 'choice' : 'comment';
}

/** The inclusive range of an integer item (FHIR minValue/maxValue), or null for other items. */
export function scaleOf(item: QuestionnaireItem): { min: number; max: number } | null {
  if (item.type !== 'integer') return null;
  const min = item.extension?.find((e) => e.url === FHIR_MIN_VALUE)?.valueInteger;
  const max = item.extension?.find((e) => e.url === FHIR_MAX_VALUE)?.valueInteger;
  return min !== undefined && max !== undefined ? { min, max } : null;
}
