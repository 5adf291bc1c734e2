"""Import of a shop's existing customers, orders and open checkouts over Saleor's GraphQL API.

An orchestrator beside ``intake``: where intake feeds one webhook delivery at a time into the
shared ``intake.ingest`` functions, the backfill feeds them pages of Saleor's connections, so
both paths converge on the same contacts, records and events.
"""
