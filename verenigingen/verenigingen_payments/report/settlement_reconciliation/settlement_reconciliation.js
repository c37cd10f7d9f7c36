// Settlement Reconciliation: one row per reconciled settlement, expected vs paid out.

frappe.query_reports["Settlement Reconciliation"] = {
	filters: [
		{
			fieldname: "account",
			label: __("Mollie Account"),
			fieldtype: "Link",
			options: "Mollie Settings",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "difference" && data && !data.adds_up) {
			value = `<span style="color: var(--red-500)">${value}</span>`;
		}
		return value;
	},
};
