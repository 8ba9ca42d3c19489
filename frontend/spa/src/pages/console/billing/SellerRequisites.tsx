import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Radio, Row, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { billingKeys, getSeller, saveSeller, TAX_REGIMES, type Requisites, type SellerRequisites as Saved } from '../../../api/billing';
import { isApiError } from '../../../api/errors';
import { fieldPathFromLoc } from '../../../api/fieldErrors';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';

const digits = (count: number) => new RegExp(`^\\d{${count}}$`);

/** The form's values as the API takes them: empty optional fields are left out, an accountant without a name too. */
function toRequisites(values: Requisites): Requisites {
  const trim = (text: string | null | undefined) => text?.trim() || null;
  const accountant = values.accountant?.name?.trim() ? { position: values.accountant.position?.trim() ?? '', name: values.accountant.name.trim() } : null;
  return { ...values, kpp: trim(values.kpp), phone: trim(values.phone), accountant };
}

/**
 * «Реквизиты продавца»: what invoices and acts print (registration, bank, signer, tax regime). The server checks
 * ИНН, БИК and the accounts' keys; its errors show on their fields. Documents issued before keep the requisites
 * then in force. Read-only for roles that cannot change them (auditors).
 */
export default function SellerRequisites() {
  const { t } = useTranslation();
  const can = useCan();
  const editable = can('console.billing.seller');
  const dateTime = useDateTime();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Requisites>();
  const seller = useQuery({ queryKey: billingKeys.seller, queryFn: getSeller, retry: (count, e) => !(isApiError(e) && e.status === 404) && count < 2 });
  const missing = seller.isError && isApiError(seller.error) && seller.error.status === 404;
  const save = useMutation({
    mutationFn: (values: Requisites) => saveSeller(toRequisites(values)),
    onSuccess: (saved) => {
      queryClient.setQueryData<Saved>(billingKeys.seller, saved);
      void message.success(t('billing.seller.saved'));
    },
    onError: (error) => {
      // Nested fields (bank.bik) too: the problem's `loc` is the field's path in the form.
      if (isApiError(error) && error.errors.length > 0) {
        const fields = error.errors.flatMap((e) => {
          const name = fieldPathFromLoc(e.loc);
          return name ? [{ name, errors: [e.msg] }] : [];
        });
        form.setFields(fields as Parameters<typeof form.setFields>[0]);
        if (fields.length === error.errors.length) return;
      }
      showError(error);
    },
  });
  useEffect(() => {
    if (seller.data) form.setFieldsValue(seller.data);
  }, [seller.data, form]);

  if (seller.isPending) return <PageSpin />;
  if (seller.isError && !missing) return <ErrorState error={seller.error} onRetry={() => void seller.refetch()} />;
  const required = { required: true, whitespace: true, message: t('billing.seller.required') };
  const pattern = (count: number, message: string) => ({ pattern: digits(count), message });
  return (
    <>
      <PageHeader
        title={t('billing.seller.title')}
        extra={editable && <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} onClick={() => form.submit()}>{t('billing.seller.save')}</Button>}
      >
        {t('billing.seller.intro')}
      </PageHeader>
      {missing && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('billing.seller.missing')} />}
      {!editable && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('billing.seller.readOnly')} />}
      {seller.data && (
        <Typography.Paragraph type="secondary">{t('billing.seller.savedAt', { date: dateTime(seller.data.saved_at) })}</Typography.Paragraph>
      )}
      <Form<Requisites>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{ tax_regime: 'osn' }}
        onFinish={(values) => save.mutate(values)}
        scrollToFirstError
      >
        <Card title={t('billing.seller.company')} style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('billing.seller.name')} rules={[required]}><Input maxLength={500} /></Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="inn" label={t('billing.seller.inn')} rules={[required, { pattern: /^(\d{10}|\d{12})$/, message: t('billing.seller.innFormat') }]}>
                <Input maxLength={12} inputMode="numeric" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="kpp" label={t('billing.seller.kpp')} extra={t('billing.seller.kppHint')} rules={[pattern(9, t('billing.seller.digits', { count: 9 }))]}>
                <Input maxLength={9} inputMode="numeric" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="ogrn" label={t('billing.seller.ogrn')} rules={[required, { pattern: /^(\d{13}|\d{15})$/, message: t('billing.seller.ogrnFormat') }]}>
                <Input maxLength={15} inputMode="numeric" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="address" label={t('billing.seller.address')} rules={[required]}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
          <Form.Item name="phone" label={t('billing.seller.phone')}><Input maxLength={40} style={{ maxWidth: 300 }} /></Form.Item>
          <Form.Item name="tax_regime" label={t('billing.seller.taxRegime')} rules={[required]}>
            <Radio.Group options={TAX_REGIMES.map((value) => ({ value, label: t(`billing.seller.taxRegimes.${value}`) }))} />
          </Form.Item>
        </Card>
        <Card title={t('billing.seller.bankTitle')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={16}>
              <Form.Item name={['bank', 'bank_name']} label={t('billing.seller.bankName')} rules={[required]}><Input maxLength={500} /></Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['bank', 'bik']} label={t('billing.seller.bik')} rules={[required, pattern(9, t('billing.seller.digits', { count: 9 }))]}>
                <Input maxLength={9} inputMode="numeric" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['bank', 'account']} label={t('billing.seller.account')} rules={[required, pattern(20, t('billing.seller.digits', { count: 20 }))]}>
                <Input maxLength={20} inputMode="numeric" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['bank', 'corr_account']} label={t('billing.seller.corrAccount')} rules={[required, pattern(20, t('billing.seller.digits', { count: 20 }))]}>
                <Input maxLength={20} inputMode="numeric" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={t('billing.seller.signers')}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name={['head', 'position']} label={t('billing.seller.headPosition')} rules={[required]}><Input maxLength={500} /></Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['head', 'name']} label={t('billing.seller.headName')} rules={[required]}><Input maxLength={500} /></Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['accountant', 'position']} label={t('billing.seller.accountantPosition')}><Input maxLength={500} /></Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['accountant', 'name']} label={t('billing.seller.accountantName')} extra={t('billing.seller.accountantHint')}><Input maxLength={500} /></Form.Item>
            </Col>
          </Row>
        </Card>
      </Form>
    </>
  );
}
