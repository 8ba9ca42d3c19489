import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Drawer, Flex, Form, Grid, Input, Select, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/errors';
import { limitNames, renewLicense, type License, type Product } from '../../../api/licensing';
import { useShowError } from '../../../components/errors';
import { placeServerErrors, planDefaults, toLicenseRequest, validateStep, type FieldName, type LimitValues, type StepKey, type WizardValues } from './wizardModel';
import { DatesStep, fieldsOfStep, InstallationStep, LimitsStep, ModulesStep, sameName } from './WizardSteps';

const RENEW_STEPS: StepKey[] = ['plan', 'modules', 'limits', 'dates', 'installation'];

/** The current terms as the starting point of a renewal: the same start, the end a year later. */
export function renewalValues(license: License): WizardValues {
  const limits: Record<string, LimitValues> = {};
  for (const [name, limit] of Object.entries(license.limits)) {
    limits[name] = { ...limit, alert_thresholds: [...(limit.alert_thresholds ?? [])] };
  }
  return {
    org_id: license.org_id, product: license.product, plan: license.plan, modules: [...license.modules], limits,
    starts_on: dayjs(license.starts_on), ends_on: dayjs(license.ends_on).add(1, 'year'), grace_days: license.grace_days,
    domain: license.domain, version_min: license.version_min, version_max: license.version_max ?? undefined,
    mandatory_updates: license.mandatory_updates,
  };
}

/** Renewal or upgrade: new terms, signed as the next version; the license key stays the same. */
export function RenewDrawer({ license, product, open, onClose, onDone }: {
  license: License;
  product: Product | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (updated: License) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<WizardValues>();
  const showError = useShowError();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const wide = Grid.useBreakpoint().md;
  const limits = product ? limitNames(product) : Object.keys(license.limits);
  const initialValues = useMemo(() => ({ ...renewalValues(license), reason: '' }), [license]);

  const rule = (owner: StepKey, name: FieldName): Rule => ({
    validator: async () => {
      const issue = validateStep(owner, form.getFieldsValue(true) as WizardValues, product).find((i) => sameName(i.name, name));
      if (issue) throw new Error(t(`licenseWizard.errors.${issue.key}`, issue.params ?? {}));
    },
  });

  const renew = useMutation({
    mutationFn: (reason: string) => {
      const request = toLicenseRequest(form.getFieldsValue(true) as WizardValues);
      const { org_id: _org, product: _product, ...terms } = request;
      return renewLicense(license.id, { ...terms, reason });
    },
    onSuccess: onDone,
    onError: (error) => {
      if (isApiError(error) && error.status === 422 && error.errors.length > 0) {
        const placed = placeServerErrors(error.errors, limits);
        form.setFields(placed.fields as Parameters<typeof form.setFields>[0]);
        setUnmatched(placed.unmatched.map((e) => e.msg));
        return;
      }
      showError(error);
    },
  });

  const submit = async () => {
    setUnmatched([]);
    try {
      await form.validateFields([...RENEW_STEPS.flatMap((step) => fieldsOfStep(step, limits)), ['reason']] as Parameters<typeof form.validateFields>[0]);
    } catch {
      return;
    }
    renew.mutate(String((form.getFieldsValue(true) as { reason?: string }).reason ?? '').trim());
  };

  return (
    <Drawer
      open={open}
      size={wide ? 760 : '100%'}
      title={t('licenses.renewTitle', { version: license.version + 1 })}
      onClose={onClose}
      destroyOnHidden
      extra={<Button type="primary" loading={renew.isPending} onClick={() => void submit()}>{t('licenses.renewSign')}</Button>}
    >
      <Typography.Paragraph type="secondary">{t('licenses.renewIntro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onValuesChange={(changed: WizardValues) => { if (changed.plan && product) form.setFieldsValue(planDefaults(product, changed.plan)); }}
      >
        <Form.Item name="plan" label={t('licenseWizard.plan')} required rules={[rule('plan', ['plan'])]}>
          <Select options={(product?.plans ?? []).map((p) => ({ value: p.code, label: p.name }))} style={{ maxWidth: 320 }} />
        </Form.Item>
        <ModulesStep product={product} form={form} rule={rule} />
        <LimitsStep form={form} rule={rule} names={limits} />
        <DatesStep form={form} rule={rule} />
        <InstallationStep product={product} rule={rule} />
        <Form.Item name="reason" label={t('licenses.renewReason')}
          rules={[{ required: true, whitespace: true, min: 3, max: 300, message: t('licenses.reasonRequired') }]}>
          <Input placeholder={t('licenses.renewReasonPlaceholder')} maxLength={300} />
        </Form.Item>
        {unmatched.length > 0 && <Alert type="error" showIcon title={t('licenseWizard.serverRefused')} description={unmatched.join('; ')} />}
        <Flex justify="end"><Button type="primary" loading={renew.isPending} onClick={() => void submit()}>{t('licenses.renewSign')}</Button></Flex>
      </Form>
    </Drawer>
  );
}
