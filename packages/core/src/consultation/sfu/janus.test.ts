import { expect } from '@open-wc/testing';
import { ConsultKitError } from '../../contract/errors.js';
import { JanusConnection, SfuError, type WebSocketConstructor } from './janus.js';
import { requestSfuAccess } from './session.js';

/**
 * A stand-in for Janus's WebSocket transport, scripted per test: `answer` decides what Janus says
 * to each request (nothing, for a Janus that does not answer).
 */
function fakeJanus(answer: (request: Record<string, unknown>) => Record<string, unknown>[]) {
  const sent: Record<string, unknown>[] = [];
  const sockets: FakeSocket[] = [];
  class FakeSocket extends EventTarget {
    readyState = 0;
    constructor(
      readonly url: string,
      readonly protocol?: string | string[],
    ) {
      super();
      sockets.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      });
    }
    send(raw: string) {
      const request = JSON.parse(raw) as Record<string, unknown>;
      sent.push(request);
      for (const message of answer(request)) {
        queueMicrotask(() =>
          this.dispatchEvent(
            new MessageEvent('message', { data: JSON.stringify({ transaction: request['transaction'], ...message }) }),
          ),
        );
      }
    }
    close() {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.dispatchEvent(new Event('close'));
    }
  }
  return { WebSocket: FakeSocket as unknown as WebSocketConstructor, sent, socket: () => sockets.at(-1)! };
}

/** A Janus that creates sessions and attaches handles, and answers VideoRoom messages with `room`. */
const janusWith = (room: (body: Record<string, unknown>) => Record<string, unknown>[]) =>
  fakeJanus((request) => {
    if (request['janus'] === 'create') return [{ janus: 'success', data: { id: 11 } }];
    if (request['janus'] === 'attach') return [{ janus: 'success', data: { id: 22 } }];
    if (request['janus'] === 'keepalive') return [{ janus: 'ack' }];
    if (request['janus'] === 'message') return room(request['body'] as Record<string, unknown>);
    return [];
  });

