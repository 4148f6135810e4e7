import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the page as served: read once, kept in memory with its gzip form and ETag. */
export interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page and its modules change with a deploy: the browser revalidates (cheap 304s). */
const REVALIDATE = 'no-cache';
/** The charting library changes only with its pinned version, which is part of its URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The pinned ECharts build (ES module, self-contained), served under a URL that names its version. */
export const ECHARTS_ENTRY = 'echarts/dist/echarts.esm.min.mjs';

/**
 * The page's own files, found in the source tree: the build compiles every .js under apps/ into
 * CommonJS, so the copies in dist/ are not what a browser can load. Walks up from here to the
 * folder holding package.json (the repository, or an image laid out like it).
 */
export function pageDir(from = __dirname): string {
  const own = join('apps', 'query-api', 'src', 'dashboard', 'public');
  for (let d = from; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, own, 'index.html'))) return join(d, own);
  }
  throw new Error(`dashboard: ${own} not found above ${from}`);
}

export function echartsVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('echarts/package.json'), 'utf8')) as { version: string }).version;
}

/** The servable files of the page folder, as relative paths with forward slashes. */
function pageFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(sep).join('/')).filter((f) => extname(f) in TYPES);
}

/**
 * Serves a fixed set of files, listed when the app starts: a request names an entry of that table,
 * never a path to join, so nothing outside it can be reached.
 */
export class DashboardAssets {
  private readonly cache = new Map<string, Asset>();
  private readonly files: Map<string, { path?: string; text?: string; cacheControl: string }>;

  constructor(dir = pageDir(), vendorVersion = echartsVersion()) {
    const vendor = `vendor/echarts-${vendorVersion}.esm.min.js`;
    this.files = new Map<string, { path?: string; text?: string; cacheControl: string }>([
      ...pageFiles(dir).map((name) => [name, { path: join(dir, name), cacheControl: REVALIDATE }] as const),
      // The modules import the library from here, so only this small file names its version.
      ['echarts.js', { text: `export * from './${vendor}';\n`, cacheControl: REVALIDATE }],
      [vendor, { path: require.resolve(ECHARTS_ENTRY), cacheControl: IMMUTABLE }],
    ]);
  }

  /** The asset named (a path below /dashboard/, or index.html), or undefined for anything else. */
  get(name: string): Asset | undefined {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const file = this.files.get(name);
    if (!file) return undefined;
    const body = file.text !== undefined ? Buffer.from(file.text, 'utf8') : readFileSync(file.path!);
    const asset: Asset = {
      body,
      gzip: gzipSync(body),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType: TYPES[extname(name)] ?? 'application/octet-stream',
      cacheControl: file.cacheControl,
    };
    this.cache.set(name, asset);
    return asset;
  }
}
