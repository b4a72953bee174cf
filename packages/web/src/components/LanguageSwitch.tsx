/** English / 한국어 toggle; each option is labelled in its own language. */
import { LANGS, useI18n } from '../i18n/i18n.js';
import { en } from '../i18n/en.js';
import { ko } from '../i18n/ko.js';

const NAMES = { en: en.languageName, ko: ko.languageName };

export function LanguageSwitch() {
  const { lang, setLang, m } = useI18n();
  return (
    <div className="segmented" role="group" aria-label={m.language}>
      {LANGS.map((value) => (
        <button key={value} type="button" lang={value} aria-pressed={lang === value} onClick={() => setLang(value)}>
          {NAMES[value]}
        </button>
      ))}
    </div>
  );
}
