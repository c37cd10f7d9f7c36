// Mollie Bank Statement list: "Import Statement" uploads a CAMT.053 or MT940 file and imports it.

frappe.listview_settings["Mollie Bank Statement"] = {
	onload(listview) {
		if (!frappe.user.has_role(["Mollie Finance Manager", "System Manager"])) {
			return;
		}
		listview.page.add_inner_button(__("Import Statement"), () => {
			new frappe.ui.FileUploader({
				folder: "Home",
				restrictions: { allowed_file_types: [".xml", ".sta", ".940", ".txt", ".mt940"] },
				on_success(file) {
					frappe.call({
						method: "verenigingen.verenigingen_payments.api.bank.import_bank_statement",
						args: { file_url: file.file_url },
						callback(r) {
							const m = r.message;
							frappe.show_alert({
								message: __("{0}: {1} lines added, {2} already imported", [m.file, m.lines_added, m.lines_known]),
								indicator: "green",
							});
							listview.refresh();
						},
					});
				},
			});
		});
	},
};
