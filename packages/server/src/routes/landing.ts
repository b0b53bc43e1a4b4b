/**
 * The page `npm start` points at: what is running and where to go next. The agent workspace
 * replaces it; until then it must still be readable, keyboard-usable and bilingual.
 */
/**
 * `nonce`: this response's CSP nonce (request.cspNonce), carried by the inline style.
 * `demoInbox`: the demo's phone-and-inbox page is on (no SMS provider or mail relay configured).
 */
export function landingPage(nonce: string, options: { demoInbox?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>carethread</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #fff; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.75rem; margin-bottom: .25rem; }
  a { color: #0b5cad; }
  a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  code { background: #f2f4f7; padding: .1rem .3rem; border-radius: 3px; }
  section + section { border-top: 1px solid #d0d7de; margin-top: 1.5rem; }
</style>
</head>
<body>
<main>
<section lang="en">
  <h1>carethread is running</h1>
  <p>One patient, one thread across every channel. A demo organisation with synthetic patients is loaded.</p>
  <ul>
    <li><a href="/demo/chat">A clinic website with the chat widget</a>: chat as a patient, then continue by phone with a code.</li>
    <li><a href="/portal?org=demo">Patient portal</a>: sign in with a one-time code (sent through the outbox).</li>${options.demoInbox ? '\n    <li><a href="/demo/inbox">The patients\' phone and inbox</a> (demo only): what carethread would have sent by text message and email, such as portal codes and reminders.</li>' : ''}
    <li><a href="/app/">Staff workspace</a>: sign in with your work email and password (and the code from your authenticator app). On a fresh install, the first administrator is created with the one-time set-up link printed in the terminal; the demo organisation's agents have passwords printed there too.</li>
    <li><a href="/front-desk">Front-desk check-in</a>: signed in to the workspace, find a patient and log the visit.</li>
    <li><a href="/docs">API reference (OpenAPI)</a>: scripts and integrations use an access token that an administrator issues in the workspace, as a bearer token.</li>
    <li>Play the journey scenarios through the real channels: <code>npm run carethread -- replay scenarios</code></li>
  </ul>
</section>
<section lang="es">
  <h2>carethread está en marcha</h2>
  <p>Un paciente, un solo hilo en todos los canales. Hay una organización de demostración con pacientes sintéticos.</p>
  <ul>
    <li><a href="/demo/chat?lang=es">Sitio de una clínica con el chat</a>: converse como paciente y siga por teléfono con un código.</li>
    <li><a href="/portal?org=demo&amp;lang=es">Portal del paciente</a>: entre con un código de un solo uso.</li>${options.demoInbox ? '\n    <li><a href="/demo/inbox?lang=es">El teléfono y el correo de los pacientes</a> (solo demostración): lo que carethread habría enviado por mensaje de texto y correo, como los códigos del portal y los recordatorios.</li>' : ''}
    <li><a href="/app/">Espacio de trabajo del personal</a>: entre con su correo de trabajo y su contraseña (y el código de su aplicación de autenticación). En una instalación nueva, el primer administrador se crea con el enlace de configuración de un solo uso que aparece en la terminal; las contraseñas de los agentes de la organización de demostración también aparecen allí.</li>
    <li><a href="/front-desk">Recepción</a>: con la sesión del espacio de trabajo abierta, busque a un paciente y registre su llegada.</li>
    <li><a href="/docs">Referencia de la API (OpenAPI)</a>: los scripts y las integraciones usan como token de portador un token de acceso que emite un administrador en el espacio de trabajo.</li>
  </ul>
</section>
</main>
</body>
</html>`;
}
