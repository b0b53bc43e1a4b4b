import type { Language } from '@carethread/core';

/** Every word the portal shows, in English and Spanish. */
export const PORTAL_TEXT = {
  en: {
    portal: 'Patient portal',
    skip: 'Skip to main content',
    language: 'Language',
    signInTitle: 'Sign in to your patient portal',
    signInIntro: 'We will send a 6-digit code to your mobile phone or email. After you sign in you can read your open requests and write to your care team.',
    addressLabel: 'Mobile phone number or email address',
    addressHint: 'For example +1 212 555 0142 or name@example.org.',
    dobLabel: 'Date of birth (optional)',
    dobHint: 'Only needed when family members share this phone number or email. Format: year-month-day, for example 1961-03-14.',
    sendCode: 'Send me a code',
    verifyTitle: 'Enter your code',
    codeSentTo: (masked: string, org: string) =>
      `If ${masked} belongs to a patient of ${org}, we have sent a 6-digit code to it. The code expires in 10 minutes.`,
    codeLabel: '6-digit code',
    codeHint: 'Type the 6 digits from the message. Spaces are fine.',
    signIn: 'Sign in',
    resend: 'Send a new code',
    differentAddress: 'Use a different phone number or email',
    noCodeHelp:
      'No code? Check the number or address, add your date of birth if your family shares it, or wait 15 minutes before asking again.',
    newCodeSent: 'If the details match our records, a new code is on its way.',
    errorSummary: 'There is a problem',
    errAddress: 'Enter a mobile phone number (such as +1 212 555 0142) or an email address.',
    errDob: 'Enter the date of birth as year-month-day, for example 1961-03-14.',
    errCode: 'That code is not valid or has expired. After 5 wrong tries a code stops working: send a new one.',
    errCodeFormat: 'Enter the 6 digits of your code.',
    errExpiredForm: 'This page was open too long. Please try again.',
    errMessageEmpty: 'Write a message before sending.',
    errMessageLong: 'Messages are limited to 5000 characters.',
    errUnknownCase: 'That request is no longer available.',
    sessionEnded: 'You were signed out after 30 minutes without activity. Sign in again to continue.',
    signedOut: 'You have signed out.',
    inboxTitle: 'Your requests',
    signedInAs: (name: string) => `Signed in as ${name}`,
    signOut: 'Sign out',
    openRequests: 'Open requests',
    noOpenRequests: 'You have no open requests.',
    opened: (date: string) => `Opened ${date}`,
    noMessages: 'No messages on this request yet.',
    replyLabel: 'Write a message about this request',
    send: 'Send message',
    newRequest: 'Start a new request',
    newRequestLabel: 'What can we help you with?',
    newRequestHint: 'For example a prescription refill, an appointment, a bill or a question for your care team.',
    sent: 'Your message was sent. Your care team will answer here.',
    emergency: 'In an emergency, call 911.',
    you: 'You',
    careTeam: 'Care team',
    assistant: 'Virtual assistant',
    automatic: 'Automatic message',
    via: 'via',
    messagesOn: (type: string) => `Messages about ${type}`,
    unknownOrg: 'This portal link is not complete. Use the link on your health care provider’s website.',
    notFoundTitle: 'Portal not found',
  },
  es: {
    portal: 'Portal del paciente',
    skip: 'Ir al contenido principal',
    language: 'Idioma',
    signInTitle: 'Inicie sesión en su portal del paciente',
    signInIntro: 'Le enviaremos un código de 6 dígitos a su teléfono móvil o a su correo electrónico. Después podrá leer sus solicitudes abiertas y escribir a su equipo de atención.',
    addressLabel: 'Número de teléfono móvil o correo electrónico',
    addressHint: 'Por ejemplo +1 212 555 0142 o nombre@example.org.',
    dobLabel: 'Fecha de nacimiento (opcional)',
    dobHint: 'Solo hace falta si varios familiares comparten este teléfono o correo. Formato: año-mes-día, por ejemplo 1961-03-14.',
    sendCode: 'Enviarme un código',
    verifyTitle: 'Escriba su código',
    codeSentTo: (masked: string, org: string) =>
      `Si ${masked} pertenece a un paciente de ${org}, le hemos enviado un código de 6 dígitos. El código vence en 10 minutos.`,
    codeLabel: 'Código de 6 dígitos',
    codeHint: 'Escriba los 6 dígitos del mensaje. Puede usar espacios.',
    signIn: 'Iniciar sesión',
    resend: 'Enviar un código nuevo',
    differentAddress: 'Usar otro teléfono o correo',
    noCodeHelp:
      '¿No le llegó el código? Revise el número o la dirección, añada su fecha de nacimiento si su familia los comparte, o espere 15 minutos antes de pedir otro.',
    newCodeSent: 'Si los datos coinciden con nuestros registros, le estamos enviando un código nuevo.',
    errorSummary: 'Hay un problema',
    errAddress: 'Escriba un número de teléfono móvil (como +1 212 555 0142) o un correo electrónico.',
    errDob: 'Escriba la fecha de nacimiento como año-mes-día, por ejemplo 1961-03-14.',
    errCode: 'Ese código no es válido o ha vencido. Después de 5 intentos fallidos el código deja de funcionar: pida uno nuevo.',
    errCodeFormat: 'Escriba los 6 dígitos de su código.',
    errExpiredForm: 'Esta página estuvo abierta demasiado tiempo. Inténtelo de nuevo.',
    errMessageEmpty: 'Escriba un mensaje antes de enviarlo.',
    errMessageLong: 'Los mensajes tienen un límite de 5000 caracteres.',
    errUnknownCase: 'Esa solicitud ya no está disponible.',
    sessionEnded: 'Cerramos su sesión tras 30 minutos sin actividad. Inicie sesión de nuevo para continuar.',
    signedOut: 'Ha cerrado la sesión.',
    inboxTitle: 'Sus solicitudes',
    signedInAs: (name: string) => `Sesión iniciada como ${name}`,
    signOut: 'Cerrar sesión',
    openRequests: 'Solicitudes abiertas',
    noOpenRequests: 'No tiene solicitudes abiertas.',
    opened: (date: string) => `Abierta el ${date}`,
    noMessages: 'Todavía no hay mensajes en esta solicitud.',
    replyLabel: 'Escriba un mensaje sobre esta solicitud',
    send: 'Enviar mensaje',
    newRequest: 'Iniciar una solicitud nueva',
    newRequestLabel: '¿En qué podemos ayudarle?',
    newRequestHint: 'Por ejemplo renovar una receta, una cita, una factura o una pregunta para su equipo de atención.',
    sent: 'Su mensaje fue enviado. Su equipo de atención le responderá aquí.',
    emergency: 'En caso de emergencia, llame al 911.',
    you: 'Usted',
    careTeam: 'Equipo de atención',
    assistant: 'Asistente virtual',
    automatic: 'Mensaje automático',
    via: 'por',
    messagesOn: (type: string) => `Mensajes sobre ${type}`,
    unknownOrg: 'Este enlace del portal no está completo. Use el enlace del sitio web de su centro de salud.',
    notFoundTitle: 'Portal no encontrado',
  },
} as const;

