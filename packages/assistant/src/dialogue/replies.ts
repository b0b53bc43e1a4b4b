import type { Channel, FactName, Language } from '@carethread/core';
import type { OfferedSlot, Task } from './types.ts';

/**
 * Everything the assistant says, in English and Spanish. Kept apart from the policy so the
 * words can be reviewed and translated without reading the rules. Short on purpose: SMS is
 * cut at 320 characters, and on the phone every word is listened to.
 */

export const SMS_MAX_CHARS = 320;

interface Catalogue {
  hello: string;
  menu: string;
  welcome: string;
  thanks: string;
  notUnderstood: string;
  safeFallback: string;
  tooLong: string;
  ask: Record<FactName, string>;
  verifyIntro: string;
  verifyFailed: string;
  taskIntro: Record<Task, string>;
  offerSlots(slots: OfferedSlot[], voice: boolean): string;
  noSlots: string;
  /** A day the patient asked for that has already gone by: questioned, never moved. */
  datePassed(date: string): string;
  /** The kind of visit could not be worked out: which specialty, or which doctor. */
  askVisit(options: string[]): string;
  chooseAgain(n: number, voice: boolean): string;
  booked(label: string): string;
  noAppointment: string;
  yourAppointment(label: string): string;
  confirmCancel(label: string): string;
  cancelled(label: string): string;
  confirmed(label: string): string;
  rescheduled(label: string): string;
  keepAppointment: string;
  refillCreated(medication: string, pharmacy: string): string;
  results(available: number, pending: number, portal: string | null, voice: boolean): string;
  statement(lines: string[], balance: string | null): string;
  noStatement: string;
  unavailable: string;
  handoff: string;
  handoffRequested: string;
  handoffFrustration: string;
  anythingElse: string;
  waitAbout(minutes: number | null): string;
  callbackOffer(voice: boolean): string;
  callbackCreated: string;
  callbackFailed: string;
  /** Added to the first identity question: the one-time code is the other way. */
  codeHint(voice: boolean): string;
  codeSent(channel: 'sms' | 'email' | null, voice: boolean): string;
  askCode(voice: boolean): string;
  codeWrong: string;
  codeUnavailable: string;
  resultsCallbackOffer: string;
  clinicianCallbackCreated: string;
  noInterpretation: string;
  paymentPlanCreated(monthlyAmount: number | null): string;
  insuranceGeneral: string;
  insuranceMore: string;
  okNoOffer: string;
  /** After the wait: a call-back, or a continuation on the phone / by text where it can be offered. */
  handoffOptions(options: { phone: boolean; text: boolean }): string;
  continuationFailed: string;
}

/** "2026-12-01" → "Tuesday, December 1" / "martes 1 de diciembre". */
function dayName(date: string, language: Language): string {
  try {
    return new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
  } catch {
    return date;
  }
}

