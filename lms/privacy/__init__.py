"""People's rights over their data: notice, consents, download, erasure, guardians, ID numbers."""
