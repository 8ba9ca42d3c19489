import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { admits, deploysKeys, listReleases, startDeploy, type DeployRun, type Installation } from '../../../api/deploys';
import { isApiError } from '../../../api/errors';
import { getLicense } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { describeError } from '../../../components/errors';
import { ChannelTag } from './shared';

interface Values {
  version: string;
  reason: string;
}

/** The most releases the dialog offers: newest first, more than an installation's range ever holds. */
const RELEASES_OFFERED = 100;

/**
 * «Обновить»: a registered release inside the license's version range and the reason (audited), confirmed with
 * the version on the button. The server checks again: a version it refuses (422) or a deploy already running
 * (409) is said on the version field.
 */
export function DeployDialog({ installation, open, onClose, onStarted }: {
  installation: Installation;
  open: boolean;
  onClose: () => void;
  onStarted: (run: DeployRun) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const version = Form.useWatch('version', form);
  const license = useQuery({
    queryKey: queryKeys.license(installation.license_id),
    queryFn: () => getLicense(installation.license_id),
    enabled: open,
  });
  const releases = useQuery({
    queryKey: deploysKeys.releasesOffered,
    queryFn: () => listReleases({}, undefined, RELEASES_OFFERED),
    enabled: open,
  });
  const terms = license.data?.license;
  const offered = (releases.data?.items ?? []).filter((r) => terms && admits(r.version, terms.version_min, terms.version_max));
  const deploy = useMutation({
    mutationFn: (values: Values) => startDeploy(installation.id, { version: values.version, reason: values.reason.trim() }),
    onSuccess: onStarted,
    onError: (error) => {
      if (!isApiError(error)) return;
      // 409 carries no field: a running deploy is what stops this version, so the version field says it.
      if (error.status === 409) {
        form.setFields([{ name: 'version', errors: [error.detail] }]);
        void queryClient.invalidateQueries({ queryKey: deploysKeys.installation(installation.id) });  // shows the running one
      } else {
        const fields = (['version', 'reason'] as const).map((name) => ({
          name, errors: error.errors.filter((e) => e.loc === `body.${name}`).map((e) => e.msg),
        }));
        form.setFields(fields.filter((field) => field.errors.length > 0));
      }
    },
  });
  const onField = isApiError(deploy.error) && (deploy.error.status === 409 || deploy.error.errors.length > 0);
  return (
    <Modal
      open={open}
      title={t('deploys.deploy.title')}
      okText={version ? t('deploys.deploy.ok', { version }) : t('deploys.deploy.action')}
      cancelText={t('common.cancel')}
      confirmLoading={deploy.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        deploy.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('deploys.deploy.text', { domain: installation.domain ?? installation.id, current: installation.current_version ?? '—' })}
      </Typography.Paragraph>
      {terms && (
        <Typography.Paragraph type="secondary">
          {t('deploys.deploy.range', { min: terms.version_min, max: terms.version_max ?? t('deploys.deploy.noMax') })}
        </Typography.Paragraph>
      )}
      {(license.isError || releases.isError) && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={describeError(license.error ?? releases.error, t)} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        onFinish={(values) => deploy.mutate(values)}
        onValuesChange={() => deploy.reset()}
      >
        <Form.Item name="version" label={t('deploys.deploy.version')} rules={[{ required: true, message: t('deploys.deploy.versionRequired') }]}>
          <Select
            loading={license.isPending || releases.isPending}
            placeholder={t('deploys.deploy.versionPlaceholder')}
            notFoundContent={t('deploys.deploy.noReleases')}
            options={offered.map((r) => ({
              value: r.version,
              title: r.version,
              label: <Space size={4}>{r.version}<ChannelTag channel={r.channel} /></Space>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('deploys.reason')}
          rules={[{ required: true, whitespace: true, min: 3, max: 500, message: t('deploys.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('deploys.deploy.reasonPlaceholder')} />
        </Form.Item>
      </Form>
      {deploy.isError && !onField && <Alert type="error" showIcon title={describeError(deploy.error, t)} />}
    </Modal>
  );
}
