import { useMutation } from '@tanstack/react-query';
import { Alert, Form, Input, InputNumber, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { refundPayment, type PaymentWithRefunds, type Refund } from '../../../api/billing';
import { isApiError } from '../../../api/errors';
import { describeError } from '../../../components/errors';
import { useMoney } from './shared';

interface Values {
  amount: number;
  reason: string;
}

/** What is left of a payment to refund: its amount less what refunds hold back. */
export const refundable = (payment: PaymentWithRefunds) => Math.max(payment.amount.kopecks - payment.refunded.kopecks, 0);

/**
 * «Вернуть деньги» through the payment's provider: the amount (all that is left unless less) and the reason,
 * confirmed with the amount on the button. The provider's refusal or "more than is left" shows in the dialog;
 * repeating a refund the provider did not answer repeats it with the same key (never twice).
 */
export function RefundDialog({ payment, open, onClose, onDone }: {
  payment: PaymentWithRefunds;
  open: boolean;
  onClose: () => void;
  onDone: (refund: Refund) => void;
}) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const [form] = Form.useForm<Values>();
  const left = refundable(payment);
  const amount = Form.useWatch('amount', form);
  const kopecks = typeof amount === 'number' ? Math.round(amount * 100) : undefined;
  const refund = useMutation({
    mutationFn: (values: Values) => {
      const asked = Math.round(values.amount * 100);
      // All that is left goes without an amount, so a refund made meanwhile cannot turn it into "too much".
      return refundPayment(payment.provider, payment.provider_payment_id, {
        reason: values.reason.trim(), ...(asked === left ? {} : { amount: asked }),
      });
    },
    onSuccess: onDone,
    onError: (error) => {
      if (isApiError(error) && error.errors.some((e) => e.loc === 'body.amount')) {
        form.setFields([{ name: 'amount', errors: [error.detail] }]);
      }
    },
  });
  return (
    <Modal
      open={open}
      title={t('billing.refund.title')}
      okText={kopecks ? t('billing.refund.ok', { amount: money({ kopecks }) }) : t('billing.refund.action')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={refund.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('billing.refund.text', { paid: money(payment.amount), left: money({ kopecks: left }) })}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        initialValues={{ amount: left / 100, reason: '' }}
        onFinish={(values) => refund.mutate(values)}
      >
        <Form.Item
          name="amount"
          label={t('billing.refund.amount')}
          rules={[{ required: true, type: 'number', min: 0.01, max: left / 100, message: t('billing.refund.amountRange', { left: money({ kopecks: left }) }) }]}
        >
          <InputNumber<number> min={0.01} precision={2} step={1} decimalSeparator={i18n.language === 'en' ? '.' : ','} suffix="₽" style={{ width: 220 }} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('billing.refund.reason')}
          rules={[{ required: true, whitespace: true, min: 3, max: 250, message: t('billing.refund.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={250} showCount />
        </Form.Item>
      </Form>
      {refund.isError && <Alert type="error" showIcon title={describeError(refund.error, t)} />}
    </Modal>
  );
}
