import { Button, Card, Checkbox, Col, DatePicker, Flex, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Tag, Typography, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { LIMIT_MODES } from '../../../api/enums';
import type { Product } from '../../../api/licensing';
import { useCatalogNames, useLimitText } from '../../../lib/licensing';
import type { FieldName, StepKey, WizardValues } from './wizardModel';

/** The wizard's steps as form sections; the renewal dialog reuses them for the new terms. */

const LIMIT_FIELDS = ['value', 'mode', 'overage_ratio', 'alert_thresholds'] as const;

/** Every form field of a step, as antd names (the limits step has one per limit and property). */
export function fieldsOfStep(step: StepKey, limits: readonly string[]): FieldName[] {
  switch (step) {
    case 'customer': return [['org_id']];
    case 'plan': return [['product'], ['plan']];
    case 'modules': return [['modules']];
    case 'limits': return limits.flatMap((name) => LIMIT_FIELDS.map((field) => ['limits', name, field]));
    case 'dates': return [['starts_on'], ['ends_on'], ['grace_days']];
    case 'installation': return [['domain'], ['version_min'], ['version_max'], ['mandatory_updates']];
    default: return [];
  }
}

export function sameName(a: FieldName, b: FieldName): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

export type RuleFor = (owner: StepKey, name: FieldName) => Rule;

export function PlanStep({ products, product, rule }: { products: Product[]; product: Product | undefined; rule: RuleFor }) {
  const { t } = useTranslation();
  const limitText = useLimitText();
  const names = useCatalogNames(products);
  return (
    <>
      <Form.Item name="product" label={t('licenseWizard.product')} required rules={[rule('plan', ['product'])]}>
        <Select options={products.map((p) => ({ value: p.code, label: `${p.name} · ${p.latest_version}` }))} style={{ maxWidth: 400 }} />
      </Form.Item>
      <Form.Item name="plan" label={t('licenseWizard.plan')} required rules={[rule('plan', ['plan'])]}>
        <Radio.Group style={{ width: '100%' }}>
          <Row gutter={[12, 12]}>
            {(product?.plans ?? []).map((plan) => (
              <Col key={plan.code} xs={24} md={8}>
                <Card size="small" title={<Radio value={plan.code}>{plan.name}</Radio>}>
                  <Typography.Text type="secondary">{t('licenseWizard.modules')}</Typography.Text>
                  <Flex wrap gap={4} style={{ margin: '4px 0 8px' }}>
                    {plan.modules.map((m) => <Tag key={m}>{names.module(product!.code, m)}</Tag>)}
                  </Flex>
                  {Object.entries(plan.limits).map(([name, limit]) => (
                    <div key={name}><Typography.Text type="secondary">{t(`limitName.${name}`)}: </Typography.Text>{limitText(limit)}</div>
                  ))}
                </Card>
              </Col>
            ))}
          </Row>
        </Radio.Group>
      </Form.Item>
      <Typography.Paragraph type="secondary">{t('licenseWizard.planHint')}</Typography.Paragraph>
    </>
  );
}

export function ModulesStep({ product, form, rule }: { product: Product | undefined; form: FormInstance<WizardValues>; rule: RuleFor }) {
  const { t, i18n } = useTranslation();
  const plan = product?.plans.find((p) => p.code === form.getFieldValue('plan'));
  Form.useWatch('plan', form);
  return (
    <Form.Item name="modules" label={t('licenseWizard.modules')} required rules={[rule('modules', ['modules'])]} extra={t('licenseWizard.modulesHint')}>
      <Checkbox.Group style={{ width: '100%' }}>
        <Flex vertical gap={8}>
          {(product?.modules ?? []).map((m) => (
            <Checkbox key={m.code} value={m.code}>
              {i18n.resolvedLanguage === 'en' ? m.name_en : m.name}{' '}
              <Typography.Text type="secondary" code>{m.code}</Typography.Text>
              {plan?.modules.includes(m.code) && <Tag style={{ marginInlineStart: 8 }}>{t('licenseWizard.inPlan')}</Tag>}
            </Checkbox>
          ))}
        </Flex>
      </Checkbox.Group>
    </Form.Item>
  );
}

export function LimitsStep({ form, rule, names }: { form: FormInstance<WizardValues>; rule: RuleFor; names: readonly string[] }) {
  const { t } = useTranslation();
  const limits = Form.useWatch('limits', form);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('licenseWizard.limitsHint')}</Typography.Paragraph>
      {names.map((name) => {
        const soft = limits?.[name]?.mode === 'soft';
        return (
          <Card key={name} size="small" title={t(`limitName.${name}`)} style={{ marginBottom: 12 }}>
            <Row gutter={12}>
              <Col xs={24} sm={12} md={5}>
                <Form.Item name={['limits', name, 'value']} label={t('licenseWizard.limitValue')} required rules={[rule('limits', ['limits', name, 'value'])]}>
                  <InputNumber min={0} precision={0} style={{ width: '100%' }} aria-label={`${t(`limitName.${name}`)}: ${t('licenseWizard.limitValue')}`} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12} md={6}>
                <Form.Item name={['limits', name, 'mode']} label={t('licenseWizard.limitMode')} required rules={[rule('limits', ['limits', name, 'mode'])]}>
                  <Select
                    aria-label={`${t(`limitName.${name}`)}: ${t('licenseWizard.limitMode')}`}
                    options={LIMIT_MODES.map((mode) => ({ value: mode, label: t(`limitMode.${mode}`) }))}
                    onChange={(mode) => { if (mode !== 'soft') form.setFieldValue(['limits', name, 'overage_ratio'], 1); }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12} md={5}>
                <Form.Item name={['limits', name, 'overage_ratio']} label={t('licenseWizard.overageRatio')} dependencies={[['limits', name, 'mode']]}
                  rules={[rule('limits', ['limits', name, 'overage_ratio'])]}>
                  <InputNumber min={1} max={10} step={0.05} disabled={!soft} style={{ width: '100%' }} aria-label={`${t(`limitName.${name}`)}: ${t('licenseWizard.overageRatio')}`} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12} md={8}>
                <Form.Item name={['limits', name, 'alert_thresholds']} label={t('licenseWizard.alertThresholds')} rules={[rule('limits', ['limits', name, 'alert_thresholds'])]}
                  normalize={(values: (string | number)[]) => (values ?? []).map((v) => Number(v))}>
                  <Select mode="tags" tokenSeparators={[',', ' ']} suffixIcon="%" aria-label={`${t(`limitName.${name}`)}: ${t('licenseWizard.alertThresholds')}`}
                    options={[50, 80, 90, 100].map((v) => ({ value: v, label: `${v}` }))} />
                </Form.Item>
              </Col>
            </Row>
            <Typography.Text type="secondary">{t(`limitModeHint.${limits?.[name]?.mode ?? 'hard'}`)}</Typography.Text>
          </Card>
        );
      })}
    </>
  );
}

