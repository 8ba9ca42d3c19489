import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Grid, Result, Steps, Tag, Typography, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../../api/errors';
import { downloadLicenseFile, issueLicense, limitNames, type IssuedLicense, type Product } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { saveBlob } from '../../../lib/download';
import { findProduct, useCatalog, useCatalogNames, useLimitText } from '../../../lib/licensing';
import { useDay } from '../../../lib/format';
import { NameWithId, useCustomer } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import {
  placeServerErrors, planDefaults, STEPS, stepIndex, toLicenseRequest, validateStep, firstInvalidStep,
  type FieldName, type StepKey, type WizardValues,
} from './wizardModel';
import { DatesStep, fieldsOfStep, InstallationStep, LimitsStep, ModulesStep, PlanStep, sameName } from './WizardSteps';

export default function LicenseWizard() {
  const { t } = useTranslation();
  const can = useCan();
  const catalog = useCatalog();
  if (!can('console.licenses.issue')) {
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('licenses.issueForbidden')} />;
  }
  if (catalog.isPending) return <PageSpin />;
  if (catalog.isError) return <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />;
  return <Wizard products={catalog.data.filter((p) => p.kind === 'on_prem')} />;
}

function Wizard({ products }: { products: Product[] }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<WizardValues>();
  const [step, setStep] = useState<StepKey>('customer');
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const [issued, setIssued] = useState<IssuedLicense | null>(null);
  const showError = useShowError();
  const queryClient = useQueryClient();
  const narrow = !Grid.useBreakpoint().md;
  const productCode = Form.useWatch('product', form);
  const product = findProduct(products, productCode);
  const limits = limitNames(product);

  const initialValues = useMemo<WizardValues>(() => {
    const first = products[0];
    const today = dayjs();
    return {
      org_id: params.get('org_id') ?? undefined,
      product: first?.code,
      starts_on: today,
      ends_on: today.add(1, 'year').subtract(1, 'day'),
      grace_days: 14,
      version_min: '1.0',
      mandatory_updates: false,
    };
  }, [products, params]);

  /** An antd rule that asks the wizard's own validation about one field, so both speak the same rules. */
  const rule = (owner: StepKey, name: FieldName): Rule => ({
    validator: async () => {
      const issue = validateStep(owner, form.getFieldsValue(true) as WizardValues, product).find((i) => sameName(i.name, name));
      if (issue) throw new Error(t(`licenseWizard.errors.${issue.key}`, issue.params ?? {}));
    },
  });

  const issue = useMutation({
    mutationFn: () => issueLicense(toLicenseRequest(form.getFieldsValue(true) as WizardValues)),
    onSuccess: (answer) => {
      setIssued(answer);
      void queryClient.invalidateQueries({ queryKey: queryKeys.licenses });
    },
    onError: (error) => {
      if (isApiError(error) && error.status === 422 && error.errors.length > 0) {
        const placed = placeServerErrors(error.errors, limits);
        form.setFields(placed.fields as Parameters<typeof form.setFields>[0]);
        setUnmatched(placed.unmatched.map((e) => e.msg));
        if (placed.step) setStep(placed.step);
        else if (placed.unmatched.length === 0) showError(error);
        return;
      }
      setUnmatched([]);
      showError(error);
    },
  });

  const goTo = async (target: StepKey) => {
    // Forward only through valid steps; back freely.
    if (stepIndex(target) > stepIndex(step)) {
      for (const s of STEPS.slice(stepIndex(step), stepIndex(target))) {
        try {
          await form.validateFields(fieldsOfStep(s, limits));
        } catch {
          setStep(s);
          return;
        }
      }
    }
    setUnmatched([]);
    setStep(target);
  };

  const submit = async () => {
    const values = form.getFieldsValue(true) as WizardValues;
    const invalid = firstInvalidStep(values, product);
    if (invalid) {
      setStep(invalid);
      await form.validateFields(fieldsOfStep(invalid, limits)).catch(() => undefined);
      return;
    }
    issue.mutate();
  };

  if (issued) return <IssuedResult issued={issued} />;

  const current = stepIndex(step);
  return (
    <>
      <PageHeader title={t('licenseWizard.title')}>{t('licenseWizard.intro')}</PageHeader>
      <Steps
        current={current}
        size="small"
        orientation={narrow ? 'vertical' : 'horizontal'}
        style={{ marginBottom: 24 }}
        onChange={(index) => void goTo(STEPS[index])}
        items={STEPS.map((key) => ({ title: t(`licenseWizard.steps.${key}`) }))}
      />
      <Card>
        <Form
          form={form}
          layout="vertical"
          initialValues={initialValues}
          onValuesChange={(changed: WizardValues) => {
            if (changed.plan && product) form.setFieldsValue(planDefaults(product, changed.plan));
            if (changed.product) form.setFieldsValue({ plan: undefined, modules: [], limits: {} });
          }}
          style={{ maxWidth: 880 }}
        >
          <div hidden={step !== 'customer'}>
            <Form.Item name="org_id" label={t('licenseWizard.customer')} required rules={[rule('customer', ['org_id'])]}
              extra={t('licenseWizard.customerHint')}>
              <CustomerPicker />
            </Form.Item>
          </div>
          <div hidden={step !== 'plan'}>
            <PlanStep products={products} product={product} rule={rule} />
          </div>
          <div hidden={step !== 'modules'}>
            <ModulesStep product={product} form={form} rule={rule} />
          </div>
          <div hidden={step !== 'limits'}>
            <LimitsStep form={form} rule={rule} names={limits} />
          </div>
          <div hidden={step !== 'dates'}>
            <DatesStep form={form} rule={rule} />
          </div>
          <div hidden={step !== 'installation'}>
            <InstallationStep product={product} rule={rule} />
          </div>
          {step === 'review' && <Review form={form} products={products} />}
          {unmatched.length > 0 && (
            <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('licenseWizard.serverRefused')} description={unmatched.join('; ')} />
          )}
          <Flex gap={8} wrap justify="space-between" style={{ marginTop: 8 }}>
            <Button disabled={current === 0} onClick={() => void goTo(STEPS[current - 1])}>{t('licenseWizard.back')}</Button>
            {step === 'review' ? (
              <Button type="primary" loading={issue.isPending} onClick={() => void submit()}>{t('licenseWizard.issue')}</Button>
            ) : (
              <Button type="primary" onClick={() => void goTo(STEPS[current + 1])}>{t('licenseWizard.next')}</Button>
            )}
          </Flex>
        </Form>
      </Card>
    </>
  );
}

