"""The JSON API v1 under /api/v1: personal access tokens, scopes, and the endpoints of OpenAPI."""
