package osv

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"deps.dev/util/pypi"
)

// Default limits applied by Open when a Limits field is zero.
const (
	DefaultMaxEntries    = 200_000
	DefaultMaxEntryBytes = 8 << 20
	DefaultMaxTotalBytes = 2 << 30
)

// ErrNotPyPI is reported (wrapped) for advisories with no PyPI affected entry.
var ErrNotPyPI = errors.New("no PyPI affected package")

// ErrLimit is wrapped by errors that stop loading because a Limits bound was exceeded.
var ErrLimit = errors.New("advisory database limit exceeded")

var errMissingID = errors.New("missing id")

// Limits bounds the resources Open may use. A zero field means its default.
type Limits struct {
	// MaxEntries is the maximum number of entries (files) in the database;
	// more is an error. Default DefaultMaxEntries.
	MaxEntries int
	// MaxEntryBytes is the maximum uncompressed size of one entry; larger
	// entries are skipped with a diagnostic. Default DefaultMaxEntryBytes.
	MaxEntryBytes int64
	// MaxTotalBytes is the maximum total uncompressed bytes read; more is an
	// error. Default DefaultMaxTotalBytes.
	MaxTotalBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxEntryBytes <= 0 {
		l.MaxEntryBytes = DefaultMaxEntryBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	return l
}

// Skipped records an entry that was not loaded and why.
type Skipped struct {
	// Entry is the entry name inside the zip or the path relative to the directory.
	Entry string
	// Reason says why the entry was skipped.
	Reason string
}

// DB is an in-memory set of PyPI advisories indexed by PEP 503-normalised
// package name. It is safe for concurrent use once opened.
type DB struct {
	vulns     []*Vuln // sorted by ID
	byID      map[string]*Vuln
	byName    map[string][]*Vuln // canonical name -> advisories, sorted by ID
	skipped   []Skipped
	fromCache bool
}

// Len returns the number of advisories in the database that have at least
// one PyPI affected entry (withdrawn ones included).
func (db *DB) Len() int { return len(db.vulns) }

// NumPackages returns the number of distinct PEP 503-normalised package names indexed.
func (db *DB) NumPackages() int { return len(db.byName) }

// Skipped returns the entries that were not loaded, with reasons, in entry order.
func (db *DB) Skipped() []Skipped { return append([]Skipped(nil), db.skipped...) }

// Get returns the advisory with the given id, or nil.
func (db *DB) Get(id string) *Vuln { return db.byID[id] }

// Vulns returns every advisory naming the package (any spelling of the name;
// it is normalised per PEP 503), sorted by id, withdrawn ones included.
func (db *DB) Vulns(name string) []*Vuln {
	return append([]*Vuln(nil), db.byName[pypi.CanonPackageName(name)]...)
}

// FromCache reports whether the database was loaded from OpenCached's cache.
func (db *DB) FromCache() bool { return db.fromCache }

// newDB builds the indexes from parsed advisories. Duplicate ids keep the
// most recently modified document; the others are reported as skipped.
func newDB(vulns []*Vuln, skipped []Skipped) *DB {
	db := &DB{
		byID:    make(map[string]*Vuln, len(vulns)),
		byName:  make(map[string][]*Vuln),
		skipped: skipped,
	}
	for _, v := range vulns {
		if old, ok := db.byID[v.ID]; ok {
			if v.Modified.After(old.Modified) {
				db.byID[v.ID] = v
			}
			db.skipped = append(db.skipped, Skipped{Entry: v.ID, Reason: "duplicate advisory id; kept the most recently modified"})
			continue
		}
		db.byID[v.ID] = v
	}
	db.vulns = make([]*Vuln, 0, len(db.byID))
	for _, v := range db.byID {
		db.vulns = append(db.vulns, v)
	}
	sort.Slice(db.vulns, func(i, j int) bool { return db.vulns[i].ID < db.vulns[j].ID })
	for _, v := range db.vulns {
		seen := map[string]bool{}
		for _, a := range v.Affected {
			n := pypi.CanonPackageName(a.Package.Name)
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			db.byName[n] = append(db.byName[n], v)
		}
	}
	return db
}

// Open loads an advisory database from path, which is either a zip archive
// of OSV JSON documents or a directory searched recursively for *.json files
// (symbolic links are never followed). Entries that cannot be used are
// listed by DB.Skipped; exceeding MaxEntries or MaxTotalBytes, or a path
// that is neither a zip archive nor a directory, is an error.
func Open(path string, opts Limits) (*DB, error) {
	opts = opts.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open advisory database: %w", err)
	}
	var db *DB
	if st.IsDir() {
		db, err = openDir(path, opts)
	} else {
		db, err = openZip(path, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("open advisory database %s: %w", path, err)
	}
	return db, nil
}

// entrySource abstracts one entry of a zip or directory.
type entrySource struct {
	name     string
	declared int64 // declared uncompressed size, -1 if unknown
	open     func() (io.ReadCloser, error)
}

func openZip(p string, opts Limits) (*DB, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a zip archive or directory")
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Entry names are never used as file system paths, so insecure
		// names are harmless here; anything else means "not a zip".
		return nil, fmt.Errorf("not a zip archive or directory: %w", err)
	}
	if len(zr.File) > opts.MaxEntries {
		return nil, fmt.Errorf("%w: zip has %d entries, limit is %d", ErrLimit, len(zr.File), opts.MaxEntries)
	}
	var srcs []entrySource
	var skipped []Skipped
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") || zf.FileInfo().IsDir() {
			continue
		}
		if !strings.EqualFold(path.Ext(zf.Name), ".json") {
			skipped = append(skipped, Skipped{Entry: zf.Name, Reason: "not a .json entry"})
			continue
		}
		declared := int64(min(zf.UncompressedSize64, 1<<62))
		srcs = append(srcs, entrySource{name: zf.Name, declared: declared, open: zf.Open})
	}
	return load(srcs, skipped, opts)
}

