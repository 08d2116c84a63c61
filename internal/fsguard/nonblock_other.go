//go:build !unix

package fsguard

// nonblock is 0 where named pipes cannot be opened by path.
const nonblock = 0
