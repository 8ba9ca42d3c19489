import type { EChartsCoreOption } from 'echarts/core';
import { ACTIVATION_STATES, RENEWAL_STATUSES } from '../../../api/enums';
import { formatMonth } from '../../../lib/format';
import type { Dashboard, PlanFactReport, RenewalReport, UsageReport } from './api';

/**
 * The options of every licensing chart, without ECharts itself (./charts loads it on demand).
 *
 * ECharts 6 puts the legend at the bottom by default, where it covered the category axis. Every chart
 * here puts it on top, and its grid keeps the axis labels and names inside the chart's box (outer
 * bounds) instead of guessing margins, so long module names and amounts are neither cut nor covered.
 */
const LAYOUT = {
  legend: { top: 0, left: 'center' },
  grid: { top: 44, right: 16, bottom: 8, left: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
} as const;

type Translate = (key: string) => string;

/** Months on the category axis, the year under the month so that a year of them fits: «янв.» / «2026». */
function monthAxis(months: string[], language: string) {
  return {
    type: 'category',
    data: months.map((month) => formatMonth(month, language, true)),
    axisLabel: { formatter: (label: string) => label.replace(' ', '\n') },
  };
}

/** Amounts and counts as the UI language writes numbers: 1 800 000 / 1,800,000. */
function numberAxis(language: string, extra: Record<string, unknown> = {}) {
  const locale = language === 'en' ? 'en-US' : 'ru-RU';
  return { type: 'value', axisLabel: { formatter: (value: number) => value.toLocaleString(locale) }, ...extra };
}

export function salesChart(report: PlanFactReport, r: Translate, language: string): EChartsCoreOption {
  return {
    ...LAYOUT,
    tooltip: { trigger: 'axis' },
    xAxis: monthAxis(report.months, language),
    yAxis: numberAxis(language, { name: '₽' }),
    series: [
      { name: r('sales.planAmount'), type: 'bar', data: report.totals.map((t) => t.plan_amount / 100) },
      { name: r('sales.factAmount'), type: 'bar', data: report.totals.map((t) => t.fact_amount / 100) },
    ],
  };
}

export function renewalsChart(report: RenewalReport, r: Translate, language: string): EChartsCoreOption {
  return {
    ...LAYOUT,
    tooltip: { trigger: 'axis' },
    xAxis: monthAxis(report.months.map((m) => m.month), language),
    yAxis: numberAxis(language, { minInterval: 1 }),
    color: ['#52c41a', '#1677ff', '#ff4d4f'],
    series: RENEWAL_STATUSES.map((status) => ({
      name: r(`renewals.${status}`), type: 'bar', stack: 'licenses', data: report.months.map((m) => m[status]),
    })),
  };
}

export function usageChart(report: UsageReport, r: Translate, language: string): EChartsCoreOption {
  return {
    ...LAYOUT,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: numberAxis(language, { minInterval: 1 }),
    yAxis: { type: 'category', data: report.modules.map((m) => (language === 'en' ? m.name_en : m.name)) },
    color: ['#52c41a', '#bfbfbf'],
    series: [
      { name: r('usage.used'), type: 'bar', stack: 'licensed', data: report.modules.map((m) => m.used) },
      { name: r('usage.idle'), type: 'bar', stack: 'licensed', data: report.modules.map((m) => m.idle) },
    ],
  };
}

/** The dashboard's installations by state: the legend on top, the ring and its labels below it. */
export function installationsChart(kpis: Dashboard, r: Translate): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item' },
    legend: LAYOUT.legend,
    color: ['#52c41a', '#faad14', '#bfbfbf'],
    series: [{
      type: 'pie', radius: ['40%', '62%'], center: ['50%', '58%'], label: { formatter: '{b}: {c}' },
      data: ACTIVATION_STATES.map((state) => ({ name: r(`states.${state}`), value: kpis.activations[state] })),
    }],
  };
}
