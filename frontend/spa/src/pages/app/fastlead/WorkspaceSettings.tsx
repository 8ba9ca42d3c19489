import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { archiveWorkspace, fastleadKeys, updateWorkspace, type WorkspaceUpdate } from '../../../api/fastlead';
import { describeError, useShowError } from '../../../components/errors';
import { useCan } from '../../../lib/permissions';
import { EditableList, isPlanRefusal, UpgradeHint, useFormErrors } from './shared';
import { useWorkspace } from './WorkspaceLayout';

interface SettingsForm {
  name: string;
  domain: string;
  allowed_origins: string[];
}

/** What browsers send as Origin: scheme and host, an optional port, nothing after (the server normalizes it). */
const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

/** The workspace's name, site domain and the origins its widget may send leads from; archiving it. */
export default function WorkspaceSettings() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const can = useCan();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const showError = useShowError();
  const showFormErrors = useFormErrors();
  const navigate = useNavigate();
  const [form] = Form.useForm<SettingsForm>();
  const [archiving, setArchiving] = useState(false);
  const active = workspace.status === 'active';
  const editable = active && can('app.workspaces.update');

  const save = useMutation({
    mutationFn: (body: WorkspaceUpdate) => updateWorkspace(orgId, workspace.id, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(fastleadKeys.workspace(orgId, workspace.id), saved);
      form.setFieldsValue({ allowed_origins: saved.allowed_origins });  // as the server normalized them
      void message.success(t('common.saved'));
      return queryClient.invalidateQueries({ queryKey: fastleadKeys.workspaces(orgId), exact: true });
    },
    onError: (error) => {
      if (!isPlanRefusal(error)) showFormErrors(error, form);
    },
  });
  const archive = useMutation({
    mutationFn: () => archiveWorkspace(orgId, workspace.id),
    onSuccess: async () => {
      setArchiving(false);
      void message.success(t('fastlead.settings.archived'));
      await queryClient.invalidateQueries({ queryKey: fastleadKeys.workspaces(orgId) });
      void navigate('/app/fastlead');
    },
    onError: (error) => showError(error),
  });

  return (
    <Flex vertical gap={16} style={{ maxWidth: 720 }}>
      {isPlanRefusal(save.error) && <UpgradeHint title={describeError(save.error, t)} />}
      <Card title={t('fastlead.settings.title')}>
        <Form<SettingsForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={!editable}
          initialValues={{ name: workspace.name, domain: workspace.domain ?? '', allowed_origins: workspace.allowed_origins }}
          onFinish={(values) => save.mutate({
            name: values.name.trim(),
            domain: values.domain.trim() || null,
            allowed_origins: values.allowed_origins.map((origin) => origin.trim()),
          })}
        >
          <Form.Item
            name="name"
            label={t('fastlead.workspaces.name')}
            rules={[{ required: true, whitespace: true, message: t('fastlead.workspaces.nameRequired') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="domain" label={t('fastlead.workspaces.domain')} extra={t('fastlead.settings.domainHint')}>
            <Input placeholder="okna.example.ru" maxLength={253} />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('fastlead.settings.originsHint')}</Typography.Paragraph>
          <EditableList
            name="allowed_origins"
            label={t('fastlead.settings.origins')}
            addLabel={t('fastlead.settings.addOrigin')}
            placeholder="https://okna.example.ru"
            max={20}
            disabled={!editable}
            itemRules={[{ pattern: ORIGIN, message: t('fastlead.settings.originInvalid') }]}
          />
          {editable && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
          )}
        </Form>
      </Card>
      {active && can('app.workspaces.archive') && (
        <Card title={t('fastlead.settings.archiveTitle')}>
          <Typography.Paragraph>{t('fastlead.settings.archiveText')}</Typography.Paragraph>
          <Button danger onClick={() => setArchiving(true)}>{t('fastlead.settings.archive')}</Button>
        </Card>
      )}
      <Modal
        open={archiving}
        title={t('fastlead.settings.archiveConfirmTitle', { name: workspace.name })}
        okText={t('fastlead.settings.archive')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        confirmLoading={archive.isPending}
        onOk={() => archive.mutate()}
        onCancel={() => setArchiving(false)}
      >
        {t('fastlead.settings.archiveText')}
      </Modal>
    </Flex>
  );
}
