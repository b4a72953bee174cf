/**
 * The interface language: English or Korean, chosen from the browser's
 * languages until the person picks one (remembered in localStorage).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Messages } from './en.js';
import { ko } from './ko.js';
import { detectLang, LANGS, type Lang } from '../lib/lang.js';

export { LANGS, type Lang };
const DICTIONARIES: Record<Lang, Messages> = { en, ko };
const STORAGE_KEY = 'parley.lang';

export interface I18n {
  lang: Lang;
  m: Messages;
  /** BCP 47 locale for dates and times: the browser's own when it speaks `lang`. */
  locale: string;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18n | null>(null);

function browserLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function initialLang(): Lang {
  const stored = readStorage(STORAGE_KEY);
  return stored === 'en' || stored === 'ko' ? stored : detectLang(browserLanguages());
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    writeStorage(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const browser = browserLanguages().find((tag) => tag.toLowerCase().startsWith(lang));
    return { lang, m: DICTIONARIES[lang], locale: browser ?? (lang === 'ko' ? 'ko-KR' : 'en-US'), setLang };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** localStorage may be unavailable (privacy modes); preferences then last for the page only. */
export function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Not persisted; the choice still applies to this page.
  }
}
