// A rollup plugin for the CDN build (decision 47, its last section): PeerJS as ConsultKit uses it,
// media calls over a PeerServer socket, without what it never uses. `peerjs/dist/bundler.mjs` is
// one module, so rollup cannot drop its unused classes by itself: this rewrites that file.
// - Data connections: `Peer#connect()` throws (core never calls it; chat and documents go through
//   the server), a data connection offered by another client is ignored as a connection of an
//   unknown kind (PeerJS's own path: a warning, nothing made), and the serializers' map is empty,
//   so `DataConnection`, `BufferedConnection`, the raw, JSON and binary serializers and the chunker
//   leave the bundle, with the deprecated `connections` map.
// - The HTTP `API` (an id from the server, the peers' list): core always gives the peer its id;
//   without one the peer fails with `server-error` (PeerJS's own error when the id cannot be got),
//   and `listAllPeers()` throws.
// - `util`: what `Peer` and `MediaConnection` read, without the browser probing (`util.supports`
//   made an RTCPeerConnection and a data channel when PeerJS loaded; here one RTCPeerConnection when
//   the first peer is made, which is what `Peer` asks: can this browser do WebRTC) nor PeerJS's
//   public STUN and TURN servers (core always passes the ticket's). `webrtc-adapter` is no longer
//   imported.
// - Its logger's calls are annotated pure and leave the bundle: core creates every peer with
//   `debug: 0`, at which PeerJS prints nothing.
// - Its enums' uses become the strings they stand for (`"OFFER"`, `"server-error"`).
// - Its copy of `eventemitter3`: a smaller emitter with the methods PeerJS and core call.
// Every rewrite must find its text exactly as expected (once, or for the logger at least once): a
// PeerJS upgrade that changes one fails the build here rather than ship a half-rewritten PeerJS.
// npm consumers' bundlers get PeerJS as published. Source maps are kept (magic-string).
import MagicString from 'magic-string';

const FILE = /\/node_modules\/peerjs\/dist\/bundler\.mjs$/;
const TESTED_VERSION = '1.5.5';

const L = '$257947e92926277a$export$2e2bcd8739ae039'; // the logger
const ERR = '$78455e22dea96b8c$export$9547aaa2e39030ff'; // PeerErrorType
const UTIL = '$4f4134156c446392$export$7debb50ef11d5e0b';

/** The refusals' words, one place (the test reads them). */
export const NO_DATA_CONNECTIONS = 'ConsultKit: this build of PeerJS makes media calls only (no data connections).';
export const NO_ID_FROM_SERVER = 'ConsultKit: this build of PeerJS needs an id (it asks the server for none).';
export const NO_PEER_LIST = 'ConsultKit: this build of PeerJS cannot list peers.';

/** `util` as `Peer` and `MediaConnection` read it. */
const UTIL_SOURCE = `const ${UTIL} = {
    CLOUD_HOST: "0.peerjs.com",
    CLOUD_PORT: 443,
    defaultConfig: {},
    isSecure: ()=>location.protocol === "https:",
    get supports () {
        let pc;
        try {
            pc = new RTCPeerConnection();
            return { audioVideo: true, data: true };
        } catch (e) {
            return { audioVideo: false, data: false };
        } finally{
            if (pc) pc.close();
        }
    },
    validateId: $9a84a32bf0bf36bb$export$f35f128fd59ea256,
    randomToken: $0e5fd1585784c252$export$4e61f672936bec77
};`;

/**
 * `eventemitter3` as PeerJS and core use it (`on`, `once`, `off`, `emit`, `removeAllListeners`),
 * a quarter of its size: listeners called in the order added, with
 * `context` (or the emitter) as `this`, on a copy of the list (one removed or added while an event
 * is emitted changes the next emission, not this one); `emit` says whether anyone listened.
 */
