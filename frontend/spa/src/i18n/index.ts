import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ru from './ru.json';
import reportsEn from './reports.en.json';
import reportsRu from './reports.ru.json';
import notificationsEn from './notifications.en.json';
import notificationsRu from './notifications.ru.json';

export const LANGUAGES = ['ru', 'en'] as const;
export type UiLanguage = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'tessera.language';

function storedLanguage(): UiLanguage {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru'; // storage can be blocked (private mode, policies): Russian is the default anyway
  }
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still switched
  }
});

void i18next.use(initReactI18next).init({
  // `reports`: the licensing dashboard and reports; `notifications`: the notification pages (their own resource files)
  resources: {
    ru: { translation: ru, reports: reportsRu, notifications: notificationsRu },
    en: { translation: en, reports: reportsEn, notifications: notificationsEn },
  },
  lng: storedLanguage(),
  fallbackLng: 'ru',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export function currentLanguage(): UiLanguage {
  return i18next.resolvedLanguage === 'en' ? 'en' : 'ru';
}

export default i18next;
