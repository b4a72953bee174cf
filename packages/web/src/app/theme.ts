/**
 * Light and dark themes. "system" follows prefers-color-scheme through CSS
 * (`color-scheme: light dark` with `light-dark()` colours); an explicit choice
 * pins `data-theme` on <html>, which pins `color-scheme`.
 */
import { useCallback, useEffect, useState } from 'react';
import { readStorage, writeStorage } from '../i18n/i18n.js';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'parley.theme';

function initialTheme(): ThemeChoice {
  const stored = readStorage(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [theme, setThemeState] = useState<ThemeChoice>(initialTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  const setTheme = useCallback((choice: ThemeChoice) => {
    writeStorage(STORAGE_KEY, choice === 'system' ? null : choice);
    setThemeState(choice);
  }, []);
  return [theme, setTheme];
}
