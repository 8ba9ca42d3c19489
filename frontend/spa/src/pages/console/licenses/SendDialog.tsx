import { useMutation } from '@tanstack/react-query';
import { Form, Modal, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { sendLicense, type SendAnswer } from '../../../api/licensing';
import { useShowError } from '../../../components/errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "Send by e-mail": the newest .lic file to the customer's license recipients, or to the addresses given. */
export function SendDialog({ licenseId, open, onClose, onSent }: {
  licenseId: string;
  open: boolean;
  onClose: () => void;
  onSent: (answer: SendAnswer) => void;
}) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ recipients: string[]; language: 'customer' | 'ru' | 'en' }>();
  const send = useMutation({
    mutationFn: (values: { recipients: string[]; language: 'customer' | 'ru' | 'en' }) => sendLicense(licenseId, {
      recipients: values.recipients?.length ? values.recipients.map((r) => r.trim()) : null,
      language: values.language === 'customer' ? null : values.language,
    }),
    onSuccess: onSent,
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={open}
      title={t('licenses.sendTitle')}
      okText={t('licenses.sendOk')}
      cancelText={t('common.cancel')}
      confirmLoading={send.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('licenses.sendIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ recipients: [], language: 'customer' }} onFinish={(values) => send.mutate(values)}>
        <Form.Item
          name="recipients"
          label={t('licenses.sendRecipients')}
          extra={t('licenses.sendRecipientsHint')}
          rules={[{
            validator: async (_, value: string[] | undefined) => {
              const wrong = (value ?? []).filter((v) => !EMAIL.test(v.trim()));
              if (wrong.length) throw new Error(t('licenses.sendBadEmail', { emails: wrong.join(', ') }));
            },
          }]}
        >
          <Select mode="tags" tokenSeparators={[',', ' ', ';']} open={false} suffixIcon={null} placeholder="it@customer.ru" />
        </Form.Item>
        <Form.Item name="language" label={t('licenses.sendLanguage')}>
          <Radio.Group options={[
            { value: 'customer', label: t('licenses.sendLanguageCustomer') },
            { value: 'ru', label: 'Русский' },
            { value: 'en', label: 'English' },
          ]} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
