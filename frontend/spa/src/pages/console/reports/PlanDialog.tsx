import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, InputNumber, Modal, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/errors';
import { setSalesPlan, type PlanFactReport, type PlanFactRow } from './api';
import { MONTH } from './period';

type Line = { count: number | null; amount: number | null }; // amount in rubles on screen

/** Sets one month's plan per module (PUT /api/console/licensing/sales-plan/{month}; audited). */
export function PlanDialog({ modules, rows, defaultMonth, onClose }: {
  modules: PlanFactReport['modules'];
  rows: PlanFactRow[];
  defaultMonth: string;
  onClose: () => void;
}) {
  const { t: r, i18n } = useTranslation('reports');
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [month, setMonth] = useState<Dayjs>(dayjs(`${defaultMonth}-01`));
  const planOf = (m: string): Record<string, Line> => Object.fromEntries(modules.map((module) => {
    const row = rows.find((x) => x.month === m && x.module === module.code);
    return [module.code, { count: row?.plan_count ?? null, amount: row?.plan_amount != null ? row.plan_amount / 100 : null }];
  }));
  const [lines, setLines] = useState<Record<string, Line>>(() => planOf(defaultMonth));
  const save = useMutation({
    mutationFn: () => setSalesPlan(month.format(MONTH), {
      product: 'itbm',
      modules: Object.fromEntries(Object.entries(lines)
        .filter(([, line]) => line.count !== null || line.amount !== null)
        .map(([code, line]) => [code, { count: line.count ?? 0, amount: Math.round((line.amount ?? 0) * 100) }])),
    }),
    onSuccess: () => {
      void message.success(r('plan.saved'));
      void queryClient.invalidateQueries({ queryKey: ['licensing', 'reports', 'sales'] });
      onClose();
    },
  });
  const set = (code: string, patch: Partial<Line>) => setLines((all) => ({ ...all, [code]: { ...all[code], ...patch } }));
  return (
    <Modal open title={r('plan.title')} okText={r('plan.save')} onOk={() => save.mutate()} confirmLoading={save.isPending} onCancel={onClose} width={640}>
      {save.isError && <Alert type="error" showIcon message={describeError(save.error, t)} style={{ marginBottom: 12 }} />}
      <Form layout="vertical">
        <Form.Item label={r('month')}>
          <DatePicker picker="month" format="MMMM YYYY" allowClear={false} value={month} aria-label={r('month')}
            onChange={(value) => { if (value) { setMonth(value); setLines(planOf(value.format(MONTH))); } }} />
        </Form.Item>
      </Form>
      <Table
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={modules}
        columns={[
          { title: r('module'), dataIndex: 'code', render: (_, m) => (i18n.resolvedLanguage === 'en' ? m.name_en : m.name) },
          {
            title: r('sales.planCount'), key: 'count',
            render: (_, m) => <InputNumber min={0} precision={0} aria-label={`${m.code} count`} value={lines[m.code]?.count} onChange={(v) => set(m.code, { count: v })} />,
          },
          {
            title: r('sales.planAmount'), key: 'amount',
            render: (_, m) => <InputNumber min={0} precision={2} style={{ width: 160 }} aria-label={`${m.code} amount`} value={lines[m.code]?.amount} onChange={(v) => set(m.code, { amount: v })} />,
          },
        ]}
      />
    </Modal>
  );
}
