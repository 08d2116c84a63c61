// Package fsguard opens the files a scan reads from a hostile tree. Every
// open refuses anything but a regular file (a named pipe would block the
// reader, a device would never end), is made non-blocking so that a named
// pipe swapped in after a check cannot hang it, and checks the opened
// handle itself; opens through an os.Root never leave that directory,
// symbolic links included. Reads are bounded.
package fsguard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is returned (wrapped, naming the file type) for a named
// pipe, device, socket or directory where a regular file was expected.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned (wrapped, naming the limit) by the bounded reads
// for a file over their limit.
var ErrTooLarge = errors.New("file too large")

// ErrOutside is returned (wrapped) when a path leads out of the root it
// is opened through, by a symbolic link or by "..".
var ErrOutside = errors.New("leads outside the scanned root")

// Open opens the file name for reading when it is a regular file, following
// symbolic links: it is for paths the user named, which are their own root.
func Open(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, err
	}
	return checkRegular(f)
}

// OpenIn opens the file name (slash- or OS-separated, relative to root) for
// reading when it is a regular file inside root. A path that leaves root,
// through ".." or a symbolic link, fails with ErrOutside.
func OpenIn(root *os.Root, name string) (*os.File, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, outside(err)
	}
	return checkRegular(f)
}

// OpenDir opens the directory name inside root for listing, without
// blocking should a named pipe have taken its place; anything but a
// directory is refused, and so is a path leading outside root
// (ErrOutside).
func OpenDir(root *os.Root, name string) (*os.File, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, outside(err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: f.Name(), Err: fmt.Errorf("not a directory (%s)", FileType(info.Mode()))}
	}
	return f, nil
}

// checkRegular returns f when the opened handle is a regular file, and
// closes it otherwise.
func checkRegular(f *os.File) (*os.File, error) {
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: f.Name(), Err: fmt.Errorf("%w (%s)", ErrNotRegular, FileType(info.Mode()))}
	}
	return f, nil
}

// Escapes reports an error of an os.Root operation refusing a path that
// leads outside the root (the os package does not export that error).
func Escapes(err error) bool {
	if errors.Is(err, ErrOutside) {
		return true
	}
	for err != nil {
		if err.Error() == "path escapes from parent" {
			return true
		}
		err = errors.Unwrap(err)
	}
	return false
}

// outside rewrites an os.Root error refusing an escaping path to wrap
// ErrOutside, keeping the path it names.
func outside(err error) error {
	if !Escapes(err) {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: pe.Path, Err: ErrOutside}
	}
	return ErrOutside
}

// Stat is root.Stat (symbolic links followed, inside root only) with
// ErrOutside for a path that leaves root.
func Stat(root *os.Root, name string) (fs.FileInfo, error) {
	info, err := root.Stat(name)
	return info, outside(err)
}

// ReadFile reads a regular file opened with Open, at most limit bytes when
// limit is positive.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, limit)
}

// ReadFileIn reads a regular file opened with OpenIn, at most limit bytes
// when limit is positive.
func ReadFileIn(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := OpenIn(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, limit)
}

// ReadAll reads f to its end, failing with ErrTooLarge when it holds more
// than limit bytes (limit <= 0: no limit). However f has changed since it
// was listed (grown, or replaced), no more than limit+1 bytes are read.
func ReadAll(f *os.File, limit int64) ([]byte, error) {
	if limit <= 0 {
		return io.ReadAll(f)
	}
	size := int64(0)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
	}
	// One buffer of the size the file has (a bytes.Buffer would keep up to
	// twice that alive), one byte more to see growth.
	buf := make([]byte, min(size, limit)+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		buf = buf[:n] // as large as stat said, or shrunk since
	case err != nil:
		return nil, err
	default: // grew since stat, or stat said nothing: read on, up to the limit
		more, err := io.ReadAll(io.LimitReader(f, limit+1-int64(n)))
		if err != nil {
			return nil, err
		}
		buf = append(buf, more...)
	}
	if int64(len(buf)) > limit {
		return nil, fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, limit)
	}
	return buf, nil
}

// FileType names the type of a file that is not regular, for diagnostics.
func FileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "special file"
}
