import { Alert, theme } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
// The real widget (frontend/widget), not a look-alike: the preview shows exactly what visitors will get,
// including the widget's own checks of the config (a config it refuses is not shown on the site either).
import { ConfigError, parseConfig } from '../../../../../widget/src/config';
import { mountWidget, type WidgetEnv, type WidgetHandle } from '../../../../../widget/src/ui';

/** How long typing may pause before the preview is rebuilt: every keystroke would flicker it. */
const REBUILD_DELAY_MS = 250;

/**
 * Answers the preview's own "send": a stored lead, so the thank-you text shows, and nothing leaves the
 * browser (the preview must never create leads).
 */
const previewTransport: Pick<WidgetEnv, 'fetch' | 'sleep' | 'random'> = {
  fetch: async (_input, init) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) as { client_lead_id?: string } : {};
    return new Response(JSON.stringify({ lead_id: 'preview', client_lead_id: body.client_lead_id }), {
      status: 201, headers: { 'Content-Type': 'application/json' },
    });
  },
  sleep: () => Promise.resolve(),
  random: () => 0,
};

/**
 * The widget with the configurator's current values, opened, inside a frame of the page's size. The
 * widget positions itself `fixed` in a corner of the viewport; the frame's `transform` makes it the
 * containing block, so the widget sits in the frame's corner instead of the configurator's.
 */
export function WidgetPreview({ config }: { config: Record<string, unknown> }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const frame = useRef<HTMLDivElement>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [shown, setShown] = useState(config);

  useEffect(() => {
    const timer = setTimeout(() => setShown(config), REBUILD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [config]);

  useEffect(() => {
    const container = frame.current;
    if (!container) return;
    let widget: WidgetHandle | null = null;
    try {
      const parsed = parseConfig(shown, window.location.href);
      setRefusal(null);
      widget = mountWidget(parsed, {
        ...previewTransport,
        now: () => performance.now(),
        href: () => window.location.href,
        referrer: '',
        reloadConfig: () => Promise.resolve(parsed),
      });
      container.append(widget.shadow.host);
      // Opening focuses the widget's first field: whoever is typing in the configurator keeps the focus,
      // and a page that has just opened does not start inside the preview.
      const typing = document.activeElement;
      widget.open();
      if (typing instanceof HTMLElement && typing !== document.body) typing.focus({ preventScroll: true });
      else if (widget.shadow.activeElement instanceof HTMLElement) widget.shadow.activeElement.blur();
    } catch (error) {
      setRefusal(error instanceof ConfigError ? error.message : String(error));
    }
    return () => widget?.destroy();
  }, [shown]);

  return (
    <>
      {refusal && <Alert type="warning" showIcon title={t('fastlead.widget.previewRefused')} description={refusal} style={{ marginBottom: 12 }} />}
      <div
        ref={frame}
        data-testid="widget-preview"
        role="region"
        aria-label={t('fastlead.widget.preview')}
        style={{
          position: 'relative', height: 640, overflow: 'hidden', transform: 'translateZ(0)',
          border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG,
          background: `repeating-linear-gradient(45deg, ${token.colorFillQuaternary} 0 12px, transparent 12px 24px)`,
        }}
      />
    </>
  );
}
