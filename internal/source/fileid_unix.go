//go:build unix

package source

import (
	"io/fs"
	"syscall"
)

// fileID identifies a directory whatever the path reaching it (device and
// inode), so a symbolic-link loop is walked once.
func fileID(info fs.FileInfo, p string) any {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return [2]uint64{uint64(st.Dev), uint64(st.Ino)}
	}
	return p
}
