// The carethread web-chat widget. A site embeds it with one tag:
//   <script src="https://<carethread>/widget.js" data-org="<widget key>" data-lang="en" async></script>
// It mounts a launcher and a chat dialog in a shadow root and talks to carethread over a websocket.
import { pickLanguage } from './i18n.ts';
import type { Lang } from './protocol.ts';
import { ChatWidget, type SessionStore } from './widget.ts';

declare global {
  interface Window {
    carethreadWidget?: { open(): void; close(): void; setLanguage(lang: Lang): void };
  }
}

/** Per widget key, so two clinics' widgets on one domain keep separate conversations. */
function storeFor(orgKey: string): SessionStore {
  const key = `carethread.webchat.${orgKey}`;
  let memory: { token?: string; lang?: Lang } = {};
  const read = (): { token?: string; lang?: Lang } => {
    try {
      const raw = window.localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as { token?: string; lang?: Lang }) : memory;
    } catch {
      // Storage blocked (privacy settings): the chat still works, it just will not survive a reload.
      return memory;
    }
  };
  return {
    load: read,
    save(values) {
      memory = { ...read(), ...values };
      try {
        window.localStorage.setItem(key, JSON.stringify(memory));
      } catch {
        /* kept in memory only */
      }
    },
  };
}

function boot(): void {
  if (window.carethreadWidget) return; // the snippet pasted twice
  const script =
    (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-org][src*="widget.js"]');
  const orgKey = script?.dataset.org;
  if (!script || !orgKey) {
    console.warn('carethread widget: add data-org="<widget key>" to the script tag');
    return;
  }
  const src = new URL(script.src, window.location.href);
  const socketUrl = `${src.protocol === 'https:' ? 'wss:' : 'ws:'}//${src.host}/channels/webchat/socket?org=${encodeURIComponent(orgKey)}`;
  const html = document.documentElement;
  const lang = pickLanguage(script.dataset.lang, html.lang, navigator.language);

  const mount = () => {
    const host = document.createElement('div');
    host.setAttribute('data-carethread-widget', '');
    document.body.append(host);
    // script.nonce (not the attribute, which browsers hide) lets a nonce-only host CSP admit our styles.
    const widget = new ChatWidget(host, { socketUrl, lang, store: storeFor(orgKey), nonce: script.nonce || undefined });
    window.carethreadWidget = {
      open: () => widget.open(),
      close: () => widget.close(),
      setLanguage: (l) => widget.setLanguage(pickLanguage(l)),
    };
    // A page that switches its own language (a toggle that sets <html lang>) takes the widget along.
    new MutationObserver(() => widget.setLanguage(pickLanguage(html.lang))).observe(html, { attributes: true, attributeFilter: ['lang'] });
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

boot();