/** The last step: what will be signed, as people read it (the customer by name). */
export function Review({ form, products }: { form: FormInstance<WizardValues>; products: Product[] }) {
  const { t } = useTranslation();
  const names = useCatalogNames(products);
  const limitText = useLimitText();
  const day = useDay();
  const request = toLicenseRequest(form.getFieldsValue(true) as WizardValues);
  const customer = useCustomer(request.org_id);
  return (
    <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }} title={t('licenseWizard.reviewTitle')}>
      <Descriptions.Item label={t('licenseWizard.customer')}>
        {customer.data ? <NameWithId name={customer.data.name} id={request.org_id} /> : <Typography.Text code>{request.org_id}</Typography.Text>}
      </Descriptions.Item>
      <Descriptions.Item label={t('licenseWizard.plan')}>{names.product(request.product)} · {names.plan(request.product, request.plan)}</Descriptions.Item>
      <Descriptions.Item label={t('licenseWizard.modules')}>
        <Flex wrap gap={4}>{(request.modules ?? []).map((m) => <Tag key={m}>{names.module(request.product, m)}</Tag>)}</Flex>
      </Descriptions.Item>
      {Object.entries(request.limits ?? {}).map(([name, limit]) => (
        <Descriptions.Item key={name} label={t(`limitName.${name}`)}>{limitText(limit)}</Descriptions.Item>
      ))}
      <Descriptions.Item label={t('licenseWizard.period')}>
        {day(request.starts_on)} — {day(request.ends_on)} · {t('licenseWizard.graceShort', { count: request.grace_days })}
      </Descriptions.Item>
      <Descriptions.Item label={t('licenseWizard.domain')}>{request.domain}</Descriptions.Item>
      <Descriptions.Item label={t('licenseWizard.versionRange')}>{request.version_min} — {request.version_max ?? t('licenseWizard.anyNewer')}</Descriptions.Item>
      <Descriptions.Item label={t('licenseWizard.mandatoryUpdates')}>{request.mandatory_updates ? t('common.yes') : t('common.no')}</Descriptions.Item>
    </Descriptions>
  );
}

function IssuedResult({ issued }: { issued: IssuedLicense }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const showError = useShowError();
  const download = useMutation({
    mutationFn: () => downloadLicenseFile(issued.license.id),
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? `${issued.license.id}.lic`),
    onError: (e) => showError(e),
  });
  return (
    <Result
      status="success"
      title={t('licenseWizard.issuedTitle')}
      subTitle={t('licenseWizard.issuedText')}
      extra={[
        <Button key="download" type="primary" icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()}>{t('licenses.downloadFile')}</Button>,
        <Button key="open" onClick={() => void navigate(`/console/licenses/${issued.license.id}`)}>{t('licenseWizard.openLicense')}</Button>,
      ]}
    >
      <Typography.Paragraph strong>{t('licenseWizard.keyOnce')}</Typography.Paragraph>
      <Flex gap={8} wrap align="center">
        <Typography.Text code style={{ fontSize: 16 }} data-testid="license-key">{issued.license_key}</Typography.Text>
        <Button
          icon={<CopyOutlined />}
          onClick={() => void navigator.clipboard?.writeText(issued.license_key).then(() => message.success(t('licenseWizard.keyCopied')), () => undefined)}
        >
          {t('common.copy')}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        <Link to={`/console/licenses?org_id=${encodeURIComponent(issued.license.org_id)}`}>{t('licenseWizard.customerLicenses')}</Link>
      </Typography.Paragraph>
    </Result>
  );
}
