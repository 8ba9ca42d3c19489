import type { ChannelType, Locale } from './config';

// Russian by default; English when the config's locale says so. Texts from the config win.
const ru = {
  launcher: 'Оставить заявку',
  title: 'Свяжитесь с нами',
  greeting: 'Здравствуйте! Оставьте контакты — мы скоро ответим.',
  close: 'Закрыть',
  name: 'Имя',
  phone: 'Телефон',
  email: 'E-mail',
  message: 'Сообщение',
  optional: '(необязательно)',
  submit: 'Отправить',
  sending: 'Отправляем…',
  thankYou: 'Спасибо! Заявка отправлена, мы скоро свяжемся с вами.',
  quickReplies: 'Быстрые ответы',
  channels: 'Или напишите нам:',
  policy: 'Политика обработки персональных данных',
  consentVersion: 'Версия',
  consentNeeded: 'Чтобы отправить заявку, отметьте согласие на обработку персональных данных.',
  consentChanged: 'Текст согласия обновился. Прочитайте его и отметьте согласие снова.',
  fieldRequired: 'Заполните это поле.',
  phoneInvalid: 'Введите телефон в формате +7 999 123-45-67 или международном формате (+…).',
  emailInvalid: 'Введите e-mail в формате name@example.ru.',
  contactNeeded: 'Укажите телефон или e-mail, чтобы мы могли связаться с вами.',
  tooLong: 'Слишком длинный текст.',
  tooOften: 'Слишком часто, попробуйте позже.',
  network: 'Не удалось связаться с сервером. Проверьте подключение и попробуйте ещё раз.',
  failed: 'Не удалось отправить заявку. Попробуйте ещё раз.',
  retry: 'Отправить ещё раз',
  channel: { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'MAX' } as Record<ChannelType, string>,
};

export type Messages = typeof ru;

const en: Messages = {
  launcher: 'Contact us',
  title: 'Get in touch',
  greeting: 'Hello! Leave your contacts and we will get back to you soon.',
  close: 'Close',
  name: 'Name',
  phone: 'Phone',
  email: 'E-mail',
  message: 'Message',
  optional: '(optional)',
  submit: 'Send',
  sending: 'Sending…',
  thankYou: 'Thank you! Your request has been sent, we will contact you soon.',
  quickReplies: 'Quick replies',
  channels: 'Or message us:',
  policy: 'Personal data policy',
  consentVersion: 'Version',
  consentNeeded: 'To send the request, tick the consent to the processing of personal data.',
  consentChanged: 'The consent text has changed. Please read it and tick the consent again.',
  fieldRequired: 'Please fill in this field.',
  phoneInvalid: 'Enter the phone as +7 999 123-45-67 or in international format (+…).',
  emailInvalid: 'Enter the e-mail as name@example.com.',
  contactNeeded: 'Enter a phone or an e-mail so that we can contact you.',
  tooLong: 'The text is too long.',
  tooOften: 'Too many requests, please try again later.',
  network: 'Could not reach the server. Check the connection and try again.',
  failed: 'Could not send the request. Please try again.',
  retry: 'Send again',
  channel: { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'MAX' },
};

export function messages(locale: Locale): Messages {
  return locale === 'en' ? en : ru;
}
