"""The account audit trail: sign-ins, refusals, exports, role changes and data requests."""
