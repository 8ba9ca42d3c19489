import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import {
  disableTotp, listSessions, logoutEverywhere, regenerateRecoveryCodes, revokeSession, updateProfile, type Language, type Session,
} from '../../api/auth';
import { queryKeys } from '../../api/queryKeys';
import { mfaIsMandatory, useMe } from '../../auth/session';
import { ErrorState, settled, useShowError } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { signInPath, type Area } from '../../lib/area';
import { useDateTime } from '../../lib/format';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpEnrolment } from './TotpEnrolment';

export default function Profile({ area }: { area: Area }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Flex vertical gap={16} style={{ maxWidth: 880 }}>
        <ProfileCard />
        <TwoFactorCard />
        <SessionsCard area={area} />
      </Flex>
    </>
  );
}

function ProfileCard() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; locale: Language }>();
  const save = useMutation({
    mutationFn: updateProfile,
    onSuccess: (updated, values) => {
      if (updated) queryClient.setQueryData(queryKeys.me, updated);
      else void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      if (values.locale) void i18n.changeLanguage(values.locale);
      void message.success(t('common.saved'));
    },
    onError: (error) => showError(error, form),
  });
  return (
    <Card title={t('profile.personal')}>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: me.user.name, locale: me.user.locale }}
        onFinish={(values) => save.mutate(values)}
        style={{ maxWidth: 420 }}
      >
        <Form.Item label={t('fields.email')}>
          <Typography.Text>{me.user.email}</Typography.Text>
        </Form.Item>
        <Form.Item name="name" label={t('fields.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input maxLength={100} autoComplete="name" />
        </Form.Item>
        <Form.Item name="locale" label={t('profile.language')} extra={t('profile.languageHint')}>
          <Select options={[{ value: 'ru', label: 'Русский' }, { value: 'en', label: 'English' }]} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
      </Form>
    </Card>
  );
}

function TwoFactorCard() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [dialog, setDialog] = useState<'codes' | 'disable' | null>(null);
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: queryKeys.me });

  return (
    <Card title={t('mfa.title')}>
      {!me.user.mfa_enabled && !enrolling && (
        <Flex vertical gap={12} align="flex-start">
          <Tag color="warning">{t('mfa.off')}</Tag>
          <Typography.Paragraph style={{ margin: 0 }}>{t('mfa.offText')}</Typography.Paragraph>
          <Button type="primary" onClick={() => setEnrolling(true)}>{t('mfa.enable')}</Button>
        </Flex>
      )}
      {!me.user.mfa_enabled && enrolling && (
        <div style={{ maxWidth: 420 }}>
          <TotpEnrolment onDone={() => { setEnrolling(false); void refreshMe(); }} />
        </div>
      )}
      {me.user.mfa_enabled && (
        <Flex vertical gap={12} align="flex-start">
          <Tag color="success">{t('mfa.on')}</Tag>
          <Typography.Paragraph style={{ margin: 0 }}>{t('mfa.onText')}</Typography.Paragraph>
          {mfaIsMandatory(me) && <Alert type="info" showIcon title={t('mfa.mandatoryForAdmins')} />}
          <Flex gap={8} wrap>
            <Button onClick={() => setDialog('codes')}>{t('mfa.regenerate')}</Button>
            {!mfaIsMandatory(me) && <Button danger onClick={() => setDialog('disable')}>{t('mfa.disable')}</Button>}
          </Flex>
        </Flex>
      )}
      <RegenerateCodesDialog open={dialog === 'codes'} onClose={() => setDialog(null)} />
      <DisableDialog open={dialog === 'disable'} onClose={() => setDialog(null)} onDisabled={() => { setDialog(null); void refreshMe(); }} />
    </Card>
  );
}

function RegenerateCodesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ code: string }>();
  const regenerate = useMutation({ mutationFn: regenerateRecoveryCodes, onError: (error) => showError(error, form) });
  const close = () => { regenerate.reset(); form.resetFields(); onClose(); };
  return (
    <Modal
      open={open}
      title={t('mfa.regenerate')}
      onCancel={close}
      destroyOnHidden
      footer={regenerate.data ? <Button type="primary" onClick={close}>{t('common.done')}</Button> : undefined}
      okText={t('mfa.regenerateConfirm')}
      cancelText={t('common.cancel')}
      confirmLoading={regenerate.isPending}
      onOk={() => form.submit()}
    >
      {regenerate.data ? (
        <RecoveryCodes codes={regenerate.data.recovery_codes} />
      ) : (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => regenerate.mutate(values)}>
          <Typography.Paragraph>{t('mfa.regenerateText')}</Typography.Paragraph>
          <Form.Item name="code" label={t('mfa.code')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeInvalid') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

function DisableDialog({ open, onClose, onDisabled }: { open: boolean; onClose: () => void; onDisabled: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ password: string; code: string }>();
  const disable = useMutation({ mutationFn: disableTotp, onSuccess: onDisabled, onError: (error) => showError(error, form) });
  return (
    <Modal
      open={open}
      title={t('mfa.disableTitle')}
      onCancel={onClose}
      destroyOnHidden
      okText={t('mfa.disable')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={disable.isPending}
      onOk={() => form.submit()}
    >
      <Typography.Paragraph>{t('mfa.disableText')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => disable.mutate(values)}>
        <Form.Item name="password" label={t('fields.password')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="code" label={t('mfa.code')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeInvalid') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SessionsCard({ area }: { area: Area }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const showError = useShowError();
  const sessions = useQuery({ queryKey: queryKeys.sessions, queryFn: listSessions });
  const revoke = useMutation({
    mutationFn: revokeSession,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions }),
    onError: (error) => showError(error),
  });
  const signOutEverywhere = useMutation({
    mutationFn: logoutEverywhere,
    onSuccess: () => {
      queryClient.clear();
      void navigate(signInPath(area), { replace: true });
    },
    onError: (error) => showError(error),
  });

  const everywhere = (
    <Popconfirm
      title={t('sessions.everywhereConfirm')}
      okText={t('sessions.everywhere')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onConfirm={() => settled(signOutEverywhere.mutateAsync())}
    >
      <Button danger loading={signOutEverywhere.isPending}>{t('sessions.everywhere')}</Button>
    </Popconfirm>
  );

  return (
    <Card title={t('sessions.title')}>
      {sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <Table<Session>
          rowKey="id"
          size="small"
          loading={sessions.isPending}
          dataSource={sessions.data?.items ?? []}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 720 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sessions.empty')} /> }}
          columns={[
            {
              key: 'device',
              title: t('sessions.device'),
              render: (_, s) => (
                <Flex vertical align="start" style={{ minWidth: 0 }}>
                  <Typography.Text ellipsis={{ tooltip: s.user_agent }} style={{ maxWidth: '100%' }}>
                    {s.user_agent || t('sessions.unknownDevice')}
                  </Typography.Text>
                  {s.current && <Tag color="blue">{t('sessions.current')}</Tag>}
                </Flex>
              ),
            },
            { key: 'ip', title: t('sessions.ip'), dataIndex: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
            { key: 'created', title: t('sessions.created'), dataIndex: 'created_at', width: 170, render: dateTime },
            { key: 'used', title: t('sessions.lastUsed'), dataIndex: 'last_used_at', width: 170, render: dateTime },
            {
              key: 'actions',
              title: '',
              width: 110,
              render: (_, s) => s.current ? null : (
                <Popconfirm
                  title={t('sessions.revokeConfirm')}
                  okText={t('sessions.revoke')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() => settled(revoke.mutateAsync(s.id))}
                >
                  <Button size="small" danger>{t('sessions.revoke')}</Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      <div style={{ marginTop: 16 }}>{everywhere}</div>
    </Card>
  );
}
