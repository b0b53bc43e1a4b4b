import { Connection } from './connection.ts';
import { displayPhone, STRINGS, type Strings } from './i18n.ts';
import { MAX_TEXT, type ContinueChannel, type HistoryEntry, type Lang, type ServerFrame } from './protocol.ts';
import { CSS } from './styles.ts';

export interface WidgetOptions {
  socketUrl: string;
  /** From data-lang or the page's <html lang>; a choice the visitor made in the widget wins. */
  lang: Lang;
  store: SessionStore;
  /** The nonce of the embedding <script> tag, for host pages whose CSP allows styles by nonce only. */
  nonce?: string;
}

export interface SessionStore {
  load(): { token?: string; lang?: Lang };
  save(values: { token?: string; lang?: Lang }): void;
}

type Status = 'sending' | 'sent' | 'read' | 'failed';

interface MessageView {
  id: string | null;
  clientId: string | null;
  mine: boolean;
  actor: string;
  text: string;
  at: string;
  status: Status;
  readSent: boolean;
  el: HTMLElement;
  who: HTMLElement;
  meta: HTMLElement;
}

type Attrs = Record<string, string | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children);
  return el;
}

function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0 4v2h6v-2H7z');
  svg.append(path);
  return svg;
}

/**
 * The widget's stylesheet, attached so that a host page's Content-Security-Policy does not
 * block it: a constructed stylesheet (not governed by style-src, so no 'unsafe-inline' is
 * needed), or on browsers without constructable stylesheets a <style> carrying the nonce the
 * host gave our <script> tag. Returns what must be appended to the shadow root.
 */
function styleFor(root: ShadowRoot, nonce: string | undefined): Node[] {
  try {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      return [];
    }
  } catch {
    /* fall through to a <style> element */
  }
  return [h('style', nonce ? { nonce } : {}, CSS)];
}

const FOCUSABLE = 'button:not([disabled]), a[href], textarea:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

