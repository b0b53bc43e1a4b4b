import type { Language } from '@carethread/core';

/**
 * What the phone line says, in English and Spanish, and how spoken or keyed answers are read.
 * Kept apart from the TwiML so the words can be reviewed (and translated) without reading code.
 */

/** Twilio's text-to-speech and speech-recognition locale for each language we speak. */
export const VOICE_LOCALE = { en: 'en-US', es: 'es-US' } as const satisfies Record<Language, string>;

export function languageOf(value: unknown): Language {
  return value === 'es' ? 'es' : 'en';
}

export function otherLanguage(language: Language): Language {
  return language === 'es' ? 'en' : 'es';
}

export interface Prompts {
  welcome(orgName: string): string;
  emergency(region: string): string;
  codePrompt: string;
  codeRetry: string;
  codeUnknown: string;
  codeExpired: string;
  codeUsed: string;
  codeRateLimited: string;
  /** Code entry is slowed or paused for the whole organisation (many wrong codes): the menu and a person remain. */
  codeEntryUnavailable: string;
  joined: string;
  menu: string;
  /** Said in the other language, inviting its speakers to switch. */
  switchLanguage: string;
  notAnOption: string;
  holding: string;
  /** Invites details (date of birth, medication…) while the caller waits to be connected. */
  details: string;
  position(n: number): string;
  stayOnLine: string;
  connecting: string;
  notInService: string;
  troubleHold: string;
  troubleGoodbye: string;
  allBusy: string;
  goodbye: string;
}

const EN: Prompts = {
  welcome: (orgName) => `Thank you for calling ${orgName}.`,
  emergency: (region) =>
    region === 'US' || region === 'CA'
      ? 'If this is a medical emergency, hang up and dial 9 1 1.'
      : 'If this is a medical emergency, hang up and call your local emergency number.',
  codePrompt: 'If you were just chatting or texting with us, enter or say your code now. Otherwise press pound.',
  codeRetry: 'Please enter or say your 8 digit code again, or press pound to continue.',
  codeUnknown: 'Sorry, that code was not recognised.',
  codeExpired: 'Sorry, that code has expired.',
  codeUsed: 'Sorry, that code has already been used.',
  codeRateLimited: "Too many codes have been tried from this phone, so we can't check another one right now.",
  codeEntryUnavailable: "Code entry is not available right now. You can still tell us why you are calling, or press 0 to speak to someone, and we will find your conversation.",
  joined: "Thank you. We found your conversation, so you won't need to repeat yourself.",
  menu: 'Please tell us briefly why you are calling. Or press 1 for appointments, 2 for prescriptions, 3 for test results, 4 for billing or insurance, or 0 to speak to someone.',
  switchLanguage: 'For English, press 9.',
  notAnOption: 'Sorry, that is not one of the options.',
  holding: 'Please hold while we connect you with the right team.',
  details: 'While we connect you, you can tell us anything else we should know, such as your date of birth. Or just stay on the line.',
  position: (n) => `You are number ${n} in line.`,
  stayOnLine: 'Please stay on the line. Someone will be with you shortly.',
  connecting: 'Connecting you now.',
  notInService: 'Sorry, this number is not set up to take calls. Goodbye.',
  troubleHold: 'Sorry, something went wrong on our side. Please hold, and someone will be with you.',
  troubleGoodbye: 'Sorry, something went wrong on our side. Please try again later. Goodbye.',
  allBusy: 'Sorry, all of our team members are busy right now. Please call again later, or send us a text message. Goodbye.',
  goodbye: 'Thank you for calling. Goodbye.',
};

