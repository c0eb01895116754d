/** Reading a `text/event-stream` with `fetch`, so it can carry the client's headers (EventSource cannot). */
import type { BookingClient } from './booking-client.js';
import { FhirError } from './fhir-error.js';

/** One server-sent event. */
export interface ServerEvent {
  /** The `event:` field, `message` when absent. */
  type: string;
  /** The `data:` lines, joined by newlines. */
  data: string;
}

/**
 * Reads the event stream at `url` through `client` (its headers and credentials), calling
 * `onEvent` for each event. Resolves when the server ends the stream; rejects when it cannot be
 * opened or breaks. Stop it with `signal`.
 */
export async function readEventStream(
  client: BookingClient,
  url: string,
  onEvent: (event: ServerEvent) => void,
  options: { signal: AbortSignal; onOpen?: () => void },
): Promise<void> {
  const response = await client.send(url, {
    headers: { accept: 'text/event-stream' },
    cache: 'no-store',
    signal: options.signal,
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new FhirError(response.status, undefined, `The event stream answered ${response.status}`);
  }
  options.onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) {
        if (data.length) onEvent({ type: type || 'message', data: data.join('\n') });
        type = '';
        data = [];
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) continue; // a comment (keep-alive)
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = text;
      else if (field === 'data') data.push(text);
    }
  }
}
