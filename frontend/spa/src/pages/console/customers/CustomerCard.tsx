import { BellOutlined, DeleteOutlined, DownloadOutlined, EditOutlined, LinkOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App, Button, Card, DatePicker, Descriptions, Empty, Flex, Form, Input, InputNumber, List, Modal, Popconfirm, Select, Table, Tabs, Tag, Typography, Upload,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  addContact, addDocumentLink, addNote, changeCustomerStatus, confirmUpload, deleteContact, deleteDocument, documentLink,
  getCustomer, listActivity, listContacts, listDocuments, listNotes, listPayments, putToPresignedUrl, recordPayment, startUpload, updateCustomer, UploadFailed,
  type ContactCreate, type CustomerCard as Card_, type CustomerDocument, type CustomerStatus,
} from '../../../api/customers';
import { CONTACT_PURPOSES, CUSTOMER_STATUSES, DOCUMENT_KINDS, PAYMENT_METHODS } from '../../../api/enums';
import { listLicenses } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { AuditChanges, AuditEntity } from '../../../components/audit';
import { ErrorState, settled, useShowError } from '../../../components/errors';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime, useDay } from '../../../lib/format';
import { useLabels } from '../../../lib/labels';
import { PAYMENT_COLOR, useCatalog, useCatalogNames } from '../../../lib/licensing';
import { NameWithId } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import { LicenseTable } from '../licenses/LicensesList';
import { ReasonDialog } from '../licenses/ReasonDialog';
import { CustomerFields, STATUS_COLOR } from './CustomersList';

const TABS = ['general', 'licenses', 'payments', 'contacts', 'documents', 'activity'] as const;

export default function CustomerCard() {
  const { orgId = '' } = useParams();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'general';
  const card = useQuery({ queryKey: ['customers', 'one', orgId], queryFn: () => getCustomer(orgId) });
  if (card.isPending) return <PageSpin />;
  if (card.isError) return <ErrorState error={card.error} onRetry={() => void card.refetch()} />;
  const customer = card.data;
  return (
    <>
      <PageHeader
        title={customer.name}
        extra={<>
          <Tag color={STATUS_COLOR[customer.status]}>{t(`customerStatus.${customer.status}`)}</Tag>
          <Link to={`/console/customers/${orgId}/notifications`}><Button size="small" icon={<BellOutlined />}>{t('notifications:nav')}</Button></Link>
        </>}
      >
        <Typography.Text code copyable>{customer.id}</Typography.Text>
      </PageHeader>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={[
            { key: 'general', label: t('customerCard.general'), children: <General customer={customer} /> },
            { key: 'licenses', label: t('customerCard.licenses'), children: <Licenses orgId={orgId} /> },
            { key: 'payments', label: t('customerCard.payments'), children: <Payments orgId={orgId} /> },
            { key: 'contacts', label: t('customerCard.contacts'), children: <Contacts orgId={orgId} /> },
            { key: 'documents', label: t('customerCard.documents'), children: <Documents orgId={orgId} /> },
            { key: 'activity', label: t('customerCard.activity'), children: <Activity orgId={orgId} /> },
          ]}
        />
      </Card>
    </>
  );
}

function useRefresh(orgId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['customers', 'one', orgId] });
}

