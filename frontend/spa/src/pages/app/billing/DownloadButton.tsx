import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Button, type ButtonProps } from 'antd';
import type { ReactNode } from 'react';
import type { DownloadedFile } from '../../../api/client';
import { useShowError } from '../../../components/errors';
import { saveBlob } from '../../../lib/download';

/** Downloads a document and saves it under the server's name (`fallback` if the answer has none). */
export function DownloadButton({ load, fallback, children, size }: {
  load: () => Promise<DownloadedFile>; fallback: string; children: ReactNode; size?: ButtonProps['size'];
}) {
  const showError = useShowError();
  const download = useMutation({
    mutationFn: load,
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? fallback),
    onError: (e) => showError(e),
  });
  return (
    <Button size={size} icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()}>{children}</Button>
  );
}