describe('Janus over WebSocket', () => {
  it('creates a session and sends the token, the session and the handle with every request', async () => {
    const janus = janusWith(() => [
      { janus: 'ack' },
      { janus: 'event', plugindata: { data: { videoroom: 'joined' } } },
    ]);
    const connection = await JanusConnection.open('ws://janus.invalid', { token: 'tok', WebSocket: janus.WebSocket });
    const handle = await connection.attach('janus.plugin.videoroom');
    const answer = await handle.message({ request: 'join' });
    expect(answer.data).to.deep.equal({ videoroom: 'joined' });
    expect(janus.sent.map((r) => [r['janus'], r['token'], r['session_id'], r['handle_id']])).to.deep.equal([
      ['create', 'tok', undefined, undefined],
      ['attach', 'tok', 11, undefined],
      ['message', 'tok', 11, 22],
    ]);
    expect(janus.socket().protocol).to.equal('janus-protocol');
    connection.close();
    expect(janus.sent.at(-1)!['janus']).to.equal('destroy');
  });

  it('keeps the session alive while it is open, and stops when closed', async () => {
    const janus = janusWith(() => []);
    const connection = await JanusConnection.open('ws://janus.invalid', {
      token: 'tok',
      WebSocket: janus.WebSocket,
      keepaliveMs: 20,
    });
    const keepalives = () => janus.sent.filter((r) => r['janus'] === 'keepalive').length;
    while (keepalives() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    connection.close();
    const after = keepalives();
    // The sentinel: a second connection with the same period sends three keepalives meanwhile.
    const sentinel = janusWith(() => []);
    const other = await JanusConnection.open('ws://janus.invalid', {
      token: 'tok',
      WebSocket: sentinel.WebSocket,
      keepaliveMs: 20,
    });
    while (sentinel.sent.filter((r) => r['janus'] === 'keepalive').length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    other.close();
    expect(keepalives()).to.equal(after);
  });

  it('a token Janus does not hold is sfu-refused; a room that refuses it too', async () => {
    const refusing = fakeJanus(() => [{ janus: 'error', error: { code: 403, reason: 'Unauthorized request' } }]);
    const refused = await JanusConnection.open('ws://janus.invalid', {
      token: 'x',
      WebSocket: refusing.WebSocket,
    }).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(SfuError);
    expect((refused as SfuError).code).to.equal('sfu-refused');
    expect((refused as SfuError).janusCode).to.equal(403);

    const room = janusWith(() => [
      { janus: 'ack' },
      { janus: 'event', plugindata: { data: { error_code: 433, error: 'Unauthorized (not in the allowed list)' } } },
    ]);
    const connection = await JanusConnection.open('ws://janus.invalid', { token: 'x', WebSocket: room.WebSocket });
    const handle = await connection.attach('janus.plugin.videoroom');
    const error = (await handle.message({ request: 'join' }).catch((e: unknown) => e)) as SfuError;
    expect([error.code, error.janusCode]).to.deep.equal(['sfu-refused', 433]);
    connection.close();
  });

  it('only a WebSocket address will do (Janus over HTTP is another protocol)', async () => {
    const janus = janusWith(() => []);
    const error = (await JanusConnection.open('https://janus.invalid/janus', {
      token: 'x',
      WebSocket: janus.WebSocket,
    }).catch((e: unknown) => e)) as SfuError;
    expect(error.code).to.equal('sfu-unavailable');
    expect(error.message).to.match(/ws:\/\/ or wss:\/\//);
    expect(janus.sent).to.deep.equal([]);
  });

  it('a room that is gone is sfu-closed; an id still in the room and other VideoRoom errors sfu-unavailable', async () => {
    for (const [code, expected] of [
      [426, 'sfu-closed'],
      [436, 'sfu-unavailable'],
      [499, 'sfu-unavailable'],
    ] as const) {
      const janus = janusWith(() => [{ janus: 'event', plugindata: { data: { error_code: code, error: 'no' } } }]);
      const connection = await JanusConnection.open('ws://janus.invalid', { token: 'x', WebSocket: janus.WebSocket });
      const handle = await connection.attach('janus.plugin.videoroom');
      const error = (await handle.message({ request: 'join' }).catch((e: unknown) => e)) as SfuError;
      expect(error.code).to.equal(expected);
      connection.close();
    }
  });

  it('a Janus that does not answer is sfu-unavailable after the timeout, not a hang', async () => {
    const silent = janusWith(() => [{ janus: 'ack' }]);
    const connection = await JanusConnection.open('ws://janus.invalid', {
      token: 'x',
      WebSocket: silent.WebSocket,
      timeoutMs: 50,
    });
    const handle = await connection.attach('janus.plugin.videoroom');
    const error = (await handle.message({ request: 'join' }).catch((e: unknown) => e)) as SfuError;
    expect(error.code).to.equal('sfu-unavailable');
    expect(error.message).to.match(/in time/);
    connection.close();
  });

  it('a socket that drops is reported once, and pending requests fail', async () => {
    const janus = janusWith(() => []);
    const connection = await JanusConnection.open('ws://janus.invalid', { token: 'x', WebSocket: janus.WebSocket });
    const lost: SfuError[] = [];
    connection.onLost = (error) => lost.push(error);
    const handle = await connection.attach('janus.plugin.videoroom');
    const pending = handle.message({ request: 'join' }).catch((e: unknown) => e);
    janus.socket().close();
    expect(((await pending) as SfuError).code).to.equal('sfu-unavailable');
    expect(lost.map((e) => e.code)).to.deep.equal(['sfu-unavailable']);
    expect(connection.closed).to.equal(true);
  });

  it('events that answer no request go to their handle', async () => {
    const janus = janusWith(() => []);
    const connection = await JanusConnection.open('ws://janus.invalid', { token: 'x', WebSocket: janus.WebSocket });
    const handle = await connection.attach('janus.plugin.videoroom');
    const events: string[] = [];
    handle.onEvent = (message) => events.push(message.janus);
    const push = (message: Record<string, unknown>) =>
      janus.socket().dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
    push({ janus: 'event', sender: 22, plugindata: { data: { publishers: [] } } });
    push({ janus: 'webrtcup', sender: 22 });
    push({ janus: 'event', sender: 99 });
    push({ janus: 'ack', transaction: 'unknown' });
    expect(events).to.deep.equal(['event', 'webrtcup']);
    connection.close();
  });
});

describe('asking our server for the room', () => {
  const options = (answer: () => Promise<Response>) => ({
    server: 'https://gp.invalid/',
    appointmentId: '42',
    token: 'signalling-token',
    localStream: new MediaStream(),
    fetch: (async (url: string, init: RequestInit) => {
      calls.push([url, new Headers(init.headers).get('authorization'), init.method]);
      return answer();
    }) as typeof fetch,
  });
  let calls: unknown[][] = [];
  const outcome = (status: number, code: string, diagnostics: string) =>
    new Response(
      JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }),
      {
        status,
      },
    );

  beforeEach(() => {
    calls = [];
  });

  it('posts with the signalling token as Bearer and returns the access', async () => {
    const access = { janusUrl: 'ws://j', room: 5, simulcast: { rids: ['h', 'm', 'l'] } };
    const got = await requestSfuAccess(options(async () => new Response(JSON.stringify(access))));
    expect(got).to.deep.equal(access);
    expect(calls).to.deep.equal([['https://gp.invalid/api/consultations/42/sfu', 'Bearer signalling-token', 'POST']]);
  });

  for (const [status, issue, code] of [
    [401, 'login', 'sfu-refused'],
    [403, 'forbidden', 'sfu-refused'],
    [410, 'business-rule', 'sfu-closed'],
    [404, 'not-supported', 'sfu-unavailable'],
    [404, 'not-found', 'sfu-refused'],
    [503, 'exception', 'sfu-unavailable'],
    [429, 'throttled', 'sfu-unavailable'],
    [400, 'value', 'invalid-argument'],
    [500, 'exception', 'server-error'],
  ] as const) {
    it(`a ${status} ${issue} is ${code}, with the server's words`, async () => {
      const error = (await requestSfuAccess(options(async () => outcome(status, issue, `Because ${status}.`))).catch(
        (e: unknown) => e,
      )) as ConsultKitError;
      expect(error).to.be.instanceOf(ConsultKitError);
      expect(error.code).to.equal(code);
      expect(error.message).to.equal(`Because ${status}.`);
    });
  }

  it('no answer is network; an answer that is not an access is server-error', async () => {
    const down = (await requestSfuAccess(
      options(async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).catch((e: unknown) => e)) as ConsultKitError;
    expect(down.code).to.equal('network');
    const odd = (await requestSfuAccess(options(async () => new Response('{"hello":1}'))).catch(
      (e: unknown) => e,
    )) as ConsultKitError;
    expect(odd.code).to.equal('server-error');
  });
});
