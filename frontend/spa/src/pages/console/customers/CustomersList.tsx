import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Flex, Form, Input, Modal, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  createCustomer, exportCustomers, listCustomers, type CustomerCreate, type CustomerFilters, type CustomerSummary,
} from '../../../api/customers';
import { CUSTOMER_EXPORT_FORMATS, CUSTOMER_STATUSES, DEPLOYMENTS, SEGMENTS } from '../../../api/enums';
import { listStaff } from '../../../api/staff';
import { useMe } from '../../../auth/session';
import { useShowError } from '../../../components/errors';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { saveBlob } from '../../../lib/download';
import { useCan } from '../../../lib/permissions';
import { ImportDialog } from './ImportDialog';

export const STATUS_COLOR: Record<CustomerSummary['status'], string> = { active: 'success', suspended: 'warning', blocked: 'error', archived: 'default' };

export default function CustomersList() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe();
  const navigate = useNavigate();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<CustomerFilters>({});
  const [importing, setImporting] = useState(false);
  const [creating, setCreating] = useState(false);
  const customers = usePagedQuery(['customers', 'list', filters], (cursor) => listCustomers(filters, cursor));
  // Only roles that may read the staff list get a manager picker; everyone can narrow to their own customers.
  const staff = useQuery({ queryKey: ['staff', 'options'], queryFn: () => listStaff({ limit: 100 }), enabled: me.roles.some((r) => ['admin', 'auditor'].includes(r)) });
  const exporting = useMutation({
    mutationFn: (format: 'csv' | 'xlsx') => exportCustomers(filters, format),
    onSuccess: ({ blob, filename }, format) => saveBlob(blob, filename ?? `customers.${format}`),
    onError: (e) => showError(e),
  });
  const filtered = Object.values(filters).some(Boolean);
  const set = (patch: Partial<CustomerFilters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        extra={
          <>
            {can('console.customers.export') && CUSTOMER_EXPORT_FORMATS.map((format) => (
              <Button key={format} icon={<DownloadOutlined />} loading={exporting.isPending && exporting.variables === format} onClick={() => exporting.mutate(format)}>
                {format.toUpperCase()}
              </Button>
            ))}
            {can('console.customers.import') && <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>{t('customers.import')}</Button>}
            {can('console.customers.create') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('customers.create')}</Button>}
          </>
        }
      >
        {t('customers.intro')}
      </PageHeader>
      <Flex wrap gap={8} style={{ marginBottom: 16 }} align="center">
        <Input.Search allowClear placeholder={t('customers.search')} aria-label={t('customers.search')} onSearch={(q) => set({ q: q.trim() || undefined })} style={{ width: 300, maxWidth: '100%' }} />
        <Select allowClear placeholder={t('customers.segment')} aria-label={t('customers.segment')} value={filters.segment} onChange={(segment) => set({ segment })}
          options={SEGMENTS.map((value) => ({ value, label: t(`segment.${value}`) }))} style={{ width: 200 }} />
        <Select allowClear placeholder={t('customers.status')} aria-label={t('customers.status')} value={filters.status} onChange={(status) => set({ status })}
          options={CUSTOMER_STATUSES.map((value) => ({ value, label: t(`customerStatus.${value}`) }))} style={{ width: 180 }} />
        {staff.data ? (
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('customers.manager')} aria-label={t('customers.manager')} value={filters.manager_id}
            onChange={(manager_id) => set({ manager_id })} style={{ width: 240 }}
            options={staff.data.items.map((u) => ({ value: u.id, label: u.name || u.email }))} />
        ) : (
          <Checkbox checked={filters.manager_id === me.user.id} onChange={(e) => set({ manager_id: e.target.checked ? me.user.id : undefined })}>{t('customers.mine')}</Checkbox>
        )}
      </Flex>
      <PagedTable<CustomerSummary>
        query={customers}
        rowKey="id"
        emptyText={filtered ? t('customers.emptyFiltered') : t('customers.empty')}
        minWidth={860}
        columns={[
          {
            key: 'name', title: t('customers.name'), fixed: 'left',
            render: (_, c) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text ellipsis={{ tooltip: c.name }}><Link to={`/console/customers/${c.id}`}>{c.name}</Link></Typography.Text>
                {c.legal_name && c.legal_name !== c.name && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: c.legal_name }}>{c.legal_name}</Typography.Text>
                )}
              </Flex>
            ),
          },
          { key: 'inn', title: t('customers.innKpp'), width: 210, render: (_, c) => (c.inn ? `${c.inn}${c.kpp ? ` / ${c.kpp}` : ''}` : '—') },
          { key: 'segment', title: t('customers.segment'), width: 180, render: (_, c) => (c.segment ? t(`segment.${c.segment}`) : '—') },
          { key: 'deployment', title: t('customers.deployment'), width: 140, render: (_, c) => (c.deployment ? t(`deployment.${c.deployment}`) : '—') },
          { key: 'status', title: t('customers.status'), width: 150, render: (_, c) => <Tag color={STATUS_COLOR[c.status]}>{t(`customerStatus.${c.status}`)}</Tag> },
        ]}
      />
      {importing && <ImportDialog onClose={() => setImporting(false)} onApplied={() => void queryClient.invalidateQueries({ queryKey: ['customers'] })} />}
      <CreateCustomerDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => { setCreating(false); void queryClient.invalidateQueries({ queryKey: ['customers'] }); void navigate(`/console/customers/${id}`); }}
      />
    </>
  );
}

