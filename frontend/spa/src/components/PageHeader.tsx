import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader({ title, extra, children }: { title: string; extra?: ReactNode; children?: ReactNode }) {
  return (
    <div style={{ marginBottom: 16 }}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
        {extra && <Flex wrap gap={8}>{extra}</Flex>}
      </Flex>
      {children && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{children}</Typography.Paragraph>}
    </div>
  );
}
