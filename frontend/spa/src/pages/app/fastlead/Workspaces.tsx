import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Empty, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { createWorkspace, fastleadKeys, listWorkspaces, type Workspace, type WorkspaceCreate } from '../../../api/fastlead';
import { useMe } from '../../../auth/session';
import { describeError, ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { isPlanRefusal, UpgradeHint, useFormErrors } from './shared';

/** Fast Lead's first page: the organization's workspaces (a site with its widget and leads each). */
export default function Workspaces() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id;
  if (!orgId) {
    return (
      <>
        <PageHeader title={t('fastlead.workspaces.title')} />
        <Empty description={t('fastlead.noOrganization')} />
      </>
    );
  }
  return <WorkspaceTable orgId={orgId} />;
}

function WorkspaceTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const [creating, setCreating] = useState(false);
  const workspaces = useQuery({ queryKey: fastleadKeys.workspaces(orgId), queryFn: () => listWorkspaces(orgId) });
  if (workspaces.isPending) return <PageSpin />;
  if (workspaces.isError) return <ErrorState error={workspaces.error} onRetry={() => void workspaces.refetch()} />;

  const { items, limit } = workspaces.data;
  const active = items.filter((w) => w.status === 'active').length;
  const full = limit !== null && active >= limit;
  const mayCreate = can('app.workspaces.create');
  const createButton = mayCreate && (
    <Button type="primary" icon={<PlusOutlined />} disabled={full} onClick={() => setCreating(true)}>
      {t('fastlead.workspaces.create')}
    </Button>
  );
  return (
    <>
      <PageHeader title={t('fastlead.workspaces.title')} extra={items.length > 0 && createButton}>
        {limit === null
          ? t('fastlead.workspaces.countUnlimited', { count: active })
          : t('fastlead.workspaces.count', { count: active, limit })}
      </PageHeader>
      {full && mayCreate && <UpgradeHint title={t('fastlead.workspaces.limitReached', { limit })} />}
      {items.length === 0 ? (
        <Empty description={mayCreate ? t('fastlead.workspaces.empty') : t('fastlead.workspaces.emptyReadOnly')}>
          {createButton}
        </Empty>
      ) : (
        <Table<Workspace>
          rowKey="id"
          dataSource={items}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 720 }}
          style={{ marginTop: full ? 16 : 0 }}
          columns={[
            {
              key: 'name',
              title: t('fastlead.workspaces.name'),
              render: (_, w) => <Link to={`/app/fastlead/${w.id}/leads`}>{w.name}</Link>,
            },
            { key: 'domain', title: t('fastlead.workspaces.domain'), render: (_, w) => w.domain ?? '—' },
            {
              key: 'status',
              title: t('fastlead.workspaces.status'),
              width: 160,
              render: (_, w) => (
                <Tag color={w.status === 'active' ? 'success' : 'default'}>{t(`fastlead.workspaceStatus.${w.status}`)}</Tag>
              ),
            },
            { key: 'created', title: t('fastlead.workspaces.created'), width: 200, render: (_, w) => dateTime(w.created_at) },
          ]}
        />
      )}
      {creating && <CreateWorkspaceDialog orgId={orgId} onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateWorkspaceDialog({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const showFormErrors = useFormErrors();
  const [form] = Form.useForm<{ name: string; domain?: string }>();
  const create = useMutation({
    mutationFn: (body: WorkspaceCreate) => createWorkspace(orgId, body),
    onSuccess: async (workspace) => {
      await queryClient.invalidateQueries({ queryKey: fastleadKeys.workspaces(orgId) });
      // The next step of setting a site up: the widget.
      void navigate(`/app/fastlead/${workspace.id}/widget`);
    },
    onError: (error) => {
      if (!isPlanRefusal(error)) showFormErrors(error, form);
    },
  });
  return (
    <Modal
      open
      title={t('fastlead.workspaces.createTitle')}
      okText={t('fastlead.workspaces.createOk')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {isPlanRefusal(create.error) && <UpgradeHint title={describeError(create.error, t)} />}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        style={{ marginTop: 16 }}
        onFinish={(values) => create.mutate({ name: values.name.trim(), domain: values.domain?.trim() || null })}
      >
        <Form.Item
          name="name"
          label={t('fastlead.workspaces.name')}
          rules={[{ required: true, whitespace: true, message: t('fastlead.workspaces.nameRequired') }, { max: 100 }]}
        >
          <Input autoFocus maxLength={100} />
        </Form.Item>
        <Form.Item name="domain" label={t('fastlead.workspaces.domain')} extra={t('fastlead.workspaces.domainHint')}>
          <Input placeholder="okna.example.ru" maxLength={253} />
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{t('fastlead.workspaces.createHint')}</Typography.Paragraph>
    </Modal>
  );
}
