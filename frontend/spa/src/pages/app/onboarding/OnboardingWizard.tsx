import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert, Button, Card, ColorPicker, Col, Flex, Form, Input, Result, Row, Steps, Typography,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import {
  createWorkspace, fastleadKeys, getSnippet, getWidget, publishWidget, saveWidget, type Widget,
} from '../../../api/fastlead';
import {
  dismissOnboarding, getOnboarding, markStep, ONBOARDING_STEPS, onboardingKeys, type Onboarding, type OnboardingStep,
} from '../../../api/onboarding';
import { billingKeys, listSubscriptions } from '../../../api/appBilling';
import { isApiError } from '../../../api/errors';
import { useMe } from '../../../auth/session';
import { describeError, ErrorState } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useFeature } from '../../../lib/features';
import { useCan } from '../../../lib/permissions';
import { usePlans } from '../billing/labels';
import { PlanCards } from '../billing/PlanCards';
import { isPlanRefusal, UpgradeHint, useFormErrors } from '../fastlead/shared';
import { formFromSettings, previewConfig, savedConsent, settingsFromForm } from '../fastlead/widgetForm';
import { WidgetPreview } from '../fastlead/WidgetPreview';

/**
 * The onboarding wizard after a new Fast Lead owner's first sign-in: workspace → widget basics →
 * channel → calendar → snippet → a test on the demo page. Progress is the server's (per organization),
 * so a reload or another device resumes at the first step neither done nor skipped; a done step may be
 * opened again from the steps bar.
 */
export default function OnboardingWizard() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id;
  const can = useCan();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [opened, setOpened] = useState<OnboardingStep | null>(null);
  const enabled = useFeature('onboarding');
  const state = useQuery({
    queryKey: onboardingKeys.state(orgId ?? ''), queryFn: () => getOnboarding(orgId!), enabled: !!orgId,
  });
  const mark = useMutation({
    mutationFn: ({ step, outcome, workspaceId }: { step: OnboardingStep; outcome: 'done' | 'skipped'; workspaceId?: string }) =>
      markStep(orgId!, step, outcome, workspaceId),
    onSuccess: (fresh) => {
      queryClient.setQueryData(onboardingKeys.state(orgId!), fresh);
      setOpened(null);
    },
  });
  const dismiss = useMutation({
    mutationFn: () => dismissOnboarding(orgId!),
    onSuccess: (fresh) => {
      queryClient.setQueryData(onboardingKeys.state(orgId!), fresh);
      void navigate('/app/fastlead');
    },
  });

  if (!orgId || !can('app.onboarding.update') || !enabled) return <Navigate to="/app/fastlead" replace />;
  if (state.isPending) return <PageSpin />;
  if (state.isError) return <ErrorState error={state.error} onRetry={() => void state.refetch()} />;
  const progress = state.data;
  if (progress.status === 'dismissed') return <Navigate to="/app/fastlead" replace />;
  const workspaceId = progress.workspace_id;

  if (progress.status === 'finished' && !opened) {
    return (
      <Result
        status="success"
        title={t('onboarding.finishedTitle')}
        subTitle={t('onboarding.finishedText')}
        extra={workspaceId
          ? <Link to={`/app/fastlead/${workspaceId}/leads`}><Button type="primary">{t('onboarding.toLeads')}</Button></Link>
          : <Link to="/app/fastlead"><Button type="primary">{t('onboarding.toWorkspaces')}</Button></Link>}
      />
    );
  }

  const step = opened ?? progress.current ?? 'test';
  const index = ONBOARDING_STEPS.indexOf(step);
  const complete = (outcome: 'done' | 'skipped', id?: string) => mark.mutate({ step, outcome, workspaceId: id });
  const skip = progress.steps[index]?.skippable
    ? <Button onClick={() => complete('skipped')} loading={mark.isPending}>{t('onboarding.skipStep')}</Button>
    : null;

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('onboarding.title')}</Typography.Title>
        <Button type="link" onClick={() => dismiss.mutate()} loading={dismiss.isPending}>{t('onboarding.dismiss')}</Button>
      </Flex>
      <Steps
        current={index}
        onChange={(next) => {
          const target = ONBOARDING_STEPS[next];
          if (target && (progress.steps[next]?.state !== 'pending' || target === progress.current)) setOpened(target);
        }}
        items={progress.steps.map((s) => ({
          title: t(`onboarding.steps.${s.step}.title`),
          status: s.step === step ? 'process' : s.state === 'pending' ? 'wait' : 'finish',
          description: s.state === 'skipped' ? t('onboarding.skipped') : undefined,
        }))}
      />
      {mark.isError && <Alert type="error" showIcon title={describeError(mark.error, t)} />}
      <Card title={t(`onboarding.steps.${step}.title`)}>
        <Typography.Paragraph type="secondary">{t(`onboarding.steps.${step}.text`)}</Typography.Paragraph>
        {step === 'workspace' && (
          <WorkspaceStep orgId={orgId} progress={progress} onCreated={(id) => complete('done', id)} />
        )}
        {step !== 'workspace' && !workspaceId && (
          <Button onClick={() => setOpened('workspace')}>{t('onboarding.createWorkspaceFirst')}</Button>
        )}
        {step === 'widget' && workspaceId && (
          <WidgetStep orgId={orgId} workspaceId={workspaceId} onDone={() => complete('done')} extra={skip} />
        )}
        {(step === 'channel' || step === 'calendar') && workspaceId && (
          <LinkStep
            to={`/app/fastlead/${workspaceId}/channels`}
            label={t(`onboarding.steps.${step}.link`)}
            done={<Button type="primary" onClick={() => complete('done')} loading={mark.isPending}>{t(`onboarding.steps.${step}.done`)}</Button>}
            skip={skip}
          />
        )}
        {step === 'snippet' && workspaceId && (
          <SnippetStep orgId={orgId} workspaceId={workspaceId} onDone={() => complete('done')} extra={skip} />
        )}
        {step === 'test' && workspaceId && (
          <LinkStep
            to={`/app/onboarding/demo/${workspaceId}`}
            label={t('onboarding.steps.test.link')}
            newTab
            done={<Button type="primary" onClick={() => complete('done')} loading={mark.isPending}>{t('onboarding.steps.test.done')}</Button>}
            skip={skip}
          />
        )}
      </Card>
    </Flex>
  );
}

