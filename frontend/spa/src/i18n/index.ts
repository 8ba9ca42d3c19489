import i18next from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import ru from './ru.json';
import reportsRu from './reports.ru.json';
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

// Russian, the default, is in the first download; English is a chunk of its own, fetched when chosen (the
// entry's size budget: the two languages' texts together were a tenth of it).
const ENGLISH: Record<string, () => Promise<{ default: object }>> = {
  translation: () => import('./en.json'),
  reports: () => import('./reports.en.json'),
  notifications: () => import('./notifications.en.json'),
};

/** Resolves once the stored language's texts are there: the app renders after it. */
export const i18nReady = i18next
  .use(resourcesToBackend((language: string, namespace: string) =>
    language === 'en' && ENGLISH[namespace] ? ENGLISH[namespace]() : Promise.resolve({ default: {} })))
  .use(initReactI18next)
  .init({
    // `reports`: the licensing dashboard and reports; `notifications`: the notification pages (own resource files)
    resources: { ru: { translation: ru, reports: reportsRu, notifications: notificationsRu } },
    partialBundledLanguages: true,
    ns: ['translation', 'reports', 'notifications'],
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
