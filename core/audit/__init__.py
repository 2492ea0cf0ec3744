"""The audit log as a hash chain per school (issue 11): sealing, heads, verification."""