const EMITTER_SOURCE = `var $c4dcfd1d1ea86647$exports = {
    EventEmitter: class {
        _ckListeners(event) {
            return (this._ckEvents ??= new Map()).get(event) ?? [];
        }
        _ckAdd(event, fn, context, once) {
            if (typeof fn !== "function") throw new TypeError("The listener must be a function");
            const listeners = [ ...this._ckListeners(event), { fn, context: context || this, once } ];
            this._ckEvents.set(event, listeners);
            return this;
        }
        on(event, fn, context) {
            return this._ckAdd(event, fn, context, false);
        }
        once(event, fn, context) {
            return this._ckAdd(event, fn, context, true);
        }
        off(event, fn, context, once) {
            const kept = fn ? this._ckListeners(event).filter((l)=>l.fn !== fn || once && !l.once || context && l.context !== context) : [];
            if (kept.length) this._ckEvents.set(event, kept);
            else this._ckEvents?.delete(event);
            return this;
        }
        removeAllListeners(event) {
            if (event === undefined) this._ckEvents?.clear();
            else this._ckEvents?.delete(event);
            return this;
        }
        emit(event, ...args) {
            const listeners = this._ckListeners(event);
            for (const l of listeners){
                if (l.once) this.off(event, l.fn, undefined, true);
                l.fn.apply(l.context, args);
            }
            return listeners.length > 0;
        }
    }
};`;

/**
 * The rewrites, in the file's order: `find` replaced by `replace`; with `to`, the range from `find`
 * to the end of the next `to`; with `before`, to the start of the next `before`.
 */
const REWRITES = [
  { what: 'webrtc-adapter import', find: 'import $gCcbY$webrtcadapter from "webrtc-adapter";\n', replace: '' },
  {
    what: 'browser probing (supports)',
    find: 'const $fb63e766cfafaab9$var$webRTCAdapter =',
    to: '        this.minSafariVersion = 605;\n    }\n}();\n',
    replace: '',
  },
  {
    what: 'util',
    find: 'const $4f4134156c446392$var$DEFAULT_CONFIG = {',
    to: `const ${UTIL} = new $4f4134156c446392$export$f8f26dd395d7e1bd();`,
    replace: UTIL_SOURCE,
  },
  {
    what: 'logger',
    find: 'const $257947e92926277a$var$LOG_PREFIX = "PeerJS: ";',
    to: `var ${L} = new $257947e92926277a$var$Logger();`,
    replace: `var ${L} = {\n    setLogFunction () {},\n    log () {},\n    warn () {},\n    error () {}\n};`,
  },
  {
    what: 'eventemitter3',
    find: 'var $c4dcfd1d1ea86647$exports = {};\n',
    to: '$c4dcfd1d1ea86647$exports = $c4dcfd1d1ea86647$var$EventEmitter;\n',
    replace: EMITTER_SOURCE,
  },
  {
    what: "the enums' namespace",
    find: 'var $78455e22dea96b8c$exports = {};',
    to: '$parcel$export($78455e22dea96b8c$exports, "ServerMessageType", () => $78455e22dea96b8c$export$adb4a1754da6f10d);',
    replace: '',
  },
  {
    what: "a data connection's offer",
    find: '                if (this.connection.type === (0, $78455e22dea96b8c$export$3157d57b4135e3bc).Data) {\n',
    to: '                        serialization: dataConnection.serialization\n                    };\n                }\n',
    replace: '',
  },
  {
    what: 'DataConnection',
    find: 'class $6366c4ca161bc297$export$d365f7ad9d7df9c9 extends (0, $5045192fc6d387ba$export$23a2a68283c24d80) {\n',
    before: 'class $a229bedbcaa6ca23$export$ff7c9d4c11d94e8b extends',
    replace:
      'class $6366c4ca161bc297$export$d365f7ad9d7df9c9 extends (0, $5045192fc6d387ba$export$23a2a68283c24d80) {\n}\n',
  },
  {
    what: 'connections (deprecated)',
    find: '\t */ get connections() {\n',
    to: '        return plainConnections;\n    }\n',
    replace: '\t */ ',
  },
  {
    what: 'serializers',
    find: 'super(), this._serializers = {\n',
    to: '            default: (0, $9fcfddb3ae148f88$export$f0a5a64d5bb37108)\n        }, ',
    replace: 'super(), this._serializers = {}, ',
  },
  { what: 'API', find: 'this._api = new (0, $abf266641927cd89$export$2c4e825dc9120f87)(options);\n', replace: '' },
  {
    what: 'id from the server',
    find: `else this._api.retrieveId().then((id)=>this._initialize(id)).catch((error)=>this._abort((0, ${ERR}).ServerError, error));`,
    replace: `else this._delayedAbort("server-error", ${JSON.stringify(NO_ID_FROM_SERVER)});`,
  },
  {
    what: 'data connection offered',
    find: '} else if (payload.type === (0, $78455e22dea96b8c$export$3157d57b4135e3bc).Data) {',
    to: '                        this.emit("connection", dataConnection);\n',
    replace: '} else if (false) {\n',
  },
  {
    what: 'connect()',
    find: 'connect(peer, options = {}) {\n',
    to: '        return dataConnection;\n',
    replace: `connect() {\n        throw new Error(${JSON.stringify(NO_DATA_CONNECTIONS)});\n`,
  },
  {
    what: 'listAllPeers()',
    find: `listAllPeers(cb = (_)=>{}) {\n        this._api.listAllPeers().then((peers)=>cb(peers)).catch((error)=>this._abort((0, ${ERR}).ServerError, error));\n`,
    replace: `listAllPeers() {\n        throw new Error(${JSON.stringify(NO_PEER_LIST)});\n`,
  },
];

