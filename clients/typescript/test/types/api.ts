// Compiled (not run) by `npm run build` (tsconfig.test.json): the public API's types hold as documented.
import { VicinityClient, VicinityError, type ChatMessage, type ConnectionState, type OutboxEntry } from '../../src/index.js';

declare const WS: import('../../src/index.js').WebSocketConstructor;
const client = new VicinityClient({ url: 'ws://h/ws', token: async () => 'demo:a', device: 'd', WebSocket: WS });

export async function typed(): Promise<void> {
  const sent = await client.request('chat.send', { session: 'S', clientId: 'c', text: 'hi' });
  const seq: number = sent.seq;
  const dup: boolean = sent.duplicate;
  const page = await client.nearby({ radius: 1000, limit: 10 });
  const distance: string | undefined = page.users[0]?.distance;
  const summary = await client.request('rating.summary', { user: 'bob' });
  const shown: boolean = summary.shown;
  // @ts-expect-error: chat.send needs a clientId
  await client.request('chat.send', { session: 'S', text: 'hi' });
  // @ts-expect-error: the client sends hello itself
  await client.request('hello', { v: 1, token: 't', device: 'd' });
  client.on('message', (m: ChatMessage) => void [m.seq, m.replayed, m.clientId]);
  client.on('state', (s: ConnectionState) => void [s.status, s.retryInMs]);
  client.on('outbox', (e: OutboxEntry) => void [e.state, e.error?.code]);
  client.on('session', (s) => void (s.gone === undefined ? s.state : s.gone));
  try {
    await client.invite(['bob']);
  } catch (e) {
    if (e instanceof VicinityError && e.code === 'rate_limited') void e.retryAfterMs;
  }
  void [seq, dup, distance, shown];
}
