"""saleor-mautomation: marketing automation as a Saleor app."""