/** Occurrences of `text` in `code` from `from`. */
function indexesOf(code, text, from = 0) {
  const found = [];
  for (let i = code.indexOf(text, from); i !== -1; i = code.indexOf(text, i + 1)) found.push(i);
  return found;
}

/**
 * Rewrites PeerJS's `bundler.mjs` text (`code`); throws when one of the texts it rewrites is not
 * there exactly once (or the logger's calls not at all). Returns a MagicString.
 */
export function rewritePeerjs(code) {
  const s = new MagicString(code);
  /** The ranges rewritten, so the logger's calls inside them are left alone. */
  const rewritten = [];
  const fail = (what) => {
    throw new Error(
      `peerjs-media-only: PeerJS's bundler.mjs is not the one this rewrite knows (${what}; written for PeerJS ${TESTED_VERSION}). Check scripts/peerjs-media-only.mjs against the new version.`,
    );
  };
  if (!code.includes(`const $520832d44ba058c8$export$83d89fbfd8236492 = "${TESTED_VERSION}";`))
    fail(`not version ${TESTED_VERSION}`);
  for (const { what, find, to, before, replace } of REWRITES) {
    const at = indexesOf(code, find);
    if (at.length !== 1) fail(`"${what}" found ${at.length} times`);
    let end = at[0] + find.length;
    if (to || before) {
      const next = code.indexOf(to ?? before, end);
      if (next === -1) fail(`the end of "${what}" not found`);
      end = to ? next + to.length : next;
    }
    s.overwrite(at[0], end, replace || ' ');
    rewritten.push([at[0], end]);
  }
  const untouched = (index) => !rewritten.some(([from, to]) => index >= from && index < to);
  // Its enums (`ServerMessageType`, `PeerErrorType`, …): each use becomes the string it stands for,
  // so the objects themselves are left unused.
  const enums =
    /var (\$78455e22dea96b8c\$export\$\w+) = \/\*#__PURE__\*\/ function\((\w+)\) \{([\s\S]*?)\n {4}return \2;\n\}\(\{\}\);/g;
  let inlined = 0;
  for (const [, name, , body] of code.matchAll(enums)) {
    const values = Object.fromEntries([...body.matchAll(/\w+\["(\w+)"\] = ("[^"]*");/g)].map((m) => [m[1], m[2]]));
    const uses = new RegExp(`\\(0, ${name.replaceAll('$', '\\$')}\\)\\.(\\w+)\\b`, 'g');
    for (const use of code.matchAll(uses)) {
      if (!untouched(use.index)) continue;
      if (!(use[1] in values)) fail(`${use[0]}: no such member`);
      s.overwrite(use.index, use.index + use[0].length, values[use[1]]);
      inlined++;
    }
  }
  if (inlined < 40) fail(`only ${inlined} uses of its enums`);
  // Its logger at `debug: 0` prints nothing: its calls can go.
  const calls = new RegExp(`\\(0, ${L.replaceAll('$', '\\$')}\\)\\.(log|warn|error)\\(`, 'g');
  let logged = 0;
  for (const match of code.matchAll(calls)) {
    if (!untouched(match.index)) continue;
    s.overwrite(match.index, match.index + match[0].length, `/*#__PURE__*/ ${L}.${match[1]}(`);
    logged++;
  }
  if (!logged) fail('no logger calls');
  return s;
}

export function peerjsMediaOnly() {
  return {
    name: 'peerjs-media-only',
    transform(code, id) {
      if (!FILE.test(id)) return null;
      const s = rewritePeerjs(code);
      return { code: s.toString(), map: s.generateMap({ hires: true, source: id }) };
    },
  };
}