let counter = 0;
function newClientId(): string {
  counter += 1;
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${counter}`;
}

/**
 * The chat widget: a launcher button and a dialog in a shadow root. Plain DOM, no framework,
 * so the bundle stays small and the host page's scripts and styles cannot interfere.
 */
export class ChatWidget {
  private lang: Lang;
  private t: Strings;
  private readonly root: ShadowRoot;
  private readonly conn: Connection;
  private readonly views: MessageView[] = [];
  /** Lines written but not yet acknowledged: resent with the same clientId after a reconnect. */
  private pending: Array<{ clientId: string; text: string }> = [];
  private isOpen = false;
  private unread = 0;
  private orgName = '';
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private ownTypingSentAt = 0;
  private ownTypingTimer: ReturnType<typeof setTimeout> | null = null;
  private addressChannel: 'sms' | 'email' | null = null;
  /** The address line whose ack triggers the continuation retry, and the channel it was for. */
  private retryAfter: { clientId: string; channel: 'sms' | 'email' } | null = null;
  private retried: 'sms' | 'email' | null = null;
  private lastContinuation: Extract<ServerFrame, { type: 'continuation' }> | null = null;
  private offerShown = false;
  private connState: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' = 'idle';

  // elements
  private readonly launcher: HTMLButtonElement;
  private readonly launcherLabel: HTMLSpanElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLDivElement;
  private readonly title: HTMLHeadingElement;
  private readonly subtitle: HTMLParagraphElement;
  private readonly langButton: HTMLButtonElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly statusLine: HTMLParagraphElement;
  private readonly announcer: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly intro: HTMLParagraphElement;
  private readonly noFiles: HTMLParagraphElement;
  private readonly typing: HTMLParagraphElement;
  private readonly callBox: HTMLDivElement;
  private readonly offerBox: HTMLDivElement;
  private readonly addressForm: HTMLFormElement;
  private readonly addressLabel: HTMLLabelElement;
  private readonly addressInput: HTMLInputElement;
  private readonly addressError: HTMLParagraphElement;
  private readonly addressSubmit: HTMLButtonElement;
  private readonly addressCancel: HTMLButtonElement;
  private readonly sentBox: HTMLDivElement;
  private readonly inputLabel: HTMLLabelElement;
  private readonly input: HTMLTextAreaElement;
  private readonly hint: HTMLParagraphElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly phoneButton: HTMLButtonElement;

  constructor(
    host: HTMLElement,
    private readonly options: WidgetOptions,
  ) {
    const stored = options.store.load();
    this.lang = stored.lang ?? options.lang;
    this.t = STRINGS[this.lang];
    this.root = host.attachShadow({ mode: 'open' });

    this.launcherLabel = h('span');
    this.badge = h('span', { class: 'badge', hidden: true });
    this.launcher = h('button', { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': 'ct-panel' }, chatIcon(), this.launcherLabel, this.badge);

    this.title = h('h2', { id: 'ct-title' });
    this.subtitle = h('p', { id: 'ct-org' });
    this.langButton = h('button', { type: 'button', class: 'lang' });
    this.closeButton = h('button', { type: 'button', class: 'close' }, '\u00d7');
    const head = h('div', { class: 'head' }, h('div', { class: 'titles' }, this.title, this.subtitle), this.langButton, this.closeButton);

    this.statusLine = h('p', { class: 'status', role: 'status' });
    this.announcer = h('div', { class: 'sr', 'aria-live': 'polite' });
    this.intro = h('p', { class: 'note' });
    this.noFiles = h('p', { class: 'note' });
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0' }, this.intro, this.noFiles);
    this.typing = h('p', { class: 'typing', 'aria-live': 'polite' });

    this.callBox = h('div', { class: 'box call', hidden: true });
    this.offerBox = h('div', { class: 'box offer', role: 'group', hidden: true });
    this.sentBox = h('div', { class: 'box sent', hidden: true });

    this.addressLabel = h('label', { for: 'ct-address' });
    this.addressInput = h('input', { id: 'ct-address', required: true, 'aria-describedby': 'ct-address-error' });
    this.addressError = h('p', { id: 'ct-address-error', class: 'hint' });
    this.addressSubmit = h('button', { type: 'submit', class: 'primary' });
    this.addressCancel = h('button', { type: 'button' });
    this.addressForm = h('form', { class: 'box address', hidden: true, novalidate: true }, this.addressLabel, this.addressInput, this.addressError, h('div', { class: 'row' }, this.addressSubmit, this.addressCancel));

    this.inputLabel = h('label', { for: 'ct-input' });
    this.input = h('textarea', { id: 'ct-input', rows: '2', maxlength: String(MAX_TEXT), 'aria-describedby': 'ct-hint', autocomplete: 'off' });
    this.hint = h('p', { id: 'ct-hint', class: 'hint' });
    this.phoneButton = h('button', { type: 'button', class: 'phone' });
    this.sendButton = h('button', { type: 'submit', class: 'primary send' });
    const composer = h('form', { class: 'composer' }, this.inputLabel, this.input, this.hint, h('div', { class: 'row' }, this.phoneButton, h('span', { class: 'spacer' }), this.sendButton));

    this.panel = h(
      'div',
      { id: 'ct-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ct-title', 'aria-describedby': 'ct-org', hidden: true },
      head,
      this.statusLine,
      this.log,
      this.typing,
      this.callBox,
      this.offerBox,
      this.addressForm,
      this.sentBox,
      composer,
      this.announcer,
    );
    this.root.append(...styleFor(this.root, options.nonce), this.launcher, this.panel);

    this.conn = new Connection(
      options.socketUrl,
      () => ({ ...(this.options.store.load().token ? { resumeToken: this.options.store.load().token } : {}), language: this.lang }),
      { frame: (f) => this.onFrame(f), state: (s) => this.onState(s) },
    );

    this.launcher.addEventListener('click', () => this.open());
    this.closeButton.addEventListener('click', () => this.close());
    this.langButton.addEventListener('click', () => {
      this.setLanguage(this.t.switchLanguageLang);
      this.options.store.save({ lang: this.lang });
    });
    this.panel.addEventListener('keydown', (e) => this.onPanelKey(e));
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitComposer();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submitComposer();
      }
    });
    this.input.addEventListener('input', () => this.ownTyping());
    this.phoneButton.addEventListener('click', () => this.requestContinuation('voice'));
    this.addressForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitAddress();
    });
    this.addressCancel.addEventListener('click', () => {
      this.addressForm.hidden = true;
      this.addressChannel = null;
      this.input.focus();
    });
    document.addEventListener('visibilitychange', () => this.sendReads());

    this.applyLanguage();
    // A returning visitor reconnects at once, so replies that came while away show as unread.
    if (stored.token) this.conn.start();
  }

  // ---- public face (window.carethreadWidget) ----

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.unread = 0;
    this.renderBadge();
    this.conn.start();
    this.input.focus();
    this.log.scrollTop = this.log.scrollHeight;
    this.sendReads();
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  setLanguage(lang: Lang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    this.t = STRINGS[lang];
    this.applyLanguage();
  }

  // ---- rendering ----

  private applyLanguage(): void {
    const t = this.t;
    this.root.host.setAttribute('lang', this.lang);
    this.panel.setAttribute('lang', this.lang);
    this.launcherLabel.textContent = t.launcher;
    this.title.textContent = t.title;
    this.subtitle.textContent = this.orgName;
    this.langButton.textContent = t.switchLanguage;
    this.langButton.setAttribute('lang', t.switchLanguageLang);
    this.closeButton.setAttribute('aria-label', t.close);
    this.log.setAttribute('aria-label', t.log);
    this.intro.textContent = t.intro;
    this.noFiles.textContent = t.noFiles;
    this.inputLabel.textContent = t.messageLabel;
    this.hint.textContent = t.hint;
    this.sendButton.textContent = t.send;
    this.phoneButton.textContent = t.continuePhone;
    this.addressSubmit.textContent = t.submitAddress;
    this.addressCancel.textContent = t.cancel;
    if (this.addressChannel) this.addressLabel.textContent = this.addressChannel === 'sms' ? t.phoneLabel : t.emailLabel;
    if (this.typing.textContent) this.typing.textContent = t.typing;
    this.renderBadge();
    this.renderConnState();
    for (const view of this.views) this.renderMeta(view);
    if (this.offerShown) this.renderOffer();
    if (this.lastContinuation) this.renderContinuation(this.lastContinuation, false);
  }

  private renderBadge(): void {
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = String(this.unread);
    this.launcher.setAttribute('aria-label', this.unread ? `${this.t.launcher} (${this.t.newMessages(this.unread)})` : this.t.launcher);
  }

  private renderConnState(): void {
    const s = this.connState;
    this.statusLine.textContent =
      s === 'connecting' ? this.t.connecting : s === 'reconnecting' ? this.t.reconnecting : s === 'closed' ? this.t.unavailable : '';
  }

  private announce(text: string): void {
    this.announcer.textContent = '';
    // A fresh text node after a tick, so screen readers announce a repeated sentence too.
    setTimeout(() => (this.announcer.textContent = text), 50);
  }

  private time(at: string): string {
    const d = new Date(at);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(this.lang, { hour: 'numeric', minute: '2-digit' });
  }

  private whoLabel(view: { mine: boolean; actor: string }): string {
    if (view.mine) return this.t.you;
    return view.actor === 'assistant' ? this.t.assistant : view.actor === 'system' ? this.t.system : this.t.clinic;
  }

  private renderMeta(view: MessageView): void {
    view.who.textContent = this.whoLabel(view);
    view.meta.textContent = '';
    const time = h('time', { datetime: view.at }, this.time(view.at));
    view.meta.append(time);
    if (!view.mine) return;
    const t = this.t;
    const [tick, label] =
      view.status === 'read' ? ['\u2713\u2713', t.read] : view.status === 'sent' ? ['\u2713', t.sent] : view.status === 'sending' ? ['\u2026', t.sending] : ['!', t.failed];
    // The tick is decoration; the word next to it is what assistive technology reads.
    view.meta.append(' ', h('span', { 'aria-hidden': 'true' }, tick), ' ', h('span', { class: view.status === 'failed' ? '' : 'sr' }, label));
    view.el.classList.toggle('failed', view.status === 'failed');
    if (view.status === 'failed') {
      const retry = h('button', { type: 'button' }, t.retry);
      retry.addEventListener('click', () => this.retry(view));
      view.meta.append(retry);
    }
  }

  private addView(entry: { id: string | null; clientId: string | null; mine: boolean; actor: string; text: string; at: string; status: Status }): MessageView {
    const who = h('span', { class: 'who' });
    const meta = h('span', { class: 'meta' });
    const cls = entry.mine ? 'msg mine' : entry.actor === 'system' ? 'msg system' : 'msg';
    const el = h('div', { class: cls }, who, h('span', { class: 'text' }, entry.text), meta);
    const view: MessageView = { ...entry, readSent: false, el, who, meta };
    this.views.push(view);
    this.renderMeta(view);
    this.log.append(el);
    this.log.scrollTop = this.log.scrollHeight;
    return view;
  }

  private find(id: string | null | undefined, clientId?: string | null): MessageView | undefined {
    return this.views.find((v) => (id && v.id === id) || (clientId && v.clientId === clientId));
  }

  // ---- socket frames ----

  private onState(state: 'connecting' | 'open' | 'reconnecting' | 'closed'): void {
    this.connState = state;
    this.renderConnState();
    const usable = state !== 'closed';
    this.input.disabled = !usable;
    this.sendButton.disabled = !usable;
    this.phoneButton.disabled = !usable;
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame);
      case 'ack': {
        this.pending = this.pending.filter((p) => p.clientId !== frame.clientId);
        const view = this.find(null, frame.clientId);
        if (view) {
          view.id = frame.messageId;
          if (view.status !== 'read') view.status = 'sent';
          this.renderMeta(view);
        }
        if (this.retryAfter?.clientId === frame.clientId) {
          const channel = this.retryAfter.channel;
          this.retryAfter = null;
          this.retried = channel;
          this.conn.send({ type: 'continue', channel });
        }
        return;
      }
      case 'message': {
        if (this.find(frame.id)) return;
        this.addView({ id: frame.id, clientId: null, mine: false, actor: frame.actor, text: frame.text, at: frame.at, status: 'sent' });
        if (frame.actor === 'agent') this.hideOffer();
        this.setTyping(false);
        if (!this.isOpen) {
          this.unread += 1;
          this.renderBadge();
        }
        this.sendReads();
        return;
      }
      case 'typing':
        return this.setTyping(frame.on);
      case 'read': {
        const view = this.find(frame.messageId, frame.clientId);
        if (view) {
          view.status = 'read';
          this.renderMeta(view);
        }
        return;
      }
      case 'continuation':
        return this.renderContinuation(frame, true);
      case 'needs_address':
        return this.showAddressForm(frame.channel, this.retried === frame.channel);
      case 'agent_unavailable':
        if (!this.lastContinuation || this.lastContinuation.channel === 'voice') {
          this.offerShown = true;
          this.renderOffer();
          this.announce(this.t.noAgent);
        }
        return;
      case 'error':
        return this.onError(frame);
    }
  }

  private onWelcome(frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    this.options.store.save({ token: frame.resumeToken });
    this.orgName = frame.organization.name;
    this.subtitle.textContent = this.orgName;
    // The server's history is the truth: rebuild the log from it, then put back what is still unsent.
    for (const view of this.views.splice(0)) view.el.remove();
    for (const entry of frame.history) this.addHistory(entry);
    const known = new Set(frame.history.map((e) => e.clientId).filter(Boolean));
    this.pending = this.pending.filter((p) => !known.has(p.clientId));
    for (const p of this.pending) {
      this.addView({ id: null, clientId: p.clientId, mine: true, actor: 'patient', text: p.text, at: new Date().toISOString(), status: 'sending' });
      this.conn.send({ type: 'message', clientId: p.clientId, text: p.text });
    }
    if (!this.isOpen) {
      this.unread = frame.history.filter((e) => !e.mine && !e.read && e.actor !== 'system').length;
      this.renderBadge();
    }
    this.sendReads();
  }

  private addHistory(entry: HistoryEntry): void {
    const view = this.addView({
      id: entry.id,
      clientId: entry.clientId ?? null,
      mine: entry.mine,
      actor: entry.actor,
      text: entry.text,
      at: entry.at,
      status: entry.mine ? (entry.read ? 'read' : 'sent') : 'sent',
    });
    // Replies already marked read by the server need no new receipt.
    if (!entry.mine && entry.read) view.readSent = true;
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    const t = this.t;
    if (frame.clientId) {
      this.pending = this.pending.filter((p) => p.clientId !== frame.clientId);
      const view = this.find(null, frame.clientId);
      if (view) {
        view.status = 'failed';
        this.renderMeta(view);
      }
      if (this.retryAfter?.clientId === frame.clientId) this.retryAfter = null;
    }
    const text =
      frame.error === 'no_case' ? t.needCaseFirst : frame.error === 'text_too_long' ? t.tooLong : frame.error === 'rate_limited' ? t.slowDown : t.genericError;
    this.announce(text);
    this.flash(text);
  }

  private flash(text: string): void {
    this.statusLine.textContent = text;
    setTimeout(() => {
      if (this.statusLine.textContent === text) this.renderConnState();
    }, 8000);
  }

  private setTyping(on: boolean): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    this.typing.textContent = on ? this.t.typing : '';
    // An indicator the agent forgot to turn off fades by itself.
    if (on) this.typingTimer = setTimeout(() => (this.typing.textContent = ''), 15_000);
  }

  /** Read receipts for replies on screen: only while the dialog is open and the tab visible. */
  private sendReads(): void {
    if (!this.isOpen || document.visibilityState !== 'visible' || !this.conn.isReady) return;
    for (const view of this.views) {
      if (!view.mine && view.id && !view.readSent) {
        if (this.conn.send({ type: 'read', messageId: view.id })) view.readSent = true;
      }
    }
  }

  // ---- patient actions ----

  private submitComposer(): void {
    const text = this.input.value;
    if (!text.trim()) return;
    if (text.length > MAX_TEXT) {
      this.flash(this.t.tooLong);
      return;
    }
    this.input.value = '';
    this.sendText(text);
    this.stopOwnTyping();
  }

  private sendText(text: string): string {
    const clientId = newClientId();
    this.pending.push({ clientId, text });
    this.addView({ id: null, clientId, mine: true, actor: 'patient', text, at: new Date().toISOString(), status: 'sending' });
    this.conn.start();
    this.conn.send({ type: 'message', clientId, text });
    return clientId;
  }

  private retry(view: MessageView): void {
    view.status = 'sending';
    this.renderMeta(view);
    this.pending.push({ clientId: view.clientId!, text: view.text });
    this.conn.send({ type: 'message', clientId: view.clientId!, text: view.text });
  }

  private ownTyping(): void {
    const now = Date.now();
    if (now - this.ownTypingSentAt > 3000) {
      this.ownTypingSentAt = now;
      this.conn.send({ type: 'typing', on: true });
    }
    if (this.ownTypingTimer) clearTimeout(this.ownTypingTimer);
    this.ownTypingTimer = setTimeout(() => this.stopOwnTyping(), 4000);
  }

  private stopOwnTyping(): void {
    if (this.ownTypingTimer) clearTimeout(this.ownTypingTimer);
    this.ownTypingTimer = null;
    if (this.ownTypingSentAt) this.conn.send({ type: 'typing', on: false });
    this.ownTypingSentAt = 0;
  }

  private requestContinuation(channel: ContinueChannel): void {
    if (!this.conn.send({ type: 'continue', channel })) this.flash(this.t.reconnecting);
  }

  private renderContinuation(frame: Extract<ServerFrame, { type: 'continuation' }>, fresh: boolean): void {
    this.lastContinuation = frame;
    const t = this.t;
    if (frame.channel !== 'voice') {
      this.addressForm.hidden = true;
      this.addressChannel = null;
      this.hideOffer();
      const p = h('p', { tabindex: '-1' }, frame.channel === 'sms' ? t.smsSent : t.emailSent);
      this.sentBox.replaceChildren(p);
      this.sentBox.hidden = false;
      if (fresh) p.focus();
      return;
    }
    const number = frame.phoneNumber ?? '';
    const shown = displayPhone(number);
    const [before, after] = t.callIntro(shown).split(shown);
    const intro = h('p', { id: 'ct-call-intro', tabindex: '-1' }, before ?? '', h('a', { href: `tel:${number}` }, shown), after ?? '');
    const code = h(
      'p',
      { class: 'code' },
      h('span', { class: 'sr' }, `${t.codeLabel}: ${t.spokenDigits(frame.code)}`),
      h('span', { 'aria-hidden': 'true' }, frame.code),
    );
    const back = h('button', { type: 'button' }, t.backToChat);
    back.addEventListener('click', () => {
      this.callBox.hidden = true;
      this.lastContinuation = null;
      this.phoneButton.focus();
    });
    this.callBox.replaceChildren(intro, code, h('p', {}, t.validUntil(this.time(frame.expiresAt))), h('div', { class: 'row' }, back));
    this.callBox.setAttribute('aria-labelledby', 'ct-call-intro');
    this.callBox.setAttribute('role', 'group');
    this.callBox.hidden = false;
    this.log.scrollTop = this.log.scrollHeight;
    if (fresh) intro.focus();
  }

  private renderOffer(): void {
    const t = this.t;
    const text = h('p', { id: 'ct-offer-text' }, t.noAgent);
    const sms = h('button', { type: 'button', class: 'primary' }, t.continueSms);
    const email = h('button', { type: 'button' }, t.continueEmail);
    sms.addEventListener('click', () => this.chooseMessaging('sms'));
    email.addEventListener('click', () => this.chooseMessaging('email'));
    this.offerBox.setAttribute('aria-labelledby', 'ct-offer-text');
    this.offerBox.replaceChildren(text, h('div', { class: 'row' }, sms, email));
    this.offerBox.hidden = false;
    this.log.scrollTop = this.log.scrollHeight;
  }

  private hideOffer(): void {
    this.offerShown = false;
    this.offerBox.hidden = true;
  }

  private chooseMessaging(channel: 'sms' | 'email'): void {
    this.retried = null;
    this.requestContinuation(channel);
  }

  private showAddressForm(channel: 'sms' | 'email', afterRetry: boolean): void {
    this.addressChannel = channel;
    this.addressLabel.textContent = channel === 'sms' ? this.t.phoneLabel : this.t.emailLabel;
    this.addressInput.type = channel === 'sms' ? 'tel' : 'email';
    this.addressInput.autocomplete = channel === 'sms' ? 'tel' : 'email';
    this.addressError.textContent = afterRetry ? this.t.addressNotUsable : '';
    this.addressForm.hidden = false;
    this.addressInput.focus();
  }

  private submitAddress(): void {
    const channel = this.addressChannel;
    const value = this.addressInput.value.trim();
    if (!channel || !value) {
      this.addressInput.focus();
      return;
    }
    // Said in the chat like any other line, so the fact extractor records it on the case.
    const clientId = this.sendText(channel === 'sms' ? this.t.myPhoneIs(value) : this.t.myEmailIs(value));
    this.retryAfter = { clientId, channel };
    this.addressInput.value = '';
    this.addressForm.hidden = true;
    this.input.focus();
  }

  // ---- keyboard ----

  private onPanelKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== 'Tab') return;
    // Focus stays inside the open dialog: Tab from the last control wraps to the first.
    const items = [...this.panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = this.root.activeElement;
    if (e.shiftKey && (active === first || !this.panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !this.panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }
}
