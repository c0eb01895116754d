/**
 * For server tests: a client of a `text/event-stream` (src/sse.ts), its events collected as they
 * come, and what the staff live stream says of someone's presence.
 */
import { PRESENCE_EVENT, type Presence } from '@consultkit/core/contract';

/** An open event stream, its events collected as they come. */
export class EventStreamClient {
  readonly events: { event: string; data: unknown }[] = [];
  readonly #controller = new AbortController();
  /** The answer's status (200 for a stream; the events stay empty otherwise). */
  status = 0;

  /** Opens `url` (`…/api/presence/events`) with `headers`; resolves once the answer's headers came. */
  static async open(url: string, headers: Record<string, string>): Promise<EventStreamClient> {
    const stream = new EventStreamClient();
    const response = await fetch(url, { headers, signal: stream.#controller.signal });
    stream.status = response.status;
    if (!response.body || response.status !== 200) return stream;
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (event && data) stream.events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted, or the server closed
      }
    })();
    return stream;
  }

  /** The latest presence of `practitioner` this staff live stream heard (snapshot or change). */
  presenceOf(practitioner: string): Presence | undefined {
    let found: Presence | undefined;
    for (const { event, data } of this.events) {
      if (event === PRESENCE_EVENT.snapshot) {
        found = (data as { people: Presence[] }).people.find((p) => p.practitioner === practitioner) ?? found;
      }
      if (event === PRESENCE_EVENT.change && (data as Presence).practitioner === practitioner) found = data as Presence;
    }
    return found;
  }

  close(): void {
    this.#controller.abort();
  }
}
