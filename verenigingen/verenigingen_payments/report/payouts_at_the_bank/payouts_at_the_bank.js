// Payouts at the Bank: each Mollie payout and the bank line that carries it.

frappe.query_reports["Payouts at the Bank"] = {
	filters: [
		{ fieldname: "account", label: __("Mollie Account"), fieldtype: "Link", options: "Mollie Settings" },
		{ fieldname: "iban", label: __("Bank Account (IBAN)"), fieldtype: "Data" },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
		},
		{ fieldname: "to_date", label: __("Until (exclusive)"), fieldtype: "Date" },
		{ fieldname: "business_days", label: __("Business Days"), fieldtype: "Int", default: 3 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status" && data && data.finding) {
			value = `<span style="color: var(--red-500)">${value}</span>`;
		}
		return value;
	},
};
