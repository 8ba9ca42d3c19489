import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { areaHome, areaOf } from '../lib/area';

export default function NotFound() {
  const { t } = useTranslation();
  const home = areaHome(areaOf(useLocation().pathname));
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.text')}
      extra={<Link to={home}><Button type="primary">{t('notFound.home')}</Button></Link>}
    />
  );
}
