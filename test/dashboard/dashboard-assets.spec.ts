import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DashboardAssets, echartsVersion, pageDir } from '../../apps/query-api/src/dashboard/dashboard-assets';

const ROOT = join(__dirname, '..', '..');
const SOURCE = join(ROOT, 'apps', 'query-api', 'src', 'dashboard', 'public');

describe('dashboard assets', () => {
  const assets = new DashboardAssets();

  it('finds the page in the source tree, also when running from dist/ (whose .js copies are compiled to CommonJS)', () => {
    expect(pageDir()).toBe(SOURCE);
    expect(pageDir(join(ROOT, 'dist', 'apps', 'query-api', 'src', 'dashboard'))).toBe(SOURCE);
  });

  it('serves the page, its modules and styles with their content types', () => {
    expect(assets.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(assets.get('app.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('views/matrix.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('styles.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('app.js')?.cacheControl).toBe('no-cache');
  });

  it('serves the pinned charting library under a versioned name, cached for good', () => {
    const name = `vendor/echarts-${echartsVersion()}.esm.min.js`;
    expect(assets.get('echarts.js')?.body.toString()).toBe(`export * from './${name}';\n`);
    const lib = assets.get(name)!;
    expect(lib.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(lib.body.length).toBeGreaterThan(500_000);
    expect(gunzipSync(lib.gzip).equals(lib.body)).toBe(true);
  });

  it('answers only names in its table: no paths outside the page folder', () => {
    for (const name of ['../dashboard.controller.ts', '../../query-api.module.ts', '/etc/passwd', 'vendor/echarts.esm.min.js', 'APP.JS', '']) {
      expect(assets.get(name)).toBeUndefined();
    }
  });

  it('keeps one copy in memory with a stable ETag', () => {
    const first = assets.get('app.js')!;
    expect(assets.get('app.js')).toBe(first);
    expect(first.etag).toMatch(/^"[\w-]{27}"$/);
  });
});
