import { Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** A confirmation that takes a reason (suspend, resume, revoke): the reason goes to the audit log. */
export function ReasonDialog({ open, title, text, okText, danger, loading, onOk, onCancel }: {
  open: boolean;
  title: string;
  text: string;
  okText: string;
  danger?: boolean;
  loading?: boolean;
  onOk: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={{ danger }}
      cancelText={t('common.cancel')}
      confirmLoading={loading}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Typography.Paragraph>{text}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} onFinish={(values) => onOk(values.reason.trim())}>
        <Form.Item
          name="reason"
          label={t('licenses.reason')}
          rules={[{ required: true, whitespace: true, min: 3, max: 500, message: t('licenses.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} placeholder={t('licenses.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
