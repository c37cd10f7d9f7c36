"""What every domain's site adapters share: the Mollie roles and site-time conversion. Imports no domain."""