export function DatesStep({ form, rule }: { form: FormInstance<WizardValues>; rule: RuleFor }) {
  const { t } = useTranslation();
  const term = (years: number) => {
    const starts = form.getFieldValue('starts_on') ?? dayjs();
    form.setFieldsValue({ ends_on: starts.add(years, 'year').subtract(1, 'day') });
    void form.validateFields([['ends_on']]).catch(() => undefined);
  };
  return (
    <>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="starts_on" label={t('licenseWizard.startsOn')} required rules={[rule('dates', ['starts_on'])]}>
            <DatePicker format="DD.MM.YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="ends_on" label={t('licenseWizard.endsOn')} required dependencies={['starts_on']} rules={[rule('dates', ['ends_on'])]}>
            <DatePicker format="DD.MM.YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Space wrap style={{ marginBottom: 16 }}>
        <Typography.Text type="secondary">{t('licenseWizard.term')}</Typography.Text>
        {[1, 2, 3].map((years) => <Button key={years} size="small" onClick={() => term(years)}>{t('licenseWizard.years', { count: years })}</Button>)}
      </Space>
      <Form.Item name="grace_days" label={t('licenseWizard.graceDays')} required rules={[rule('dates', ['grace_days'])]} extra={t('licenseWizard.graceHint')}>
        <InputNumber min={0} max={90} precision={0} style={{ width: 160 }} />
      </Form.Item>
    </>
  );
}

export function InstallationStep({ product, rule }: { product: Product | undefined; rule: RuleFor }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="domain" label={t('licenseWizard.domain')} required rules={[rule('installation', ['domain'])]} extra={t('licenseWizard.domainHint')}>
        <Input placeholder="budget.customer.ru" autoComplete="off" style={{ maxWidth: 400 }} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="version_min" label={t('licenseWizard.versionMin')} required rules={[rule('installation', ['version_min'])]}>
            <Input placeholder="4.0" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="version_max" label={t('licenseWizard.versionMax')} dependencies={['version_min']} rules={[rule('installation', ['version_max'])]}
            extra={product ? t('licenseWizard.latestRelease', { version: product.latest_version }) : undefined}>
            <Input placeholder={t('licenseWizard.versionMaxPlaceholder')} autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="mandatory_updates" label={t('licenseWizard.mandatoryUpdates')} valuePropName="checked" extra={t('licenseWizard.mandatoryHint')}>
        <Switch />
      </Form.Item>
    </>
  );
}