const ES: Prompts = {
  welcome: (orgName) => `Gracias por llamar a ${orgName}.`,
  emergency: (region) =>
    region === 'US' || region === 'CA'
      ? 'Si se trata de una emergencia médica, cuelgue y marque el 9 1 1.'
      : 'Si se trata de una emergencia médica, cuelgue y llame al número de emergencias local.',
  codePrompt:
    'Si estaba conversando o intercambiando mensajes con nosotros, marque o diga su código ahora. De lo contrario, oprima la tecla numeral.',
  codeRetry: 'Marque o diga de nuevo su código de 8 dígitos, u oprima la tecla numeral para continuar.',
  codeUnknown: 'Lo sentimos, no reconocimos ese código.',
  codeExpired: 'Lo sentimos, ese código ha vencido.',
  codeUsed: 'Lo sentimos, ese código ya se utilizó.',
  codeRateLimited: 'Se han intentado demasiados códigos desde este teléfono, así que no podemos comprobar otro en este momento.',
  codeEntryUnavailable: 'En este momento no es posible marcar códigos. Puede decirnos el motivo de su llamada, u oprimir 0 para hablar con una persona, y buscaremos su conversación.',
  joined: 'Gracias. Encontramos su conversación, así que no tendrá que repetir nada.',
  menu: 'Díganos brevemente el motivo de su llamada. O bien oprima 1 para citas, 2 para recetas, 3 para resultados de análisis, 4 para facturación o seguro, o 0 para hablar con una persona.',
  switchLanguage: 'Para español, oprima 9.',
  notAnOption: 'Lo sentimos, esa no es una de las opciones.',
  holding: 'Por favor, espere mientras le comunicamos con el equipo indicado.',
  details: 'Mientras le comunicamos, puede decirnos cualquier otro dato que debamos saber, como su fecha de nacimiento. O simplemente espere en la línea.',
  position: (n) => `Usted es el número ${n} en la fila.`,
  stayOnLine: 'Por favor, no cuelgue. En breve le atenderemos.',
  connecting: 'Le estamos comunicando ahora.',
  notInService: 'Lo sentimos, este número no está configurado para recibir llamadas. Adiós.',
  troubleHold: 'Lo sentimos, tuvimos un problema. Por favor, espere y alguien le atenderá.',
  troubleGoodbye: 'Lo sentimos, tuvimos un problema. Por favor, vuelva a llamar más tarde. Adiós.',
  allBusy: 'Lo sentimos, en este momento todo nuestro equipo está ocupado. Vuelva a llamar más tarde o envíenos un mensaje de texto. Adiós.',
  goodbye: 'Gracias por llamar. Adiós.',
};

export function promptsFor(language: Language): Prompts {
  return language === 'es' ? ES : EN;
}

/** The keypad menu. The text is what the choice means, said as the patient would say it, so the pipeline classifies it like any message. */
export const MENU_CHOICES: Record<string, Record<Language, string>> = {
  '1': { en: "I'm calling about an appointment", es: 'Llamo por una cita' },
  '2': { en: "I'm calling about my prescription", es: 'Llamo por mi receta' },
  '3': { en: "I'm calling about my test results", es: 'Llamo por los resultados de mis análisis' },
  '4': { en: "I'm calling about my bill", es: 'Llamo por mi factura' },
  '0': { en: "I'd like to speak to someone", es: 'Quiero hablar con una persona' },
};
export const SWITCH_LANGUAGE_KEY = '9';

/** Words that help the recogniser on the menu (Twilio `hints`). */
export const MENU_HINTS: Record<Language, string> = {
  en: 'appointment, prescription, refill, test results, billing, insurance, agent, representative',
  es: 'cita, receta, resultados, factura, seguro, agente, representante',
};
export const CODE_HINTS: Record<Language, string> = {
  en: 'my code is, code',
  es: 'mi código es, código',
};

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  cero: '0', uno: '1', una: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9',
};

/**
 * Recognisers sometimes spell digits out ("four eight two…", "cuatro ocho dos…"); turning those
 * words into digits lets a spoken code or menu choice be read like keyed digits.
 */
export function spokenDigits(speech: string): string {
  return speech
    .normalize('NFC')
    .toLowerCase()
    .replace(/\p{L}+/gu, (word) => DIGIT_WORDS[word] ?? word);
}
