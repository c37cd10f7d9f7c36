// Collections: failed dues collections per dues month, at risk and recovered.

frappe.query_reports["Collections"] = {
	filters: [
		{ fieldname: "account", label: __("Mollie Account"), fieldtype: "Link", options: "Mollie Settings" },
		{ fieldname: "currency", label: __("Currency"), fieldtype: "Data", default: "EUR" },
	],
};
