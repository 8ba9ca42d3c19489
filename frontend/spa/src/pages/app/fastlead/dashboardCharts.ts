import type { EChartsCoreOption } from 'echarts/core';
import type { Dashboard } from '../../../api/fastleadReporting';

/**
 * The options of the Fast Lead dashboard's charts, without ECharts itself (EChart loads it on demand).
 * The legend sits on top and the grid keeps the axis labels inside the chart's box, as in the console's
 * charts (console/reports/chartOptions.ts).
 */
const LAYOUT = {
  legend: { top: 0, left: 'center' },
  grid: { top: 44, right: 16, bottom: 8, left: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
} as const;

type Translate = (key: string) => string;

/** Shares as the UI language writes them: «23,8 %» / «23.8%». */
export const percentFormat = (language: string) =>
  new Intl.NumberFormat(language === 'en' ? 'en-US' : 'ru-RU', { style: 'percent', maximumFractionDigits: 1 });

/** «03.12» / «03/12»: the range is at most a year, so the day and month say which day it is. */
function shortDay(day: string, language: string): string {
  const [, month, date] = day.split('-');
  return language === 'en' ? `${date}/${month}` : `${date}.${month}`;
}

/** Leads, contacted and booked per day (every day of the range, zeros included). */
export function dailyChart(dashboard: Dashboard, t: Translate, language: string): EChartsCoreOption {
  const series = (key: 'leads' | 'contacted' | 'booked') => ({
    name: t(`fastlead.analytics.series.${key}`), type: 'line', smooth: true, showSymbol: dashboard.daily.length <= 31,
    data: dashboard.daily.map((day) => day[key]),
  });
  return {
    ...LAYOUT,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', boundaryGap: false, data: dashboard.daily.map((day) => shortDay(day.date, language)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [series('leads'), series('contacted'), series('booked')],
  };
}

/** Per channel: its leads and bookings as bars, the conversion written above them. */
export function channelChart(dashboard: Dashboard, t: Translate, language: string): EChartsCoreOption {
  const format = percentFormat(language);
  const channels = dashboard.by_channel;
  return {
    ...LAYOUT,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: channels.map((row) => t(`fastlead.channel.${row.channel}`)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('fastlead.analytics.series.leads'), type: 'bar', data: channels.map((row) => row.leads) },
      {
        name: t('fastlead.analytics.series.booked'), type: 'bar', data: channels.map((row) => row.booked),
        label: {
          show: true, position: 'top',
          formatter: ({ dataIndex }: { dataIndex: number }) => format.format(channels[dataIndex].conversion),
        },
      },
    ],
  };
}

/**
 * The funnel lead → contacted → booked as horizontal bars, widest first, each labelled with its count
 * and its share of the leads: bars keep the counts comparable where a funnel's trapezoids do not, and
 * need no other ECharts module than the console's charts already load.
 */
export function funnelChart(dashboard: Dashboard, t: Translate, language: string): EChartsCoreOption {
  const format = percentFormat(language);
  const stages = [...dashboard.funnel].reverse();
  return {
    grid: { top: 8, right: 16, bottom: 8, left: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: stages.map((stage) => t(`fastlead.analytics.funnel.${stage.stage}`)) },
    series: [{
      type: 'bar', name: t('fastlead.analytics.funnel.title'), data: stages.map((stage) => stage.count),
      label: {
        show: true, position: 'right',
        formatter: ({ dataIndex }: { dataIndex: number }) =>
          `${stages[dataIndex].count} · ${format.format(stages[dataIndex].rate_from_start)}`,
      },
    }],
  };
}
