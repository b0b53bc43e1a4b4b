import type { TFunction } from 'i18next';

/** "5 min ago" / "hace 5 min", from an age in seconds. */
export function ago(seconds: number, language: string): string {
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' });
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86_400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86_400), 'day');
}

export function agoFrom(iso: string | undefined | null, language: string, now = Date.now()): string {
  if (!iso) return '';
  return ago((now - Date.parse(iso)) / 1000, language);
}

export function dateTime(iso: string, language: string): string {
  return new Date(iso).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

export function time(iso: string, language: string): string {
  const d = new Date(iso);
  const sameDay = new Date().toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' }) : dateTime(iso, language);
}

export function waitText(seconds: number | null, t: TFunction): string {
  if (seconds === null) return '';
  const m = Math.floor(seconds / 60);
  return m > 0 ? t('waitMinutes', { count: m }) : t('waitSeconds', { count: seconds });
}

export function patientName(p: { givenName: string | null; familyName: string | null } | null | undefined, t: TFunction): string {
  const name = [p?.givenName, p?.familyName].filter(Boolean).join(' ');
  return name || t('unknownPatient');
}

export const channelLabel = (channel: string | null | undefined, t: TFunction) => (channel ? t(`channel.${channel}`, channel) : '—');
export const factLabel = (fact: string, t: TFunction) => t(`fact.${fact}`, fact);
export const requestLabel = (type: string, t: TFunction) => t(`requestType.${type}`, type);
