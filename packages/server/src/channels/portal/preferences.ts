import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isValidTimeZone, PREFERENCE_CHANNELS, type ChannelChoice, type Language, type PreferenceChannel } from '@carethread/core';
import type { Services } from '../../pipeline/context.ts';
import { BadInput } from '../../pipeline/errors.ts';
import { getPreferences, updatePreferences, type PreferencePatch, type PreferencesView } from '../../store/preferences.ts';
import { escapeHtml as e, formField, queryParam, safeEqual, sendHtml } from './http.ts';
import { PORTAL_TEXT } from './i18n.ts';
import { errorSummary, field, formExpiredPage, layout, type FieldErrors, type PageContext } from './pages.ts';
import type { PortalSession } from './signin.ts';

/** Every word of the preferences page, in English and Spanish. */
export const PREFERENCES_TEXT = {
  en: {
    link: 'Contact preferences',
    title: 'Your contact preferences',
    intro: 'Choose how we may contact you, in which language, and when not to send messages. Messages you start, and urgent safety messages, are always answered.',
    backToInbox: 'Back to your requests',
    channelsLegend: 'How we may contact you',
    channels: { sms: 'Text messages (SMS)', email: 'Email', voice: 'Phone calls', portal: 'Messages in this portal' } as Record<PreferenceChannel, string>,
    yes: 'Yes',
    no: 'No, do not contact me this way',
    surveysLegend: 'Surveys about your experience',
    surveysYes: 'Yes, you may send me surveys',
    surveysNo: 'No surveys, please',
    languageLegend: 'Language for our messages',
    zoneLabel: 'Your time zone',
    zoneHint: 'Quiet hours are read on this clock.',
    zoneDefault: (zone: string) => `Same as the clinic (${zone})`,
    quietLegend: 'Quiet hours',
    quietHint: 'We hold reminders and notices until your quiet hours end. Leave both empty for none. Example: 21:00 to 08:00.',
    quietStart: 'Quiet from (HH:MM)',
    quietEnd: 'Quiet until (HH:MM)',
    save: 'Save preferences',
    saved: 'Your preferences were saved.',
    errTime: 'Enter a time as hours and minutes, for example 21:00.',
    errBoth: 'Enter both times, or leave both empty.',
    errSame: 'The start and end of quiet hours must be different.',
    errZone: 'Choose a time zone from the list.',
    errOther: 'That choice is not available. Please try again.',
  },
  es: {
    link: 'Preferencias de contacto',
    title: 'Sus preferencias de contacto',
    intro: 'Elija cómo podemos contactarle, en qué idioma y cuándo no enviarle mensajes. Siempre respondemos a los mensajes que usted inicia y a los mensajes urgentes de seguridad.',
    backToInbox: 'Volver a sus solicitudes',
    channelsLegend: 'Cómo podemos contactarle',
    channels: { sms: 'Mensajes de texto (SMS)', email: 'Correo electrónico', voice: 'Llamadas telefónicas', portal: 'Mensajes en este portal' } as Record<PreferenceChannel, string>,
    yes: 'Sí',
    no: 'No, no me contacten por este medio',
    surveysLegend: 'Encuestas sobre su experiencia',
    surveysYes: 'Sí, pueden enviarme encuestas',
    surveysNo: 'No quiero encuestas',
    languageLegend: 'Idioma de nuestros mensajes',
    zoneLabel: 'Su zona horaria',
    zoneHint: 'Las horas de silencio se leen en este reloj.',
    zoneDefault: (zone: string) => `La misma que la clínica (${zone})`,
    quietLegend: 'Horas de silencio',
    quietHint: 'Guardamos los recordatorios y avisos hasta que terminen sus horas de silencio. Deje ambos campos vacíos si no desea ninguna. Ejemplo: 21:00 a 08:00.',
    quietStart: 'Silencio desde (HH:MM)',
    quietEnd: 'Silencio hasta (HH:MM)',
    save: 'Guardar preferencias',
    saved: 'Sus preferencias se guardaron.',
    errTime: 'Escriba la hora en horas y minutos, por ejemplo 21:00.',
    errBoth: 'Escriba ambas horas o deje ambas vacías.',
    errSame: 'El inicio y el fin de las horas de silencio deben ser distintos.',
    errZone: 'Elija una zona horaria de la lista.',
    errOther: 'Esa opción no está disponible. Inténtelo de nuevo.',
  },
} as const;

