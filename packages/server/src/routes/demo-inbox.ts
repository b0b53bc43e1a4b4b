/**
 * Demo only: the synthetic patients' phone and inbox. In the demo nothing is configured to send
 * text messages or email, so a newcomer could not read a portal sign-in code or a reminder; this
 * page shows what carethread would have sent. It exists only for the seeded demo organisation
 * with no SMS provider or mail relay configured, and answers only on this computer (loopback).
 */
import type { FastifyInstance } from 'fastify';
import { escapeHtml as e, queryParam, sendHtml } from '../channels/portal/http.ts';
import type { Services } from '../pipeline/context.ts';
import { type DemoInboxMessage, demoInbox } from '../read/demo-inbox.ts';

type Lang = 'en' | 'es';

const TEXT = {
  en: {
    title: 'Demo: the patients\' phone and inbox',
    intro: 'What carethread would have sent by text message and email to the synthetic patients of the demo organisation. Nothing here left this computer: no SMS provider or mail relay is configured. Use it to read portal sign-in codes, reminders and replies.',
    filter: 'Show messages to',
    everyone: 'Everyone',
    show: 'Show',
    refresh: 'Refresh',
    caption: (n: number) => `${n} message${n === 1 ? '' : 's'}, newest first`,
    none: 'Nothing has been sent yet. Ask for a portal code or book an appointment, then refresh.',
    when: 'When',
    channel: 'Channel',
    to: 'To',
    message: 'Message',
    status: 'Status',
    sms: 'Text message',
    email: 'Email',
    statuses: { pending: 'Waiting: no provider in the demo', sending: 'Sending', sent: 'Sent', failed: 'Failed, will retry', dead: 'Failed', blocked: 'Not sent: consent', deferred: 'Held: quiet hours' } as Record<string, string>,
    other: 'Español',
    otherHref: '?lang=es',
    home: 'Back to the start page',
  },
  es: {
    title: 'Demostración: el teléfono y el correo de los pacientes',
    intro: 'Lo que carethread habría enviado por mensaje de texto y correo electrónico a los pacientes sintéticos de la organización de demostración. Nada de esto salió de este equipo: no hay proveedor de SMS ni servidor de correo configurado. Úselo para leer los códigos del portal, los recordatorios y las respuestas.',
    filter: 'Mostrar mensajes para',
    everyone: 'Todos',
    show: 'Mostrar',
    refresh: 'Actualizar',
    caption: (n: number) => `${n} mensaje${n === 1 ? '' : 's'}, del más reciente al más antiguo`,
    none: 'Todavía no se ha enviado nada. Pida un código del portal o reserve una cita y actualice.',
    when: 'Cuándo',
    channel: 'Canal',
    to: 'Para',
    message: 'Mensaje',
    status: 'Estado',
    sms: 'Mensaje de texto',
    email: 'Correo',
    statuses: { pending: 'En espera: sin proveedor en la demostración', sending: 'Enviando', sent: 'Enviado', failed: 'Falló, se reintentará', dead: 'Falló', blocked: 'No enviado: consentimiento', deferred: 'Retenido: horas de descanso' } as Record<string, string>,
    other: 'English',
    otherHref: '?lang=en',
    home: 'Volver a la página de inicio',
  },
} as const;

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

function page(lang: Lang, nonce: string, messages: DemoInboxMessage[], addresses: string[], to: string | undefined): string {
  const t = TEXT[lang];
  const langParam = `<input type="hidden" name="lang" value="${lang}">`;
  const rows = messages
    .map(
      (m) => `<tr>
  <td><time datetime="${e(m.createdAt)}">${e(new Date(m.createdAt).toLocaleString(lang === 'es' ? 'es-US' : 'en-US', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }))} UTC</time></td>
  <td>${m.channel === 'sms' ? t.sms : t.email}</td>
  <td>${e(m.to)}</td>
  <td>${m.subject ? `<strong>${e(m.subject)}</strong><br>` : ''}<span class="text">${e(m.text)}</span></td>
  <td>${e(t.statuses[m.status] ?? m.status)}</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title} · carethread</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #fff; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
  a { color: #0b5cad; }
  a:focus-visible, select:focus-visible, button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
  th, td { border-bottom: 1px solid #d0d7de; padding: .5rem; text-align: left; vertical-align: top; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  form { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
  button, select { font: inherit; padding: .25rem .5rem; }
</style>
</head>
<body>
<main>
<p><a href="/">${t.home}</a> · <a href="${t.otherHref}" lang="${lang === 'en' ? 'es' : 'en'}">${t.other}</a></p>
<h1>${t.title}</h1>
<p>${t.intro}</p>
<form method="get" action="/demo/inbox">
  ${langParam}
  <label for="to">${t.filter}</label>
  <select id="to" name="to">
    <option value="">${t.everyone}</option>
    ${addresses.map((a) => `<option value="${e(a)}"${a === to ? ' selected' : ''}>${e(a)}</option>`).join('')}
  </select>
  <button type="submit">${t.show}</button>
  <a href="/demo/inbox?lang=${lang}${to ? `&amp;to=${encodeURIComponent(to)}` : ''}">${t.refresh}</a>
</form>
${
  messages.length
    ? `<table>
<caption>${t.caption(messages.length)}</caption>
<thead><tr><th scope="col">${t.when}</th><th scope="col">${t.channel}</th><th scope="col">${t.to}</th><th scope="col">${t.message}</th><th scope="col">${t.status}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : `<p role="status">${t.none}</p>`
}
</main>
</body>
</html>`;
}

export async function registerDemoInbox(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/demo/inbox', { schema: { hide: true } }, async (request, reply) => {
    if (!isLoopback(request.socket.remoteAddress ?? '')) return reply.code(404).send({ error: 'not_found', message: 'Not found.' });
    const lang: Lang = queryParam(request, 'lang') === 'es' ? 'es' : 'en';
    const to = queryParam(request, 'to') || undefined;
    const inbox = await demoInbox(services, to ? { to } : {});
    if (!inbox) return reply.code(404).send({ error: 'not_found', message: 'Not found.' });
    return sendHtml(reply, 200, page(lang, request.cspNonce, inbox.messages, inbox.addresses, to));
  });
}
