"""The Flet field app: state (observables with verbs), views (one screen a file), i18n."""
