import { useTranslation } from 'react-i18next';
import { channelLabel } from './format.ts';

/** A channel as a small labelled badge; the current channel is drawn stronger and says so. */
export function ChannelBadge({ channel, current = false }: { channel: string | null; current?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ch-${channel ?? 'none'}${current ? ' current' : ''}`}>
      {channelLabel(channel, t)}
      {current ? <span className="sr-only"> ({t('currentChannel')})</span> : null}
    </span>
  );
}
