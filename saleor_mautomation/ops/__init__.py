"""Operating a deployment: ``mautomation doctor``'s checks (settings, database, broker, email,
each installation's Saleor, webhooks and sender domain), each a line saying what to fix.

A layer beside the entry points (``api``, ``graphql``): it reads every domain below and is read
only by the management commands.
"""
