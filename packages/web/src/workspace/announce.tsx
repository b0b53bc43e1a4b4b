import { useEffect, useState } from 'react';

const listeners = new Set<(message: string) => void>();

/**
 * Tells screen-reader users (and, as a short toast, everyone) that something happened outside
 * their focus: a new offer, a new message, a transfer done.
 */
export function announce(message: string): void {
  for (const listener of listeners) listener(message);
}

export function LiveRegion() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener = (next: string) => {
      // Clearing first makes a repeated identical message be read again.
      setMessage('');
      requestAnimationFrame(() => setMessage(next));
      clearTimeout(timer);
      timer = setTimeout(() => setMessage(''), 8000);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      clearTimeout(timer);
    };
  }, []);
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className={message ? 'toast' : 'toast toast-empty'}>
      {message}
    </div>
  );
}
