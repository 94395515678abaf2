"""Certificates: issuing, printing, verifying (online and offline) and revoking them."""
