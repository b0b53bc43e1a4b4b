import type { Language } from '@carethread/core';
import { escapeHtml as e } from './http.ts';
import { CHANNEL_LABELS, PORTAL_TEXT, REQUEST_TYPE_LABELS, formatDate, formatTime, type PortalText } from './i18n.ts';
import type { PortalCase } from './inbox.ts';
import { PREFERENCES_TEXT } from './preferences.ts';

export interface PageContext {
  lang: Language;
  orgName: string;
  timeZone: string;
  nonce: string;
  /** A portal URL that keeps the organisation and the language. */
  url: (path: string, extra?: Record<string, string>, lang?: Language) => string;
  /** The page being shown, for the language switch (GET pages only carry no form state). */
  path: string;
}

export type FieldErrors = Partial<Record<string, string>>;

// Colours checked for WCAG AA: every text/background pair here is at least 4.5:1.
const CSS = `
*{box-sizing:border-box}
body{font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff;margin:0}
.skip{position:absolute;left:-999px;top:0;background:#0b5cad;color:#fff;padding:.5rem 1rem;z-index:2}
.skip:focus{left:0}
header{border-bottom:1px solid #d0d7de;background:#f6f8fa}
.bar{max-width:46rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
.org{font-weight:700;margin:0}
.org span{font-weight:400;color:#4b5563}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.75rem}
a{color:#0b5cad}
a[aria-current]{font-weight:700;color:#1b1f24;text-decoration:none}
main{max-width:46rem;margin:0 auto;padding:1rem 1rem 3rem}
main:focus{outline:none}
h1{font-size:1.75rem;line-height:1.2;margin:1rem 0 .5rem}
h2{font-size:1.35rem;margin:2rem 0 .75rem}
h3{font-size:1.15rem;margin:0 0 .25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
.hint{color:#4b5563;margin:0 0 .35rem;font-size:.95rem}
input,textarea{font:inherit;color:#1b1f24;background:#fff;border:2px solid #4b5563;border-radius:4px;padding:.5rem .6rem;width:100%;max-width:32rem}
input.code{max-width:10rem;letter-spacing:.2em}
input.date{max-width:14rem}
textarea{min-height:6rem;max-width:100%}
[aria-invalid=true]{border-color:#b42318}
button{font:inherit;font-weight:600;cursor:pointer;border-radius:4px;padding:.55rem 1.1rem;margin-top:.9rem;border:2px solid #0b5cad;background:#0b5cad;color:#fff}
button.secondary{background:#fff;color:#0b5cad}
form>button{display:block}
button:disabled{opacity:.7;cursor:progress}
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.error{color:#b42318;font-weight:600;margin:.25rem 0}
.error-summary{border:3px solid #b42318;padding:.75rem 1rem;margin:1rem 0;border-radius:4px}
.error-summary h2{margin:0 0 .5rem;font-size:1.15rem}
.error-summary a{color:#b42318;font-weight:600}
.notice{border-left:6px solid #146c43;background:#eef8f1;padding:.6rem 1rem;margin:1rem 0}
.note{color:#4b5563}
.case{border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:1rem 0}
.case .meta{color:#4b5563;margin:0 0 .75rem}
ol.thread{list-style:none;margin:0;padding:0}
ol.thread li{margin:.5rem 0;padding:.5rem .75rem;border-radius:6px;background:#f2f4f7;max-width:90%}
ol.thread li.out{background:#e8f0fe;margin-left:auto}
.who{font-weight:600}
.channel{display:inline-block;font-size:.85rem;padding:0 .4rem;border-radius:3px;background:#fff;border:1px solid #8c959f;color:#1b1f24}
.msgmeta{margin:0;font-size:.9rem;color:#4b5563}
.body{margin:.25rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.inline{display:inline}
.inline button{margin:0;display:inline-block}
`;

// Progressive enhancement only: every form works without it.
const SCRIPT = `
(function(){
  var f=document.querySelector('[data-focus]');
  if(f){f.focus();}
  document.querySelectorAll('form[data-once]').forEach(function(form){
    form.addEventListener('submit',function(){
      var b=form.querySelector('button[type=submit]');
      if(b){setTimeout(function(){b.disabled=true;},0);}
    });
  });
})();
`;

