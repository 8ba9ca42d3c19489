import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Flex, Form, Popconfirm, Select, Tag, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, DELIVERY_AUDIENCES, DELIVERY_EVENTS, DELIVERY_STATUSES } from '../../api/enums';
import { CustomerPicker } from '../../components/CustomerPicker';
import { settled, useShowError } from '../../components/errors';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { useDateTime } from '../../lib/format';
import { CustomerName } from '../../lib/names';
import {
  listConsoleDeliveries, listOrgDeliveries, moscowDayBounds,
  notificationKeys, retryDelivery, type Delivery, type DeliveryFilters,
} from './api';

/** Whose deliveries: the whole console log (optionally one customer's, fixed), or one's own organization's. */
export type LogScope = { kind: 'console'; orgId?: string } | { kind: 'org'; orgId: string };

interface FilterValues {
  channel?: DeliveryFilters['channel'];
  event?: DeliveryFilters['event'];
  status?: DeliveryFilters['status'];
  audience?: DeliveryFilters['audience'];
  org_id?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function toFilters(values: FilterValues): DeliveryFilters {
  const [from, to] = values.range ?? [];
  return {
    channel: values.channel || undefined,
    event: values.event || undefined,
    status: values.status || undefined,
    audience: values.audience || undefined,
    org_id: values.org_id || undefined,
    ...moscowDayBounds(from?.format('YYYY-MM-DD'), to?.format('YYYY-MM-DD')),
  };
}

const STATUS_COLOR: Record<Delivery['status'], string> = { pending: 'processing', sent: 'success', failed: 'error' };

export function StatusTag({ delivery }: { delivery: Delivery }) {
  const { t: n } = useTranslation('notifications');
  return (
    <Flex vertical gap={2} align="start">
      <Tag color={STATUS_COLOR[delivery.status]}>{n(`status.${delivery.status}`)}</Tag>
      {delivery.attempts > 1 && <Typography.Text type="secondary">{n('log.attempts', { count: delivery.attempts })}</Typography.Text>}
    </Flex>
  );
}

/**
 * The delivery log: every notice sent (or being sent) per channel, newest first, with masked
 * recipients, its status and error; the console retries failed ones (admin, support).
 */
export function DeliveryLog({ scope, canRetry = false }: { scope: LogScope; canRetry?: boolean }) {
  const { t: n } = useTranslation('notifications');
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<DeliveryFilters>({});
  const inConsole = scope.kind === 'console';
  const fixedOrg = scope.orgId;
  const effective: DeliveryFilters = fixedOrg && inConsole ? { ...filters, org_id: fixedOrg } : filters;

  const log = usePagedQuery(
    scope.kind === 'console' ? notificationKeys.consoleLog(effective) : notificationKeys.orgLog(scope.orgId, effective),
    (cursor) => (scope.kind === 'console'
      ? listConsoleDeliveries(effective, cursor)
      : listOrgDeliveries(scope.orgId, effective, cursor)),
  );
  const retry = useMutation({
    mutationFn: (delivery: Delivery) => retryDelivery(delivery.id),
    onSuccess: (delivery) => {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.deliveries });
      if (delivery.status === 'sent') void message.success(n('log.retried'));
      else if (delivery.status === 'failed') void message.error(n('log.retryFailed', { error: delivery.error ?? '—' }));
      else void message.info(n('log.retryQueued'));
    },
    onError: (error) => showError(error),
  });
  const filtered = Object.values(filters).some(Boolean);
  const option = (prefix: string) => (value: string) => ({ value, label: n(`${prefix}.${value}`) });

  return (
    <>
      <Form form={form} layout="inline" onFinish={(values) => setFilters(toFilters(values))} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="channel">
          <Select allowClear placeholder={n('log.channel')} aria-label={n('log.channel')} style={{ width: 150 }} options={CHANNELS.map(option('channel'))} />
        </Form.Item>
        <Form.Item name="event">
          <Select allowClear placeholder={n('log.event')} aria-label={n('log.event')} style={{ width: 220 }} options={DELIVERY_EVENTS.map(option('event'))} />
        </Form.Item>
        <Form.Item name="status">
          <Select allowClear placeholder={n('log.status')} aria-label={n('log.status')} style={{ width: 160 }} options={DELIVERY_STATUSES.map(option('status'))} />
        </Form.Item>
        {inConsole && (
          <Form.Item name="audience">
            <Select allowClear placeholder={n('log.audience')} aria-label={n('log.audience')} style={{ width: 170 }} options={DELIVERY_AUDIENCES.map(option('audience'))} />
          </Form.Item>
        )}
        {inConsole && !fixedOrg && (
          <Form.Item name="org_id">
            <CustomerPicker style={{ width: 260 }} />
          </Form.Item>
        )}
        <Form.Item name="range">
          <DatePicker.RangePicker format="DD.MM.YYYY" aria-label={n('log.period')} />
        </Form.Item>
        <Flex gap={8} wrap>
          <Button type="primary" htmlType="submit">{t('common.apply')}</Button>
          <Button onClick={() => { form.resetFields(); setFilters({}); }}>{t('common.reset')}</Button>
          <Tooltip title={n('log.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={n('log.refresh')} loading={log.isRefetching} onClick={() => void log.refetch()} />
          </Tooltip>
        </Flex>
      </Form>
      <PagedTable<Delivery>
        query={log}
        rowKey="id"
        size="small"
        emptyText={filtered ? n('log.emptyFiltered') : n(inConsole ? 'log.empty' : 'log.emptyOrg')}
        minWidth={1000}
        columns={[
          { key: 'at', title: n('log.at'), dataIndex: 'created_at', width: 160, fixed: 'left', render: dateTime },
          {
            key: 'event',
            title: n('log.event'),
            render: (_, d) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text ellipsis>{n(`event.${d.event}`)}</Typography.Text>
                {inConsole && <Typography.Text type="secondary" ellipsis>{n(`audience.${d.audience}`)}</Typography.Text>}
              </Flex>
            ),
          },
          { key: 'channel', title: n('log.channel'), width: 110, render: (_, d) => n(`channel.${d.channel}`) },
          { key: 'recipient', title: n('log.recipient'), render: (_, d) => <Typography.Text code ellipsis={{ tooltip: d.recipient }}>{d.recipient}</Typography.Text> },
          ...(inConsole && !fixedOrg ? [{ key: 'org', title: n('log.customer'), render: (_: unknown, d: Delivery) => <CustomerName orgId={d.org_id} to={`/console/customers/${d.org_id}/notifications`} /> }] : []),
          { key: 'status', title: n('log.status'), width: 130, render: (_, d) => <StatusTag delivery={d} /> },
          {
            key: 'error',
            title: n('log.error'),
            render: (_, d) => (d.error
              ? <Typography.Paragraph type="danger" style={{ margin: 0 }} ellipsis={{ rows: 2, tooltip: d.error }}>{d.error}</Typography.Paragraph>
              : '—'),
          },
          { key: 'sent', title: n('log.sentAt'), dataIndex: 'sent_at', width: 160, render: (iso: string | null) => (iso ? dateTime(iso) : '—') },
          ...(canRetry ? [{
            key: 'actions',
            title: '',
            fixed: 'right' as const,
            width: 130,
            render: (_: unknown, d: Delivery) => d.status === 'failed' && (
              <Popconfirm
                title={n('log.retryConfirm', { recipient: d.recipient })}
                okText={n('log.retry')}
                cancelText={t('common.cancel')}
                onConfirm={() => settled(retry.mutateAsync(d))}
              >
                <Button size="small" icon={<ReloadOutlined />} loading={retry.isPending && retry.variables?.id === d.id}>{n('log.retry')}</Button>
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
    </>
  );
}
