import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Widget } from '../../../api/fastlead';
import { customerMe } from '../../../test/appBilling';
import { renderFastlead, widget, WIDGET_ID, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { json, problem, stubFetch } from '../../../test/fetch';

vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const ONE = `${WS_BASE}/${WS}`;
const ASSET = 'img_01JABCDEFGHJKMNPQRSTVWXYZ0';
const STORAGE = 'http://localhost:4566/tessera-widget-configs';
const LOGO_URL = `${window.location.origin}/widgets/${WIDGET_ID}/assets/${ASSET}.png`;

/** The storage's side of the presigned POST: what was sent, and progress then an answer. */
function stubStorage(status = 204) {
  const sent: { url: string; fields: Record<string, string>; file: File | null }[] = [];
  class FakeXhr {
    upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
    status = 0;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    private url = '';
    open(_method: string, url: string) { this.url = url; }
    send(body: FormData) {
      const fields = Object.fromEntries([...body.entries()].filter(([name]) => name !== 'file')) as Record<string, string>;
      sent.push({ url: this.url, fields, file: body.get('file') as File | null });
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
        this.status = status;
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

function backend(state: { current: Widget }, confirm: () => Response) {
  return stubFetch((call) => {
    if (call.url === ONE) return json(workspace());
    if (call.url === `${ONE}/widget` && call.method === 'GET') return json(state.current);
    if (call.url === `${ONE}/widget/snippet`) return json({ widget_id: WIDGET_ID, script_url: '', html: '' });
    if (call.url === `${ONE}/widget/assets`) {
      return json({
        asset_id: ASSET, kind: 'logo', url: LOGO_URL, used_bytes: 2000, quota_bytes: 104857600,
        upload: { url: STORAGE, fields: { key: `widgets/${WIDGET_ID}/assets/${ASSET}.png`, 'Content-Type': 'image/png', policy: 'p' }, expires_at: '2026-12-03T10:00:00Z', max_size: 2000 },
      }, 201);
    }
    if (call.url === `${ONE}/widget/assets/${ASSET}/confirm`) return confirm();
    return problem(404);
  });
}

const pngFile = (size = 2000) => new File([new Uint8Array(size)], 'logo.png', { type: 'image/png' });

/** The logo's file input (rc-upload renders a new one after each file). */
const logoInput = () => waitFor(() => {
  const found = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!found) throw new Error('no file input yet');
  return found;
});

function preview(): ShadowRoot {
  const host = screen.getByTestId('widget-preview').querySelector('[data-fastlead-widget]');
  if (!host?.shadowRoot) throw new Error('the widget is not in the preview');
  return host.shadowRoot;
}

describe('logo and avatar uploads in the configurator', () => {
  it('uploads to storage, confirms on the editor\'s version and the preview shows the image', async () => {
    const state = { current: widget() };
    const calls = backend(state, () => json(widget({ version: 4 }, { logo_url: LOGO_URL })));
    const sent = stubStorage();
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.upload(await logoInput(), pngFile());
    expect(await screen.findByText('Изображение сохранено: версия 4. Опубликуйте, чтобы его увидели посетители.')).toBeTruthy();
    const start = calls.find((c) => c.url === `${ONE}/widget/assets`);
    expect(start?.body).toEqual({ kind: 'logo', content_type: 'image/png', size: 2000 });
    expect(calls.find((c) => c.url.endsWith('/confirm'))?.body).toEqual({ version: 3 });
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(STORAGE);
    expect(sent[0].fields).toMatchObject({ key: `widgets/${WIDGET_ID}/assets/${ASSET}.png`, 'Content-Type': 'image/png' });
    expect(sent[0].file?.name).toBe('logo.png');
    expect((screen.getByLabelText('Ссылка на логотип') as HTMLInputElement).value).toBe(LOGO_URL);
    await waitFor(() => expect(preview().querySelector(`img[src="${LOGO_URL}"]`)).toBeTruthy());
  });

  it('refuses an SVG and a file over 5 MB before sending anything', async () => {
    const calls = backend({ current: widget() }, () => problem(500));
    const sent = stubStorage();
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.upload(await logoInput(), pngFile(5 * 1024 * 1024 + 1));
    expect(await screen.findByText('Файл больше 5 МБ.')).toBeTruthy();
    await userEvent.upload(await logoInput(), new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }), { applyAccept: false });
    expect(await screen.findByText('Подходят только PNG, JPEG и WebP.')).toBeTruthy();
    expect(calls.some((c) => c.url.includes('/widget/assets'))).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('shows the server\'s reason when the image is refused', async () => {
    backend({ current: widget() }, () => problem(422, {
      code: 'widget-asset-invalid', reason: 'too-small',
      detail: 'Это не подходящее изображение (too-small): PNG, JPEG или WebP от 16 до 4096 точек по стороне.',
    }));
    stubStorage();
    renderFastlead(customerMe('owner'), `/app/fastlead/${WS}/widget`);
    await userEvent.upload(await logoInput(), pngFile());
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('16');
  });
});
