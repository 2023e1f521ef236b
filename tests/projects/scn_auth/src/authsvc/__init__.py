"""A small authentication service: tokens, webhooks, rate limits, tenant documents."""
