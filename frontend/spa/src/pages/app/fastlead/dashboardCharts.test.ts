import { describe, expect, it } from 'vitest';
import i18n from '../../../i18n';
import { dashboard } from '../../../test/fastleadReporting';
import { channelChart, dailyChart, funnelChart } from './dashboardCharts';

type Label = { formatter: (params: { dataIndex: number }) => string };
type Series = { name: string; data: number[]; label?: Label };
type Chart = { xAxis: { data?: string[] }; yAxis: { data?: string[] }; series: Series[] };

const t = i18n.getFixedT('ru');
// Intl writes «30 %» with a no-break space.
const labels = (series: Series) => series.data.map((_, dataIndex) => series.label!.formatter({ dataIndex }).replace(/\s/g, ' '));

describe('the dashboard\'s charts', () => {
  it('draw every day of the range: leads, contacted and booked', () => {
    const chart = dailyChart(dashboard(), t, 'ru') as unknown as Chart;
    expect(chart.xAxis.data).toEqual(['01.12', '02.12', '03.12']);
    expect(chart.series.map((series) => [series.name, series.data])).toEqual([
      ['Заявки', [10, 20, 12]], ['Связались', [8, 14, 8]], ['Записались', [3, 5, 2]],
    ]);
    expect((dailyChart(dashboard(), i18n.getFixedT('en'), 'en') as unknown as Chart).xAxis.data?.[0]).toBe('01/12');
  });

  it('label each channel\'s bookings with its conversion', () => {
    const chart = channelChart(dashboard(), t, 'ru') as unknown as Chart;
    expect(chart.xAxis.data).toEqual(['Виджет', 'Telegram']);
    expect(labels(chart.series[1])).toEqual(['30 %', '8,3 %']);
  });

  it('put the funnel\'s widest stage on top, each with its count and share of the leads', () => {
    const chart = funnelChart(dashboard(), t, 'ru') as unknown as Chart;
    // A category axis runs from the bottom up.
    expect(chart.yAxis.data).toEqual(['Запись', 'Связались', 'Заявка']);
    expect(chart.series[0].data).toEqual([10, 30, 42]);
    expect(labels(chart.series[0])).toEqual(['10 · 23,8 %', '30 · 71,4 %', '42 · 100 %']);
  });
});