function listOf(items: string[], or: string): string {
  const shown = items.slice(0, 6);
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} ${or} ${shown.at(-1)}`;
}

function money(amount: number, language: Language): string {
  return language === 'es' ? `$${amount.toFixed(amount % 1 ? 2 : 0)}` : `$${amount.toFixed(amount % 1 ? 2 : 0)}`;
}

const EN: Catalogue = {
  hello: 'Hello!',
  menu: 'I can help with appointments, prescription refills, test results and billing. What do you need?',
  welcome: 'Hi, I am the virtual assistant.',
  thanks: "You're welcome. Take care!",
  notUnderstood: "Sorry, I didn't understand that.",
  safeFallback: 'I can help with appointments, refills, test results and billing, or connect you with our team.',
  tooLong: 'That was a long message, so I read the start of it.',
  ask: {
    givenName: 'What is your first name?',
    familyName: 'And your last name?',
    birthDate: 'What is your date of birth?',
    phone: 'What phone number can we reach you on?',
    email: 'What email address should we use?',
    reason: 'What is the visit for?',
    preferredTime: 'What day and time suit you best?',
    medication: 'Which medication do you need refilled?',
    pharmacy: 'Which pharmacy should we send it to?',
    memberId: 'What is your insurance member ID?',
    callbackNumber: 'What number should we call you back on?',
    mrn: 'What is your medical record number?',
  },
  verifyIntro: 'First I need to confirm who you are.',
  verifyFailed: "I couldn't confirm your details, so a member of our team will help you.",
  taskIntro: {
    schedule: "Sure, let's book an appointment.",
    reschedule: "Sure, let's move your appointment.",
    cancel: 'I can cancel your appointment.',
    confirm: 'I can confirm your appointment.',
    refill: 'I can request a refill for you.',
    results: 'I can check on your test results.',
    billing: 'I can explain your statement.',
  },
  offerSlots: (slots, voice) =>
    voice
      ? `I have ${slots.map((s, i) => `option ${i + 1}, ${s.label}`).join('; ')}. Say or press the option number.`
      : `I have: ${slots.map((s, i) => `${i + 1}) ${s.label}`).join(' ')}. Reply with the number you want.`,
  noSlots: "I couldn't find a free time that matches. Another day or time of day?",
  datePassed: (date) => `${dayName(date, 'en')} has already passed. Which day would you like instead?`,
  askVisit: (options) => `Which kind of visit is it${options.length ? ` (${listOf(options, 'or')})` : ''}? Or tell me your doctor's name.`,
  chooseAgain: (n, voice) => (voice ? `Please say or press a number from 1 to ${n}.` : `Please reply with a number from 1 to ${n}.`),
  booked: (label) => `You're booked: ${label}. We'll send you a reminder.`,
  noAppointment: "I couldn't find an upcoming appointment for you.",
  yourAppointment: (label) => `Your appointment is ${label}.`,
  confirmCancel: (label) => `Cancel your appointment ${label}? Please answer yes or no.`,
  cancelled: (label) => `Your appointment ${label} is cancelled.`,
  confirmed: (label) => `Your appointment ${label} is confirmed. See you then!`,
  rescheduled: (label) => `Done: your appointment is now ${label}.`,
  keepAppointment: 'OK, I kept your appointment as it is.',
  refillCreated: (medication, pharmacy) => `I've sent your ${medication} refill request to the clinic for ${pharmacy}. We'll tell you when it's ready.`,
  results: (available, pending, portal, voice) =>
    available > 0
      ? `You have ${available} new result${available === 1 ? '' : 's'}${pending ? ` and ${pending} still pending` : ''}. ${voice || !portal ? 'You can see them in the patient portal.' : `See them in the portal: ${portal}`} A clinician can call you to go over them.`
      : pending > 0
        ? `Your results are not ready yet (${pending} pending). We'll let you know.`
        : 'I found no new results for you.',
  statement: (lines, balance) => `${lines.join(' ')}${balance ? ` ${balance}` : ''} I can also request a payment plan.`,
  noStatement: "I couldn't find a statement for you.",
  unavailable: "I can't do that here right now, so I'm passing you to our team.",
  handoff: "I'm passing you to a member of our team, who can see everything you told me.",
  handoffRequested: "Of course, I'm connecting you with a member of our team. They'll see everything you told me.",
  handoffFrustration: "I'm sorry about this. I'm passing you to a member of our team, who can see everything you told me.",
  anythingElse: 'Anything else I can help with?',
  waitAbout: (m) => (m === null ? 'Someone will be with you as soon as possible.' : `The expected wait is about ${m} minute${m === 1 ? '' : 's'}.`),
  callbackOffer: (voice) => (voice ? 'To get a call back instead, say call me back.' : 'Rather not wait? Reply CALLBACK and we will call you back, or ask to continue by text or phone.'),
  callbackCreated: 'Done: we will call you back as soon as we can.',
  callbackFailed: "I couldn't arrange a call back from here, so please stay in this conversation: a member of our team will answer.",
  codeHint: (voice) => (voice ? 'Or say code, and we will text a code to the phone number we have on file.' : 'Or reply CODE to get a one-time code on the phone or email we have on file.'),
  codeSent: (channel, voice) =>
    `I sent a 6-digit code to the ${channel === 'email' ? 'email address' : 'mobile number'} we have on file. ${voice ? 'Please say or key it in.' : 'Please reply with it.'}`,
  askCode: (voice) => (voice ? 'Please say or key in the 6-digit code we sent you.' : 'Please reply with the 6-digit code we sent you.'),
  codeWrong: "That code didn't match.",
  codeUnavailable: "I can't send a code here, so let's use your name and date of birth.",
  resultsCallbackOffer: 'Would you like a clinician to call you to go over them? Please answer yes or no.',
  clinicianCallbackCreated: 'A clinician will call you to go over your results.',
  noInterpretation: "I can't interpret results here.",
  paymentPlanCreated: (m) => `I've asked our billing team to set up a payment plan${m ? ` of about ${money(m, 'en')} a month` : ''}. They will contact you to confirm it.`,
  insuranceGeneral: 'In general, your insurance plan decides what is covered; a copay, coinsurance or deductible is the part you pay yourself.',
  insuranceMore: 'For your own coverage or a claim, reply AGENT and our billing team will check it for you.',
  okNoOffer: 'OK.',
  handoffOptions: ({ phone, text }) =>
    `Rather not wait? Reply CALLBACK and we'll call you back${phone ? ', or CALL for a code to continue by phone' : ''}${text ? ', or TEXT to continue by text message' : ''}.`,
  continuationFailed: "I couldn't set that up from here, so please stay in this conversation: a member of our team will answer.",
};