export function layout(ctx: PageContext, title: string, main: string, header = ''): string {
  const t = PORTAL_TEXT[ctx.lang];
  return `<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${e(title)} · ${e(ctx.orgName)}</title>
<style nonce="${ctx.nonce}">${CSS}</style>
</head>
<body>
<a class="skip" href="#main">${e(t.skip)}</a>
<header>
<div class="bar">
<p class="org">${e(ctx.orgName)} <span>· ${e(t.portal)}</span></p>
<nav aria-label="${e(t.language)}"><ul>
<li><a href="${e(ctx.url(ctx.path, {}, 'en'))}" lang="en" hreflang="en"${ctx.lang === 'en' ? ' aria-current="page"' : ''}>English</a></li>
<li><a href="${e(ctx.url(ctx.path, {}, 'es'))}" lang="es" hreflang="es"${ctx.lang === 'es' ? ' aria-current="page"' : ''}>Español</a></li>
</ul></nav>
${header}
</div>
</header>
<main id="main" tabindex="-1">
${main}
</main>
<script nonce="${ctx.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

export function errorSummary(t: PortalText, errors: FieldErrors, fieldIds: Record<string, string>): string {
  const entries = Object.entries(errors).filter(([, m]) => m);
  if (entries.length === 0) return '';
  return `<div class="error-summary" role="alert" tabindex="-1" data-focus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${e(t.errorSummary)}</h2>
<ul>${entries.map(([k, m]) => `<li>${fieldIds[k] ? `<a href="#${fieldIds[k]}">${e(m)}</a>` : e(m)}</li>`).join('')}</ul>
</div>`;
}

/** A labelled input with its hint and error wired up through aria-describedby. */
export function field(opts: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  value?: string;
  attrs: string;
  textarea?: boolean;
}): string {
  const described = [opts.hint ? `${opts.id}-hint` : '', opts.error ? `${opts.id}-error` : ''].filter(Boolean).join(' ');
  const aria = `${described ? ` aria-describedby="${described}"` : ''}${opts.error ? ' aria-invalid="true"' : ''}`;
  const control = opts.textarea
    ? `<textarea id="${opts.id}" name="${opts.name}"${aria} ${opts.attrs}>${e(opts.value)}</textarea>`
    : `<input id="${opts.id}" name="${opts.name}"${aria} ${opts.attrs}${opts.value ? ` value="${e(opts.value)}"` : ''}>`;
  return `<label for="${opts.id}">${e(opts.label)}</label>
${opts.hint ? `<p class="hint" id="${opts.id}-hint">${e(opts.hint)}</p>` : ''}
${opts.error ? `<p class="error" id="${opts.id}-error">${e(opts.error)}</p>` : ''}
${control}`;
}

export function signInPage(
  ctx: PageContext,
  input: { csrf: string; address?: string; birthDate?: string; errors?: FieldErrors; notice?: string },
): string {
  const t = PORTAL_TEXT[ctx.lang];
  const errors = input.errors ?? {};
  const main = `
${errorSummary(t, errors, { address: 'address', birthDate: 'birthDate' })}
${input.notice ? `<div class="notice" role="status" tabindex="-1"${Object.keys(errors).length ? '' : ' data-focus'}>${e(input.notice)}</div>` : ''}
<h1>${e(t.signInTitle)}</h1>
<p>${e(t.signInIntro)}</p>
<form method="post" action="${e(ctx.url('/portal/sign-in'))}" novalidate data-once>
<input type="hidden" name="csrf" value="${e(input.csrf)}">
${field({ id: 'address', name: 'address', label: t.addressLabel, hint: t.addressHint, error: errors.address, value: input.address, attrs: 'type="text" autocomplete="username" spellcheck="false" required maxlength="320"' })}
${field({ id: 'birthDate', name: 'birthDate', label: t.dobLabel, hint: t.dobHint, error: errors.birthDate, value: input.birthDate, attrs: 'type="text" class="date" inputmode="numeric" autocomplete="bday" maxlength="10"' })}
<button type="submit">${e(t.sendCode)}</button>
</form>
<p class="note">${e(t.emergency)}</p>`;
  return layout(ctx, t.signInTitle, main);
}

export function verifyPage(ctx: PageContext, input: { csrf: string; masked: string; errors?: FieldErrors; notice?: string }): string {
  const t = PORTAL_TEXT[ctx.lang];
  const errors = input.errors ?? {};
  const hasErrors = Object.values(errors).some(Boolean);
  const main = `
${errorSummary(t, errors, { code: 'code' })}
<h1>${e(t.verifyTitle)}</h1>
<div class="notice" role="status"${hasErrors ? '' : ' tabindex="-1" data-focus'}>${e(input.notice ?? t.codeSentTo(input.masked, ctx.orgName))}</div>
<form method="post" action="${e(ctx.url('/portal/verify'))}" novalidate data-once>
<input type="hidden" name="csrf" value="${e(input.csrf)}">
${field({ id: 'code', name: 'code', label: t.codeLabel, hint: t.codeHint, error: errors.code, attrs: 'type="text" class="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12"' })}
<button type="submit">${e(t.signIn)}</button>
</form>
<p class="note">${e(t.noCodeHelp)}</p>
<form method="post" action="${e(ctx.url('/portal/resend'))}" data-once>
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<button type="submit" class="secondary">${e(t.resend)}</button>
</form>
<p><a href="${e(ctx.url('/portal'))}">${e(t.differentAddress)}</a></p>`;
  return layout(ctx, t.verifyTitle, main);
}

function who(t: PortalText, m: PortalCase['messages'][number]): string {
  if (m.direction === 'inbound' && m.actor === 'patient') return t.you;
  if (m.actor === 'assistant') return t.assistant;
  if (m.actor === 'system') return t.automatic;
  return t.careTeam;
}

export interface InboxInput {
  csrf: string;
  patientName: string;
  cases: PortalCase[];
  /** A fresh message id per form, so a double submit is one message. */
  clientId: (formKey: string) => string;
  errors?: FieldErrors;
  drafts?: Partial<Record<string, string>>;
  /** The form whose message was just sent ("new" or a case id). */
  sent?: string;
}

export function inboxPage(ctx: PageContext, input: InboxInput): string {
  const t = PORTAL_TEXT[ctx.lang];
  const errors = input.errors ?? {};
  const ids: Record<string, string> = { new: 'new-text' };
  for (const c of input.cases) ids[c.id] = `reply-${c.id}`;
  const channels = CHANNEL_LABELS[ctx.lang];
  const types = REQUEST_TYPE_LABELS[ctx.lang];
  // The redirect after a post points at #sent: the notice is focusable, so even without script
  // the browser moves focus (and a screen reader) to it.
  const sentNotice = `<div class="notice" id="sent" role="status" tabindex="-1" data-focus>${e(t.sent)}</div>`;

  const caseHtml = input.cases
    .map((c) => {
      const type = types[c.requestType] ?? types.other!;
      const thread = c.messages.length
        ? `<ol class="thread" aria-label="${e(t.messagesOn(type))}">${c.messages
            .map(
              (m) => `<li class="${m.direction === 'inbound' ? 'in' : 'out'}">
<p class="msgmeta"><span class="who">${e(who(t, m))}</span> · <span class="channel">${e(channels[m.channel] ?? m.channel)}</span> · <time datetime="${e(new Date(Date.parse(m.occurredAt)).toISOString())}">${e(formatTime(m.occurredAt, ctx.lang, ctx.timeZone))}</time></p>
<p class="body">${e(m.body)}</p>
</li>`,
            )
            .join('')}</ol>`
        : `<p>${e(t.noMessages)}</p>`;
      return `<section class="case" id="case-${c.id}" aria-labelledby="case-${c.id}-title">
<h3 id="case-${c.id}-title">${e(type)}</h3>
<p class="meta">${e(t.opened(formatDate(c.openedAt, ctx.lang, ctx.timeZone)))}</p>
${thread}
${input.sent === c.id ? sentNotice : ''}
<form method="post" action="${e(ctx.url('/portal/messages'))}" novalidate data-once>
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<input type="hidden" name="caseId" value="${e(c.id)}">
<input type="hidden" name="clientId" value="${e(input.clientId(c.id))}">
${field({ id: ids[c.id]!, name: 'text', label: t.replyLabel, error: errors[c.id], value: input.drafts?.[c.id], attrs: 'rows="3" required maxlength="5000"', textarea: true })}
<button type="submit">${e(t.send)}</button>
</form>
</section>`;
    })
    .join('\n');

  const header = `<form class="inline" method="post" action="${e(ctx.url('/portal/sign-out'))}">
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<span>${e(t.signedInAs(input.patientName))}</span> <button type="submit" class="secondary">${e(t.signOut)}</button>
</form>
<a href="${e(ctx.url('/portal/preferences'))}">${e(PREFERENCES_TEXT[ctx.lang].link)}</a>`;

  const main = `
${errorSummary(t, errors, ids)}
<h1>${e(t.inboxTitle)}</h1>
<p class="note">${e(t.emergency)}</p>
${input.sent === 'new' ? sentNotice : ''}
<h2>${e(t.openRequests)}</h2>
${input.cases.length ? caseHtml : `<p>${e(t.noOpenRequests)}</p>`}
<h2 id="new-title">${e(t.newRequest)}</h2>
<form method="post" action="${e(ctx.url('/portal/messages'))}" novalidate data-once aria-labelledby="new-title">
<input type="hidden" name="csrf" value="${e(input.csrf)}">
<input type="hidden" name="clientId" value="${e(input.clientId('new'))}">
${field({ id: 'new-text', name: 'text', label: t.newRequestLabel, hint: t.newRequestHint, error: errors.new, value: input.drafts?.new, attrs: 'rows="4" required maxlength="5000"', textarea: true })}
<button type="submit">${e(t.send)}</button>
</form>`;
  return layout(ctx, t.inboxTitle, main, header);
}

export function notFoundPage(ctx: PageContext): string {
  const t = PORTAL_TEXT[ctx.lang];
  return layout(ctx, t.notFoundTitle, `<h1>${e(t.notFoundTitle)}</h1><p>${e(t.unknownOrg)}</p>`);
}

export function formExpiredPage(ctx: PageContext): string {
  const t = PORTAL_TEXT[ctx.lang];
  return layout(ctx, t.errorSummary, `<div class="error-summary" role="alert" tabindex="-1" data-focus><h1>${e(t.errorSummary)}</h1><p>${e(t.errExpiredForm)}</p></div><p><a href="${e(ctx.url('/portal'))}">${e(t.signInTitle)}</a></p>`);
}
