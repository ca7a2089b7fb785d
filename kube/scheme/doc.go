// Package scheme holds the runtime.Scheme that kubesim's API server serves:
// the Go types of every built-in group and version it serves, the codecs
// for JSON, YAML and protobuf, the defaulting that runs when a request body
// is decoded, and the field labels each kind can be selected by.
//
// Start with Scheme and Codecs. Objects are stored and handled in the
// version they are served in (there are no internal types), so conversion
// between versions of one group is not available: each group is served in
// one version, as listed in GroupVersions.
package scheme
