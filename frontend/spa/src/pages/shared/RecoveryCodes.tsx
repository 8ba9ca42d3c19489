import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { saveText } from '../../lib/download';

/** The ten recovery codes, shown once: copy or download them now. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const text = codes.join('\n');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t('mfa.codesCopied'));
    } catch {
      void message.error(t('mfa.copyFailed'));
    }
  }

  return (
    <Flex vertical gap={12}>
      <Alert type="warning" showIcon title={t('mfa.codesOnce')} />
      <ul
        aria-label={t('mfa.recoveryCodes')}
        style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 8, listStyle: 'none', padding: 0, margin: 0 }}
      >
        {codes.map((code) => (
          <li key={code}><Typography.Text code>{code}</Typography.Text></li>
        ))}
      </ul>
      <Flex gap={8} wrap>
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>{t('common.copy')}</Button>
        <Button icon={<DownloadOutlined />} onClick={() => saveText(`${text}\n`, 'tessera-recovery-codes.txt')}>
          {t('common.download')}
        </Button>
      </Flex>
    </Flex>
  );
}
