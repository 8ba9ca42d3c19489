import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type UiLanguage } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Segmented<UiLanguage>
      size="small"
      aria-label={t('layout.language')}
      value={i18n.resolvedLanguage === 'en' ? 'en' : 'ru'}
      options={LANGUAGES.map((language) => ({ value: language, label: language.toUpperCase() }))}
      onChange={(language) => void i18n.changeLanguage(language)}
    />
  );
}
