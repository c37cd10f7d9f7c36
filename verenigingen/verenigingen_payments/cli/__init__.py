"""Command-line entry points that run the framework-free core outside a Frappe site."""
