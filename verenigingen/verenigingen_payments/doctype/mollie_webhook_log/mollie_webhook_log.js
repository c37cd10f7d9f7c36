// Replay button for Mollie Finance Managers (the server checks the role again).
frappe.ui.form.on("Mollie Webhook Log", {
	refresh(frm) {
		const manager = frappe.user.has_role("Mollie Finance Manager") || frappe.user.has_role("System Manager");
		if (!manager || !frm.doc.resource_id || frm.doc.status === "processing") {
			return;
		}
		frm.add_custom_button(__("Replay"), () => {
			frappe
				.call({
					method: "verenigingen.verenigingen_payments.doctype.mollie_webhook_log.mollie_webhook_log.replay",
					args: { name: frm.doc.name },
				})
				.then((r) => {
					const queued = r.message && r.message.queued;
					frappe.show_alert({
						message: queued ? __("Queued for processing") : __("This delivery cannot be replayed"),
						indicator: queued ? "green" : "orange",
					});
					frm.reload_doc();
				});
		});
	},
});
