import { escapeHtml } from '../channels/portal/http.ts';

const STRINGS = {
  en: {
    title: 'Set up carethread',
    intro: 'Create the first administrator of this organisation. This link works once and for 24 hours.',
    noCode: 'This page needs the one-time set-up link printed by carethread start (it ends with #…). Restart carethread to print a new one.',
    name: 'Your name',
    email: 'Work email',
    password: 'Password (at least 12 characters)',
    create: 'Create administrator',
    enrolTitle: 'Add a second factor',
    enrolIntro: 'Administrators sign in with a code from an authenticator app. Add this account to the app by pasting the link or typing the key, then enter the 6-digit code it shows.',
    uri: 'Link for the authenticator app',
    key: 'Key (type it in groups of four)',
    code: '6-digit code',
    confirm: 'Confirm and open the workspace',
    done: 'Done. Opening the workspace…',
    other: 'Español',
    otherHref: '/setup?lang=es',
    otherLang: 'es',
    failed: 'Something went wrong. Check the fields and try again.',
    qr: 'QR code for the authenticator app: scan it, or use the link or key below.',
  },
  es: {
    title: 'Configurar carethread',
    intro: 'Cree el primer administrador de esta organización. Este enlace funciona una sola vez y durante 24 horas.',
    noCode: 'Esta página necesita el enlace de configuración de un solo uso que muestra carethread start (termina en #…). Reinicie carethread para obtener uno nuevo.',
    name: 'Su nombre',
    email: 'Correo electrónico de trabajo',
    password: 'Contraseña (12 caracteres como mínimo)',
    create: 'Crear administrador',
    enrolTitle: 'Añada un segundo factor',
    enrolIntro: 'Los administradores entran con un código de una aplicación de autenticación. Añada esta cuenta a la aplicación pegando el enlace o escribiendo la clave, y escriba el código de 6 dígitos que muestra.',
    uri: 'Enlace para la aplicación de autenticación',
    key: 'Clave (escríbala en grupos de cuatro)',
    code: 'Código de 6 dígitos',
    confirm: 'Confirmar y abrir el espacio de trabajo',
    done: 'Listo. Abriendo el espacio de trabajo…',
    other: 'English',
    otherHref: '/setup?lang=en',
    otherLang: 'en',
    failed: 'Algo salió mal. Revise los campos y vuelva a intentarlo.',
    qr: 'Código QR para la aplicación de autenticación: escanéelo, o use el enlace o la clave de abajo.',
  },
} as const;

/**
 * The first-run set-up page. The one-time code stays in the URL fragment, which the browser
 * never sends in a request; the page's script reads it and posts it with the form. Works with
 * the keyboard and a screen reader: labelled fields, errors announced through a live region.
 */
export function setupPage(lang: 'en' | 'es', nonce: string): string {
  const t = STRINGS[lang];
  const s = (v: string) => escapeHtml(v);
  const messages = JSON.stringify({ noCode: t.noCode, failed: t.failed, done: t.done, qr: t.qr }).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${s(t.title)}</title>
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #fff; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #57606a; border-radius: 4px; }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  button { font: inherit; margin-top: 1.25rem; padding: .6rem 1rem; background: #0b5cad; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  a { color: #0b5cad; }
  code, output { font-family: ui-monospace, monospace; background: #f2f4f7; padding: .2rem .35rem; border-radius: 3px; word-break: break-all; display: inline-block; }
  [role=alert] { color: #a40e26; font-weight: 600; }
  [hidden] { display: none; }
</style>
</head>
<body>
<main>
<p><a href="${t.otherHref}" lang="${t.otherLang}" hreflang="${t.otherLang}">${s(t.other)}</a></p>
<h1>${s(t.title)}</h1>
<p id="status" role="alert" aria-live="assertive"></p>
<form id="account">
  <p>${s(t.intro)}</p>
  <label for="name">${s(t.name)}</label>
  <input id="name" name="name" autocomplete="name" required maxlength="200">
  <label for="email">${s(t.email)}</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="320">
  <label for="password">${s(t.password)}</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256">
  <button type="submit">${s(t.create)}</button>
</form>
<form id="enrol" hidden>
  <h2 tabindex="-1" id="enrol-title">${s(t.enrolTitle)}</h2>
  <p>${s(t.enrolIntro)}</p>
  <p id="qr"></p>
  <p><span id="uri-label">${s(t.uri)}</span><br><output id="uri" aria-labelledby="uri-label"></output></p>
  <p><span id="key-label">${s(t.key)}</span><br><output id="key" aria-labelledby="key-label"></output></p>
  <label for="code">${s(t.code)}</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength="6">
  <button type="submit">${s(t.confirm)}</button>
</form>
</main>
<script nonce="${nonce}">
(() => {
  const m = ${messages};
  const status = document.getElementById('status');
  const code = decodeURIComponent(location.hash.slice(1));
  // The code has done its job once read: keep it out of the history and of screenshots.
  if (code) history.replaceState(null, '', location.pathname + location.search);
  const account = document.getElementById('account');
  const enrol = document.getElementById('enrol');
  if (!code) { status.textContent = m.noCode; account.hidden = true; return; }
  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-carethread-csrf': '1' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || m.failed);
    return data;
  };
  account.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(account);
    try {
      const r = await post('/api/v1/auth/setup', { code, name: f.get('name'), email: f.get('email'), password: f.get('password') });
      status.textContent = '';
      document.getElementById('uri').textContent = r.otpauthUri;
      document.getElementById('key').textContent = r.secretGrouped;
      // Server-made SVG of rectangles only; labelled for screen readers.
      document.getElementById('qr').innerHTML = r.qrSvg;
      document.querySelector('#qr svg')?.setAttribute('aria-label', m.qr);
      account.hidden = true;
      enrol.hidden = false;
      document.getElementById('enrol-title').focus();
    } catch (err) { status.textContent = err.message; }
  });
  enrol.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/api/v1/auth/mfa/confirm', { code: String(new FormData(enrol).get('code')).trim() });
      status.textContent = m.done;
      location.assign('/app/');
    } catch (err) { status.textContent = err.message; }
  });
})();
</script>
</body>
</html>`;
}
