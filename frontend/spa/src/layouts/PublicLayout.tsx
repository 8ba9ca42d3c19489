import { Card, Flex, Layout, Typography } from 'antd';
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { PageSpin } from '../components/PageSpin';
import { LanguageSwitch } from './LanguageSwitch';

/** Sign-in, sign-up, confirmation, password reset and invites: one card in the middle. */
export default function PublicLayout() {
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Flex justify="space-between" align="center" style={{ padding: '12px 16px' }}>
        <Typography.Text strong style={{ fontSize: 18 }}>Tessera</Typography.Text>
        <LanguageSwitch />
      </Flex>
      <Flex justify="center" style={{ padding: '24px 12px' }}>
        <Card style={{ width: '100%', maxWidth: 440 }}>
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
        </Card>
      </Flex>
    </Layout>
  );
}
