import { expect } from '@open-wc/testing';
import { BookingClient } from './booking-client.js';
import { readEventStream, type ServerEvent } from './events.js';
import { FhirError } from './fhir-error.js';

/** A client whose fetch answers with `chunks` as an event stream (the parser's input, cut anywhere). */
function streaming(chunks: string[], status = 200): BookingClient {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  return new BookingClient({
    baseUrl: 'https://ck.example/fhir',
    fetch: async () => new Response(body, { status, headers: { 'content-type': 'text/event-stream' } }),
  });
}

describe('booking: readEventStream', () => {
  it('parses events cut across chunks, with comments, CRLF and multi-line data', async () => {
    const client = streaming([
      'retry: 3000\n: connected\n\n',
      'event: appoint',
      'ment\ndata: {"id":"1",',
      '"status":"pending"}\n\n',
      ': heartbeat\r\n\r\n',
      'data: line one\r\ndata: line two\r\n\r\n',
    ]);
    const events: ServerEvent[] = [];
    let opened = false;
    await readEventStream(client, 'https://ck.example/api/staff/events', (event) => events.push(event), {
      signal: new AbortController().signal,
      onOpen: () => (opened = true),
    });
    expect(opened).to.equal(true);
    expect(events).to.deep.equal([
      { type: 'appointment', data: '{"id":"1","status":"pending"}' },
      { type: 'message', data: 'line one\nline two' },
    ]);
  });

  it('rejects with a FhirError when the stream is refused', async () => {
    const error = await readEventStream(streaming([], 401), 'https://ck.example/api/staff/events', () => {}, {
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FhirError);
    expect((error as FhirError).status).to.equal(401);
  });
});
