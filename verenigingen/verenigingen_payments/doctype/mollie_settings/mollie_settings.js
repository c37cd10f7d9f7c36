// Mollie Settings form: the "Test Connection" button and the guarded API Base URL field.

frappe.ui.form.on("Mollie Settings", {
	refresh(frm) {
		const may_override_host = Boolean(
			frappe.boot.developer_mode ||
				frappe.boot.mollie_allow_custom_api_base_url ||
				frm.doc.api_base_url
		);
		frm.toggle_display("api_base_url", may_override_host);

		if (!frm.is_new()) {
			show_configuration_problems(frm);
			frm.add_custom_button(__("Test Connection"), () => test_connection(frm));
			frm.add_custom_button(__("Balances"), () => show_balances(frm));
		}
	},
});

function show_configuration_problems(frm) {
	// What `bench mollie check-config` names for this record (and the whole site), above the form.
	frappe.call({
		method: "verenigingen.verenigingen_payments.api.operations.configuration_problems",
		type: "GET",
		callback: (r) => {
			const mine = (r.message || []).filter((p) => !p.account || p.account === frm.doc.name);
			frm.set_intro("");
			if (mine.length) {
				const items = mine.map((p) => `<li>${frappe.utils.escape_html(p.message)}</li>`).join("");
				frm.set_intro(`${__("Not ready (mollie check-config):")}<ul>${items}</ul>`, "orange");
			}
		},
	});
}

function test_connection(frm) {
	if (frm.is_dirty()) {
		frappe.msgprint(__("Save the settings first; the test uses the saved credentials."));
		return;
	}
	frappe.call({
		method: "verenigingen.verenigingen_payments.api.accounts.test_connection",
		args: { settings: frm.doc.name },
		freeze: true,
		freeze_message: __("Asking Mollie…"),
		callback: (r) => {
			const report = r.message;
			const rows = report.checks
				.map(
					(c) =>
						`<tr><td>${frappe.utils.escape_html(c.credential)}</td>` +
						`<td>${frappe.utils.escape_html(c.resource)}</td>` +
						`<td>${c.ok ? __("ok") : __("failed")}</td>` +
						`<td>${frappe.utils.escape_html(c.detail)}</td></tr>`
				)
				.join("");
			frappe.msgprint({
				title: __("Connection: {0}", [report.status]),
				indicator: report.status === "Connected" ? "green" : "red",
				message: `<table class="table table-bordered"><tr><th>${__("Credential")}</th><th>${__(
					"Resource"
				)}</th><th>${__("Result")}</th><th>${__("Detail")}</th></tr>${rows}</table>`,
			});
			frm.reload_doc();
		},
	});
}

function show_balances(frm) {
	frappe.call({
		method: "verenigingen.verenigingen_payments.api.accounts.get_account_balance",
		args: { settings: frm.doc.name },
		freeze: true,
		callback: (r) => {
			const rows = r.message.balances
				.map(
					(b) =>
						`<tr><td>${frappe.utils.escape_html(b.id)}</td><td>${b.currency}</td>` +
						`<td>${frappe.utils.escape_html(b.status || "")}</td>` +
						`<td class="text-right">${b.available_amount.value}</td>` +
						`<td class="text-right">${b.pending_amount.value}</td></tr>`
				)
				.join("");
			frappe.msgprint({
				title: __("Mollie balances of {0}", [frm.doc.name]),
				message: `<table class="table table-bordered"><tr><th>${__("Balance")}</th><th>${__(
					"Currency"
				)}</th><th>${__("Status")}</th><th>${__("Available")}</th><th>${__(
					"Pending"
				)}</th></tr>${rows}</table>`,
			});
		},
	});
}
