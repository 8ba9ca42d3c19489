import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert, App, Button, Card, Col, ColorPicker, Descriptions, Flex, Form, Input, Modal, Radio, Row, Select, Switch, Typography,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNEL_TYPES, FIELD_MODES, fastleadKeys, type AssetKind, getSnippet, getWidget, publishWidget, saveWidget, WIDGET_LOCALES,
  WIDGET_POSITIONS, type Widget,
} from '../../../api/fastlead';
import { isApiError } from '../../../api/errors';
import { describeError, ErrorState, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { EditableList, isPlanRefusal, UpgradeHint, useFormErrors } from './shared';
import {
  FORM_FIELDS, formFromSettings, formPathOf, previewConfig, savedConsent, settingsFromForm, TEXT_KEYS, type ChannelType,
  type WidgetForm,
} from './widgetForm';
import { ImageUpload } from './ImageUpload';
import { WidgetPreview } from './WidgetPreview';
import { useWorkspace } from './WorkspaceLayout';

/** Where each channel's link must point (the server checks the same: tessera.workspaces.models.CHANNEL_HOSTS). */
const CHANNEL_LINKS: Record<ChannelType, { prefix: string; example: string }> = {
  telegram: { prefix: 'https://t.me/', example: 'https://t.me/okna_bot' },
  whatsapp: { prefix: 'https://wa.me/', example: 'https://wa.me/79991234567' },
  max: { prefix: 'https://max.ru/', example: 'https://max.ru/okna' },
};
const HTTPS = /^https:\/\/\S+$/i;
/** A server error on a whole object belongs to the field that fixes it. */
const MODEL_ERROR_FIELDS = { consent_text_required: 'text', contacts_hidden: 'phone' };

export default function WidgetConfigurator() {
  const { orgId, workspace } = useWorkspace();
  const widget = useQuery({ queryKey: fastleadKeys.widget(orgId, workspace.id), queryFn: () => getWidget(orgId, workspace.id) });
  if (widget.isPending) return <PageSpin />;
  if (widget.isError) return <ErrorState error={widget.error} onRetry={() => void widget.refetch()} />;
  return <WidgetEditor initial={widget.data} />;
}

/**
 * The form, the live preview, saving, publishing and the snippet. The version edits start from is the
 * editor's own (`widget`): only saving, reloading or publishing here moves it, never a background refetch,
 * so a newer version saved elsewhere always comes back as a conflict.
 */
function WidgetEditor({ initial }: { initial: Widget }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const can = useCan();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const showError = useShowError();
  const showFormErrors = useFormErrors();
  const dateTime = useDateTime();
  const [form] = Form.useForm<WidgetForm>();
  const [widget, setWidget] = useState(initial);
  const [conflict, setConflict] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const key = fastleadKeys.widget(orgId, workspace.id);
  const editable = workspace.status === 'active' && can('app.widget.update');
  const mayPublish = workspace.status === 'active' && can('app.widget.publish');

  const saved = useMemo(() => formFromSettings(widget.settings), [widget]);
  const watched = Form.useWatch((values: WidgetForm) => values, { form, preserve: true });
  const values: WidgetForm = watched && Object.keys(watched).length > 0 ? { ...saved, ...watched } : saved;
  const dirty = JSON.stringify(settingsFromForm(values)) !== JSON.stringify(settingsFromForm(saved));
  const consent = savedConsent(widget);
  const consentChanged = (values.consent.text ?? '').trim() !== consent.text.trim();
  const consentVersion = consentChanged || !consent.version ? t('fastlead.widget.newConsentVersion') : consent.version;
  const previewJson = JSON.stringify(previewConfig(values, widget, consentVersion));
  const preview = useMemo(() => JSON.parse(previewJson) as Record<string, unknown>, [previewJson]);

  const loaded = (fresh: Widget) => {
    setWidget(fresh);
    queryClient.setQueryData(key, fresh);
    form.setFieldsValue(formFromSettings(fresh.settings));
  };
  const save = useMutation({
    // Overwriting is saving again on top of the newest version, whoever saved it.
    mutationFn: async ({ overwrite }: { overwrite: boolean }) => {
      const version = overwrite ? (await getWidget(orgId, workspace.id)).version : widget.version;
      return saveWidget(orgId, workspace.id, { ...settingsFromForm(form.getFieldsValue(true)), version });
    },
    onSuccess: (fresh) => {
      setConflict(false);
      loaded(fresh);
      void message.success(t('fastlead.widget.saved', { version: fresh.version }));
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'widget-version-conflict') setConflict(true);
      else if (!isPlanRefusal(error)) {
        showFormErrors(error, form, { renames: MODEL_ERROR_FIELDS, remap: formPathOf(form.getFieldsValue(true)) });
      }
    },
  });
  const reload = useMutation({
    mutationFn: () => getWidget(orgId, workspace.id),
    onSuccess: (fresh) => {
      setConflict(false);
      loaded(fresh);
      void message.info(t('fastlead.widget.reloaded', { version: fresh.version }));
    },
    onError: (error) => showError(error),
  });
  const publish = useMutation({
    mutationFn: () => publishWidget(orgId, workspace.id, widget.version),
    onSuccess: (fresh) => {
      setPublishing(false);
      setWidget(fresh);
      queryClient.setQueryData(key, fresh);
      void message.success(t('fastlead.widget.published', { version: fresh.published_version }));
    },
    onError: (error) => {
      setPublishing(false);
      if (isApiError(error) && error.code === 'widget-version-conflict') setConflict(true);
      else if (!isPlanRefusal(error)) showError(error);
    },
  });
  const planError = [save.error, publish.error].find(isPlanRefusal);
  // An uploaded image is saved by the server as a new version: the editor moves to it and keeps its
  // other unsaved edits, which the next save puts on top.
  const imageSaved = (kind: AssetKind) => (fresh: Widget) => {
    const field = kind === 'logo' ? 'logo_url' : 'avatar_url';
    setWidget(fresh);
    queryClient.setQueryData(key, fresh);
    form.setFieldValue(field, typeof fresh.settings[field] === 'string' ? fresh.settings[field] : '');
    void message.success(t('fastlead.widget.image.saved', { version: fresh.version }));
  };
  const imageUpload = (kind: AssetKind) => (
    <ImageUpload
      orgId={orgId}
      workspaceId={workspace.id}
      kind={kind}
      version={widget.version}
      disabled={!editable}
      onSaved={imageSaved(kind)}
      onConflict={() => setConflict(true)}
    />
  );

  const unpublished = widget.published_version !== widget.version;
  return (
    <Flex vertical gap={16}>
      {planError && <UpgradeHint title={describeError(planError, t)} />}
      <Card size="small">
        <Flex justify="space-between" align="center" wrap gap={12}>
          <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ flex: 1, minWidth: 280 }}>
            <Descriptions.Item label={t('fastlead.widget.savedVersion')}>
              {t('fastlead.widget.versionAt', { version: widget.version, date: dateTime(widget.updated_at) })}
            </Descriptions.Item>
            <Descriptions.Item label={t('fastlead.widget.publishedVersion')}>
              {widget.published_version
                ? t('fastlead.widget.versionAt', { version: widget.published_version, date: dateTime(widget.published_at) })
                : t('fastlead.widget.notPublished')}
            </Descriptions.Item>
          </Descriptions>
          {(editable || mayPublish) && (
            <Flex gap={8} wrap>
              {editable && (
                <Button type="primary" loading={save.isPending} disabled={!dirty} onClick={() => form.submit()}>
                  {t('fastlead.widget.save')}
                </Button>
              )}
              {mayPublish && (
                <Button disabled={dirty || !unpublished} onClick={() => setPublishing(true)}>
                  {t('fastlead.widget.publish')}
                </Button>
              )}
            </Flex>
          )}
        </Flex>
        {dirty && editable && <Typography.Text type="secondary">{t('fastlead.widget.unsaved')}</Typography.Text>}
        {!dirty && unpublished && mayPublish && <Typography.Text type="secondary">{t('fastlead.widget.unpublished')}</Typography.Text>}
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Form<WidgetForm>
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={!editable}
            initialValues={saved}
            onFinish={() => save.mutate({ overwrite: false })}
          >
            <SettingsSections
              editable={editable}
              imageUpload={imageUpload}
              consentVersion={consentVersion}
              consentChanged={consentChanged && !!consent.version}
            />
          </Form>
        </Col>
        <Col xs={24} xl={10}>
          <div style={{ position: 'sticky', top: 16 }}>
            <Typography.Title level={5}>{t('fastlead.widget.preview')}</Typography.Title>
            <WidgetPreview config={preview} />
          </div>
        </Col>
      </Row>
      <SnippetCard published={widget.published_version !== null} />
      <Modal
        open={conflict}
        title={t('fastlead.widget.conflictTitle')}
        closable={false}
        mask={{ closable: false }}
        footer={[
          <Button key="reload" loading={reload.isPending} onClick={() => reload.mutate()}>{t('fastlead.widget.reload')}</Button>,
          editable && (
            <Button key="overwrite" type="primary" danger loading={save.isPending} onClick={() => save.mutate({ overwrite: true })}>
              {t('fastlead.widget.overwrite')}
            </Button>
          ),
        ]}
      >
        <Typography.Paragraph>{t('fastlead.widget.conflictText')}</Typography.Paragraph>
      </Modal>
      <Modal
        open={publishing}
        title={t('fastlead.widget.publishTitle', { version: widget.version })}
        okText={t('fastlead.widget.publish')}
        cancelText={t('common.cancel')}
        confirmLoading={publish.isPending}
        onOk={() => publish.mutate()}
        onCancel={() => setPublishing(false)}
      >
        {t('fastlead.widget.publishText')}
      </Modal>
    </Flex>
  );
}

