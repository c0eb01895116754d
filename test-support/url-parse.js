// `url-parse` as tus-js-client uses it (`new URL(link, origin).toString()`), on the platform's
// URL: the package itself is CommonJS, which the browser tests serve as it is (rollup's commonjs
// plugin handles it in the bundles).
export default function URLParse(address, base) {
  return new URL(address, base ?? globalThis.location.href);
}
