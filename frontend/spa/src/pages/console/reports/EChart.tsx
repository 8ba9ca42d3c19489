import { Skeleton } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';

/**
 * An ECharts chart. ECharts itself is imported on first use (./charts), so pages without charts
 * and the initial bundle do not carry it.
 */
export function EChart({ option, height = 320, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    let chart: { setOption: (o: EChartsCoreOption) => void; resize: () => void; dispose: () => void } | undefined;
    const resize = () => chart?.resize();
    void import('./charts').then(({ echarts }) => {
      if (disposed || !element.current) return;
      chart = echarts.init(element.current);
      chart.setOption(option);
      setReady(true);
      window.addEventListener('resize', resize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [option]);
  return (
    <div style={{ position: 'relative', height }}>
      {!ready && <Skeleton active style={{ position: 'absolute', inset: 0 }} />}
      <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />
    </div>
  );
}