function SettingsSections({ editable, imageUpload, consentVersion, consentChanged }: {
  editable: boolean; imageUpload: (kind: AssetKind) => ReactNode; consentVersion: string; consentChanged: boolean;
}) {
  const { t } = useTranslation();
  const hexColor = (value: { toHexString(): string }) => value.toHexString();
  const https = [{ pattern: HTTPS, message: t('fastlead.widget.httpsOnly') }];
  // an uploaded image is on the platform's own CDN path, which is http on a local cloud
  const image = [{
    validator: (_: unknown, value?: string) => (!value?.trim() || HTTPS.test(value.trim()) || value.startsWith(`${window.location.origin}/widgets/`)
      ? Promise.resolve()
      : Promise.reject(new Error(t('fastlead.widget.httpsOnly')))),
  }];
  return (
    <Flex vertical gap={16}>
      <Card title={t('fastlead.widget.sections.look')}>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item name="locale" label={t('fastlead.widget.locale')}>
              <Select options={WIDGET_LOCALES.map((value) => ({ value, label: t(`fastlead.widget.locales.${value}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="position" label={t('fastlead.widget.position')}>
              <Radio.Group optionType="button" options={WIDGET_POSITIONS.map((value) => ({ value, label: t(`fastlead.widget.positions.${value}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name={['colors', 'primary']} label={t('fastlead.widget.primary')} getValueFromEvent={hexColor}>
              <ColorPicker format="hex" disabledAlpha showText />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name={['colors', 'on_primary']} label={t('fastlead.widget.onPrimary')} getValueFromEvent={hexColor}>
              <ColorPicker format="hex" disabledAlpha showText />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="logo_url" label={t('fastlead.widget.logoUrl')} rules={image} extra={imageUpload('logo')}>
          <Input placeholder="https://okna.example.ru/logo.png" maxLength={2000} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item name="operator_name" label={t('fastlead.widget.operatorName')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="avatar_url" label={t('fastlead.widget.avatarUrl')} rules={image} extra={imageUpload('avatar')}>
              <Input placeholder="https://okna.example.ru/anna.jpg" maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card title={t('fastlead.widget.sections.texts')}>
        <Typography.Paragraph type="secondary">{t('fastlead.widget.textsHint')}</Typography.Paragraph>
        {TEXT_KEYS.map((key) => (
          <Form.Item key={key} name={['texts', key]} label={t(`fastlead.widget.texts.${key}`)}>
            {key === 'greeting' || key === 'thank_you'
              ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} />
              : <Input maxLength={key === 'title' ? 200 : 100} />}
          </Form.Item>
        ))}
        <EditableList
          name="quick_replies"
          label={t('fastlead.widget.quickReplies')}
          addLabel={t('fastlead.widget.addQuickReply')}
          max={6}
          disabled={!editable}
        />
      </Card>
      <Card title={t('fastlead.widget.sections.form')}>
        {FORM_FIELDS.map((name) => (
          <Form.Item key={name} name={['fields', name]} label={t(`fastlead.widget.fields.${name}`)}>
            <Radio.Group optionType="button" options={FIELD_MODES.map((value) => ({ value, label: t(`fastlead.widget.fieldMode.${value}`) }))} />
          </Form.Item>
        ))}
      </Card>
      <Card title={t('fastlead.widget.sections.consent')}>
        <Form.Item name={['consent', 'required']} label={t('fastlead.widget.consentRequired')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name={['consent', 'text']}
          label={t('fastlead.widget.consentText')}
          dependencies={[['consent', 'required']]}
          extra={consentChanged ? t('fastlead.widget.consentNewVersion') : t('fastlead.widget.consentVersion', { version: consentVersion })}
          rules={[({ getFieldValue }) => ({
            validator: (_, value?: string) => (getFieldValue(['consent', 'required']) && !value?.trim()
              ? Promise.reject(new Error(t('fastlead.widget.consentTextRequired')))
              : Promise.resolve()),
          })]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={4000} />
        </Form.Item>
        <Form.Item name={['consent', 'policy_url']} label={t('fastlead.widget.policyUrl')} rules={https}>
          <Input placeholder="https://okna.example.ru/privacy" maxLength={2000} />
        </Form.Item>
      </Card>
      <Card title={t('fastlead.widget.sections.channels')}>
        <Typography.Paragraph type="secondary">{t('fastlead.widget.channelsHint')}</Typography.Paragraph>
        {CHANNEL_TYPES.map((type) => (
          <Form.Item
            key={type}
            name={['channel_links', type]}
            label={t(`fastlead.widget.channelTypes.${type}`)}
            rules={[{
              validator: (_, value?: string) => (!value?.trim() || value.trim().startsWith(CHANNEL_LINKS[type].prefix)
                ? Promise.resolve()
                : Promise.reject(new Error(t('fastlead.widget.channelLink', { example: CHANNEL_LINKS[type].example })))),
            }]}
          >
            <Input placeholder={CHANNEL_LINKS[type].example} maxLength={2000} />
          </Form.Item>
        ))}
      </Card>
    </Flex>
  );
}

/** The code the customer pastes before `</body>`; it shows the published version only. */
function SnippetCard({ published }: { published: boolean }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const snippet = useQuery({ queryKey: fastleadKeys.snippet(orgId, workspace.id), queryFn: () => getSnippet(orgId, workspace.id) });
  return (
    <Card title={t('fastlead.widget.snippetTitle')}>
      <Typography.Paragraph type="secondary">{t('fastlead.widget.snippetHint')}</Typography.Paragraph>
      {!published && <Alert type="info" showIcon title={t('fastlead.widget.snippetUnpublished')} style={{ marginBottom: 12 }} />}
      {snippet.isPending && <PageSpin />}
      {snippet.isError && <ErrorState error={snippet.error} onRetry={() => void snippet.refetch()} />}
      {snippet.data && (
        <Typography.Paragraph
          copyable={{ text: snippet.data.html, tooltips: [t('common.copy'), t('fastlead.widget.copied')] }}
          style={{ marginBottom: 0 }}
        >
          <pre data-testid="snippet" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }}>{snippet.data.html}</pre>
        </Typography.Paragraph>
      )}
    </Card>
  );
}
