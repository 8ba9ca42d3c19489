import { useMutation } from '@tanstack/react-query';
import { Alert, Form, Input, InputNumber, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { markInvoicePaid, type BillingPayment, type Invoice } from '../../../api/billing';
import { useShowError } from '../../../components/errors';
import { useInvoiceNumber, useMoney } from './shared';

interface Values {
  amount: number;
  reference: string;
}

/** The bank document's number as the API takes it (letters of any script: «ПП-17»). */
const REFERENCE = /^[\p{L}\p{N}_.:/-]{1,64}$/u;

/**
 * «Отметить оплаченным»: billing staff saw the bank transfer. The amount (the invoice's total unless the
 * transfer differs) and the bank document's number, confirmed with the amount on the button; the API applies
 * one payment per document number and records it in the audit log.
 */
export function MarkPaidDialog({ invoice, open, onClose, onDone }: {
  invoice: Invoice;
  open: boolean;
  onClose: () => void;
  onDone: (payment: BillingPayment) => void;
}) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const number = useInvoiceNumber();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const amount = Form.useWatch('amount', form);
  const kopecks = typeof amount === 'number' ? Math.round(amount * 100) : undefined;
  const mark = useMutation({
    mutationFn: (values: Values) =>
      markInvoicePaid(invoice.id, { reference: values.reference.trim(), amount_kopecks: Math.round(values.amount * 100), currency: 'RUB' }),
    onSuccess: onDone,
    onError: (error) => showError(error, form),
  });
  return (
    <Modal
      open={open}
      title={t('billing.markPaid.title', { number: number(invoice) })}
      okText={kopecks ? t('billing.markPaid.ok', { amount: money({ kopecks }) }) : t('billing.markPaid.action')}
      cancelText={t('common.cancel')}
      confirmLoading={mark.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('billing.markPaid.text', { total: money(invoice.total) })}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        initialValues={{ amount: invoice.total.kopecks / 100, reference: '' }}
        onFinish={(values) => mark.mutate(values)}
      >
        <Form.Item name="amount" label={t('billing.markPaid.amount')} rules={[{ required: true, type: 'number', min: 0.01, message: t('billing.markPaid.amountRequired') }]}>
          <InputNumber<number> min={0.01} precision={2} step={1} decimalSeparator={i18n.language === 'en' ? '.' : ','} suffix="₽" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          name="reference"
          label={t('billing.markPaid.reference')}
          extra={t('billing.markPaid.referenceHint')}
          rules={[{ required: true, transform: (value: string) => value?.trim(), pattern: REFERENCE, message: t('billing.markPaid.referenceRequired') }]}
        >
          <Input maxLength={64} placeholder={t('billing.markPaid.referencePlaceholder')} />
        </Form.Item>
      </Form>
      {kopecks !== undefined && kopecks !== invoice.total.kopecks && (
        <Alert type="warning" showIcon title={t('billing.markPaid.differs', { total: money(invoice.total) })} />
      )}
    </Modal>
  );
}
