import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Col, DatePicker, Form, InputNumber, Modal, Result, Row, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { billingKeys, createRenewalInvoice, type Invoice } from '../../../api/billing';
import type { License } from '../../../api/licensing';
import { useShowError } from '../../../components/errors';
import { useCan } from '../../../lib/permissions';
import { renewalValues } from '../licenses/RenewDrawer';
import { toLicenseRequest } from '../licenses/wizardModel';
import { InvoiceStatusTag, useInvoiceNumber, useMoney } from './shared';

interface Values {
  starts_on: Dayjs;
  ends_on: Dayjs;
  price: number;
  vat: number | 'none';
}

/** The VAT rates a renewal invoice is issued with (22% since 2026; «без НДС» for sellers on УСН). */
const VAT_RATES = [22, 10, 0] as const;

/**
 * «Счёт на продление»: the license's terms with new dates and the price → a license_renewal invoice. Paying it
 * (by card, 1С, or marked paid) signs the license's next version with those terms; nothing changes before.
 */
export function RenewalInvoiceDialog({ license, open, onClose }: { license: License; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const money = useMoney();
  const number = useInvoiceNumber();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [created, setCreated] = useState<Invoice | null>(null);
  const current = renewalValues(license);
  const create = useMutation({
    mutationFn: (values: Values) => {
      const { org_id: _org, product: _product, ...terms } = toLicenseRequest({ ...current, starts_on: values.starts_on, ends_on: values.ends_on });
      return createRenewalInvoice(license.id, {
        terms,
        price_kopecks: Math.round(values.price * 100),
        vat_rate: values.vat === 'none' ? null : values.vat,
      });
    },
    onSuccess: (invoice) => {
      setCreated(invoice);
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
    onError: (error) => showError(error, form),
  });
  const close = () => {
    setCreated(null);
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('billing.renewal.title')}
      onCancel={close}
      destroyOnHidden
      footer={created
        ? <Button type="primary" onClick={close}>{t('common.done')}</Button>
        : [
            <Button key="cancel" onClick={close}>{t('common.cancel')}</Button>,
            <Button key="ok" type="primary" loading={create.isPending} onClick={() => form.submit()}>{t('billing.renewal.create')}</Button>,
          ]}
    >
      {created ? (
        <Result
          status="success"
          title={t('billing.renewal.created', { number: number(created), total: money(created.total) })}
          subTitle={<>{t('billing.renewal.createdHint')} <InvoiceStatusTag status={created.status} /></>}
          extra={can('console.billing.read') && <Link to={`/console/billing/invoices/${created.id}`}>{t('billing.renewal.open')}</Link>}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('billing.renewal.intro', { version: license.version + 1 })}</Typography.Paragraph>
          <Form<Values>
            form={form}
            layout="vertical"
            requiredMark={false}
            preserve={false}
            initialValues={{ starts_on: current.starts_on, ends_on: current.ends_on, vat: 22 }}
            onFinish={(values) => create.mutate(values)}
          >
            <Row gutter={12}>
              <Col xs={24} sm={12}>
                <Form.Item name="starts_on" label={t('billing.renewal.startsOn')} rules={[{ required: true, message: t('billing.renewal.datesRequired') }]}>
                  <DatePicker format="DD.MM.YYYY" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="ends_on"
                  label={t('billing.renewal.endsOn')}
                  dependencies={['starts_on']}
                  rules={[
                    { required: true, message: t('billing.renewal.datesRequired') },
                    ({ getFieldValue }) => ({
                      validator: async (_, value: Dayjs | undefined) => {
                        const start: Dayjs | undefined = getFieldValue('starts_on');
                        if (value && start && !value.isAfter(start, 'day')) throw new Error(t('billing.renewal.endAfterStart'));
                      },
                    }),
                  ]}
                >
                  <DatePicker format="DD.MM.YYYY" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name="price" label={t('billing.renewal.price')} rules={[{ required: true, type: 'number', min: 0.01, message: t('billing.renewal.priceRequired') }]}>
                  <InputNumber<number> min={0.01} precision={2} decimalSeparator={i18n.language === 'en' ? '.' : ','} suffix="₽" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name="vat" label={t('billing.renewal.vat')}>
                  <Select
                    options={[
                      ...VAT_RATES.map((rate) => ({ value: rate, label: `${rate}%` })),
                      { value: 'none', label: t('billing.noVat') },
                    ]}
                  />
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </>
      )}
    </Modal>
  );
}
