/**
 * Cache headers for `/cdn/` (decision 32). The elements' CDN build writes `cdn-manifest.json`
 * beside its files: the content-hashed chunks it marks `immutable` never change under their name,
 * so browsers and CDNs keep them a year without asking again; everything else (the entries a page
 * references by a stable name, `consultkit.js`, the translations, the manifest, source maps) may
 * change with a release and is kept a minute only.
 *
 * The CDN build's files carry no `//# sourceMappingURL=` comment (decision 46: about 40 B gzipped a
 * file, on every page); a script whose map lies beside it is served with a `SourceMap` header
 * naming it instead, which developer tools read the same way. The maps themselves are public, as
 * the scripts are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SHORT = 'public, max-age=60';

interface ManifestFile {
  immutable?: unknown;
}

/** The files of `root`'s manifest that are content-hashed (none when it has no manifest). */
export function immutableFiles(root: string): Set<string> {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'cdn-manifest.json'), 'utf8')) as {
      files?: Record<string, ManifestFile>;
    };
    return new Set(
      Object.entries(manifest.files ?? {})
        .filter(([, file]) => file.immutable === true)
        .map(([name]) => name),
    );
  } catch {
    return new Set();
  }
}

/**
 * `@fastify/static`'s `setHeaders` for the CDN folder at `root`. The manifest is read once, when
 * the server starts: a file written later (a rebuild under a running server) gets the short age.
 */
export function cdnCacheHeaders(
  root: string,
): (res: { setHeader(name: string, value: string): unknown }, path: string) => void {
  const immutable = immutableFiles(root);
  const prefix = join(root, '/');
  return (res, path) => {
    const name = path.startsWith(prefix) ? path.slice(prefix.length).split('\\').join('/') : '';
    res.setHeader('cache-control', immutable.has(name) ? IMMUTABLE : SHORT);
    // Relative to the script's own URL, so it holds under any prefix or proxy path.
    if (path.endsWith('.js') && existsSync(`${path}.map`)) res.setHeader('sourcemap', `${basename(path)}.map`);
  };
}