const ES: Catalogue = {
  hello: '¡Hola!',
  menu: 'Puedo ayudarle con citas, recetas, resultados y facturas. ¿Qué necesita?',
  welcome: 'Hola, soy el asistente virtual.',
  thanks: 'De nada. ¡Que esté bien!',
  notUnderstood: 'Perdone, no le entendí.',
  safeFallback: 'Puedo ayudarle con citas, recetas, resultados y facturas, o comunicarle con nuestro equipo.',
  tooLong: 'Su mensaje era largo; leí el comienzo.',
  ask: {
    givenName: '¿Cuál es su nombre?',
    familyName: '¿Y su apellido?',
    birthDate: '¿Cuál es su fecha de nacimiento?',
    phone: '¿A qué teléfono le podemos llamar?',
    email: '¿Qué correo electrónico usamos?',
    reason: '¿Cuál es el motivo de la cita?',
    preferredTime: '¿Qué día y hora le vienen mejor?',
    medication: '¿Qué medicamento necesita renovar?',
    pharmacy: '¿A qué farmacia la enviamos?',
    memberId: '¿Cuál es su número de afiliado del seguro?',
    callbackNumber: '¿A qué número le devolvemos la llamada?',
    mrn: '¿Cuál es su número de historia clínica?',
  },
  verifyIntro: 'Primero necesito confirmar su identidad.',
  verifyFailed: 'No pude confirmar sus datos; una persona de nuestro equipo le ayudará.',
  taskIntro: {
    schedule: 'Claro, vamos a pedir una cita.',
    reschedule: 'Claro, vamos a cambiar su cita.',
    cancel: 'Puedo cancelar su cita.',
    confirm: 'Puedo confirmar su cita.',
    refill: 'Puedo pedir la renovación de su receta.',
    results: 'Puedo revisar sus resultados.',
    billing: 'Puedo explicarle su factura.',
  },
  offerSlots: (slots, voice) =>
    voice
      ? `Tengo ${slots.map((s, i) => `opción ${i + 1}, ${s.label}`).join('; ')}. Diga o marque el número de la opción.`
      : `Tengo: ${slots.map((s, i) => `${i + 1}) ${s.label}`).join(' ')}. Responda con el número que prefiera.`,
  noSlots: 'No encontré un horario libre que coincida. ¿Otro día u otra hora?',
  datePassed: (date) => `El ${dayName(date, 'es')} ya pasó. ¿Qué otro día le viene bien?`,
  askVisit: (options) => `¿Qué tipo de consulta necesita${options.length ? ` (${listOf(options, 'o')})` : ''}? O dígame el nombre de su médico.`,
  chooseAgain: (n, voice) => (voice ? `Diga o marque un número del 1 al ${n}.` : `Responda con un número del 1 al ${n}.`),
  booked: (label) => `Su cita quedó reservada: ${label}. Le enviaremos un recordatorio.`,
  noAppointment: 'No encontré ninguna cita próxima a su nombre.',
  yourAppointment: (label) => `Su cita es el ${label}.`,
  confirmCancel: (label) => `¿Cancelo su cita ${label}? Responda sí o no.`,
  cancelled: (label) => `Su cita ${label} quedó cancelada.`,
  confirmed: (label) => `Su cita ${label} quedó confirmada. ¡Hasta pronto!`,
  rescheduled: (label) => `Listo: su cita ahora es ${label}.`,
  keepAppointment: 'De acuerdo, su cita se mantiene.',
  refillCreated: (medication, pharmacy) => `Envié a la clínica su pedido de ${medication} para ${pharmacy}. Le avisaremos cuando esté lista.`,
  results: (available, pending, portal, voice) =>
    available > 0
      ? `Tiene ${available} resultado${available === 1 ? '' : 's'} nuevo${available === 1 ? '' : 's'}${pending ? ` y ${pending} pendiente${pending === 1 ? '' : 's'}` : ''}. ${voice || !portal ? 'Puede verlos en el portal del paciente.' : `Véalos en el portal: ${portal}`} Un profesional puede llamarle para revisarlos.`
      : pending > 0
        ? `Sus resultados aún no están listos (${pending} pendientes). Le avisaremos.`
        : 'No encontré resultados nuevos.',
  statement: (lines, balance) => `${lines.join(' ')}${balance ? ` ${balance}` : ''} También puedo pedir un plan de pagos.`,
  noStatement: 'No encontré ninguna factura a su nombre.',
  unavailable: 'No puedo hacerlo por aquí ahora; le paso con nuestro equipo.',
  handoff: 'Le paso con una persona de nuestro equipo, que verá todo lo que me dijo.',
  handoffRequested: 'Claro, le comunico con una persona de nuestro equipo. Verá todo lo que me dijo.',
  handoffFrustration: 'Lo siento. Le paso con una persona de nuestro equipo, que verá todo lo que me dijo.',
  anythingElse: '¿Algo más en que le pueda ayudar?',
  waitAbout: (m) => (m === null ? 'Alguien le atenderá lo antes posible.' : `La espera estimada es de unos ${m} minuto${m === 1 ? '' : 's'}.`),
  callbackOffer: (voice) => (voice ? 'Si prefiere que le llamemos, diga llámenme.' : '¿Prefiere no esperar? Responda LLAMADA y le llamamos, o pida seguir por mensaje o teléfono.'),
  callbackCreated: 'Listo: le llamaremos lo antes posible.',
  callbackFailed: 'No pude programar la llamada desde aquí; por favor siga en esta conversación: una persona de nuestro equipo le responderá.',
  codeHint: (voice) => (voice ? 'O diga código, y le enviaremos un código por mensaje al teléfono que tenemos registrado.' : 'O responda CÓDIGO para recibir un código en el teléfono o correo que tenemos registrado.'),
  codeSent: (channel, voice) =>
    `Le envié un código de 6 dígitos al ${channel === 'email' ? 'correo electrónico' : 'teléfono móvil'} que tenemos registrado. ${voice ? 'Dígalo o márquelo, por favor.' : 'Respóndame con él, por favor.'}`,
  askCode: (voice) => (voice ? 'Diga o marque el código de 6 dígitos que le enviamos.' : 'Responda con el código de 6 dígitos que le enviamos.'),
  codeWrong: 'Ese código no coincide.',
  codeUnavailable: 'No puedo enviarle un código por aquí; usemos su nombre y fecha de nacimiento.',
  resultsCallbackOffer: '¿Quiere que un profesional le llame para revisarlos? Responda sí o no.',
  clinicianCallbackCreated: 'Un profesional le llamará para revisar sus resultados.',
  noInterpretation: 'No puedo interpretar resultados por aquí.',
  paymentPlanCreated: (m) => `Pedí a nuestro equipo de facturación un plan de pagos${m ? ` de unos ${money(m, 'es')} al mes` : ''}. Le contactarán para confirmarlo.`,
  insuranceGeneral: 'En general, su plan de seguro decide qué está cubierto; el copago, el coseguro o el deducible es la parte que paga usted.',
  insuranceMore: 'Para su cobertura o un reclamo, responda AGENTE y nuestro equipo de facturación lo revisará.',
  okNoOffer: 'De acuerdo.',
  handoffOptions: ({ phone, text }) =>
    `¿Prefiere no esperar? Responda LLAMADA y le llamamos${phone ? ', TELEFONO y le damos un código para seguir por teléfono' : ''}${text ? ', o TEXTO para seguir por mensaje de texto' : ''}.`,
  continuationFailed: 'No pude hacerlo desde aquí; por favor siga en esta conversación: una persona de nuestro equipo le responderá.',
};

