frappe.listview_settings["Mollie Webhook Log"] = {
	get_indicator(doc) {
		const colours = {
			received: "blue", processing: "orange", processed: "green", failed: "red",
			ignored: "gray", duplicate: "gray", rejected: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
