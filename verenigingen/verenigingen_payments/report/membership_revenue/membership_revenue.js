// Membership Revenue: one row per Amsterdam month; MRR by interval in the summary cards.

frappe.query_reports["Membership Revenue"] = {
	filters: [
		{
			fieldname: "account",
			label: __("Mollie Account"),
			fieldtype: "Link",
			options: "Mollie Settings",
		},
		{
			fieldname: "from_date",
			label: __("From Month"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -11),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Month"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
			reqd: 1,
		},
		{
			fieldname: "currency",
			label: __("Currency"),
			fieldtype: "Data",
			default: "EUR",
			reqd: 1,
		},
	],
};
