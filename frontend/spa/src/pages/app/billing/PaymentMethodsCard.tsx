import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { billingKeys, listPaymentMethods, withdrawPaymentMethod, type PaymentMethod } from '../../../api/appBilling';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';

/** The saved cards renewals are charged to, and withdrawing that consent (owners and admins). */
export function PaymentMethodsCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const dateTime = useDateTime();
  const showError = useShowError();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [withdrawing, setWithdrawing] = useState<PaymentMethod | null>(null);
  const methods = useQuery({ queryKey: billingKeys.paymentMethods(orgId), queryFn: () => listPaymentMethods(orgId) });
  const withdraw = useMutation({
    mutationFn: (method: PaymentMethod) => withdrawPaymentMethod(orgId, method.id),
    onSuccess: () => {
      setWithdrawing(null);
      void message.success(t('appBilling.methods.withdrawn'));
      // the subscription's saved method goes with it
      return queryClient.invalidateQueries({ queryKey: billingKeys.all(orgId) });
    },
    onError: (e) => showError(e),
  });

  let body;
  if (methods.isPending) body = <PageSpin />;
  else if (methods.isError) body = <ErrorState error={methods.error} onRetry={() => void methods.refetch()} />;
  else {
    body = methods.data.items.length === 0
      ? <Typography.Text type="secondary">{t('appBilling.methods.empty')}</Typography.Text>
      : (
        <Flex vertical gap={12}>
          {methods.data.items.map((method) => (
            <Flex key={method.id} data-method={method.id} justify="space-between" align="center" wrap gap={8}>
              <Flex vertical gap={2}>
                <Flex wrap gap={8} align="center">
                  <Typography.Text strong>{method.title}</Typography.Text>
                  {method.autopay && <Tag color="success">{t('appBilling.methods.autopay')}</Tag>}
                </Flex>
                <Typography.Text type="secondary">
                  {t('appBilling.methods.details', {
                    provider: t(`appBilling.provider.${method.provider}`, { defaultValue: method.provider }),
                    date: dateTime(method.saved_at),
                  })}
                </Typography.Text>
              </Flex>
              {can('app.billing.change') && method.autopay && (
                <Button danger onClick={() => setWithdrawing(method)}>{t('appBilling.methods.withdraw')}</Button>
              )}
            </Flex>
          ))}
        </Flex>
      );
  }
  return (
    <Card title={t('appBilling.methods.title')}>
      {body}
      <Modal
        open={withdrawing !== null}
        title={t('appBilling.methods.withdrawTitle')}
        okText={t('appBilling.methods.withdrawConfirm')}
        okButtonProps={{ danger: true }}
        cancelText={t('appBilling.keep')}
        confirmLoading={withdraw.isPending}
        onOk={() => withdrawing && withdraw.mutate(withdrawing)}
        onCancel={() => setWithdrawing(null)}
      >
        {withdrawing && t('appBilling.methods.withdrawText', { card: withdrawing.title })}
      </Modal>
    </Card>
  );
}