/** Zones offered in the list (the organisation's and the patient's current one are added). */
const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'America/Mexico_City',
  'Europe/Madrid',
];

interface FormValues {
  channels: Record<PreferenceChannel, 'yes' | 'no'>;
  surveys: 'yes' | 'no';
  language: Language;
  timeZone: string;
  quietStart: string;
  quietEnd: string;
}

function formOf(prefs: PreferencesView, lang: Language): FormValues {
  const channels = {} as Record<PreferenceChannel, 'yes' | 'no'>;
  for (const c of PREFERENCE_CHANNELS) channels[c] = prefs.channels[c] === 'opted_out' ? 'no' : 'yes';
  return {
    channels,
    surveys: prefs.surveys ? 'yes' : 'no',
    language: prefs.language ?? lang,
    timeZone: prefs.timeZone ?? '',
    quietStart: prefs.quietHours?.start ?? '',
    quietEnd: prefs.quietHours?.end ?? '',
  };
}

function radios(name: string, legend: string, options: Array<{ value: string; label: string; lang?: string }>, checked: string): string {
  return `<fieldset>
<legend>${e(legend)}</legend>
${options
  .map(
    (o, i) =>
      `<div class="choice"><input type="radio" id="${name}-${i}" name="${name}" value="${e(o.value)}"${o.value === checked ? ' checked' : ''}><label for="${name}-${i}"${o.lang ? ` lang="${o.lang}"` : ''}>${e(o.label)}</label></div>`,
  )
  .join('\n')}
</fieldset>`;
}

const CSS_EXTRA = `fieldset{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:700;padding:0 .25rem}
.choice{display:flex;align-items:center;gap:.5rem;margin:.35rem 0}
.choice input{width:auto;margin:0}
.choice label{font-weight:400;margin:0}
select{font:inherit;color:#1b1f24;background:#fff;border:2px solid #4b5563;border-radius:4px;padding:.45rem .5rem;max-width:32rem}
input.time{max-width:8rem}`;

