// Dark (the NOC wall) or light. A display preference, not a secret: kept in localStorage.
import { createStore } from './store.js';

export type Theme = 'dark' | 'light';
const KEY = 'flux-speed.theme';

const initial = (localStorage.getItem(KEY) as Theme | null) ?? 'dark';
export const theme = createStore<Theme>(initial === 'light' ? 'light' : 'dark');

function apply(value: Theme) {
  document.documentElement.dataset.theme = value;
}
apply(theme.get());
theme.subscribe((value) => {
  localStorage.setItem(KEY, value);
  apply(value);
});
