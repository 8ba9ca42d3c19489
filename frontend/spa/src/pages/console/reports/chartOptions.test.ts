import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import type { Dashboard, PlanFactReport, RenewalReport, UsageReport } from './api';
import { installationsChart, renewalsChart, salesChart, usageChart } from './chartOptions';

// ECharts lays the charts out for real, rendered to SVG on the server side (no canvas in jsdom): text
// is measured at 7 px a character, about what 12 px sans-serif takes, and a line is 14 px high (ECharts
// takes the line height from the width of a wide glyph, 国).
const CHAR = 7;
const LINE = 14;
echarts.use([BarChart, PieChart, GridComponent, LegendComponent, SVGRenderer]);
echarts.setPlatformAPI({ measureText: (text: string) => ({ width: text === '国' ? LINE : text.length * CHAR }) as TextMetrics });

interface Box { text: string; left: number; right: number; top: number; bottom: number }

/** Where every text of the chart lands, as boxes. */
function layout(option: echarts.EChartsCoreOption, width: number, height: number): Box[] {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const { tooltip: _tooltip, ...drawn } = option as Record<string, unknown>; // the tooltip needs a pointer
  chart.setOption(drawn);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, attributes, text]) => {
    const number = (name: string) => Number(new RegExp(`\\b${name}="(-?[\\d.]+)"`).exec(attributes)?.[1] ?? 0);
    const [, tx, ty] = /translate\((-?[\d.]+) (-?[\d.]+)\)/.exec(attributes)!.map(Number);
    const anchor = /text-anchor="(\w+)"/.exec(attributes)?.[1];
    const x = tx + number('x');
    const y = ty + number('y');
    const w = text.length * CHAR;
    const left = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    return { text, left, right: left + w, top: y - LINE / 2, bottom: y + LINE / 2 };
  });
}

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The legend's texts are above every other text, none of them overlap, and all are inside the chart. */
function expectReadable(boxes: Box[], legend: string[], width: number, height: number) {
  const legendBoxes = boxes.filter((b) => legend.includes(b.text));
  const others = boxes.filter((b) => !legend.includes(b.text));
  expect(legendBoxes.map((b) => b.text).sort()).toEqual([...legend].sort());
  expect(Math.max(...legendBoxes.map((b) => b.bottom))).toBeLessThanOrEqual(Math.min(...others.map((b) => b.top)));
  const clashes = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => overlap(a, b)).map((b) => `${a.text} × ${b.text}`));
  expect(clashes).toEqual([]);
  const outside = boxes.filter((b) => b.left < 0 || b.right > width || b.top < 0 || b.bottom > height).map((b) => b.text);
  expect(outside).toEqual([]);
}

// The width the report charts have in their card on a 1440 px screen, and the dashboard's half of it.
const REPORT = { width: 1088, height: 320 };
const r = (key: string) => ({
  'sales.planAmount': 'План, ₽', 'sales.factAmount': 'Факт, ₽', 'renewals.renewed': 'Продлено', 'renewals.pending': 'Ожидает продления',
  'renewals.lapsed': 'Не продлено', 'usage.used': 'Используется', 'usage.idle': 'Простаивает',
  'states.active': 'Активные', 'states.stale': 'Нет связи', 'states.inactive': 'Неактивные',
}[key] ?? key);
const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);

describe('the licensing charts at 1440 px', () => {
  it('sales: the legend is above the plot, not over the months', () => {
    const report = { months, totals: months.map((_, i) => ({ plan_amount: 82_000_000, fact_amount: i === 11 ? 129_000_000 : 0 })) };
    const boxes = layout(salesChart(report as unknown as PlanFactReport, r, 'ru'), REPORT.width, REPORT.height);
    expectReadable(boxes, ['План, ₽', 'Факт, ₽'], REPORT.width, REPORT.height);
    // months for people (the year under the month), not 2026-01; amounts as Russian writes them
    expect(boxes.map((b) => b.text)).toEqual(expect.arrayContaining(['янв.', 'дек.', '2026']));
    expect(boxes.some((b) => /^\d{3}\s\d{3}$/.test(b.text))).toBe(true);
  });

  it('renewals: three series, the legend clear of the axis', () => {
    const report = { months: months.map((month) => ({ month, renewed: 1, pending: 2, lapsed: 1 })) };
    const boxes = layout(renewalsChart(report as unknown as RenewalReport, r, 'en'), REPORT.width, REPORT.height);
    expectReadable(boxes, ['Продлено', 'Ожидает продления', 'Не продлено'], REPORT.width, REPORT.height);
    expect(boxes.map((b) => b.text)).toEqual(expect.arrayContaining(['Jan', 'Dec', '2026']));
  });

  it('usage: long module names stay inside the chart, left of the bars', () => {
    const names = ['Бюджетирование', 'AI-прогноз', 'Мультиотделы', 'Интеграции (1С, Jira, Битрикс24)', 'Расширенный аудит'];
    const report = { modules: names.map((name, i) => ({ module: `m${i}`, name, name_en: name, used: i, idle: 4 - i })) };
    const boxes = layout(usageChart(report as unknown as UsageReport, r, 'ru'), REPORT.width, REPORT.height);
    expectReadable(boxes, ['Используется', 'Простаивает'], REPORT.width, REPORT.height);
  });

  it('dashboard: the legend does not cover the ring’s labels', () => {
    const kpis = { activations: { active: 7, stale: 2, inactive: 1, total: 10 } };
    const width = 480;
    const boxes = layout(installationsChart(kpis as unknown as Dashboard, r), width, 260);
    const legend = ['Активные', 'Нет связи', 'Неактивные'];
    expectReadable(boxes, legend, width, 260);
  });
});
