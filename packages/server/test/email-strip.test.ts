import { describe, expect, it } from 'vitest';
import { stripQuotedReply } from '../src/channels/email/index.ts';

// Replies as the common mail clients lay them out, each with the text a person reads as new.
// Written for carethread: every name, address and number is made up.

interface Fixture {
  client: string;
  what: string;
  mail: string[];
  visible: string;
}

const clinicQuote = ['> Your appointment is on Tuesday, 3 March at 10:00.', '> Reply to this message to change it.'];
const clinicQuoteEs = ['> Su cita es el martes 3 de marzo a las 10:00.', '> Responda a este mensaje para cambiarla.'];
const oldMail = ['Your appointment is on Tuesday, 3 March at 10:00.', 'Reply to this message to change it.'];
const oldMailEs = ['Su cita es el martes 3 de marzo a las 10:00.', 'Responda a este mensaje para cambiarla.'];

const quoteHeaders: Fixture[] = [
  { client: 'Gmail', what: 'header on one line', mail: ['Can we make it 11 instead?', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <care@demo.carethread.local> wrote:', '', ...clinicQuote], visible: 'Can we make it 11 instead?' },
  { client: 'Gmail', what: 'header wrapped after the name', mail: ['Yes, Tuesday is fine.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health', '<care@demo.carethread.local> wrote:', '', ...clinicQuote], visible: 'Yes, Tuesday is fine.' },
  { client: 'Gmail', what: 'header wrapped inside the address', mail: ['I will be there.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <', 'care@demo.carethread.local> wrote:', '', ...clinicQuote], visible: 'I will be there.' },
  { client: 'Gmail', what: 'header over three lines with "wrote:" alone', mail: ['Please call me after five.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <', 'care@demo.carethread.local>', 'wrote:', '', ...clinicQuote], visible: 'Please call me after five.' },
  { client: 'Gmail', what: 'address glued to "wrote:"', mail: ['Thanks!', '', 'On Mon, Mar 2, 2026 at 10:14 AM, Riverside Health', '<care@demo.carethread.local>wrote:', '', ...clinicQuote], visible: 'Thanks!' },
  { client: 'Gmail', what: 'date-first header', mail: ['Got it, see you then.', '', 'On 2026-03-02 at 10:14, Dana <d@example.org> wrote:', '> Can you confirm the time?'], visible: 'Got it, see you then.' },
  { client: 'Gmail (other locale)', what: 'date-first header with no verb, ending in ":"', mail: ['Thank you for the reminder.', '', '2026-03-02 10:14 GMT+01:00 Riverside Health <care@demo.carethread.local>:', '', ...clinicQuote], visible: 'Thank you for the reminder.' },
  { client: 'Gmail (other locale)', what: 'date-first header with no verb and no colon, then the quote', mail: ['Fine by me.', '2026/3/2 Riverside Health <care@demo.carethread.local>', '', ...clinicQuote], visible: 'Fine by me.' },
  { client: 'Gmail Android', what: 'quoted name and address', mail: ['On my way', '', 'On Mar 2, 2026 10:14 AM, "Riverside Health" <care@demo.carethread.local> wrote:', '>', ...clinicQuote], visible: 'On my way' },
  { client: 'Gmail Android', what: 'long quoted lines wrapped without ">"', mail: ['Works for me', '', 'On Mar 2, 2026 10:14 AM, "Riverside Health" <care@demo.carethread.local> wrote:', '> Your appointment with the cardiology clinic is on Tuesday, 3 March at', '10:00 in building B, second floor.', '> Please bring your medication list and any recent test results with', 'you, and arrive fifteen minutes early.', '> Riverside Health'], visible: 'Works for me' },
  { client: 'Gmail', what: 'header and reply on the same line', mail: ['Yes please On Mon, Mar 2, 2026 at 10:14 AM, care@demo.carethread.local wrote:', ...clinicQuote], visible: 'Yes please' },
  { client: 'Gmail', what: 'header after dashes on the same line', mail: ['Confirmed--- On Mon, Mar 2, 2026 at 10:14 AM, care@demo.carethread.local wrote:', ...clinicQuote], visible: 'Confirmed' },
  { client: 'Gmail', what: 'nested replies', mail: ['Third answer: the 10th works.', '', 'On Tue, Mar 3, 2026 at 9:00 AM Riverside Health <care@demo.carethread.local> wrote:', '', '> Which date suits you?', '>', '> On Mon, Mar 2, 2026 at 8:00 PM Dana <d@example.org> wrote:', '>', '>> Second answer.', '>>', '>>> First message.'], visible: 'Third answer: the 10th works.' },
  { client: 'Apple Mail', what: 'header with "at" and a bare name', mail: ['Perfect, thank you.', '', 'On 2 Mar 2026, at 10:14, Riverside Health wrote:', '', ...clinicQuote], visible: 'Perfect, thank you.' },
  { client: 'Apple Mail', what: 'header itself quoted', mail: ['Thank you', '> On 2 Mar 2026, at 10:14, Riverside Health <care@demo.carethread.local> wrote:', '>', ...clinicQuote], visible: 'Thank you' },
  { client: 'iOS Mail', what: '"Sent from my iPhone" above the header', mail: ['Running ten minutes late', '', 'Sent from my iPhone', '', 'On Mar 2, 2026, at 10:14 AM, Riverside Health <care@demo.carethread.local> wrote:', '', ...clinicQuote], visible: 'Running ten minutes late' },
  { client: 'iOS Mail', what: 'header without ">" under it', mail: ['Yes', '', 'Sent from my iPhone', '', 'On Mar 2, 2026, at 10:14 AM, Riverside Health <care@demo.carethread.local> wrote:', '', ...oldMail], visible: 'Yes' },
  { client: 'Thunderbird', what: 'slashed date, reply under the quote', mail: ['On 03/02/2026 10:14 AM, Riverside Health wrote:', '> Which pharmacy should we send it to?', 'The one on Main Street.'], visible: 'The one on Main Street.' },
  { client: 'Thunderbird', what: 'bottom-post with greeting kept around the quote', mail: ['Hello,', '', 'On 02/03/2026 10:14, Riverside Health wrote:', '> Which pharmacy should we send it to?', '', 'The one on Main Street.', '', 'Dana'], visible: 'Hello,\n\nThe one on Main Street.\n\nDana' },
  { client: 'Thunderbird', what: 'interleaved answers', mail: ['On 02/03/2026 10:14, Riverside Health wrote:', '> Which pharmacy?', '', 'Main Street.', '', '> Morning or afternoon?', '', 'Morning.'], visible: 'Main Street.\n\nMorning.' },
  { client: 'Yahoo Mail', what: 'long date with seconds and time zone', mail: ['I need a new inhaler prescription.', '', 'On Monday, March 2, 2026, 10:14:05 AM GMT+1, Riverside Health <care@demo.carethread.local> wrote:', '', ...oldMail], visible: 'I need a new inhaler prescription.' },
  { client: 'Yahoo Mail', what: '"----- Original Message -----" with its headers', mail: ['Please cancel it.', '', '', '----- Original Message -----', 'From: Riverside Health <care@demo.carethread.local>', 'To: d@example.org', 'Cc:', 'Sent: Monday, March 2, 2026 10:14 AM', 'Subject: Appointment', '', ...oldMail], visible: 'Please cancel it.' },
  { client: 'Samsung Email', what: '"sent:" instead of "wrote:"', mail: ['Yes that works', '', 'On 02-Mar-2026, at 10:14 AM, Riverside Health <care@demo.carethread.local> sent:', '', ...clinicQuote], visible: 'Yes that works' },
  { client: 'Samsung Email', what: 'header without "On": name and address then "wrote:"', mail: ['Thanks, I will come.', '', 'Sent from my Galaxy', '', 'Riverside Health <care@demo.carethread.local> wrote:', '', ...oldMail], visible: 'Thanks, I will come.' },
  { client: 'Mailing list style', what: 'header framed by dashes', mail: ['Noted.', '', '------On 03/02/2026 10:14 AM, Riverside Health wrote-----', '', ...oldMail], visible: 'Noted.' },
  { client: 'Gmail', what: 'broken link inside the quote', mail: ['OK', '', 'On Mon, Mar 2, 2026 at 10:14 AM, Riverside Health wrote:', '', '> Confirm here (https://demo.carethread.local/confirm?case=', 'a1b2c3)', '>', '> Riverside Health'], visible: 'OK' },
  { client: 'Gmail', what: 'link alone between quoted lines', mail: ['Done', '', 'On Mon, Mar 2, 2026 at 10:14 AM, Riverside Health wrote:', '>', '> Manage your visits', ' (https://demo.carethread.local/visits) >', '> Riverside Health'], visible: 'Done' },
  { client: 'Gmail', what: 'signature under the reply and above the header', mail: ['Could you send the invoice again?', '', '-- ', 'Dana Example', 'Tel. 555-0100', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <care@demo.carethread.local> wrote:', ...clinicQuote], visible: 'Could you send the invoice again?' },
  { client: 'Gmail', what: 'signature under the quote', mail: ['See you Tuesday.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <care@demo.carethread.local> wrote:', ...clinicQuote, '', '--', 'Dana'], visible: 'See you Tuesday.' },
  { client: 'French Gmail', what: '"a écrit :" with a space before the colon', mail: ['Merci, à mardi.', '', 'Le lun. 2 mars 2026 à 10:14, Riverside Health <care@demo.carethread.local> a écrit :', '', ...clinicQuote], visible: 'Merci, à mardi.' },
  { client: 'German Gmail', what: '"schrieb" before the name, header ending in ">:"', mail: ['Danke, bis Dienstag.', '', 'Am 02.03.2026 um 10:14 schrieb Riverside Health <', 'care@demo.carethread.local>:', '', ...clinicQuote], visible: 'Danke, bis Dienstag.' },
];

const quoteHeadersEs: Fixture[] = [
  { client: 'Gmail ES', what: 'weekday, "a las" and the address in brackets', mail: ['¿Podría ser a las 11?', '', 'El lun, 2 mar 2026 a las 10:14, Riverside Health (<care@demo.carethread.local>) escribió:', '', ...clinicQuoteEs], visible: '¿Podría ser a las 11?' },
  { client: 'Gmail ES', what: 'header wrapped over two lines', mail: ['Sí, el martes me va bien.', '', 'El lun, 2 mar 2026 a las 10:14, Riverside Health (<', 'care@demo.carethread.local>) escribió:', '', ...clinicQuoteEs], visible: 'Sí, el martes me va bien.' },
  { client: 'Gmail ES', what: 'header over three lines', mail: ['Allí estaré.', '', 'El lun, 2 mar 2026 a las 10:14,', 'Riverside Health (<care@demo.carethread.local>)', 'escribió:', '', ...clinicQuoteEs], visible: 'Allí estaré.' },
  { client: 'Outlook móvil ES', what: 'numeric date', mail: ['Gracias, confirmo.', '', 'El 02/03/2026 10:14, Riverside Health <care@demo.carethread.local> escribió:', '', ...clinicQuoteEs], visible: 'Gracias, confirmo.' },
  { client: 'Apple Mail ES', what: '"El … a las …" and quoted header', mail: ['Perfecto', '', '> El 2 mar 2026, a las 10:14, Riverside Health <care@demo.carethread.local> escribió:', '>', ...clinicQuoteEs], visible: 'Perfecto' },
  { client: 'iOS Mail ES', what: '"Enviado desde mi iPhone" and header without ">"', mail: ['Llego a las diez', '', 'Enviado desde mi iPhone', '', 'El 2 mar 2026, a las 10:14, Riverside Health <care@demo.carethread.local> escribió:', '', ...oldMailEs], visible: 'Llego a las diez' },
  { client: 'Samsung ES', what: '"Enviado desde mi Samsung"', mail: ['Necesito renovar la receta de losartán.', '', 'Enviado desde mi Samsung Galaxy', '', 'El 02/03/2026 10:14, Riverside Health <care@demo.carethread.local> escribió:', ...clinicQuoteEs], visible: 'Necesito renovar la receta de losartán.' },
  { client: 'Huawei ES', what: '"Enviado desde mi Huawei" at the end, no quote', mail: ['¿Tienen cita para el jueves?', '', 'Enviado desde mi Huawei'], visible: '¿Tienen cita para el jueves?' },
  { client: 'Gmail ES', what: 'header and reply on one line', mail: ['De acuerdo El lun, 2 mar 2026 a las 10:14, care@demo.carethread.local escribió:', ...clinicQuoteEs], visible: 'De acuerdo' },
  { client: 'Thunderbird ES', what: 'bottom-post', mail: ['El 02/03/2026 a las 10:14, Riverside Health escribió:', '> ¿A qué farmacia la enviamos?', '', 'A la de la calle Mayor.'], visible: 'A la de la calle Mayor.' },
];

const headerBlocks: Fixture[] = [
  { client: 'Outlook desktop', what: '"-----Original Message-----" then From/Sent/To/Subject', mail: ['Yes, 3 pm works for me.', '', '-----Original Message-----', 'From: Riverside Health <care@demo.carethread.local>', 'Sent: Monday, March 2, 2026 10:14 AM', 'To: Dana Example <d@example.org>', 'Subject: Appointment', '', ...oldMail], visible: 'Yes, 3 pm works for me.' },
  { client: 'Outlook desktop', what: 'underscores then the block, no marker', mail: ['Please send me my lab results.', '', '________________________________', 'From: Riverside Health <care@demo.carethread.local>', 'Sent: Monday, March 2, 2026 10:14 AM', 'To: Dana Example <d@example.org>', 'Subject: Results', '', ...oldMail], visible: 'Please send me my lab results.' },
  { client: 'Outlook desktop', what: 'reply right above the underscores', mail: ['Please send me my lab results.', '________________________________________', 'From: Riverside Health [care@demo.carethread.local]', 'Sent: Monday, 2 March 2026 10:14 a.m.', 'To: Dana Example', 'Subject: Results', '', ...oldMail], visible: 'Please send me my lab results.' },
  { client: 'Outlook desktop', what: 'block without a separator, mailto in brackets', mail: ['And one more question: is parking free?', '', 'From: Riverside Health [mailto:care@demo.carethread.local]', 'Sent: Monday, March 2, 2026 10:14 AM', 'To: Example, Dana', 'Subject: RE: Visit', '', ...oldMail], visible: 'And one more question: is parking free?' },
  { client: 'Outlook on the web', what: 'From, To, Date, Subject order', mail: ['Thank you, received.', '', 'From: care@demo.carethread.local', 'To: d@example.org', 'Date: Mon, 2 Mar 2026 10:14:00 +0000', 'Subject: Your letter', '', ...oldMail], visible: 'Thank you, received.' },
  { client: 'Outlook on the web', what: 'Date first', mail: ['Thank you, received.', '', '', 'Date: Mon, 2 Mar 2026 10:14:00 +0000', 'From: care@demo.carethread.local', 'To: d@example.org', 'Subject: Your letter', '', ...oldMail], visible: 'Thank you, received.' },
  { client: 'Outlook on the web', what: 'Reply-To inside the block', mail: ['Thank you, received.', '', 'From: care@demo.carethread.local', 'Reply-To: care@demo.carethread.local', 'Sent: Mon, 2 Mar 2026 10:14:00 +0000', 'To: d@example.org', 'Subject: Your letter', '', ...oldMail], visible: 'Thank you, received.' },
  { client: 'Outlook on the web', what: 'only Date and To', mail: ['Noted', '', 'Date: Mon, 2 Mar 2026 10:14:00 +0000', 'To: d@example.org'], visible: 'Noted' },
  { client: 'Outlook (HTML to text)', what: 'bold labels with a wrapped value', mail: ['Hi', '', '  *From:* care@demo.carethread.local [mailto:', '  care@demo.carethread.local]', '  *Sent:* Monday, March 2, 2026 10:14 AM', '  *To:* d@example.org', '  *Subject:* Visit', ''], visible: 'Hi' },
  { client: 'Outlook (HTML to text)', what: 'block flattened onto one line', mail: ['Thank you!', '', '*From:* Riverside Health *Sent:* Monday 10:14 *To:* Dana', ...oldMail], visible: 'Thank you!' },
  { client: 'Outlook', what: 'block followed by ">" lines', mail: ['This is the reply', '', 'From: Riverside Health <care@demo.carethread.local>', 'Sent: Monday, March 2, 2026 10:14 AM', 'To: Dana <d@example.org>', 'Subject: Visit', ...clinicQuote], visible: 'This is the reply' },
  { client: 'Hotmail', what: 'quoted header block', mail: ['', 'Hello', '', '> Subject: Visit', '> From: care@demo.carethread.local', '> Date: Mon, 2 Mar 2026 10:14:00 +0000', '>', ...clinicQuote], visible: 'Hello' },
  { client: 'AOL', what: 'marker then a long To line', mail: ['Thanks', '', '', '', '-----Original Message-----', 'From: Riverside <care@demo.carethread.local>', 'To: Dana <d@example.org>; Sam <s@example.org>', 'Sent: Mon, Mar 2, 2026 10:14 am', 'Subject: Visit', '', ...oldMail], visible: 'Thanks' },
  { client: 'Mail export', what: 'lone "From:" line with an address', mail: ['9am-1pm', '', 'From: care@demo.carethread.local', '', ...oldMail], visible: '9am-1pm' },
  { client: 'Outlook ES', what: 'De/Enviado/Para/Asunto', mail: ['Gracias, allí estaré.', '', 'De: Riverside Health <care@demo.carethread.local>', 'Enviado: lunes, 2 de marzo de 2026 10:14', 'Para: Dana Example <d@example.org>', 'Asunto: Cita', '', ...oldMailEs], visible: 'Gracias, allí estaré.' },
  { client: 'Outlook ES', what: '"Enviado el:" and "Fecha:" variants', mail: ['Recibido.', '', '________________________________', 'De: Riverside Health', 'Enviado el: lunes, 2 de marzo de 2026 10:14', 'Para: Dana', 'Asunto: Cita', '', ...oldMailEs], visible: 'Recibido.' },
  { client: 'Outlook ES', what: '"-------- Mensaje original --------"', mail: ['Sí, confirmo.', '', '-------- Mensaje original --------', 'De: Riverside Health', 'Fecha: 2/3/26 10:14 (GMT+01:00)', 'Para: Dana', 'Asunto: Cita', '', ...oldMailEs], visible: 'Sí, confirmo.' },
  { client: 'Outlook ES', what: '"-----Mensaje original-----" then an unknown body', mail: ['Sí, confirmo.', '-----Mensaje original-----', 'Texto del mensaje anterior'], visible: 'Sí, confirmo.' },
  { client: 'Yahoo ES', what: 'Fecha first', mail: ['Listo', '', 'Fecha: lun, 2 mar 2026 10:14', 'De: care@demo.carethread.local', 'Para: d@example.org', 'Asunto: Cita'], visible: 'Listo' },
];

const forwards: Fixture[] = [
  { client: 'Gmail', what: 'forward with a note', mail: ['Is this the right dose?', '', '---------- Forwarded message ---------', 'From: Pharmacy <rx@example.org>', 'Date: Mon, Mar 2, 2026 at 10:14 AM', 'Subject: Your order', 'To: <d@example.org>', '', 'Your order is ready.'], visible: 'Is this the right dose?' },
  { client: 'Gmail ES', what: 'forward with a note', mail: ['¿Es correcta esta dosis?', '', '---------- Mensaje reenviado ---------', 'De: Farmacia <rx@example.org>', 'Date: lun, 2 mar 2026 a las 10:14', 'Subject: Su pedido', 'To: <d@example.org>', '', 'Su pedido está listo.'], visible: '¿Es correcta esta dosis?' },
  { client: 'Apple Mail', what: '"Begin forwarded message:" with a note', mail: ['FYI', '', 'Begin forwarded message:', '', 'From: Pharmacy <rx@example.org>', 'Date: March 2, 2026 at 10:14:00 AM GMT+1', 'Subject: Your order', '', 'Your order is ready.'], visible: 'FYI' },
  { client: 'Gmail', what: 'bare forward: the forwarded body is what was sent', mail: ['---------- Forwarded message ---------', 'From: Pharmacy <rx@example.org>', 'Date: Mon, Mar 2, 2026 at 10:14 AM', 'Subject: Your order', 'To: <d@example.org>', '', 'Your order is ready for pick-up.'], visible: 'Your order is ready for pick-up.' },
  { client: 'Outlook', what: 'original message holding a forward', mail: ['Thanks', '', '-----Original Message-----', '', 'FYI', '', '---------- Forwarded message ----------', 'From: rx@example.org', 'Date: Mon, Mar 2, 2026 at 10:14 AM', 'Subject: Two', 'line subject', 'To: d@example.org'], visible: 'Thanks' },
];

const signatures: Fixture[] = [
  { client: 'Any', what: '"-- " delimiter', mail: ['Bill question: why was I charged twice?', '', '-- ', 'Dana Example', '12 Sample Street'], visible: 'Bill question: why was I charged twice?' },
  { client: 'Any', what: 'trimmed "--" delimiter', mail: ['Bill question', '--', 'Dana'], visible: 'Bill question' },
  { client: 'iOS Mail', what: '"Sent from my iPhone" alone at the end', mail: ['Call me back please', '', 'Sent from my iPhone'], visible: 'Call me back please' },
  { client: 'Android', what: 'multi-word device', mail: ['Call me back please', '', 'Sent from my Samsung Galaxy smartphone.'], visible: 'Call me back please' },
  { client: 'Yahoo', what: '"Sent from Yahoo Mail on Android"', mail: ['Call me back please', '', 'Sent from Yahoo Mail on Android'], visible: 'Call me back please' },
  { client: 'Outlook mobile', what: '"Get Outlook for iOS" with its link', mail: ['Call me back please', '', 'Get Outlook for iOS<https://example.org/outlook>'], visible: 'Call me back please' },
  { client: 'Outlook mobile ES', what: '"Obtener Outlook para iOS"', mail: ['Llámenme por favor', '', 'Obtener Outlook para iOS'], visible: 'Llámenme por favor' },
  { client: 'Outlook mobile ES', what: '"Obtener Outlook para Android" with its link', mail: ['Llámenme por favor', '', 'Obtener Outlook para Android<https://example.org/outlook>'], visible: 'Llámenme por favor' },
  { client: 'Sparrow-like', what: '"Sent with" footer inside a "-- " signature', mail: ['Hello', '', '-- ', 'Dana', 'Sent with SomeMail (https://example.org/?sig)'], visible: 'Hello' },
  { client: 'Android', what: 'footer then delimiter and more footer', mail: ['Any news on my referral?', '', '--', 'Sent from my phone'], visible: 'Any news on my referral?' },
];

const keptAsWritten: Fixture[] = [
  { client: 'Any', what: 'a line that merely starts with "On Monday I"', mail: ['On Monday I felt dizzy after the new dose.', 'It is better today.'], visible: 'On Monday I felt dizzy after the new dose.\nIt is better today.' },
  { client: 'Any', what: '"On" paragraphs above a real header', mail: ['My daughter has a fever.', '', 'On Friday it was 38.5.', '', 'On Saturday it went down.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <care@demo.carethread.local> wrote:', ...clinicQuote], visible: 'My daughter has a fever.\n\nOn Friday it was 38.5.\n\nOn Saturday it went down.' },
  { client: 'Any', what: 'a wrapped paragraph starting with "On Friday,"', mail: ['On Friday, after the visit, I started the new tablets and the', 'headache stopped within two days, so I would like to keep them.', '', 'On Mon, Mar 2, 2026 at 10:14 AM Riverside Health <care@demo.carethread.local> wrote:', ...clinicQuote], visible: 'On Friday, after the visit, I started the new tablets and the\nheadache stopped within two days, so I would like to keep them.' },
  { client: 'Any', what: '"Sent from my desk…" mid-sentence at the end', mail: ['Here is my question.', '', 'Sent from my desk, which is easier than my phone.'], visible: 'Here is my question.\n\nSent from my desk, which is easier than my phone.' },
  { client: 'Any', what: '"Sent from my phone earlier:" in the middle', mail: ['Sent from my phone earlier: the rash is worse today.', 'Please advise.'], visible: 'Sent from my phone earlier: the rash is worse today.\nPlease advise.' },
  { client: 'Any', what: '"Enviado desde mi trabajo, …" as a sentence', mail: ['Tengo una duda.', '', 'Enviado desde mi trabajo, perdón por la prisa.'], visible: 'Tengo una duda.\n\nEnviado desde mi trabajo, perdón por la prisa.' },
  { client: 'Any', what: '" -- " inside a line is no signature', mail: ['The pain is back -- mostly at night.', '', 'Dana'], visible: 'The pain is back -- mostly at night.\n\nDana' },
  { client: 'Any', what: 'a single "From:" line without an address', mail: ['From: my mother', 'She asks whether the results are in.'], visible: 'From: my mother\nShe asks whether the results are in.' },
  { client: 'Any', what: 'a time and an arrow in the text', mail: ['Appointment at 10:30 -> can we move it?', 'El martes también.'], visible: 'Appointment at 10:30 -> can we move it?\nEl martes también.' },
  { client: 'Any', what: 'a line above a real header that has a time in it', mail: ['Call me at 10:30 please', 'Riverside Health <care@demo.carethread.local> wrote:', ...clinicQuote], visible: 'Call me at 10:30 please' },
  { client: 'Any', what: '"On Monday the nurse wrote:" followed by what she wrote, no quote', mail: ['On Monday the nurse wrote:', 'Take two tablets a day.', 'Is that still right?'], visible: 'On Monday the nurse wrote:\nTake two tablets a day.\nIs that still right?' },
  { client: 'Any', what: 'Spanish "El martes …" lines', mail: ['El martes me duele más.', 'El 3 de marzo empecé la dosis nueva.'], visible: 'El martes me duele más.\nEl 3 de marzo empecé la dosis nueva.' },
  { client: 'Any', what: 'a dash rule inside the message', mail: ['Readings:', '----------', 'Mon 120/80', 'Tue 130/85'], visible: 'Readings:\n----------\nMon 120/80\nTue 130/85' },
  { client: 'Any', what: 'interleaved answer right under a short quoted line', mail: ['On Mon, Mar 2, 2026 at 10:14 AM Riverside Health wrote:', '> Which pharmacy?', 'Main Street, please.', '> Morning or afternoon?', 'Morning.'], visible: 'Main Street, please.\nMorning.' },
  { client: 'Any', what: 'links written by the patient', mail: ['<https://example.org/a> <https://example.org/b>'], visible: '<https://example.org/a> <https://example.org/b>' },
];

const all = [...quoteHeaders, ...quoteHeadersEs, ...headerBlocks, ...forwards, ...signatures, ...keptAsWritten];

describe('stripQuotedReply: what a person reads as new', () => {
  it('has fixtures for every kind of client, English and Spanish', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  for (const [group, fixtures] of Object.entries({ quoteHeaders, quoteHeadersEs, headerBlocks, forwards, signatures, keptAsWritten })) {
    describe(group, () => {
      for (const f of fixtures) {
        it(`${f.client}: ${f.what}`, () => {
          expect(stripQuotedReply(f.mail.join('\n'))).toBe(f.visible);
        });
      }
    });
  }

  it('reads CRLF mail the same way', () => {
    for (const f of all) expect(stripQuotedReply(f.mail.join('\r\n'))).toBe(f.visible);
  });
});

describe('stripQuotedReply on pathological input', () => {
  // Each must return (within the test timeout); no timing assertion.
  const size = 100_000;
  const inputs: Record<string, string> = {
    '">" on one line': '>'.repeat(size),
    '">" lines': '>\n'.repeat(size / 2),
    '"On " on one line': 'On '.repeat(size / 3),
    '"On " lines': 'On \n'.repeat(size / 4),
    '":" on one line': ':'.repeat(size),
    '":" lines': ':\n'.repeat(size / 2),
    'spaces': `${' '.repeat(size)}x`,
    'spaces then a marker': `--${' '.repeat(size)}Original Message`,
    'mixed ">", "On ", ":" and spaces': '> On : '.repeat(size / 7),
    'mixed lines': `${'On : >  \n'.repeat(size / 10)}wrote:`,
    'header-like runs': `${'On Mon 10:14 '.repeat(size / 13)}wrote:`,
    'many "@"': 'a@'.repeat(size / 2),
    'header keys': 'From: a@b.co\n'.repeat(size / 13),
    'wrapped quote lines': `> x\n${`y\n> ${'z'.repeat(60)}\n`.repeat(size / 66)}`,
    'brackets': '('.repeat(size / 2) + '<'.repeat(size / 2),
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`returns on 100k characters of ${name}`, () => {
      expect(typeof stripQuotedReply(text)).toBe('string');
    });
  }
});
