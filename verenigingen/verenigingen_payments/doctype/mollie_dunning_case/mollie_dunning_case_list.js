// Mollie Dunning Case list: the state as an indicator; a member no reminder could reach stands out.

const DUNNING_COLOURS = {
	due: "orange",
	retry_scheduled: "blue",
	retried: "blue",
	reminder_1: "orange",
	reminder_2: "orange",
	suspended: "red",
	paid: "green",
	canceled: "gray",
};

frappe.listview_settings["Mollie Dunning Case"] = {
	add_fields: ["state", "unreached"],
	get_indicator(doc) {
		if (doc.unreached && !["paid", "canceled"].includes(doc.state)) {
			return [__("Member Not Reached"), "red", "unreached,=,1"];
		}
		return [__(doc.state), DUNNING_COLOURS[doc.state] || "gray", `state,=,${doc.state}`];
	},
};
