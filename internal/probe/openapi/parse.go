package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Default bounds for untrusted documents; see Options.
const (
	// DefaultMaxBytes caps the document size (10 MiB). A caller fetching the
	// document should stop reading at DefaultMaxBytes+1 bytes.
	DefaultMaxBytes = 10 << 20
	// DefaultMaxOperations caps the number of operations.
	DefaultMaxOperations = 10_000
	// DefaultMaxNesting caps how deeply objects and arrays nest in the
	// document text. FastAPI documents stay under 20.
	DefaultMaxNesting = 64
	// DefaultMaxSchemaNodes caps the schema nodes built for one document;
	// past it schemas are cut (with a warning).
	DefaultMaxSchemaNodes = 200_000
)

// MaxSchemaDepth is how many levels of a schema tree are built; deeper
// levels, and so $ref cycles, are cut there.
const MaxSchemaDepth = 8

// Errors returned (wrapped) for documents outside the bounds.
var (
	ErrTooLarge           = errors.New("document too large")
	ErrTooManyOperations  = errors.New("too many operations")
	ErrTooDeep            = errors.New("document nested too deeply")
	ErrUnsupportedVersion = errors.New("unsupported OpenAPI version")
)

// Options bounds the work done on a document. Zero fields take the defaults.
type Options struct {
	// MaxBytes is the largest accepted document; larger is ErrTooLarge.
	MaxBytes int64
	// MaxOperations is the most operations accepted. A document with more
	// is rejected with ErrTooManyOperations (the message gives the count)
	// rather than silently probed in part.
	MaxOperations int
	// MaxNesting is the deepest accepted nesting of objects and arrays in
	// the document text; deeper is ErrTooDeep.
	MaxNesting int
	// MaxSchemaNodes caps the schema nodes built in total.
	MaxSchemaNodes int
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxOperations <= 0 {
		o.MaxOperations = DefaultMaxOperations
	}
	if o.MaxNesting <= 0 {
		o.MaxNesting = DefaultMaxNesting
	}
	if o.MaxSchemaNodes <= 0 {
		o.MaxSchemaNodes = DefaultMaxSchemaNodes
	}
	return o
}

// Parse reads an OpenAPI 3.x document (JSON or YAML) with the default bounds.
func Parse(data []byte) (*Spec, error) {
	return Options{}.Parse(data)
}

// libMu serialises use of libopenapi, which keeps package-level caches that
// BuildV3Model clears.
var libMu sync.Mutex

// Parse reads an OpenAPI 3.x document (JSON or YAML) within o's bounds.
func (o Options) Parse(data []byte) (spec *Spec, err error) {
	o = o.withDefaults()
	if int64(len(data)) > o.MaxBytes {
		return nil, fmt.Errorf("openapi: %w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)
	}
	if err := checkNesting(data, o.MaxNesting); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	libMu.Lock()
	defer libMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("openapi: document could not be read (parser panic: %v)", r)
		}
	}()
	doc, warnings, err := build(data)
	if err != nil {
		return nil, err
	}
	spec, err = convert(doc, o)
	if err != nil {
		return nil, err
	}
	spec.Warnings = append(warnings, spec.Warnings...)
	return spec, nil
}

// build runs libopenapi over data. Circular-reference reports are returned
// as warnings: the model is complete and convert bounds the recursion.
func build(data []byte) (*v3.Document, []string, error) {
	cfg := datamodel.NewDocumentConfiguration()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.AllowFileReferences = false
	cfg.AllowRemoteReferences = false
	cfg.SkipExternalRefResolution = true
	doc, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: not an OpenAPI document: %w", err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.") {
		return nil, nil, fmt.Errorf("openapi: %w %q (want 3.x)", ErrUnsupportedVersion, v)
	}
	model, err := doc.BuildV3Model()
	if model == nil {
		if err == nil {
			err = errors.New("no model built")
		}
		return nil, nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	var warnings []string
	if err != nil {
		for _, e := range unwrapAll(err) {
			warnings = append(warnings, e.Error())
		}
	}
	return &model.Model, warnings, nil
}

// unwrapAll flattens errors.Join trees.
func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}

// Load reads the document at source with the default bounds. source is a
// file path or an http(s) URL; URLs are read with fetch, which the caller
// implements with its scoped client (capping the body at
// DefaultMaxBytes+1). Load makes no network calls itself.
func Load(ctx context.Context, source string, fetch func(ctx context.Context, url string) ([]byte, error)) (*Spec, error) {
	return Options{}.Load(ctx, source, fetch)
}

// Load is Load within o's bounds.
func (o Options) Load(ctx context.Context, source string, fetch func(ctx context.Context, url string) ([]byte, error)) (*Spec, error) {
	o = o.withDefaults()
	var data []byte
	if isURL(source) {
		if fetch == nil {
			return nil, fmt.Errorf("openapi: load %s: no fetch function for URLs", source)
		}
		b, err := fetch(ctx, source)
		if err != nil {
			return nil, fmt.Errorf("openapi: fetch %s: %w", source, err)
		}
		data = b
	} else {
		b, err := readFileCapped(source, o.MaxBytes)
		if err != nil {
			return nil, fmt.Errorf("openapi: read %s: %w", source, err)
		}
		data = b
	}
	spec, err := o.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return spec, nil
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// readFileCapped reads at most limit+1 bytes so an oversized file is
// reported by Parse without being read whole.
func readFileCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}