export function preferencesPage(
  ctx: PageContext,
  input: { csrf: string; values: FormValues; organizationZone: string; errors?: FieldErrors; saved?: boolean },
): string {
  const t = PREFERENCES_TEXT[ctx.lang];
  const v = input.values;
  const errors = input.errors ?? {};
  const zones = [...new Set([input.organizationZone, ...ZONES, ...(v.timeZone && isValidTimeZone(v.timeZone) ? [v.timeZone] : [])])];
  const main = `<style nonce="${ctx.nonce}">${CSS_EXTRA}</style>
${errorSummary(PORTAL_TEXT[ctx.lang], errors, { timeZone: 'timeZone', quietStart: 'quietStart', quietEnd: 'quietEnd', form: '' })}
${input.saved ? `<div class="notice" role="status" tabindex="-1" data-focus>${e(t.saved)}</div>` : ''}
<h1>${e(t.title)}</h1>
<p>${e(t.intro)}</p>
<p><a href="${e(ctx.url('/portal'))}">${e(t.backToInbox)}</a></p>
<form method="post" action="${e(ctx.url('/portal/preferences'))}" novalidate data-once>
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<fieldset>
<legend>${e(t.channelsLegend)}</legend>
${PREFERENCE_CHANNELS.map((c) => radios(`channel-${c}`, t.channels[c], [{ value: 'yes', label: t.yes }, { value: 'no', label: t.no }], v.channels[c])).join('\n')}
</fieldset>
${radios('surveys', t.surveysLegend, [{ value: 'yes', label: t.surveysYes }, { value: 'no', label: t.surveysNo }], v.surveys)}
${radios('language', t.languageLegend, [{ value: 'en', label: 'English', lang: 'en' }, { value: 'es', label: 'Español', lang: 'es' }], v.language)}
<label for="timeZone">${e(t.zoneLabel)}</label>
<p class="hint" id="timeZone-hint">${e(t.zoneHint)}</p>
${errors.timeZone ? `<p class="error" id="timeZone-error">${e(errors.timeZone)}</p>` : ''}
<select id="timeZone" name="timeZone" aria-describedby="timeZone-hint${errors.timeZone ? ' timeZone-error' : ''}"${errors.timeZone ? ' aria-invalid="true"' : ''}>
<option value=""${v.timeZone ? '' : ' selected'}>${e(t.zoneDefault(input.organizationZone))}</option>
${zones.map((z) => `<option value="${e(z)}"${z === v.timeZone ? ' selected' : ''}>${e(z.replace(/_/g, ' '))}</option>`).join('\n')}
</select>
<fieldset aria-describedby="quiet-hint">
<legend>${e(t.quietLegend)}</legend>
<p class="hint" id="quiet-hint">${e(t.quietHint)}</p>
${field({ id: 'quietStart', name: 'quietStart', label: t.quietStart, error: errors.quietStart, value: v.quietStart, attrs: 'type="text" class="time" inputmode="numeric" maxlength="5" placeholder="21:00"' })}
${field({ id: 'quietEnd', name: 'quietEnd', label: t.quietEnd, error: errors.quietEnd, value: v.quietEnd, attrs: 'type="text" class="time" inputmode="numeric" maxlength="5" placeholder="08:00"' })}
</fieldset>
<button type="submit">${e(t.save)}</button>
</form>`;
  return layout(ctx, t.title, main);
}

/** The form as posted, read strictly: anything unexpected is an error, never a guess. */
function readForm(request: FastifyRequest, current: PreferencesView, lang: Language): { values: FormValues; patch: PreferencePatch; errors: Record<string, string> } {
  const t = PREFERENCES_TEXT[lang];
  const errors: Record<string, string> = {};
  const base = formOf(current, lang);
  const channels: Partial<Record<PreferenceChannel, ChannelChoice>> = {};
  const values: FormValues = { ...base, channels: { ...base.channels } };
  for (const c of PREFERENCE_CHANNELS) {
    const v = formField(request, `channel-${c}`, 5);
    if (v === undefined) continue;
    if (v !== 'yes' && v !== 'no') {
      errors.form = t.errOther;
      continue;
    }
    values.channels[c] = v;
    // "Yes" leaves a patient who never said anything at the default; it only undoes an opt-out.
    if (v === 'no') channels[c] = 'opted_out';
    else if (current.channels[c] === 'opted_out') channels[c] = 'opted_in';
  }
  const surveys = formField(request, 'surveys', 5);
  if (surveys !== undefined && surveys !== 'yes' && surveys !== 'no') errors.form = t.errOther;
  if (surveys === 'yes' || surveys === 'no') values.surveys = surveys;
  const language = formField(request, 'language', 5);
  if (language !== undefined && language !== 'en' && language !== 'es') errors.form = t.errOther;
  if (language === 'en' || language === 'es') values.language = language;
  const zone = (formField(request, 'timeZone', 64) ?? '').trim();
  values.timeZone = zone;
  values.quietStart = (formField(request, 'quietStart', 10) ?? '').trim();
  values.quietEnd = (formField(request, 'quietEnd', 10) ?? '').trim();
  if (zone && !isValidTimeZone(zone)) errors.timeZone = t.errZone;
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  // "9:00" is how people write it: accept a one-digit hour.
  const pad = (s: string) => (/^\d:\d\d$/.test(s) ? `0${s}` : s);
  values.quietStart = pad(values.quietStart);
  values.quietEnd = pad(values.quietEnd);
  if (values.quietStart && !time.test(values.quietStart)) errors.quietStart = t.errTime;
  if (values.quietEnd && !time.test(values.quietEnd)) errors.quietEnd = t.errTime;
  if (!errors.quietStart && !errors.quietEnd) {
    if (!!values.quietStart !== !!values.quietEnd) errors[values.quietStart ? 'quietEnd' : 'quietStart'] = t.errBoth;
    else if (values.quietStart && values.quietStart === values.quietEnd) errors.quietEnd = t.errSame;
  }
  const patch: PreferencePatch = {
    channels,
    surveys: values.surveys === 'yes',
    language: values.language,
    timeZone: zone || null,
    quietHours: values.quietStart && values.quietEnd ? { start: values.quietStart, end: values.quietEnd } : null,
  };
  return { values, patch, errors };
}

