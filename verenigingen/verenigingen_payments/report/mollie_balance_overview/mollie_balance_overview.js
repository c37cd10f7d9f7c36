// Mollie Balance Overview: live balances per account beside the latest reconciliation.

frappe.query_reports["Mollie Balance Overview"] = {
	filters: [
		{
			fieldname: "account",
			label: __("Mollie Account"),
			fieldtype: "Link",
			options: "Mollie Settings",
		},
	],
};