export function catalogue(language: Language): Catalogue {
  return language === 'es' ? ES : EN;
}

/**
 * Makes a reply fit its channel: on the phone, no links, symbols or emoji (they are read out
 * letter by letter); on SMS, at most 320 characters, cut at a word.
 */
export function shapeForChannel(text: string, channel: Channel): string {
  let out = text.replace(/\s+/g, ' ').trim();
  if (channel === 'voice') {
    out = out
      .replace(/https?:\/\/\S+/g, '')
      .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
      .replace(/[<>{}[\]#*_~|^`\\]/g, ' ')
      .replace(/(\d)\)/g, '$1,')
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (channel === 'sms' && out.length > SMS_MAX_CHARS) {
    const cut = out.slice(0, SMS_MAX_CHARS - 1);
    const space = cut.lastIndexOf(' ');
    out = `${(space > SMS_MAX_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
  }
  return out;
}

export const DEFAULT_EMERGENCY_GUIDANCE = {
  en: 'If this is an emergency, call 911 now or go to the nearest emergency room.',
  es: 'Si es una emergencia, llame al 911 ahora o vaya a la sala de emergencias más cercana.',
};
export const DEFAULT_CRISIS_GUIDANCE = {
  en: 'You are not alone. Call or text 988 (Suicide and Crisis Lifeline) now. If you are in danger, call 911.',
  es: 'No está solo. Llame o envíe un mensaje al 988 (Línea de Crisis) ahora. Si está en peligro, llame al 911.',
};
/** Said when a message may be urgent but names no red flag the rules know: a nurse reads it first. */
export const DEFAULT_NURSE_GUIDANCE = {
  en: 'I am passing your message to our nurse line now so a nurse can look at it first. If it gets worse, or you think it is an emergency, call 911 now.',
  es: 'Paso su mensaje ahora a nuestra línea de enfermería para que una enfermera lo revise primero. Si empeora, o cree que es una emergencia, llame al 911 ahora.',
};
export const DEFAULT_POISON_GUIDANCE = {
  en: 'Call Poison Control at 1-800-222-1222 now. If the person is not breathing or will not wake up, call 911.',
  es: 'Llame a Control de Envenenamientos al 1-800-222-1222 ahora. Si la persona no respira o no despierta, llame al 911.',
};
