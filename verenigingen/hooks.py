"""Frappe hooks of the Verenigingen app: plain data, no imports of frappe."""

app_name = "verenigingen"
app_title = "Verenigingen"
app_publisher = "Verenigingen"
app_description = "Mollie finance operations for Dutch associations"
app_email = "dev@verenigingen.local"
app_license = "agpl-3.0"
required_apps = []
