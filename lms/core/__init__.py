"""What every area shares: the database base, text rules, sanitising, security, places."""
