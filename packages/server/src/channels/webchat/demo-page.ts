/**
 * An ordinary page of a fictional clinic with the widget snippet in it, exactly as a customer
 * would paste it. It shows what the widget looks like on someone else's site (its styles live
 * in a shadow root, so the page's own CSS cannot reach them) and is what the browser tests open.
 */

type Lang = 'en' | 'es';

const TEXT = {
  en: {
    title: 'Riverside Family Clinic',
    skip: 'Skip to main content',
    nav: 'Main',
    navItems: ['Services', 'Visiting hours', 'Contact'],
    switchTo: 'Español',
    switchLang: 'es',
    heroTitle: 'Care close to home',
    heroText:
      'Primary care, a pharmacy and a nurse line for the whole family. Ask us anything in the chat: refills, appointments, bills or test results.',
    servicesTitle: 'Services',
    services: ['Family medicine and check-ups', 'Prescription refills', 'Lab tests and results', 'Billing and insurance help'],
    hoursTitle: 'Visiting hours',
    hours: ['Monday to Friday: 8 am to 6 pm', 'Saturday: 9 am to 1 pm', 'Sunday: closed'],
    contactTitle: 'Contact',
    contact: 'Call us at +1 555-010-0100 or use the chat button at the bottom right of this page.',
    emergency: 'In an emergency, call 911.',
    footer: 'Riverside Family Clinic is a fictional clinic used to demonstrate carethread. All data is synthetic.',
  },
  es: {
    title: 'Clínica Familiar Riverside',
    skip: 'Saltar al contenido principal',
    nav: 'Principal',
    navItems: ['Servicios', 'Horario', 'Contacto'],
    switchTo: 'English',
    switchLang: 'en',
    heroTitle: 'Atención cerca de casa',
    heroText:
      'Medicina familiar, farmacia y línea de enfermería para toda la familia. Pregúntenos lo que necesite en el chat: recetas, citas, facturas o resultados.',
    servicesTitle: 'Servicios',
    services: ['Medicina familiar y chequeos', 'Renovación de recetas', 'Análisis y resultados', 'Ayuda con facturas y seguros'],
    hoursTitle: 'Horario',
    hours: ['Lunes a viernes: de 8:00 a 18:00', 'Sábado: de 9:00 a 13:00', 'Domingo: cerrado'],
    contactTitle: 'Contacto',
    contact: 'Llámenos al +1 555-010-0100 o use el botón de chat abajo a la derecha de esta página.',
    emergency: 'En caso de emergencia, llame al 911.',
    footer: 'La Clínica Familiar Riverside es ficticia y sirve para mostrar carethread. Todos los datos son sintéticos.',
  },
} as const;

const ids = ['services', 'hours', 'contact'];

/** `nonce`: this response's CSP nonce (request.cspNonce), carried by the page's own inline style. */
export function demoChatPage(lang: Lang, nonce: string, widgetKey = 'demo'): string {
  const t = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style nonce="${nonce}">
  /* Deliberately opinionated page styles: none of them may leak into the widget. */
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.6 Georgia, 'Times New Roman', serif; color: #1d2a33; background: #fbf8f3; }
  button, textarea { font-family: 'Comic Sans MS', cursive; color: #c00; }
  a { color: #0a5a3c; }
  .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
  .skip:focus { left: 1rem; z-index: 10; }
  header { background: #0a5a3c; color: #fff; }
  header .bar { max-width: 64rem; margin: 0 auto; padding: 1rem 1.5rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
  header a { color: #fff; }
  .brand { font-size: 1.4rem; font-weight: bold; margin: 0; }
  nav ul { list-style: none; display: flex; gap: 1.25rem; margin: 0; padding: 0; }
  main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.5rem 6rem; }
  .hero { background: #e6f0ea; border-radius: 12px; padding: 2rem; margin-bottom: 2rem; }
  .hero h1 { margin-top: 0; font-size: 2.2rem; }
  .grid { display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
  section { background: #fff; border: 1px solid #d9e2dc; border-radius: 12px; padding: 1.25rem 1.5rem; }
  .note { font-weight: bold; }
  footer { border-top: 1px solid #d9e2dc; padding: 1.5rem; text-align: center; font-size: .9rem; color: #3f4d55; }
</style>
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header>
  <div class="bar">
    <p class="brand">${t.title}</p>
    <nav aria-label="${t.nav}">
      <ul>
        ${t.navItems.map((label, i) => `<li><a href="#${ids[i]}">${label}</a></li>`).join('\n        ')}
        <li><a href="?lang=${t.switchLang}" hreflang="${t.switchLang}" lang="${t.switchLang}">${t.switchTo}</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main">
  <div class="hero">
    <h1>${t.heroTitle}</h1>
    <p>${t.heroText}</p>
  </div>
  <div class="grid">
    <section id="services" aria-labelledby="services-title">
      <h2 id="services-title">${t.servicesTitle}</h2>
      <ul>${t.services.map((s) => `<li>${s}</li>`).join('')}</ul>
    </section>
    <section id="hours" aria-labelledby="hours-title">
      <h2 id="hours-title">${t.hoursTitle}</h2>
      <ul>${t.hours.map((s) => `<li>${s}</li>`).join('')}</ul>
    </section>
    <section id="contact" aria-labelledby="contact-title">
      <h2 id="contact-title">${t.contactTitle}</h2>
      <p>${t.contact}</p>
      <p class="note">${t.emergency}</p>
    </section>
  </div>
</main>
<footer><p>${t.footer}</p></footer>
<!-- carethread web chat: the snippet a site pastes before </body> -->
<script src="/widget.js" data-org="${escapeAttribute(widgetKey)}" data-lang="${lang}" async></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);
}