func openDir(dir string, opts Limits) (*DB, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var srcs []entrySource
	var skipped []Skipped
	count := 0
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			skipped = append(skipped, Skipped{Entry: p, Reason: "unreadable: " + err.Error()})
			return nil
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir // .git and similar
			}
			return nil
		}
		count++
		if count > opts.MaxEntries {
			return fmt.Errorf("%w: directory has more than %d files", ErrLimit, opts.MaxEntries)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			skipped = append(skipped, Skipped{Entry: p, Reason: "symbolic link not followed"})
			return nil
		}
		if !d.Type().IsRegular() {
			skipped = append(skipped, Skipped{Entry: p, Reason: "not a regular file"})
			return nil
		}
		if !strings.EqualFold(path.Ext(p), ".json") {
			skipped = append(skipped, Skipped{Entry: p, Reason: "not a .json file"})
			return nil
		}
		declared := int64(-1)
		if info, err := d.Info(); err == nil {
			declared = info.Size()
		}
		rel := p
		srcs = append(srcs, entrySource{name: rel, declared: declared, open: func() (io.ReadCloser, error) {
			return openRegular(root, rel)
		}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return load(srcs, skipped, opts)
}

// openRegular opens rel inside root (which refuses to escape it) and checks
// that what was opened is still a regular file, closing a swap-for-symlink race.
func openRegular(root *os.Root, rel string) (io.ReadCloser, error) {
	lst, err := root.Lstat(rel)
	if err != nil {
		return nil, err
	}
	if !lst.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || !os.SameFile(st, lst) {
		f.Close()
		return nil, errors.New("file changed while opening")
	}
	return f, nil
}

// load reads and decodes the entries concurrently, enforcing the limits.
func load(srcs []entrySource, skipped []Skipped, opts Limits) (*DB, error) {
	type result struct {
		v    *Vuln
		skip string
	}
	results := make([]result, len(srcs))
	var total atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var stop atomic.Bool
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), 8, max(len(srcs), 1))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) {
					return
				}
				v, skip, err := readEntry(srcs[i], opts, &total)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				results[i] = result{v, skip}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	vulns := make([]*Vuln, 0, len(srcs))
	for i, r := range results {
		if r.v != nil {
			vulns = append(vulns, r.v)
		} else if r.skip != "" {
			skipped = append(skipped, Skipped{Entry: srcs[i].name, Reason: r.skip})
		}
	}
	return newDB(vulns, skipped), nil
}

// readEntry reads one entry. A non-empty skip string means the entry is
// unusable; a non-nil error aborts loading.
func readEntry(src entrySource, opts Limits, total *atomic.Int64) (v *Vuln, skip string, err error) {
	if src.declared > opts.MaxEntryBytes {
		return nil, fmt.Sprintf("declared size %d bytes exceeds the %d-byte entry limit", src.declared, opts.MaxEntryBytes), nil
	}
	rc, err := src.open()
	if err != nil {
		return nil, "cannot open: " + err.Error(), nil
	}
	defer rc.Close()
	// Read at most one byte more than the limit to detect lying headers.
	data, err := io.ReadAll(io.LimitReader(rc, opts.MaxEntryBytes+1))
	if n := total.Add(int64(len(data))); n > opts.MaxTotalBytes {
		return nil, "", fmt.Errorf("%w: more than %d uncompressed bytes in total", ErrLimit, opts.MaxTotalBytes)
	}
	if int64(len(data)) > opts.MaxEntryBytes {
		return nil, fmt.Sprintf("uncompressed size exceeds the %d-byte entry limit", opts.MaxEntryBytes), nil
	}
	if err != nil {
		return nil, "cannot read: " + err.Error(), nil
	}
	v, err = ParseVuln(data)
	if err != nil {
		return nil, err.Error(), nil
	}
	return v, "", nil
}
