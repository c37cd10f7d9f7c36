// Mollie Pre-notification list: an exception (no usable email address) asks staff to tell the member another way.

frappe.listview_settings["Mollie Pre-notification"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		return doc.status === "exception"
			? [__("Not Sent"), "red", "status,=,exception"]
			: [__("Sent"), "green", "status,=,sent"];
	},
};
