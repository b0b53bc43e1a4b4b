/**
 * `last_error` is read by staff and kept for as long as the row: it must not carry PHI.
 * Transports are asked to throw messages without identifiers, and this is the safety net for
 * the ones that quote a provider: addresses and anything shaped like a phone number go.
 */
export function redactError(err: unknown): string {
  const raw = err instanceof Error ? `${err.name === 'Error' || err.name === 'PermanentDeliveryError' ? '' : `${err.name}: `}${err.message}` : String(err);
  return redactText(raw).slice(0, 300) || 'delivery failed';
}

export function redactText(text: string): string {
  return (
    text
      // email addresses
      .replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g, '[address]')
      // phone-like runs: 7+ digits, allowing the usual separators
      .replace(/\+?\d[\d\s().\-/]{5,}\d/g, (m) => (m.replace(/\D/g, '').length >= 7 ? '[number]' : m))
      .replace(/\s+/g, ' ')
      .trim()
  );
}
