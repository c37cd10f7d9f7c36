// Mollie Settings form: the "Test Connection" and "Connect Mollie" buttons and the guarded API Base URL field.

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
			add_connect_buttons(frm);
		}
	},
});

const ADOPTION_API = "verenigingen.verenigingen_payments.api.adoption";

function add_connect_buttons(frm) {
	// "Connect Mollie": adopt the account as a background job; progress arrives as `progress` events
	// (frappe.publish_progress) while the form is open, the outcome as `mollie_adopt_done`.
	frm.add_custom_button(__("Connect Mollie"), () => connect_mollie(frm));
	frappe.call({
		method: `${ADOPTION_API}.status`,
		type: "GET",
		args: { settings: frm.doc.name },
		callback: (r) => {
			if (r.message && r.message.running) {
				frm.add_custom_button(__("Stop Connecting"), () => stop_connecting(frm));
			}
		},
	});
	if (!frm.__mollie_adopt_listener) {
		frm.__mollie_adopt_listener = true;
		frappe.realtime.on("mollie_adopt_done", (outcome) => {
			if (outcome.account === frm.doc.name) {
				show_adoption_outcome(outcome);
				frm.reload_doc();
			}
		});
	}
}

function connect_mollie(frm) {
	if (frm.is_dirty()) {
		frappe.msgprint(__("Save the settings first; connecting uses the saved credentials."));
		return;
	}
	frappe.call({
		method: `${ADOPTION_API}.connect`,
		args: { settings: frm.doc.name },
		callback: (r) => {
			frappe.show_alert({
				message: r.message.started
					? __("Connecting Mollie: importing the account in the background.")
					: __("Connecting Mollie is already running for this account."),
				indicator: "blue",
			});
			frm.reload_doc();
		},
	});
}

function stop_connecting(frm) {
	frappe.call({
		method: `${ADOPTION_API}.stop`,
		args: { settings: frm.doc.name },
		callback: () =>
			frappe.show_alert({
				message: __("Stopping after the current item; Connect Mollie again resumes."),
				indicator: "orange",
			}),
	});
}

function show_adoption_outcome(outcome) {
	const counts = Object.entries(outcome.counts)
		.map(([k, v]) => `<tr><td>${frappe.utils.escape_html(k)}</td><td class="text-right">${v}</td></tr>`)
		.join("");
	const exceptions = outcome.exceptions
		.map(
			(e) =>
				`<li><b>${frappe.utils.escape_html(e.kind)}</b> ${frappe.utils.escape_html(e.mollie_id)}: ` +
				`${frappe.utils.escape_html(e.detail)} — ${frappe.utils.escape_html(e.what_to_do)}</li>`
		)
		.join("");
	frappe.msgprint({
		title: outcome.stopped ? __("Connecting Mollie stopped") : __("Mollie connected"),
		indicator: outcome.stopped ? "orange" : "green",
		message:
			`<table class="table table-bordered">${counts}</table>` +
			(exceptions ? `<p>${__("To do")}:</p><ul>${exceptions}</ul>` : ""),
	});
}

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
