// "Send artwork" (show_artwork for a pasted link, code or id) and "Play channel" (play_channel
// for all, promoted, a hashtag, or the owner's own art) for one player.
import { useState } from 'react';
import { channelCommand, type ChannelChoice } from '@/lib/players';
import { OutcomeText, resolvePostId, sendCommand, useOutcomes } from './actions';

const CHANNELS: Array<{ value: ChannelChoice; label: string }> = [
  { value: 'all', label: 'All recent art' },
  { value: 'promoted', label: 'Promoted' },
  { value: 'hashtag', label: 'A hashtag' },
  { value: 'by_user', label: 'My art' },
];

export function SendArt({ sqid, playerId }: { sqid: string; playerId: string }) {
  const { out, busy, run } = useOutcomes();
  const [ref, setRef] = useState('');
  const [channel, setChannel] = useState<ChannelChoice>('all');
  const [hashtag, setHashtag] = useState('');

  const sendArt = () =>
    run('art', async () => {
      const postId = await resolvePostId(ref);
      await sendCommand(sqid, playerId, { command_type: 'show_artwork', post_id: postId });
      return `Sent post ${postId}`;
    });

  const playChannel = () =>
    run('channel', async () => {
      const c = channelCommand(channel, hashtag, sqid);
      if (!c.ok) throw new Error(c.error);
      await sendCommand(sqid, playerId, c.body);
    });

  return (
    <div className="send-art">
      <form className="control-row" onSubmit={(e) => { e.preventDefault(); void sendArt(); }}>
        <label htmlFor={`art-${playerId}`}>Artwork link or id</label>
        <input id={`art-${playerId}`} value={ref} placeholder="https://…/p/abc123" onChange={(e) => setRef(e.target.value)} />
        <button type="submit" className="button button-small" disabled={busy === 'art' || !ref.trim()}>Send artwork</button>
        <OutcomeText o={out.art} />
      </form>
      <form className="control-row" onSubmit={(e) => { e.preventDefault(); void playChannel(); }}>
        <label htmlFor={`ch-${playerId}`}>Channel</label>
        <select id={`ch-${playerId}`} value={channel} onChange={(e) => setChannel(e.target.value as ChannelChoice)}>
          {CHANNELS.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        </select>
        {channel === 'hashtag' && (
          <>
            <label htmlFor={`tag-${playerId}`} className="sr-only">Hashtag</label>
            <input id={`tag-${playerId}`} value={hashtag} placeholder="#hashtag" onChange={(e) => setHashtag(e.target.value)} />
          </>
        )}
        <button type="submit" className="button button-small button-secondary" disabled={busy === 'channel'}>Play channel</button>
        <OutcomeText o={out.channel} />
      </form>
    </div>
  );
}