export type PortalText = (typeof PORTAL_TEXT)['en'] | (typeof PORTAL_TEXT)['es'];

export const CHANNEL_LABELS: Record<Language, Record<string, string>> = {
  en: { voice: 'Phone call', sms: 'Text message', webchat: 'Web chat', email: 'Email', portal: 'Patient portal', in_person: 'In person' },
  es: { voice: 'Llamada', sms: 'Mensaje de texto', webchat: 'Chat web', email: 'Correo electrónico', portal: 'Portal del paciente', in_person: 'En persona' },
};

export const REQUEST_TYPE_LABELS: Record<Language, Record<string, string>> = {
  en: {
    scheduling: 'Appointment',
    prescription: 'Prescription',
    results: 'Test results',
    billing: 'Billing',
    insurance: 'Insurance',
    clinical_question: 'Question for your care team',
    records: 'Medical records',
    other: 'General request',
  },
  es: {
    scheduling: 'Cita',
    prescription: 'Receta',
    results: 'Resultados de pruebas',
    billing: 'Facturación',
    insurance: 'Seguro médico',
    clinical_question: 'Pregunta para su equipo de atención',
    records: 'Historial médico',
    other: 'Solicitud general',
  },
};

export function pickLanguage(requested: string | undefined, acceptLanguage: string | undefined): Language {
  if (requested === 'en' || requested === 'es') return requested;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('es') ? 'es' : 'en';
}

export function formatTime(iso: string, language: Language, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(Date.parse(iso)));
  } catch {
    return new Date(Date.parse(iso)).toISOString();
  }
}

export function formatDate(iso: string, language: Language, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeZone }).format(new Date(Date.parse(iso)));
  } catch {
    return iso.slice(0, 10);
  }
}

/** Enough of the address for the patient to recognise it, too little for someone looking over their shoulder. */
export function maskAddress(kind: 'phone' | 'email', value: string, language: Language): string {
  if (kind === 'phone') {
    const last = value.slice(-4);
    return language === 'es' ? `el teléfono terminado en ${last}` : `the phone number ending in ${last}`;
  }
  const [local, domain] = value.split('@');
  return `${(local ?? '').slice(0, 1)}•••@${domain ?? ''}`;
}
