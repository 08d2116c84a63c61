//go:build !unix

package source

import (
	"io/fs"
	"path/filepath"
)

// fileID identifies a directory by its resolved path where the system
// gives no inode, so a symbolic-link loop is walked once.
func fileID(info fs.FileInfo, p string) any {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}
