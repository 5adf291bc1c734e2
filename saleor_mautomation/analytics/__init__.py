"""Analytics: attribution of orders to messages, the reports read from daily tallies, and
the statistics of holdouts and A/B tests."""
