import { useEffect, useState } from 'react';

export type Theme = 'system' | 'light' | 'dark';

const key = 'chat.theme';

/** Light, dark or the system's choice; kept in this browser. CSS reads html[data-theme]. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(key) as Theme | null) ?? 'system');
  useEffect(() => {
    localStorage.setItem(key, theme);
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [theme, setTheme];
}