function WorkspaceStep({ orgId, progress, onCreated }: { orgId: string; progress: Onboarding; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string; domain: string }>();
  const showFormErrors = useFormErrors();
  const queryClient = useQueryClient();
  const can = useCan();
  // Before the first workspace: a new organization (sign-up from «Попробовать бесплатно») is offered the trial
  // up front instead of after a refused «Создать».
  const subscriptions = useQuery({
    queryKey: billingKeys.subscriptions(orgId),
    queryFn: () => listSubscriptions(orgId),
    enabled: !progress.workspace_id && can('app.billing.read'),
  });
  const noPlan = subscriptions.data?.items.every((s) => s.product !== 'fastlead' || s.state === 'canceled') ?? false;
  const create = useMutation({
    mutationFn: (values: { name: string; domain: string }) =>
      createWorkspace(orgId, { name: values.name.trim(), domain: values.domain?.trim() || null }),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: fastleadKeys.workspaces(orgId) });
      onCreated(created.id);
    },
    onError: (error) => { if (!isPlanRefusal(error)) showFormErrors(error, form); },
  });
  if (progress.workspace_id) {
    return (
      <Flex gap={8} align="center" wrap>
        <Typography.Text>{t('onboarding.steps.workspace.created')}</Typography.Text>
        <Button type="primary" onClick={() => onCreated(progress.workspace_id!)}>{t('onboarding.next')}</Button>
      </Flex>
    );
  }
  return (
    <>
      {noPlan || (isApiError(create.error) && create.error.code === 'plan-required')
        ? <TrialOffer orgId={orgId} />
        : isPlanRefusal(create.error) && <UpgradeHint title={describeError(create.error, t)} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => create.mutate(values)} style={{ maxWidth: 480 }}>
        <Form.Item name="name" label={t('onboarding.steps.workspace.name')} rules={[{ required: true, whitespace: true, message: t('onboarding.steps.workspace.nameRequired') }]}>
          <Input maxLength={100} placeholder={t('onboarding.steps.workspace.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="domain" label={t('onboarding.steps.workspace.domain')} extra={t('onboarding.steps.workspace.domainHint')}>
          <Input maxLength={253} placeholder="okna.example.ru" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>{t('onboarding.steps.workspace.create')}</Button>
      </Form>
    </>
  );
}

/** A new organization has no plan yet: the plans to try free right here, then «Создать» again. */
function TrialOffer({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const { plans } = usePlans(orgId);
  return (
    <Card size="small" title={t('onboarding.steps.workspace.planFirst')} style={{ marginBottom: 16 }}>
      {plans.data ? <PlanCards orgId={orgId} plans={plans.data} /> : <PageSpin />}
    </Card>
  );
}

/** The colour and the greeting, saved and published at once: the snippet and the demo page need a published widget. */
function WidgetStep({ orgId, workspaceId, onDone, extra }: { orgId: string; workspaceId: string; onDone: () => void; extra: ReactNode }) {
  const widget = useQuery({ queryKey: fastleadKeys.widget(orgId, workspaceId), queryFn: () => getWidget(orgId, workspaceId) });
  if (widget.isPending) return <PageSpin />;
  if (widget.isError) return <ErrorState error={widget.error} onRetry={() => void widget.refetch()} />;
  return <WidgetBasics orgId={orgId} workspaceId={workspaceId} widget={widget.data} onDone={onDone} extra={extra} />;
}

function WidgetBasics({ orgId, workspaceId, widget, onDone, extra }: {
  orgId: string; workspaceId: string; widget: Widget; onDone: () => void; extra: ReactNode;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const saved = formFromSettings(widget.settings);
  const [primary, setPrimary] = useState(saved.colors.primary);
  const [greeting, setGreeting] = useState(saved.texts.greeting);
  const values = { ...saved, colors: { ...saved.colors, primary }, texts: { ...saved.texts, greeting } };
  const save = useMutation({
    mutationFn: async () => {
      const fresh = await saveWidget(orgId, workspaceId, { ...settingsFromForm(values), version: widget.version });
      return publishWidget(orgId, workspaceId, fresh.version);
    },
    onSuccess: (fresh) => {
      queryClient.setQueryData(fastleadKeys.widget(orgId, workspaceId), fresh);
      onDone();
    },
  });
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Form layout="vertical">
          <Form.Item label={t('fastlead.widget.primary')}>
            <ColorPicker format="hex" disabledAlpha showText value={primary} onChange={(value) => setPrimary(value.toHexString())} />
          </Form.Item>
          <Form.Item label={t('fastlead.widget.texts.greeting')} htmlFor="onboarding-greeting">
            <Input.TextArea id="onboarding-greeting" value={greeting} onChange={(event) => setGreeting(event.target.value)} maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
        </Form>
        {save.isError && <Alert type="error" showIcon title={describeError(save.error, t)} style={{ marginBottom: 12 }} />}
        <Flex gap={8} wrap>
          <Button type="primary" onClick={() => save.mutate()} loading={save.isPending}>{t('onboarding.steps.widget.done')}</Button>
          {extra}
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          <Link to={`/app/fastlead/${workspaceId}/widget`}>{t('onboarding.steps.widget.more')}</Link>
        </Typography.Paragraph>
      </Col>
      <Col xs={24} lg={12}>
        <WidgetPreview config={previewConfig(values, widget, savedConsent(widget).version ?? 'v1')} />
      </Col>
    </Row>
  );
}

function LinkStep({ to, label, newTab = false, done, skip }: { to: string; label: string; newTab?: boolean; done: ReactNode; skip: ReactNode }) {
  return (
    <Flex vertical gap={12} align="flex-start">
      <Link to={to} target={newTab ? '_blank' : undefined} rel={newTab ? 'noopener' : undefined}>{label}</Link>
      <Flex gap={8} wrap>{done}{skip}</Flex>
    </Flex>
  );
}

function SnippetStep({ orgId, workspaceId, onDone, extra }: { orgId: string; workspaceId: string; onDone: () => void; extra: ReactNode }) {
  const { t } = useTranslation();
  const snippet = useQuery({ queryKey: fastleadKeys.snippet(orgId, workspaceId), queryFn: () => getSnippet(orgId, workspaceId) });
  if (snippet.isPending) return <PageSpin />;
  if (snippet.isError) return <ErrorState error={snippet.error} onRetry={() => void snippet.refetch()} />;
  return (
    <Flex vertical gap={12}>
      <Typography.Paragraph copyable={{ text: snippet.data.html, tooltips: [t('common.copy'), t('fastlead.widget.copied')] }} style={{ marginBottom: 0 }}>
        <pre data-testid="onboarding-snippet" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }}>{snippet.data.html}</pre>
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Button type="primary" onClick={onDone}>{t('onboarding.steps.snippet.done')}</Button>
        {extra}
      </Flex>
    </Flex>
  );
}
