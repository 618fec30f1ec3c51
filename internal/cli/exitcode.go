package cli

// Exit codes shared by every kubectl tko plugin. They are part of the public
// interface (docs/exit-codes.md): scripts branch on them.
const (
	ExitOK          = 0 // success
	ExitFailure     = 1 // the operation ran and failed (a failed reconcile, an audit FAIL, ...)
	ExitUsage       = 2 // bad flags, arguments or input files; nothing was changed
	ExitNotFound    = 3 // an object, a context or an API group does not exist
	ExitTimeout     = 4 // --timeout or --request-timeout ran out
	ExitInterrupted = 5 // interrupted (Ctrl-C, SIGTERM)
	ExitUnreachable = 6 // the API server cannot be reached or rejected the credentials
	ExitForbidden   = 7 // RBAC denied the request
)