export function CustomerFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="name" label={t('customers.name')} rules={[{ required: true, min: 2, message: t('validation.required') }]}><Input maxLength={200} /></Form.Item>
      <Form.Item name="legal_name" label={t('customers.legalName')}><Input maxLength={500} /></Form.Item>
      <Flex gap={12} wrap>
        <Form.Item name="inn" label={t('customers.inn')} style={{ flex: 1, minWidth: 180 }}
          rules={[{ required: true, pattern: /^(\d{10}|\d{12})$/, message: t('customers.innFormat') }]}>
          <Input inputMode="numeric" maxLength={12} />
        </Form.Item>
        <Form.Item name="kpp" label={t('customers.kpp')} style={{ flex: 1, minWidth: 160 }} rules={[{ pattern: /^\d{4}[\dA-Z]{2}\d{3}$/, message: t('customers.kppFormat') }]}>
          <Input maxLength={9} />
        </Form.Item>
      </Flex>
      <Flex gap={12} wrap>
        <Form.Item name="segment" label={t('customers.segment')} style={{ flex: 1, minWidth: 180 }} rules={[{ required: true, message: t('validation.required') }]}>
          <Select options={SEGMENTS.map((value) => ({ value, label: t(`segment.${value}`) }))} />
        </Form.Item>
        <Form.Item name="deployment" label={t('customers.deployment')} style={{ flex: 1, minWidth: 160 }} rules={[{ required: true, message: t('validation.required') }]}>
          <Select options={DEPLOYMENTS.map((value) => ({ value, label: t(`deployment.${value}`) }))} />
        </Form.Item>
      </Flex>
      <Form.Item name="notes" label={t('customers.notes')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
    </>
  );
}

function CreateCustomerDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<CustomerCreate>();
  const create = useMutation({
    mutationFn: (values: CustomerCreate) => createCustomer({ ...values, kpp: values.kpp || null, legal_name: values.legal_name || null }),
    onSuccess: (card) => onCreated(card.id),
    onError: (e) => showError(e, form),
  });
  return (
    <Modal open={open} title={t('customers.createTitle')} okText={t('customers.create')} cancelText={t('common.cancel')}
      confirmLoading={create.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} onFinish={(values) => create.mutate(values)}>
        <CustomerFields />
      </Form>
    </Modal>
  );
}