function General({ customer }: { customer: Card_ }) {
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const showError = useShowError();
  const { message } = App.useApp();
  const refresh = useRefresh(customer.id);
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<CustomerStatus | null>(null);
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (values: Record<string, string | null>) => updateCustomer(customer.id, { ...values, kpp: values.kpp || null, legal_name: values.legal_name || null }),
    onSuccess: () => { setEditing(false); void message.success(t('common.saved')); void refresh(); },
    onError: (e) => showError(e, form),
  });
  const changeStatus = useMutation({
    mutationFn: (reason: string) => changeCustomerStatus(customer.id, status!, reason),
    onSuccess: () => { setStatus(null); void message.success(t('common.saved')); void refresh(); },
    onError: (e) => showError(e),
  });
  return (
    <>
      <Flex wrap gap={8} style={{ marginBottom: 16 }}>
        {can('console.customers.update') && <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>{t('customerCard.edit')}</Button>}
        {can('console.customers.status') && (
          <Select<CustomerStatus> value={customer.status} aria-label={t('customers.status')} onChange={setStatus} style={{ width: 220 }}
            options={CUSTOMER_STATUSES.map((value) => ({ value, label: t(`customerStatus.${value}`) }))} />
        )}
      </Flex>
      {!customer.complete && <Typography.Paragraph type="warning">{t('customerCard.incomplete')}</Typography.Paragraph>}
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={t('customers.legalName')}>{customer.legal_name ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customers.innKpp')}>{customer.inn ?? '—'}{customer.kpp ? ` / ${customer.kpp}` : ''}</Descriptions.Item>
        <Descriptions.Item label={t('customers.segment')}>{customer.segment ? t(`segment.${customer.segment}`) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customers.deployment')}>{customer.deployment ? t(`deployment.${customer.deployment}`) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customers.manager')}>{customer.manager ? (customer.manager.name || customer.manager.email || customer.manager.id) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customers.status')}>
          {t(`customerStatus.${customer.status}`)}{customer.status_reason ? ` — ${customer.status_reason}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('customerCard.createdAt')}>{dateTime(customer.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t('customerCard.source')}>{customer.source}</Descriptions.Item>
        <Descriptions.Item label={t('customers.notes')} span="filled">{customer.notes ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Modal open={editing} title={t('customerCard.edit')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={save.isPending}
        onOk={() => form.submit()} onCancel={() => setEditing(false)} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={customer} onFinish={(values) => save.mutate(values)}>
          <CustomerFields />
        </Form>
      </Modal>
      <ReasonDialog open={status !== null} title={t('customerCard.statusTitle', { status: status ? t(`customerStatus.${status}`) : '' })}
        text={t('customerCard.statusText')} okText={t('common.save')} danger={status === 'blocked'} loading={changeStatus.isPending}
        onOk={(reason) => changeStatus.mutate(reason)} onCancel={() => setStatus(null)} />
    </>
  );
}

function Licenses({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  return (
    <>
      {can('console.licenses.issue') && (
        <Flex justify="end" style={{ marginBottom: 12 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate(`/console/licenses/new?org_id=${encodeURIComponent(orgId)}`)}>{t('licenses.new')}</Button>
        </Flex>
      )}
      <LicenseTable orgId={orgId} emptyText={t('licenses.emptyCustomer')} />
    </>
  );
}

function Payments({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [recording, setRecording] = useState(false);
  const [form] = Form.useForm<{ license_id: string; rubles: number; paid_on: Dayjs; reference: string; method: string }>();
  const payments = useQuery({ queryKey: ['customers', 'payments', orgId], queryFn: () => listPayments(orgId) });
  const licenseName = useLicenseNames(orgId);
  const day = useDay();
  const record = useMutation({
    mutationFn: (v: { license_id: string; rubles: number; paid_on: Dayjs; reference: string; method: string }) => recordPayment(orgId, {
      license_id: v.license_id, amount: { kopecks: Math.round(v.rubles * 100), currency: 'RUB' }, paid_on: v.paid_on.format('YYYY-MM-DD'),
      reference: v.reference, method: v.method as 'bank_transfer',
    }),
    onSuccess: () => { setRecording(false); void queryClient.invalidateQueries({ queryKey: ['customers', 'payments', orgId] }); void queryClient.invalidateQueries({ queryKey: ['licenses'] }); },
    onError: (e) => showError(e, form),
  });
  if (payments.isError) return <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />;
  const data = payments.data;
  return (
    <>
      <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>{t('customerCard.licensePayments')}</Typography.Title>
        {can('console.customers.payments.record') && (data?.licenses.length ?? 0) > 0 && (
          <Button icon={<PlusOutlined />} onClick={() => setRecording(true)}>{t('customerCard.recordPayment')}</Button>
        )}
      </Flex>
      <Table size="small" rowKey="license_id" loading={payments.isPending} pagination={false} scroll={{ x: 'max-content' }} dataSource={data?.licenses ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customerCard.noPaymentTerms')} /> }}
        columns={[
          { key: 'license', title: t('licenses.license'), render: (_, l) => <LicenseName id={l.license_id} name={licenseName(l.license_id)} /> },
          { key: 'due', title: t('customerCard.amountDue'), render: (_, l) => l.amount_due?.formatted ?? '—' },
          { key: 'dueOn', title: t('customerCard.dueOn'), render: (_, l) => day(l.due_on) },
          { key: 'paid', title: t('customerCard.paid'), render: (_, l) => l.paid.formatted },
          { key: 'status', title: t('licenses.payment'), render: (_, l) => <Tag color={PAYMENT_COLOR[l.status]}>{t(`paymentStatus.${l.status}`)}</Tag> },
        ]} />
      <Typography.Title level={5}>{t('customerCard.paymentsHistory')}</Typography.Title>
      <Table size="small" rowKey="id" loading={payments.isPending} pagination={false} scroll={{ x: 'max-content' }} dataSource={data?.payments ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customerCard.noPayments')} /> }}
        columns={[
          { key: 'paidOn', title: t('customerCard.paidOn'), dataIndex: 'paid_on', render: day },
          { key: 'amount', title: t('customerCard.amount'), render: (_, p) => p.amount.formatted },
          { key: 'license', title: t('licenses.license'), render: (_, p) => <LicenseName id={p.license_id} name={licenseName(p.license_id)} /> },
          { key: 'method', title: t('customerCard.method'), render: (_, p) => t(`paymentMethod.${p.method}`) },
          { key: 'reference', title: t('customerCard.reference'), dataIndex: 'reference' },
        ]} />
      <Modal open={recording} title={t('customerCard.recordPayment')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={record.isPending}
        onOk={() => form.submit()} onCancel={() => setRecording(false)} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={{ method: 'bank_transfer' }} onFinish={(v) => record.mutate(v)}>
          <Form.Item name="license_id" label={t('licenses.license')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select options={(data?.licenses ?? []).map((l) => ({ value: l.license_id, label: licenseName(l.license_id) ?? l.license_id }))} />
          </Form.Item>
          <Form.Item name="rubles" label={t('customerCard.amountRub')} rules={[{ required: true, message: t('validation.required') }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="paid_on" label={t('customerCard.paidOn')} rules={[{ required: true, message: t('validation.required') }]}>
            <DatePicker format="DD.MM.YYYY" />
          </Form.Item>
          <Form.Item name="reference" label={t('customerCard.reference')} rules={[{ required: true, message: t('validation.required') }]}><Input maxLength={200} /></Form.Item>
          <Form.Item name="method" label={t('customerCard.method')}>
            <Select options={PAYMENT_METHODS.map((value) => ({ value, label: t(`paymentMethod.${value}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The customer's licenses as "plan · domain" by id (payments name a license only by its id). */
function useLicenseNames(orgId: string): (licenseId: string) => string | undefined {
  const licenses = useQuery({ queryKey: queryKeys.customerLicenses(orgId), queryFn: () => listLicenses({ org_id: orgId }) });
  const names = useCatalogNames(useCatalog().data);
  return (licenseId) => {
    const license = licenses.data?.items.find((l) => l.id === licenseId);
    return license && `${names.plan(license.product, license.plan)} · ${license.domain}`;
  };
}

function LicenseName({ id, name }: { id: string; name: string | undefined }) {
  const link = <Link to={`/console/licenses/${id}`}>{name ?? id}</Link>;
  return name ? <NameWithId name={link} id={id} /> : link;
}

function Contacts({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<ContactCreate>();
  const key = ['customers', 'contacts', orgId];
  const contacts = useQuery({ queryKey: key, queryFn: () => listContacts(orgId) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: (v: ContactCreate) => addContact(orgId, { ...v, email: v.email || null, phone: v.phone || null, position: v.position || null }),
    onSuccess: () => { setAdding(false); void refresh(); },
    onError: (e) => showError(e, form),
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteContact(orgId, id), onSuccess: () => void refresh(), onError: (e) => showError(e) });
  const writable = can('console.customers.contacts.write');
  if (contacts.isError) return <ErrorState error={contacts.error} onRetry={() => void contacts.refetch()} />;
  return (
    <>
      {writable && <Flex justify="end" style={{ marginBottom: 12 }}><Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('customerCard.addContact')}</Button></Flex>}
      <Table size="small" rowKey="id" loading={contacts.isPending} pagination={false} scroll={{ x: 'max-content' }} dataSource={contacts.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customerCard.noContacts')} /> }}
        columns={[
          { key: 'name', title: t('customerCard.contactName'), render: (_, c) => <Flex vertical><span>{c.name}</span><Typography.Text type="secondary">{c.position ?? ''}</Typography.Text></Flex> },
          { key: 'email', title: t('fields.email'), render: (_, c) => c.email ?? '—' },
          { key: 'phone', title: t('customerCard.phone'), render: (_, c) => c.phone ?? '—' },
          { key: 'purposes', title: t('customerCard.purposes'), render: (_, c) => <Flex wrap gap={4}>{c.purposes.map((p) => <Tag key={p}>{t(`contactPurpose.${p}`)}</Tag>)}</Flex> },
          ...(writable ? [{
            key: 'actions', title: '', render: (_: unknown, c: { id: string; name: string }) => (
              <Popconfirm title={t('customerCard.removeContact', { name: c.name })} okButtonProps={{ danger: true }} okText={t('customerCard.remove')} cancelText={t('common.cancel')}
                onConfirm={() => settled(remove.mutateAsync(c.id))}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('customerCard.remove')} />
              </Popconfirm>
            ),
          }] : []),
        ]} />
      <Modal open={adding} title={t('customerCard.addContact')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={add.isPending}
        onOk={() => form.submit()} onCancel={() => setAdding(false)} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={{ purposes: [] }} onFinish={(v) => add.mutate(v)}>
          <Form.Item name="name" label={t('customerCard.contactName')} rules={[{ required: true, min: 2, message: t('validation.required') }]}><Input maxLength={200} /></Form.Item>
          <Form.Item name="position" label={t('customerCard.position')}><Input maxLength={200} /></Form.Item>
          <Form.Item name="email" label={t('fields.email')} rules={[{ type: 'email', message: t('validation.email') }]}><Input type="email" /></Form.Item>
          <Form.Item name="phone" label={t('customerCard.phone')}><Input placeholder="+7 495 123-45-67" /></Form.Item>
          <Form.Item name="purposes" label={t('customerCard.purposes')}>
            <Select mode="multiple" options={CONTACT_PURPOSES.map((value) => ({ value, label: t(`contactPurpose.${value}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Documents({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const showError = useShowError();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const key = ['customers', 'documents', orgId];
  const documents = useQuery({ queryKey: key, queryFn: () => listDocuments(orgId) });
  const [kind, setKind] = useState<(typeof DOCUMENT_KINDS)[number]>('contract');
  const [linking, setLinking] = useState(false);
  const [form] = Form.useForm<{ title: string; url: string; kind: (typeof DOCUMENT_KINDS)[number] }>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  // Presigned upload: the server answers a URL and headers, the browser PUTs the bytes straight to S3, then confirms.
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const created = await startUpload(orgId, { kind, title: file.name, file_name: file.name, content_type: file.type || 'application/octet-stream', size: file.size });
      if (!created.upload) throw new Error('no upload ticket');
      await putToPresignedUrl(created.upload.url, created.upload.headers, file);
      return confirmUpload(orgId, created.document.id);
    },
    onSuccess: () => { void message.success(t('customerCard.uploaded')); void refresh(); },
    onError: (e) => {
      void refresh();  // the document was created pending: the list shows it
      if (e instanceof UploadFailed && e.status) void message.error(t('customerCard.uploadFailed', { status: e.status }));
      else if (e instanceof UploadFailed) void message.error(t('errors.network'));
      else showError(e);
    },
  });
  // An upload whose confirm did not get through (the file may be in S3 already): confirm again.
  const recheck = useMutation({
    mutationFn: (doc: CustomerDocument) => confirmUpload(orgId, doc.id),
    onSuccess: () => { void message.success(t('customerCard.uploaded')); void refresh(); },
    onError: (e) => showError(e),
  });
  const link = useMutation({
    mutationFn: (v: { title: string; url: string; kind: (typeof DOCUMENT_KINDS)[number] }) => addDocumentLink(orgId, v),
    onSuccess: () => { setLinking(false); void refresh(); },
    onError: (e) => showError(e, form),
  });
  const open = useMutation({
    mutationFn: (doc: CustomerDocument) => (doc.source === 'link' && doc.url ? Promise.resolve({ url: doc.url }) : documentLink(orgId, doc.id)),
    onSuccess: ({ url }) => window.open(url, '_blank', 'noopener'),
    onError: (e) => showError(e),
  });
  const remove = useMutation({
    mutationFn: (doc: CustomerDocument) => deleteDocument(orgId, doc.id),
    onSuccess: () => { void message.success(t('customerCard.documentRemoved')); void refresh(); },
    onError: (e) => showError(e),
  });
  if (documents.isError) return <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />;
  return (
    <>
      {can('console.customers.documents.write') && (
        <Flex wrap gap={8} justify="end" style={{ marginBottom: 12 }}>
          <Select value={kind} onChange={setKind} aria-label={t('customerCard.documentKind')} style={{ width: 180 }}
            options={DOCUMENT_KINDS.map((value) => ({ value, label: t(`documentKind.${value}`) }))} />
          <Upload showUploadList={false} beforeUpload={(file) => { upload.mutate(file); return false; }}>
            <Button icon={<UploadOutlined />} loading={upload.isPending}>{t('customerCard.upload')}</Button>
          </Upload>
          <Button icon={<LinkOutlined />} onClick={() => setLinking(true)}>{t('customerCard.addLink')}</Button>
        </Flex>
      )}
      <Table size="small" rowKey="id" loading={documents.isPending} pagination={false} scroll={{ x: 'max-content' }} dataSource={documents.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customerCard.noDocuments')} /> }}
        columns={[
          { key: 'title', title: t('customerCard.documentTitle'), render: (_, d) => <Flex vertical><span>{d.title}</span><Typography.Text type="secondary">{d.file_name ?? d.url ?? ''}</Typography.Text></Flex> },
          { key: 'kind', title: t('customerCard.documentKind'), render: (_, d) => t(`documentKind.${d.kind}`) },
          { key: 'state', title: t('customerCard.documentState'), render: (_, d) => <Tag color={d.state === 'pending' ? 'warning' : 'success'}>{t(`documentState.${d.state}`)}</Tag> },
          { key: 'size', title: t('customerCard.size'), render: (_, d) => (d.size ? `${Math.ceil(d.size / 1024)} KB` : '—') },
          { key: 'at', title: t('customerCard.addedAt'), render: (_, d) => dateTime(d.created_at) },
          {
            key: 'open', title: '', render: (_, d) => {
              if (d.state === 'pending') {
                return can('console.customers.documents.write') ? (
                  <Button size="small" icon={<ReloadOutlined />} loading={recheck.isPending && recheck.variables?.id === d.id} onClick={() => recheck.mutate(d)}>
                    {t('customerCard.confirmUpload')}
                  </Button>
                ) : null;
              }
              return can('console.customers.documents.download') ? (
                <Button size="small" icon={d.source === 'link' ? <LinkOutlined /> : <DownloadOutlined />} onClick={() => open.mutate(d)}>{t('customerCard.open')}</Button>
              ) : null;
            },
          },
          ...(can('console.customers.documents.write') ? [{
            key: 'remove', title: '', render: (_: unknown, d: CustomerDocument) => (
              <Popconfirm title={t('customerCard.removeDocument', { title: d.title })} description={t('customerCard.removeDocumentHint')}
                okButtonProps={{ danger: true }} okText={t('customerCard.remove')} cancelText={t('common.cancel')}
                onConfirm={() => settled(remove.mutateAsync(d))}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('customerCard.removeDocumentLabel', { title: d.title })} />
              </Popconfirm>
            ),
          }] : []),
        ]} />
      <Modal open={linking} title={t('customerCard.addLink')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={link.isPending}
        onOk={() => form.submit()} onCancel={() => setLinking(false)} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={{ kind: 'contract' }} onFinish={(v) => link.mutate(v)}>
          <Form.Item name="title" label={t('customerCard.documentTitle')} rules={[{ required: true, message: t('validation.required') }]}><Input maxLength={200} /></Form.Item>
          <Form.Item name="url" label="URL" rules={[{ required: true, pattern: /^https:\/\//, message: t('customerCard.httpsOnly') }]}><Input placeholder="https://" /></Form.Item>
          <Form.Item name="kind" label={t('customerCard.documentKind')}><Select options={DOCUMENT_KINDS.map((value) => ({ value, label: t(`documentKind.${value}`) }))} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Activity({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const labels = useLabels();
  const dateTime = useDateTime();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const activity = usePagedQuery(['customers', 'activity', orgId], (cursor) => listActivity(orgId, cursor));
  const notes = usePagedQuery(['customers', 'notes', orgId], (cursor) => listNotes(orgId, cursor));
  const add = useMutation({
    mutationFn: () => addNote(orgId, text.trim()),
    onSuccess: () => { setText(''); void queryClient.invalidateQueries({ queryKey: ['customers', 'notes', orgId] }); },
    onError: (e) => showError(e),
  });
  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('customerCard.notes')}>
        {can('console.customers.notes.write') && (
          <Flex gap={8} style={{ marginBottom: 12 }} wrap>
            <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} rows={2} maxLength={5000} placeholder={t('customerCard.notePlaceholder')} style={{ flex: 1, minWidth: 240 }} />
            <Button type="primary" disabled={!text.trim()} loading={add.isPending} onClick={() => add.mutate()}>{t('customerCard.addNote')}</Button>
          </Flex>
        )}
        <List
          dataSource={notes.data?.pages.flatMap((p) => p.items) ?? []}
          loading={notes.isPending}
          locale={{ emptyText: t('customerCard.noNotes') }}
          renderItem={(note) => (
            <List.Item>
              <List.Item.Meta title={<Typography.Text type="secondary">{note.author ?? note.author_id} · {dateTime(note.created_at)}</Typography.Text>} description={<Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{note.text}</Typography.Text>} />
            </List.Item>
          )}
        />
      </Card>
      <PagedTable
        query={activity}
        rowKey="id"
        size="small"
        emptyText={t('customerCard.noActivity')}
        minWidth={960}
        columns={[
          { key: 'at', title: t('audit.at'), dataIndex: 'at', width: 170, render: dateTime },
          { key: 'actor', title: t('audit.actor'), dataIndex: 'actor', ellipsis: true },
          {
            key: 'action', title: t('audit.action'),
            render: (_, e) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text ellipsis>{labels.auditAction(e.action)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>{e.action}</Typography.Text>
              </Flex>
            ),
          },
          { key: 'entity', title: t('audit.entity'), render: (_, e) => <AuditEntity entityType={e.entity_type} entityId={e.entity_id} /> },
          { key: 'changes', title: t('audit.changes'), width: '34%', render: (_, e) => <AuditChanges entityType={e.entity_type} diff={e.diff} limit={4} /> },
          { key: 'reason', title: t('licenses.reason'), ellipsis: true, render: (_, e) => e.reason ?? '—' },
        ]}
      />
    </Flex>
  );
}
