import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LedgerError } from '@ledger/contracts';
import { Public } from '@ledger/http';
import { Asset, DashboardAssets } from './dashboard-assets';

/**
 * The page reads only this origin's API; data never becomes markup (textContent only), so scripts
 * stay 'self'. Inline styles are allowed for the chart library's tooltips.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GET / — the dashboard page — and GET /dashboard/… — its modules, styles and the pinned charting
 * library. Public: the page holds no data; it asks for a read token (from the URL fragment, which
 * browsers never send to a server) and calls the API with it.
 */
@ApiTags('dashboard')
@Controller()
@Public()
export class DashboardController {
  private readonly assets = new DashboardAssets();

  @Get()
  @ApiOperation({ summary: 'The dashboard page (public; open it as /#token=<read token>)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply.header('content-security-policy', PAGE_POLICY).header('x-frame-options', 'DENY');
    this.send(request, reply, this.assets.get('index.html'), 'index.html');
  }

  @Get('dashboard/:file')
  @ApiOperation({ summary: "A file of the dashboard page: its modules, styles, the charting library's entry" })
  @ApiParam({ name: 'file', schema: { type: 'string', examples: ['app.js', 'styles.css'] } })
  @ApiProduces('text/javascript', 'text/css')
  @ApiOkResponse({ description: 'The file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } })
  file(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.assets.get(file), file);
  }

  @Get('dashboard/:dir/:file')
  @ApiOperation({ summary: 'A file in a folder of the dashboard page (views/…, vendor/echarts-<version>.esm.min.js)' })
  @ApiParam({ name: 'dir', schema: { type: 'string', examples: ['views', 'vendor'] } })
  @ApiParam({ name: 'file', schema: { type: 'string', examples: ['matrix.js'] } })
  @ApiProduces('text/javascript')
  @ApiOkResponse({ description: 'The file', content: { 'text/javascript': { schema: { type: 'string' } } } })
  nested(@Param('dir') dir: string, @Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.assets.get(`${dir}/${file}`), `${dir}/${file}`);
  }

  private send(request: FastifyRequest, reply: FastifyReply, asset: Asset | undefined, name: string): void {
    if (!asset) throw new LedgerError(404, 'route.not_found', 'Not found', `The dashboard has no file ${name}.`);
    void reply
      .header('content-type', asset.contentType)
      .header('cache-control', asset.cacheControl)
      .header('etag', asset.etag)
      .header('vary', 'accept-encoding')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) {
      void reply.status(304).send();
      return;
    }
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      void reply.header('content-encoding', 'gzip').send(asset.gzip);
      return;
    }
    void reply.send(asset.body);
  }
}
