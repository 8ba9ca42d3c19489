import { UploadOutlined } from '@ant-design/icons';
import { Button, Flex, Progress, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AssetUploadFailed, confirmAssetUpload, IMAGE_TYPES, postToPresignedForm, startAssetUpload, type AssetKind, type Widget,
} from '../../../api/fastlead';
import { isApiError } from '../../../api/errors';
import { describeError } from '../../../components/errors';

/** The server's default per file (WIDGET_ASSET_MAX_BYTES): checked here first so a big file is never sent. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * Uploads a logo or the operator's photo: start (the server reserves the bytes and signs a POST), the
 * file straight to storage with progress, confirm (the server checks the image and saves its URL as a
 * new widget version on top of `version`). `onSaved` gets that version; a conflict goes to `onConflict`.
 */
export function ImageUpload({ orgId, workspaceId, kind, version, disabled, onSaved, onConflict }: {
  orgId: string;
  workspaceId: string;
  kind: AssetKind;
  version: number;
  disabled?: boolean;
  onSaved: (fresh: Widget) => void;
  onConflict: () => void;
}) {
  const { t } = useTranslation();
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File) => {
    setError(null);
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      setError(t('fastlead.widget.image.type'));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      setError(t('fastlead.widget.image.tooLarge', { mb: MAX_IMAGE_BYTES / (1024 * 1024) }));
      return;
    }
    setPercent(0);
    try {
      const ticket = await startAssetUpload(orgId, workspaceId, {
        kind, content_type: file.type as (typeof IMAGE_TYPES)[number], size: file.size,
      });
      await postToPresignedForm(ticket.upload, file, setPercent);
      onSaved(await confirmAssetUpload(orgId, workspaceId, ticket.asset_id, version));
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'widget-version-conflict') onConflict();
      else if (failure instanceof AssetUploadFailed) {
        setError(failure.status ? t('fastlead.widget.image.storage', { status: failure.status }) : t('errors.network'));
      } else setError(describeError(failure, t));
    } finally {
      setPercent(null);
    }
  };

  return (
    <Flex vertical gap={4}>
      <Upload
        accept={IMAGE_TYPES.join(',')}
        showUploadList={false}
        disabled={disabled || percent !== null}
        beforeUpload={(file) => { void upload(file); return false; }}
      >
        <Button icon={<UploadOutlined />} loading={percent !== null} disabled={disabled}>
          {t(`fastlead.widget.image.upload.${kind}`)}
        </Button>
      </Upload>
      {percent !== null && <Progress percent={percent} size="small" aria-label={t('fastlead.widget.image.progress')} />}
      {error && <Typography.Text type="danger" role="alert">{error}</Typography.Text>}
      <Typography.Text type="secondary">{t('fastlead.widget.image.hint')}</Typography.Text>
    </Flex>
  );
}
