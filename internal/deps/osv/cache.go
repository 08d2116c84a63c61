package osv

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// cacheFormat changes whenever the cached layout or parsing rules change.
const cacheFormat = 1

// maxCacheBytes bounds the size of a cache file that will be decoded.
const maxCacheBytes = 4 << 30

// cacheFile is the gob-encoded content of a cache entry.
type cacheFile struct {
	Format  int
	Key     string
	Vulns   []*Vuln
	Skipped []Skipped
}

// DefaultCacheDir returns the default cache directory,
// os.UserCacheDir()/fastapi-audit/osv.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate user cache directory: %w", err)
	}
	return filepath.Join(d, "fastapi-audit", "osv"), nil
}

// OpenCached is Open with a cache of the parsed database under cacheDir
// (DefaultCacheDir when ""). The cache entry is keyed by the database's
// absolute path, size and modification time (for a directory, those of
// every file in it) and the limits. A missing, stale or corrupt cache entry
// is rebuilt; failing to write the cache is not an error.
func OpenCached(path, cacheDir string, opts Limits) (*DB, error) {
	opts = opts.withDefaults()
	if cacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			return Open(path, opts)
		}
		cacheDir = d
	}
	key, err := cacheKey(path, opts)
	if err != nil {
		return nil, fmt.Errorf("open advisory database %s: %w", path, err)
	}
	sum := sha256.Sum256([]byte(key))
	file := filepath.Join(cacheDir, hex.EncodeToString(sum[:16])+".gob")
	if db, err := readCache(file, key); err == nil {
		return db, nil
	}
	db, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	_ = writeCache(cacheDir, file, key, db) // best effort
	return db, nil
}

// cacheKey describes the database's identity and the parsing options.
func cacheKey(path string, opts Limits) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "format=%d limits=%d/%d/%d\x00%s\x00", cacheFormat, opts.MaxEntries, opts.MaxEntryBytes, opts.MaxTotalBytes, abs)
	if !st.IsDir() {
		fmt.Fprintf(h, "%d\x00%d", st.Size(), st.ModTime().UnixNano())
	} else {
		n := 0
		err := filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if n++; n > opts.MaxEntries+1 {
				return fmt.Errorf("%w: directory has more than %d files", ErrLimit, opts.MaxEntries)
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00", p, info.Mode(), info.Size(), info.ModTime().UnixNano())
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readCache decodes a cache file, failing on any mismatch or corruption.
func readCache(file, key string) (db *DB, err error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("corrupt cache %s: %v", file, r)
		}
	}()
	var cf cacheFile
	if err := gob.NewDecoder(io.LimitReader(f, maxCacheBytes)).Decode(&cf); err != nil {
		return nil, fmt.Errorf("decode cache %s: %w", file, err)
	}
	if cf.Format != cacheFormat || cf.Key != key {
		return nil, errors.New("stale cache")
	}
	for _, v := range cf.Vulns {
		if v == nil || v.ID == "" {
			return nil, errors.New("corrupt cache: empty advisory")
		}
	}
	db = newDB(cf.Vulns, cf.Skipped)
	db.fromCache = true
	return db, nil
}

// writeCache stores db atomically: a temporary file renamed into place.
func writeCache(dir, file, key string, db *DB) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.gob")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after a successful rename
	skipped := db.skipped
	cf := cacheFile{Format: cacheFormat, Key: key, Vulns: db.vulns, Skipped: skipped}
	if err := gob.NewEncoder(tmp).Encode(&cf); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, file)
}

// String summarises the database for logs.
func (db *DB) String() string {
	return "osv.DB{" + strconv.Itoa(db.Len()) + " advisories, " + strconv.Itoa(db.NumPackages()) + " packages, " + strconv.Itoa(len(db.skipped)) + " skipped}"
}