/** What the portal's routes share with this page (routes.ts owns cookies and sessions). */
export interface PortalPageHelpers<C extends { org: { id: string; timeZone: string }; page: PageContext }> {
  contextOf(request: FastifyRequest, reply: FastifyReply, path: string): Promise<C | null>;
  sessionOf(ctx: C): Promise<PortalSession | null>;
  redirect(reply: FastifyReply, location: string): FastifyReply;
}

/**
 * GET and POST /portal/preferences: the signed-in patient's own contact preferences. A change
 * goes through the same domain function as the staff API, so it is validated, logged
 * (`preferences_changed`) and audited (`consent_change`, actor = the patient) the same way.
 */
export function registerPortalPreferences<C extends { org: { id: string; timeZone: string }; page: PageContext }>(
  app: FastifyInstance,
  services: Services,
  helpers: PortalPageHelpers<C>,
): void {
  const hidden = { schema: { hide: true } };

  app.get('/portal/preferences', hidden, async (request, reply) => {
    const ctx = await helpers.contextOf(request, reply, '/portal/preferences');
    if (!ctx) return reply;
    const session = await helpers.sessionOf(ctx);
    if (!session) return helpers.redirect(reply, ctx.page.url('/portal', { notice: 'expired' }));
    const current = await getPreferences(services, ctx.org.id, session.patient.id);
    const html = preferencesPage(ctx.page, { csrf: session.csrf, values: formOf(current, ctx.page.lang), organizationZone: ctx.org.timeZone, saved: queryParam(request, 'saved', 2) === '1' });
    return sendHtml(reply, 200, html);
  });

  app.post('/portal/preferences', hidden, async (request, reply) => {
    const ctx = await helpers.contextOf(request, reply, '/portal/preferences');
    if (!ctx) return reply;
    const session = await helpers.sessionOf(ctx);
    if (!session) return helpers.redirect(reply, ctx.page.url('/portal', { notice: 'expired' }));
    const csrf = formField(request, 'csrf', 100);
    if (!csrf || !safeEqual(csrf, session.csrf)) return sendHtml(reply, 403, formExpiredPage(ctx.page));
    const current = await getPreferences(services, ctx.org.id, session.patient.id);
    const { values, patch, errors } = readForm(request, current, ctx.page.lang);
    const fail = (errs: Record<string, string>) =>
      sendHtml(reply, 400, preferencesPage(ctx.page, { csrf: session.csrf, values, organizationZone: ctx.org.timeZone, errors: errs }));
    if (Object.keys(errors).length > 0) return fail(errors);
    try {
      await updatePreferences(services, ctx.org.id, session.patient.id, patch, {
        type: 'patient',
        id: session.patient.id,
        via: 'portal',
        route: 'portal:/portal/preferences',
        method: 'POST',
        ip: request.ip,
        userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
      });
    } catch (err) {
      if (err instanceof BadInput && err.code === 'invalid_preferences') return fail({ form: PREFERENCES_TEXT[ctx.page.lang].errOther });
      throw err;
    }
    // The page follows the language just chosen.
    return helpers.redirect(reply, ctx.page.url('/portal/preferences', { saved: '1' }, values.language));
  });
}
