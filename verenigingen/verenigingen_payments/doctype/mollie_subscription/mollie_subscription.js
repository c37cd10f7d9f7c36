// Mollie Subscription form: read-only record; finance managers act through the subscription endpoints.

const SUBSCRIPTION_API = "verenigingen.verenigingen_payments.api.subscriptions";
const MANAGER_ROLES = ["Mollie Finance Manager", "System Manager"];

frappe.ui.form.on("Mollie Subscription", {
	refresh(frm) {
		frm.disable_save();
		if (frm.is_new() || !MANAGER_ROLES.some((role) => frappe.user.has_role(role))) {
			return;
		}
		const live = ["trialing", "active", "past_due"].includes(frm.doc.status);
		if (live && !frm.doc.cancel_at_period_end) {
			frm.add_custom_button(__("Cancel at Period End"), () =>
				frappe.confirm(__("Cancel this membership at the end of the paid period?"), () =>
					act(frm, "cancel_subscription")
				)
			);
		}
		if (frm.doc.cancel_at_period_end || ["canceled", "expired"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Reactivate"), () => act(frm, "reactivate_subscription"));
		}
		if (frm.doc.subscription_id) {
			frm.add_custom_button(__("Resolve Drift"), () => resolve_drift(frm));
		}
	},
});

function act(frm, method, args = {}) {
	frappe.call({
		method: `${SUBSCRIPTION_API}.${method}`,
		args: { name: frm.doc.name, ...args },
		freeze: true,
		freeze_message: __("Asking Mollie…"),
		callback: (r) => {
			frm.reload_doc();
			if (r.message && r.message.name && r.message.name !== frm.doc.name) {
				frappe.set_route("Form", "Mollie Subscription", r.message.name);
			}
		},
	});
}

function resolve_drift(frm) {
	frappe.call({
		method: `${SUBSCRIPTION_API}.get_subscription_drift`,
		args: { name: frm.doc.name },
		callback: (r) => {
			const reports = (r.message && r.message.drift) || [];
			if (!reports.length) {
				frappe.msgprint(__("Mollie agrees with this record: no open drift."));
				return;
			}
			const dialog = new frappe.ui.Dialog({
				title: __("Resolve Drift"),
				fields: [
					{
						fieldname: "field",
						fieldtype: "Select",
						label: __("Field"),
						reqd: 1,
						options: reports.map((d) => d.field),
						description: reports
							.map((d) =>
								__("{0}: ours {1}, Mollie {2}", [
									d.field,
									frappe.utils.escape_html(d.local_value || "-"),
									frappe.utils.escape_html(d.mollie_value || "-"),
								])
							)
							.join("<br>"),
					},
					{
						fieldname: "choice",
						fieldtype: "Select",
						label: __("Choice"),
						reqd: 1,
						options: [
							{ value: "accept_mollie", label: __("Accept Mollie's value") },
							{ value: "restore_local", label: __("Restore our value at Mollie") },
						],
					},
				],
				primary_action_label: __("Resolve"),
				primary_action(values) {
					dialog.hide();
					act(frm, "resolve_subscription_drift", values);
				},
			});
			dialog.show();
		},
	});
}
