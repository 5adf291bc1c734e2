"""The shop's catalogue kept in step with Saleor: products, variants, stock, prices, events."""
