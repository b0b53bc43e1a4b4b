import type { Lang } from './protocol.ts';

export interface Strings {
  launcher: string;
  newMessages: (n: number) => string;
  title: string;
  close: string;
  switchLanguage: string;
  switchLanguageLang: Lang;
  log: string;
  intro: string;
  noFiles: string;
  you: string;
  clinic: string;
  assistant: string;
  system: string;
  sending: string;
  sent: string;
  read: string;
  failed: string;
  retry: string;
  typing: string;
  messageLabel: string;
  hint: string;
  send: string;
  continuePhone: string;
  connecting: string;
  reconnecting: string;
  unavailable: string;
  callIntro: (number: string) => string;
  codeLabel: string;
  validUntil: (time: string) => string;
  backToChat: string;
  noAgent: string;
  continueSms: string;
  continueEmail: string;
  phoneLabel: string;
  emailLabel: string;
  submitAddress: string;
  cancel: string;
  myPhoneIs: (v: string) => string;
  myEmailIs: (v: string) => string;
  smsSent: string;
  emailSent: string;
  addressNotUsable: string;
  needCaseFirst: string;
  tooLong: string;
  slowDown: string;
  genericError: string;
  spokenDigits: (code: string) => string;
}

const digitsSpaced = (code: string) => code.split('').join(' ');

export const STRINGS: Record<Lang, Strings> = {
  en: {
    launcher: 'Chat with us',
    newMessages: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
    title: 'Chat with us',
    close: 'Close chat',
    switchLanguage: 'Español',
    switchLanguageLang: 'es',
    log: 'Conversation',
    intro: 'Hello! Write your question below and our team will answer here.',
    noFiles: 'Text only: please do not send photos or documents here. In an emergency, call 911.',
    you: 'You',
    clinic: 'Clinic',
    assistant: 'Virtual assistant',
    system: 'Automated message',
    sending: 'Sending',
    sent: 'Sent',
    read: 'Read',
    failed: 'Not sent',
    retry: 'Try again',
    typing: 'Clinic is typing…',
    messageLabel: 'Your message',
    hint: 'Enter sends, Shift+Enter starts a new line.',
    send: 'Send',
    continuePhone: 'Continue by phone',
    connecting: 'Connecting…',
    reconnecting: 'Connection lost. Reconnecting…',
    unavailable: 'Chat is not available on this site right now.',
    callIntro: (n) => `Call ${n} and enter this code when asked:`,
    codeLabel: 'Your code',
    validUntil: (t) => `The code is valid until ${t}. The person who answers will see this conversation.`,
    backToChat: 'Back to the chat',
    noAgent: 'Nobody is free to answer right now. We can carry on by text message or email, and you will not have to repeat yourself.',
    continueSms: 'Continue by text message',
    continueEmail: 'Continue by email',
    phoneLabel: 'Your mobile number',
    emailLabel: 'Your email address',
    submitAddress: 'Continue',
    cancel: 'Cancel',
    myPhoneIs: (v) => `My mobile number is ${v}`,
    myEmailIs: (v) => `My email is ${v}`,
    smsSent: 'We sent you a text message. Reply to it to carry on with this conversation.',
    emailSent: 'We sent you an email. Reply to it to carry on with this conversation.',
    addressNotUsable: 'We could not use that. Please check it and try again.',
    needCaseFirst: 'Tell us first what you need, then you can continue by phone.',
    tooLong: 'That message is too long (at most 4,000 characters).',
    slowDown: 'You are sending messages very fast. Please wait a moment.',
    genericError: 'Something went wrong. Please try again.',
    spokenDigits: digitsSpaced,
  },
  es: {
    launcher: 'Chatee con nosotros',
    newMessages: (n) => (n === 1 ? '1 mensaje nuevo' : `${n} mensajes nuevos`),
    title: 'Chatee con nosotros',
    close: 'Cerrar el chat',
    switchLanguage: 'English',
    switchLanguageLang: 'en',
    log: 'Conversación',
    intro: '¡Hola! Escriba su pregunta abajo y nuestro equipo le responderá aquí.',
    noFiles: 'Solo texto: no envíe fotos ni documentos por aquí. En caso de emergencia, llame al 911.',
    you: 'Usted',
    clinic: 'Clínica',
    assistant: 'Asistente virtual',
    system: 'Mensaje automático',
    sending: 'Enviando',
    sent: 'Enviado',
    read: 'Leído',
    failed: 'No enviado',
    retry: 'Reintentar',
    typing: 'La clínica está escribiendo…',
    messageLabel: 'Su mensaje',
    hint: 'Intro envía, Mayús+Intro empieza una línea nueva.',
    send: 'Enviar',
    continuePhone: 'Continuar por teléfono',
    connecting: 'Conectando…',
    reconnecting: 'Se perdió la conexión. Reconectando…',
    unavailable: 'El chat no está disponible en este sitio ahora mismo.',
    callIntro: (n) => `Llame al ${n} e introduzca este código cuando se lo pidan:`,
    codeLabel: 'Su código',
    validUntil: (t) => `El código vale hasta las ${t}. Quien le atienda verá esta conversación.`,
    backToChat: 'Volver al chat',
    noAgent: 'Ahora mismo no hay nadie disponible. Podemos seguir por mensaje de texto o por correo, sin que tenga que repetir nada.',
    continueSms: 'Continuar por mensaje de texto',
    continueEmail: 'Continuar por correo',
    phoneLabel: 'Su número de móvil',
    emailLabel: 'Su correo electrónico',
    submitAddress: 'Continuar',
    cancel: 'Cancelar',
    myPhoneIs: (v) => `Mi número de móvil es ${v}`,
    myEmailIs: (v) => `Mi correo es ${v}`,
    smsSent: 'Le enviamos un mensaje de texto. Respóndalo para seguir con esta conversación.',
    emailSent: 'Le enviamos un correo. Respóndalo para seguir con esta conversación.',
    addressNotUsable: 'No pudimos usar ese dato. Revíselo e inténtelo de nuevo.',
    needCaseFirst: 'Cuéntenos primero qué necesita; luego podrá continuar por teléfono.',
    tooLong: 'El mensaje es demasiado largo (máximo 4.000 caracteres).',
    slowDown: 'Está enviando mensajes muy rápido. Espere un momento.',
    genericError: 'Algo salió mal. Inténtelo de nuevo.',
    spokenDigits: digitsSpaced,
  },
};

export function pickLanguage(...candidates: Array<string | null | undefined>): Lang {
  for (const c of candidates) {
    const base = c?.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'es') return base;
  }
  return 'en';
}

/** "+15550100100" → "+1 555-010-0100" for North American numbers; others as given. */
export function displayPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `+1 ${m[1]}-${m[2]}-${m[3]}` : e164;
}
