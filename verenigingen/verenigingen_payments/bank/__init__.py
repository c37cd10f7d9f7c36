"""The association's bank side: bank statements in (CAMT.053, MT940), statements out (CAMT.053,
MT940), the statement model and its checks. Framework-free."""
