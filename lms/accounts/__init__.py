"""Accounts: people, roles and scopes, sign-in sessions, consent records."""
