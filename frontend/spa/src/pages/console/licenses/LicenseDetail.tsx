import { DownloadOutlined, FileAddOutlined, KeyOutlined, MailOutlined, PauseCircleOutlined, PlayCircleOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Modal, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  downloadLicenseFile, getLicense, listActivations, reissueLicenseKey, resumeLicense, revokeLicense, suspendLicense, type License,
} from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { saveBlob } from '../../../lib/download';
import { useDateTime } from '../../../lib/format';
import { findProduct, LicenseStateTag, PAYMENT_COLOR, useCatalog, useCatalogNames, useLimitText } from '../../../lib/licensing';
import { useCan } from '../../../lib/permissions';
import { getCustomer } from '../../../api/customers';
import { ActivationsTable } from '../../../components/ActivationsTable';
import { RenewalInvoiceDialog } from '../billing/RenewalInvoiceDialog';
import { ReasonDialog } from './ReasonDialog';
import { RenewDrawer } from './RenewDrawer';
import { SendDialog } from './SendDialog';
import { VersionHistory } from './VersionHistory';

type StatusAction = 'suspend' | 'resume' | 'revoke';

export default function LicenseDetail() {
  const { licenseId = '' } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const limitText = useLimitText();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [renewing, setRenewing] = useState(false);
  const [sending, setSending] = useState(false);
  const [invoicing, setInvoicing] = useState(false);
  const [statusAction, setStatusAction] = useState<StatusAction | null>(null);
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const detail = useQuery({ queryKey: queryKeys.license(licenseId), queryFn: () => getLicense(licenseId) });
  const customer = useQuery({
    queryKey: ['customers', 'one', detail.data?.license.org_id],
    queryFn: () => getCustomer(detail.data!.license.org_id),
    enabled: !!detail.data,
    staleTime: 60_000,
    retry: false,
  });
  const activations = useQuery({
    queryKey: queryKeys.activations(licenseId),
    queryFn: () => listActivations(licenseId),
    refetchInterval: 30_000,
  });

  const changed = (text: string) => {
    void message.success(text);
    void queryClient.invalidateQueries({ queryKey: queryKeys.licenses });
  };
  const download = useMutation({
    mutationFn: () => downloadLicenseFile(licenseId),
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? `${licenseId}.lic`),
    onError: (e) => showError(e),
  });
  const setStatus = useMutation({
    mutationFn: ({ action, reason }: { action: StatusAction; reason: string }) =>
      ({ suspend: suspendLicense, resume: resumeLicense, revoke: revokeLicense })[action](licenseId, reason),
    onSuccess: (_, { action }) => {
      setStatusAction(null);
      changed(t(`licenses.done.${action}`));
    },
    onError: (e) => showError(e),
  });
  const [reissuing, setReissuing] = useState(false);
  const [newKey, setNewKey] = useState<string | null>(null);
  const reissue = useMutation({
    mutationFn: (reason: string) => reissueLicenseKey(licenseId, reason),
    onSuccess: (answer) => {
      setReissuing(false);
      setNewKey(answer.license_key);
      void queryClient.invalidateQueries({ queryKey: queryKeys.licenses });
    },
    onError: (e) => showError(e),
  });

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const license: License = detail.data.license;
  const product = findProduct(catalog.data, license.product);
  const moduleName = (code: string) => names.module(license.product, code);
  const revoked = license.status === 'revoked';

  const actions = (
    <>
      {can('console.licenses.download') && !revoked && (
        <Button icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()}>{t('licenses.downloadFile')}</Button>
      )}
      {can('console.licenses.send') && !revoked && (
        <Button icon={<MailOutlined />} onClick={() => setSending(true)}>{t('licenses.send')}</Button>
      )}
      {can('console.licenses.renew') && !revoked && (
        <Button type="primary" icon={<ReloadOutlined />} onClick={() => setRenewing(true)}>{t('licenses.renew')}</Button>
      )}
      {/* The route is guarded by console.licenses.renew: whoever may renew may bill a renewal. */}
      {can('console.licenses.renew') && !revoked && (
        <Button icon={<FileAddOutlined />} onClick={() => setInvoicing(true)}>{t('billing.renewal.action')}</Button>
      )}
      {can('console.licenses.suspend') && license.status === 'active' && (
        <Button icon={<PauseCircleOutlined />} onClick={() => setStatusAction('suspend')}>{t('licenses.suspend')}</Button>
      )}
      {can('console.licenses.suspend') && license.status === 'suspended' && (
        <Button icon={<PlayCircleOutlined />} onClick={() => setStatusAction('resume')}>{t('licenses.resume')}</Button>
      )}
      {can('console.licenses.reissue_key') && !revoked && (
        <Button icon={<KeyOutlined />} onClick={() => setReissuing(true)}>{t('licenses.reissueKey')}</Button>
      )}
      {can('console.licenses.revoke') && !revoked && (
        <Button danger icon={<StopOutlined />} onClick={() => setStatusAction('revoke')}>{t('licenses.revoke')}</Button>
      )}
    </>
  );

  return (
    <>
      <PageHeader title={t('licenses.detailTitle', { plan: names.plan(license.product, license.plan), domain: license.domain })} extra={actions}>
        <Typography.Text code copyable>{license.id}</Typography.Text>
      </PageHeader>
      {revoked && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('licenses.revokedBanner')} description={license.revoked_reason ?? undefined} />}
      {!can('console.licenses.renew') && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('licenses.readOnly')} />}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('licenses.state')}><LicenseStateTag state={license.state} /></Descriptions.Item>
          <Descriptions.Item label={t('licenses.currentVersion')}>v{license.version}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.customer')}>
            <Link to={`/console/customers/${encodeURIComponent(license.org_id)}?tab=licenses`}>{customer.data?.name ?? license.org_id}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('licenses.product')}>{names.product(license.product)}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.plan')}>{names.plan(license.product, license.plan)}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.period')}>
            {dayjs(license.starts_on).format('DD.MM.YYYY')} — {dayjs(license.ends_on).format('DD.MM.YYYY')}
          </Descriptions.Item>
          <Descriptions.Item label={t('licenses.grace')}>{t('licenseWizard.graceShort', { count: license.grace_days })}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.domain')}>{license.domain}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.versionRange')}>{license.version_min} — {license.version_max ?? t('licenseWizard.anyNewer')}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.mandatoryUpdates')}>{license.mandatory_updates ? t('common.yes') : t('common.no')}</Descriptions.Item>
          {license.payment_status && (
            <Descriptions.Item label={t('licenses.payment')}><Tag color={PAYMENT_COLOR[license.payment_status]}>{t(`paymentStatus.${license.payment_status}`)}</Tag></Descriptions.Item>
          )}
          <Descriptions.Item label={t('licenses.key')}><Typography.Text code>…{license.key_hint}</Typography.Text></Descriptions.Item>
          <Descriptions.Item label={t('licenses.createdAt')}>{dateTime(license.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('licenses.modules')} span="filled">
            <Flex wrap gap={4}>{license.modules.map((m) => <Tag key={m}>{moduleName(m)}</Tag>)}</Flex>
          </Descriptions.Item>
          {Object.entries(license.limits).map(([name, limit]) => (
            <Descriptions.Item key={name} label={t(`limitName.${name}`)}>{limitText(limit)}</Descriptions.Item>
          ))}
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'installations',
              label: t('licenses.installationsTab', { count: activations.data?.items.length ?? 0 }),
              children: activations.isError ? <ErrorState error={activations.error} onRetry={() => void activations.refetch()} /> : (
                <>
                  {activations.data?.clone_suspected && (
                    <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('activations.cloneBanner')} />
                  )}
                  {activations.data && (
                    <Typography.Paragraph type="secondary">{t('activations.latestRelease', { version: activations.data.latest_version })}</Typography.Paragraph>
                  )}
                  <ActivationsTable
                    rows={activations.data?.items ?? []}
                    loading={activations.isPending}
                    moduleName={moduleName}
                    emptyText={t('activations.empty')}
                  />
                </>
              ),
            },
            {
              key: 'versions',
              label: t('licenses.versionsTab', { count: detail.data.versions.length }),
              children: <VersionHistory versions={detail.data.versions} moduleName={moduleName} />,
            },
          ]}
        />
      </Card>
      {renewing && (
        <RenewDrawer
          license={license}
          product={product}
          open={renewing}
          onClose={() => setRenewing(false)}
          onDone={(updated) => { setRenewing(false); changed(t('licenses.done.renew', { version: updated.version })); }}
        />
      )}
      {invoicing && <RenewalInvoiceDialog license={license} open={invoicing} onClose={() => setInvoicing(false)} />}
      <SendDialog
        licenseId={licenseId}
        open={sending}
        onClose={() => setSending(false)}
        onSent={(answer) => {
          setSending(false);
          const failed = answer.deliveries.filter((d) => d.status === 'failed').length;
          const to = answer.deliveries.map((d) => d.recipient).join(', ');
          if (failed) void message.warning(t('licenses.sentPartly', { failed, total: answer.deliveries.length }));
          else void message.success(t('licenses.sent', { to }));
        }}
      />
      <ReasonDialog
        open={statusAction !== null}
        title={statusAction ? t(`licenses.confirm.${statusAction}Title`) : ''}
        text={statusAction ? t(`licenses.confirm.${statusAction}Text`) : ''}
        okText={statusAction ? t(`licenses.${statusAction}`) : ''}
        danger={statusAction === 'revoke' || statusAction === 'suspend'}
        loading={setStatus.isPending}
        onOk={(reason) => statusAction && setStatus.mutate({ action: statusAction, reason })}
        onCancel={() => setStatusAction(null)}
      />
      <ReasonDialog
        open={reissuing}
        title={t('licenses.reissueTitle')}
        text={t('licenses.reissueText')}
        okText={t('licenses.reissueKey')}
        danger
        loading={reissue.isPending}
        onOk={(reason) => reissue.mutate(reason)}
        onCancel={() => setReissuing(false)}
      />
      <Modal open={newKey !== null} title={t('licenses.reissuedTitle')} onOk={() => setNewKey(null)} onCancel={() => setNewKey(null)}
        cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
        <Typography.Paragraph><Typography.Text code copyable>{newKey}</Typography.Text></Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('licenses.reissuedText')}</Typography.Paragraph>
      </Modal>
    </>
  );
}
