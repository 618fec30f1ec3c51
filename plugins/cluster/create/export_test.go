package create

// Config is the flat cluster configuration of the package's tests, for the
// tests that run the whole plugin.
const Config = config
