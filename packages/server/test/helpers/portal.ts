import type { FastifyInstance } from 'fastify';

/** A browser stand-in for the patient portal: keeps its cookies between requests like a real one. */
export class PortalVisitor {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie headers of the last answer, for attribute checks. */
  lastSetCookies: string[] = [];

  constructor(private readonly app: FastifyInstance) {}

  /** `form` as fields (encoded here) or as an already encoded body; `extraCookie` is sent once, unkept. */
  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string> | string, extraCookie?: string) {
    const jar = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (extraCookie) jar.push(extraCookie);
    const headers: Record<string, string> = {};
    if (jar.length) headers.cookie = jar.join('; ');
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const payload = form === undefined ? undefined : typeof form === 'string' ? form : new URLSearchParams(form).toString();
    const res = await this.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    const raw = res.headers['set-cookie'];
    this.lastSetCookies = Array.isArray(raw) ? raw : raw ? [raw] : [];
    for (const c of this.lastSetCookies) {
      const [pair, ...attrs] = c.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      if (attrs.some((a) => /^\s*max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, decodeURIComponent(pair!.slice(at + 1)));
    }
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>) {
    return this.request('POST', url, form);
  }
}

/** The value of a hidden form field (the first after `after`), or null. */
export function hiddenField(html: string, name: string, after = 0): string | null {
  const re = new RegExp(`name="${name}" value="([^"]*)"`, 'g');
  re.lastIndex = after;
  return re.exec(html)?.[1] ?? null;
}
