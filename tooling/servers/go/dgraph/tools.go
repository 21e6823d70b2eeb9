//go:build tools

// Package tools only exists so `go mod tidy` keeps Dgraph's dependency graph in go.mod/go.sum.
package tools

import _ "github.com/dgraph-io/dgraph/v25/dgraph"
