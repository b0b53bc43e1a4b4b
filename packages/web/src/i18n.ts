import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const en = {
  title: 'carethread workspace',
  signInTitle: 'Sign in',
  tokenLabel: 'Staff access token',
  tokenHelp: 'Paste the token printed when carethread started. Staff sign-in arrives with the security release.',
  signIn: 'Sign in',
  signOut: 'Sign out',
  openCases: 'Open cases',
  noCases: 'No open cases.',
  loading: 'Loading…',
  language: 'Español',
  unauthorized: 'That token was not accepted.',
} as const;

const es: Record<keyof typeof en, string> = {
  title: 'Espacio de trabajo de carethread',
  signInTitle: 'Iniciar sesión',
  tokenLabel: 'Token de acceso del personal',
  tokenHelp: 'Pegue el token que se mostró al iniciar carethread. El inicio de sesión del personal llega con la versión de seguridad.',
  signIn: 'Entrar',
  signOut: 'Salir',
  openCases: 'Casos abiertos',
  noCases: 'No hay casos abiertos.',
  loading: 'Cargando…',
  language: 'English',
  unauthorized: 'No se aceptó ese token.',
};

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: navigator.language.startsWith('es') ? 'es' : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

export default i18next;
